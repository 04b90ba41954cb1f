import Symbolic

/// A loss landscape: variables, a loss expression in one graph, a domain for searching and
/// plotting, an optional test loss and defaults for runs. Built from a problem file by
/// `Problem.load(file:)` or `Problem(toml:file:)`.
public struct Problem {
    /// The catalog name; for a `.toml` file, its stem.
    public let name: String
    public let title: String
    /// The file's `description`: what the landscape teaches.
    public let summary: String
    /// Where the problem came from (a path), for error messages.
    public let file: String
    /// Variable names; every θ, gradient and start is a vector in this order.
    public let variables: [String]
    /// The one expression graph holding the loss, the `[let]` subexpressions and an explicit test
    /// loss. For a model, the loss is the per-row loss in the parameters and the data's columns.
    public let graph: Graph
    /// The variables' nodes in `graph`, in `variables` order.
    public let variableNodes: [NodeID]
    public let loss: NodeID
    /// The loss as written in the file.
    public let lossText: String
    /// Named subexpressions in dependency order (each uses only earlier ones).
    public let lets: [Let]
    /// The box for searching and plotting: one [min, max] per variable, in `variables` order.
    public let domain: [ClosedRange<Double>]
    /// How test loss is defined; nil when the file has no `[test]` table.
    public let test: TestDefinition?
    /// The file's `[defaults]` as written: `RunSettings.check` validates them, not the loader.
    public let defaults: Defaults

    /// A named subexpression of `[let]`: its name, its text as written, and its node in `graph`.
    public struct Let {
        public let name: String
        public let text: String
        public let node: NodeID
    }

    /// Compiled evaluators for this problem's loss, derivatives and test loss, built once.
    public let oracle: Oracle
    /// The model and its data, for a problem with `[model]`; nil for a loss expression.
    public let model: Model?

    /// The range of a model's parameter that `[domain]` does not list.
    static let modelDomain: [Double] = [-5, 5]

    /// Where a run starts without `--start`: `[defaults] start` is applied by the settings; this
    /// is the model's seeded initialisation, or else the domain's centre.
    public var defaultStart: [Double] {
        model?.initialization ?? domain.map { ($0.lowerBound + $0.upperBound) / 2 }
    }

    public var dimension: Int { variables.count }

    /// Length of the domain box's diagonal: the scale for "close" in critical points and basins.
    public var diagonal: Double {
        domain.map { ($0.upperBound - $0.lowerBound) * ($0.upperBound - $0.lowerBound) }.reduce(0, +).squareRoot()
    }

    init(name: String, title: String, summary: String, file: String, variables: [String], graph: Graph,
         variableNodes: [NodeID], loss: NodeID, lossText: String, lets: [Let], domain: [ClosedRange<Double>],
         test: TestDefinition?, defaults: Defaults, model: Model? = nil, rows: Tape.Rows? = nil) {
        (self.name, self.title, self.summary, self.file) = (name, title, summary, file)
        (self.variables, self.graph, self.variableNodes, self.loss, self.lossText) = (variables, graph, variableNodes, loss, lossText)
        (self.lets, self.domain, self.test, self.defaults, self.model) = (lets, domain, test, defaults, model)
        oracle = Oracle(graph: graph, variables: variables, variableNodes: variableNodes, loss: loss, test: test, rows: rows)
    }

    /// Whether θ lies in the domain box.
    public func contains(_ theta: [Double]) -> Bool {
        zip(theta, domain).allSatisfy { $1.contains($0) }
    }
}

/// What the `[test]` table defines (DESIGN.md, "Generalisation keys"). Every problem also has
/// the random-shift proxy, the expected shifted loss E[L(θ + s)], s ~ N(0, σ²I), which needs no
/// entry.
public enum TestDefinition {
    /// A real held-out loss: an explicit expression in the problem's variables (`test_loss`).
    case loss(text: String, node: NodeID)
    /// One fixed shift of the landscape, L(θ + shift) (`shifted_loss`). Rankings by it can flip
    /// with the shift's direction and size.
    case shift([Double])
    /// The model's loss on held-out rows (`[data] test`): the same per-row loss, averaged over the
    /// test set instead of the training set.
    case heldOut(Tape.Rows)
}

/// Values from `[defaults]`, keyed by setting (`lr`, `weight-decay`), typed as the file wrote
/// them. Landscape does not know which keys exist: the run-settings table (Optimizers'
/// `RunSettings`) checks them, so a problem file names settings of layers above this one.
public struct Defaults: Sendable, Equatable {
    /// A typed value: in a problem file `steps = 300` is an integer and `lr = 1.0` a number.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case vector([Double])
        case word(String)
        case flag(Bool)
    }

    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) { self.values = values }

    /// The value of `key` as a number (an integer counts); nil when absent or not numeric.
    public func number(_ key: String) -> Double? {
        switch values[key] {
        case .number(let x): x
        case .integer(let n): Double(n)
        default: nil
        }
    }

    /// The value of `key` if it was written as a whole number (`3.0` is not); nil otherwise.
    public func integer(_ key: String) -> Int? {
        if case .integer(let n) = values[key] { return n }
        return nil
    }

    public func vector(_ key: String) -> [Double]? {
        if case .vector(let v) = values[key] { return v }
        return nil
    }

    public func word(_ key: String) -> String? {
        if case .word(let w) = values[key] { return w }
        return nil
    }

    public func flag(_ key: String) -> Bool? {
        if case .flag(let b) = values[key] { return b }
        return nil
    }
}

/// How much of a landscape lab can know exactly, which decides how it measures, judges and draws
/// one: the one place for what depends on the number of variables.
public enum Regime: Equatable, Sendable {
    /// One variable: every critical point found (GSL roots of L′), ZOF and FOF exact, the
    /// landscape drawn as the curve L(x).
    case curve
    /// Two variables: every critical point found (GSL's hybridsj on ∇L = 0), ZOF and FOF exact,
    /// the landscape drawn as a contour map.
    case surface
    /// More variables: stationary points by descent from where runs end, ZOF and FOF bracketed by
    /// a search and a certificate, the landscape drawn on a plane through parameter space.
    case space(dimensions: Int)

    public init(dimension: Int) {
        self = dimension == 1 ? .curve : dimension == 2 ? .surface : .space(dimensions: dimension)
    }

    /// True for a curve or a surface: measures are exact and every critical point is listed.
    public var isExact: Bool { if case .space = self { return false }; return true }
}

extension Problem {
    /// The problem's `Regime`.
    public var regime: Regime { Regime(dimension: dimension) }
}

extension Oracle {
    /// The `Regime` of the problem the oracle was compiled from.
    public var regime: Regime { Regime(dimension: dimension) }
}
