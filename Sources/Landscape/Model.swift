import Foundation
import Symbolic
import TOMLKit

/// A model fitted to data (`[model]` and `[data]` of a problem file): its parameters are the
/// problem's variables and its loss the mean over the training rows of a per-row loss.
public struct Model: Sendable {
    public enum Architecture: Sendable, Equatable {
        /// `nn.Sequential(nn.Linear, act, nn.Linear, ...)` with these layer widths.
        case mlp(layers: [Int], activation: Function)
        /// One `nn.Linear(inputs, 1)`: least squares.
        case linear(inputs: Int)
        /// One `nn.Linear(inputs, 1)` as the logit of a Bernoulli label.
        case logistic(inputs: Int)
        /// The prediction written as an expression in the data's inputs and named parameters.
        case expression(text: String)
    }

    /// The per-row loss; its mean over the rows is the problem's loss.
    public enum Loss: String, Sendable {
        /// (prediction − target)², as `nn.MSELoss()`.
        case mse
        /// softplus(z) − target·z for the logit z, as `nn.BCEWithLogitsLoss()`.
        case bce
    }

    /// A named block of parameters, as PyTorch holds them: a layer's weight (out × in, row-major)
    /// or bias. `range` is where it sits in θ.
    public struct Block: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        /// The name `nn.Sequential(...).named_parameters()` gives it (`0.weight`).
        public let torchName: String
        public let range: Range<Int>
    }

    public let architecture: Architecture
    public let loss: Loss
    public let blocks: [Block]
    public let train: DataSet
    /// Held-out rows; nil when `[data]` gives none.
    public let test: DataSet?
    /// The seeded start like PyTorch's default initialisation (U(±1/√fan_in) for every weight and
    /// bias of a layer); nil for an expression model, which starts at the domain's centre.
    public let initialization: [Double]?
    /// Layer widths from inputs to output (empty for an expression model).
    let widths: [Int]
    /// Whether every layer's weight is weight-normalised, w_i = g_i v_i / ‖v_i‖ per output unit
    /// (Salimans and Kingma 2016; torch.nn.utils.parametrizations.weight_norm).
    public let weightNorm: Bool

    /// The initialisation like PyTorch's default with another seed: every weight and bias of a
    /// layer uniform in ±1/√fan_in, drawn in parameter order; nil for an expression model.
    public func initialization(seed: UInt64) -> [Double]? {
        widths.isEmpty ? nil : Model.torchLikeStart(widths: widths, weightNorm: weightNorm, seed: seed)
    }

    /// Each layer's weight (out × in) then bias drawn uniformly in ±1/√fan_in, as
    /// nn.Linear.reset_parameters draws them (with flatlab's generator, not torch's), laid out in
    /// parameter order: weight, bias; or with weight normalisation as torch's weight_norm starts,
    /// bias, g = each row's norm, v = the weight.
    static func torchLikeStart(widths: [Int], weightNorm: Bool, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var start: [Double] = []
        for l in 1..<widths.count {
            let (out, fanIn) = (widths[l], widths[l - 1])
            let bound = 1 / Double(fanIn).squareRoot()
            let w = (0..<(out * fanIn)).map { _ in -bound + 2 * bound * rng.uniform() }
            let b = (0..<out).map { _ in -bound + 2 * bound * rng.uniform() }
            if weightNorm {
                let norms = (0..<out).map { i in (0..<fanIn).map { w[i * fanIn + $0] * w[i * fanIn + $0] }.reduce(0, +).squareRoot() }
                start += b + norms + w
            } else {
                start += w + b
            }
        }
        return start
    }

    /// One line: `mlp 1-6-1, tanh, mse on 24 rows`.
    public var summary: String {
        let arch: String
        switch architecture {
        case .mlp(let layers, let f): arch = "mlp \(layers.map(String.init).joined(separator: "-")), \(f.rawValue)" + (weightNorm ? ", weight-normalised" : "")
        case .linear(let n): arch = "linear, \(n) input\(n == 1 ? "" : "s")" + (weightNorm ? ", weight-normalised" : "")
        case .logistic(let n): arch = "logistic, \(n) input\(n == 1 ? "" : "s")" + (weightNorm ? ", weight-normalised" : "")
        case .expression(let text): arch = "prediction \(text)"
        }
        return "\(arch), \(loss.rawValue) loss, mean over \(train.rowCount) training row\(train.rowCount == 1 ? "" : "s")"
    }

    /// The most parameters a network may have: the graph, the Hessian-vector products and the
    /// N-D measures are built for small networks.
    public static let maxParameters = 20_000

    static let keys = ["kind", "layers", "activation", "loss", "parameters", "seed", "weight_norm"]
    static let dataKeys = ["train", "test", "generate", "inputs", "range", "noise", "n", "n_test", "seed", "labels"]
    static let activations: [String: Function] = ["tanh": .tanh, "relu": .relu, "sigmoid": .sigmoid, "softplus": .softplus]

    /// What `Problem(toml:file:)` needs from a model: parameter names and nodes, the per-row loss
    /// and prediction, and the data bound to its columns.
    struct Built {
        let model: Model
        let names: [String]
        let nodes: [NodeID]
        let loss: NodeID
        let columns: [NodeID]
    }

    /// Reads `[model]` and `[data]` into `graph`.
    static func build(model modelTable: TOMLTable, data dataValue: TOMLValueConvertible?, file: String, graph: Graph) throws -> Built {
        let reader = TableReader(file: file)
        try reader.rejectUnknown(modelTable, known: keys, prefix: "model")
        guard let dataTable = dataValue?.table else {
            throw ProblemError(file: file, key: "data", message: dataValue == nil
                               ? "missing; a [model] is fitted to data: give [data] train = \"FILE.csv\" (and test), or a generate rule"
                               : "must be a table")
        }
        try reader.rejectUnknown(dataTable, known: dataKeys, prefix: "data")
        let (train, test) = try readData(dataTable, file: file, reader: reader)

        // The columns: data variables, checked against built-in names.
        for name in train.columns { try reader.checkNewName(name, key: "data", taken: []) }
        let columnNodes = train.columns.map { graph.variable($0) }
        let inputNodes = Array(columnNodes.dropLast()), target = columnNodes.last!

        let kindText = try reader.string(modelTable, "kind", prefix: "model") ?? "mlp"
        let lossText = try reader.string(modelTable, "loss", prefix: "model")
        var loss: Loss
        if let lossText {
            guard let l = Loss(rawValue: lossText) else {
                throw ProblemError(file: file, key: "model.loss", message: "unknown loss '\(lossText)' (known: mse, bce)")
            }
            loss = l
        } else {
            loss = kindText == "logistic" ? .bce : .mse
        }
        // Checked as [data] seed is: a whole number from 0 to 2^53 (a float beyond that, NaN or
        // infinity once trapped converting to UInt64).
        let seedValue = try reader.number(modelTable, "seed", prefix: "model") ?? 0
        guard seedValue >= 0, seedValue == seedValue.rounded(), seedValue < 0x1p53 else {
            throw ProblemError(file: file, key: "model.seed", message: "must be a whole number, 0 or more")
        }
        let seed = UInt64(seedValue)

        var names: [String] = [], blocks: [Block] = []
        var modelWidths: [Int] = [], usesWeightNorm = false
        var architecture: Architecture
        var prediction: NodeID
        var initialization: [Double]?
        func layerBlocks(_ widths: [Int]) -> [[Int]] {
            // One (out, in) pair per layer, in PyTorch's order: weight then bias.
            (1..<widths.count).map { [widths[$0], widths[$0 - 1]] }
        }
        switch kindText {
        case "mlp", "linear", "logistic":
            if modelTable["parameters"] != nil {
                throw ProblemError(file: file, key: "model.parameters", message: "only an expression model names its parameters; an \(kindText) model's are its layers' weights and biases")
            }
            let inputs = train.inputs.count
            var widths: [Int], activation = Function.tanh
            if kindText == "mlp" {
                guard let layers = try reader.vector(modelTable, "layers", prefix: "model") else {
                    throw ProblemError(file: file, key: "model.layers", message: "missing; give the widths from inputs to output, as in layers = [\(inputs), 6, 1]")
                }
                guard layers.count >= 2, layers.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 <= 10_000 }) else {
                    throw ProblemError(file: file, key: "model.layers", message: "must be at least two whole widths of 1 or more, as in [\(inputs), 6, 1]")
                }
                widths = layers.map { Int($0) }
                guard widths[0] == inputs else {
                    throw ProblemError(file: file, key: "model.layers",
                                       message: "starts with \(widths[0]) input\(widths[0] == 1 ? "" : "s") but \(train.source) has \(inputs) input column\(inputs == 1 ? "" : "s") (\(train.inputs.joined(separator: ", "))) before the target \(train.target)")
                }
                guard widths.last == 1 else {
                    throw ProblemError(file: file, key: "model.layers", message: "must end with 1: the model predicts the one target column")
                }
                // Every width may be 10 000, but not their product: [1, 10000, 10000, 1] is 10^8
                // parameters, a graph that grew past 4.9 GB without a word.
                let parameters = (1..<widths.count).reduce(0) { $0 + widths[$1] * (widths[$1 - 1] + 1) }
                guard parameters <= Model.maxParameters else {
                    throw ProblemError(file: file, key: "model.layers", message: "makes \(parameters) parameters; flatlab's exact derivatives and measures are for small networks, at most \(Model.maxParameters)")
                }
                let name = try reader.string(modelTable, "activation", prefix: "model") ?? "tanh"
                guard let f = activations[name] else {
                    throw ProblemError(file: file, key: "model.activation", message: "unknown activation '\(name)' (known: relu, sigmoid, softplus, tanh)")
                }
                activation = f
                architecture = .mlp(layers: widths, activation: f)
            } else {
                for key in ["layers", "activation"] where modelTable[key] != nil {
                    throw ProblemError(file: file, key: "model.\(key)", message: "a \(kindText) model has one layer and no activation; use kind = \"mlp\" for more")
                }
                if kindText == "logistic" && loss != .bce {
                    throw ProblemError(file: file, key: "model.loss", message: "a logistic model's loss is bce")
                }
                widths = [inputs, 1]
                architecture = kindText == "linear" ? .linear(inputs: inputs) : .logistic(inputs: inputs)
            }
            // Parameters and the forward pass, layer by layer (a hidden layer is h = act(W h + b)).
            let weightNorm = modelTable["weight_norm"]?.bool ?? false
            if modelTable["weight_norm"] != nil && modelTable["weight_norm"]?.bool == nil {
                throw ProblemError(file: file, key: "model.weight_norm", message: "must be true or false")
            }
            var hidden = inputNodes
            for (l, shape) in layerBlocks(widths).enumerated() {
                let (out, fanIn) = (shape[0], shape[1])
                func block(_ name: String, _ shape: [Int], _ torch: String, _ names_: (Int) -> String) -> [NodeID] {
                    let first = names.count
                    let count = shape.reduce(1, *)
                    let nodes = (0..<count).map { k -> NodeID in
                        names.append(names_(k))
                        return graph.variable(names.last!)
                    }
                    blocks.append(Block(name: name, shape: shape, torchName: torch, range: first..<names.count))
                    return nodes
                }
                // PyTorch's Sequential counts the activation modules: layer l is module 2l.
                let module = "\(2 * l)", n = l + 1
                var weights: [[NodeID]]
                let biases: [NodeID]
                if weightNorm {
                    // torch.nn.utils.parametrizations.weight_norm's order: bias, g, v.
                    biases = block("b\(n)", [out], "\(module).bias") { "b\(n)_\($0)" }
                    let g = block("g\(n)", [out, 1], "\(module).parametrizations.weight.original0") { "g\(n)_\($0)" }
                    let v = block("v\(n)", [out, fanIn], "\(module).parametrizations.weight.original1") { "v\(n)_\($0 / fanIn)_\($0 % fanIn)" }
                    weights = (0..<out).map { i in
                        let row = Array(v[(i * fanIn)..<((i + 1) * fanIn)])
                        let norm = graph.apply(.sqrt, graph.sum(row.map { graph.pow($0, 2) }))
                        return row.map { graph.div(graph.mul(g[i], $0), norm) }
                    }
                } else {
                    let w = block("w\(n)", [out, fanIn], "\(module).weight") { "w\(n)_\($0 / fanIn)_\($0 % fanIn)" }
                    biases = block("b\(n)", [out], "\(module).bias") { "b\(n)_\($0)" }
                    weights = (0..<out).map { i in Array(w[(i * fanIn)..<((i + 1) * fanIn)]) }
                }
                let last = l == widths.count - 2
                hidden = (0..<out).map { i in
                    let z = graph.add(graph.sum(zip(weights[i], hidden).map { graph.mul($0, $1) }), biases[i])
                    return last ? z : graph.apply(activation, z)
                }
            }
            modelWidths = widths
            usesWeightNorm = weightNorm
            prediction = hidden[0]
            initialization = torchLikeStart(widths: widths, weightNorm: weightNorm, seed: seed)
        default:
            // A bare word that is not a known kind is a mistake, not a prediction in one variable.
            if modelTable["parameters"] == nil, kindText.allSatisfy({ $0.isLetter }) {
                let hint = nearest(to: kindText, among: ["mlp", "linear", "logistic"]).map { "did you mean '\($0)'? " } ?? ""
                throw ProblemError(file: file, key: "model.kind",
                                   message: "unknown kind '\(kindText)'; \(hint)kind is mlp, linear, logistic, or the prediction as an expression with parameters = [...]")
            }
            guard let list = modelTable["parameters"]?.array?.map({ $0.string }), !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
                let known = "kind is mlp, linear, logistic, or the prediction as an expression in the inputs (\(train.inputs.joined(separator: ", "))) and parameters"
                throw ProblemError(file: file, key: "model.parameters",
                                   message: modelTable["parameters"] == nil ? "missing; \(known), listed as parameters = [\"a\", \"b\"]" : "must be a non-empty array of names, as in [\"a\", \"b\"]")
            }
            for key in ["layers", "activation", "weight_norm"] where modelTable[key] != nil {
                throw ProblemError(file: file, key: "model.\(key)", message: "an expression model has no layers; its prediction is the expression in kind")
            }
            names = list.map { $0! }
            for n in names { try reader.checkNewName(n, key: "model.parameters", taken: train.columns) }
            if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                throw ProblemError(file: file, key: "model.parameters", message: "'\(dup)' is listed twice")
            }
            blocks = names.enumerated().map { Block(name: $1, shape: [], torchName: $1, range: $0..<($0 + 1)) }
            prediction = try reader.expression(kindText, key: "model.kind", graph: graph,
                                               scope: NameScope(variables: names + train.inputs, lets: [:]))
            architecture = .expression(text: kindText)
        }
        if loss == .bce {
            // Binary cross-entropy needs targets in [0, 1] (labels, or soft labels): with others
            // the loss has no lower bound.
            for d in [train] + (test.map { [$0] } ?? []) {
                if let r = d.values.last!.firstIndex(where: { !(0...1).contains($0) }) {
                    throw ProblemError(file: file, key: "model.loss", message: "bce needs targets from 0 to 1, but \(d.target) is \(d.values.last![r]) in row \(r + 1) of \(d.source)")
                }
            }
        }
        // A data column named like a parameter (w1_0_0, b2_0) would be one variable of the graph
        // with it, and the loss silently another: refused for every kind, as expression models
        // refuse it when their parameters are listed.
        if let clash = train.columns.first(where: { names.contains($0) }) {
            throw ProblemError(file: file, key: "data", message: "the column '\(clash)' of \(train.source) has the name of a parameter of the model; rename the column")
        }
        let perRow: NodeID
        switch loss {
        case .mse: perRow = graph.pow(graph.sub(prediction, target), 2)
        case .bce: perRow = graph.sub(graph.apply(.softplus, prediction), graph.mul(target, prediction))
        }
        let model = Model(architecture: architecture, loss: loss, blocks: blocks, train: train, test: test,
                          initialization: initialization, widths: modelWidths, weightNorm: usesWeightNorm)
        return Built(model: model, names: names, nodes: names.map { graph.variable($0) }, loss: perRow, columns: columnNodes)
    }

    /// The training set and the test set, from `[data]` (files or a generate rule).
    static func readData(_ table: TOMLTable, file: String, reader: TableReader) throws -> (DataSet, DataSet?) {
        // Relative to the problem file, written as the problem's path was (so errors name the
        // file as the user would).
        let folder = (file as NSString).deletingLastPathComponent
        func path(_ name: String) -> String {
            name.hasPrefix("/") || folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        }
        if let trainName = try reader.string(table, "train", prefix: "data") {
            for key in ["generate", "inputs", "range", "noise", "n", "n_test", "seed", "labels"] where table[key] != nil {
                throw ProblemError(file: file, key: "data.\(key)", message: "belongs to a generate rule; data read from train = \"\(trainName)\" takes none")
            }
            let train = try DataSet.read(csv: path(trainName))
            guard let testName = try reader.string(table, "test", prefix: "data") else { return (train, nil) }
            let test = try DataSet.read(csv: path(testName))
            guard test.columns == train.columns else {
                throw ProblemError(file: test.source, key: nil,
                                   message: "the header (\(test.columns.joined(separator: ", "))) does not match the training set's (\(train.columns.joined(separator: ", ")))")
            }
            return (train, test)
        }
        if table["test"] != nil {
            throw ProblemError(file: file, key: "data.test", message: "a test file needs a training file: give train = \"FILE.csv\" too")
        }
        guard let text = try reader.string(table, "generate", prefix: "data") else {
            throw ProblemError(file: file, key: "data", message: "give train = \"FILE.csv\" (with test = \"FILE.csv\"), or a rule: generate = \"sin(1.7*x)\", range, n")
        }
        var inputs = ["x"]
        if let v = table["inputs"] {
            guard let list = v.array?.map({ $0.string }), !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
                throw ProblemError(file: file, key: "data.inputs", message: "must be a non-empty array of names, as in [\"x\"]")
            }
            inputs = list.map { $0! }
        }
        for name in inputs { try reader.checkNewName(name, key: "data.inputs", taken: ["y"]) }
        guard let range = try reader.vector(table, "range", prefix: "data") else {
            throw ProblemError(file: file, key: "data.range", message: "missing; the inputs are drawn uniformly in it, as in range = [-3.0, 3.0]")
        }
        guard range.count == 2, range[0] < range[1], range.allSatisfy(\.isFinite) else {
            throw ProblemError(file: file, key: "data.range", message: "must be [min, max] with min < max")
        }
        func count(_ key: String, _ fallback: Int?) throws -> Int {
            guard let x = try reader.number(table, key, prefix: "data") else {
                if let fallback { return fallback }
                throw ProblemError(file: file, key: "data.\(key)", message: "missing; give the number of rows, as in \(key) = 24")
            }
            guard x == x.rounded(), x >= (key == "n" ? 1 : 0), x <= 100_000 else {
                throw ProblemError(file: file, key: "data.\(key)", message: "must be a whole number of rows from \(key == "n" ? 1 : 0) to 100000 (every step is a pass over the rows)")
            }
            return Int(x)
        }
        let n = try count("n", nil), nTest = try count("n_test", 200)
        let noise = try reader.number(table, "noise", prefix: "data") ?? 0
        guard noise >= 0, noise.isFinite else { throw ProblemError(file: file, key: "data.noise", message: "must be 0 or more") }
        let seed = try reader.number(table, "seed", prefix: "data") ?? 0
        guard seed >= 0, seed == seed.rounded(), seed < 0x1p53 else { throw ProblemError(file: file, key: "data.seed", message: "must be a whole number, 0 or more") }
        let labelsText = try reader.string(table, "labels", prefix: "data") ?? "value"
        guard let labels = DataSet.Rule.Labels(rawValue: labelsText) else {
            throw ProblemError(file: file, key: "data.labels", message: "unknown labels '\(labelsText)' (known: value, bernoulli)")
        }
        if labels == .bernoulli && noise > 0 {
            throw ProblemError(file: file, key: "data.noise", message: "bernoulli labels are drawn with the rule's value as probability; they take no noise")
        }
        let g = Graph()
        let node = try reader.expression(text, key: "data.generate", graph: g, scope: NameScope(variables: inputs, lets: [:]))
        let rule = DataSet.Rule(text: text, inputs: inputs, range: range[0]...range[1], noise: noise, labels: labels, seed: UInt64(seed), graph: g, node: node)
        return try rule.generate(n: n, nTest: nTest, file: file)
    }
}
