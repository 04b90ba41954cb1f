import Foundation
import Landscape
import Numerics
import Symbolic
import XCTest

/// Problems with [model] and [data]: the per-row tape against the loss written out row by row,
/// data errors with file, line and column, the generate rule, and the N-D measures against
/// closed forms.
final class ModelTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func problem(_ toml: String) throws -> Problem {
        try Problem.load(file: try write("p.toml", toml))
    }

    func error(_ toml: String) -> String {
        do {
            _ = try problem(toml)
            return "no error"
        } catch {
            return String(describing: error).replacingOccurrences(of: folder.path + "/", with: "")
        }
    }

    static let rows = "x,y\n-1,0.5\n0.25,-0.3\n2,1.5\n"

    /// The mean over rows equals the loss written as one expression with every row spelled out,
    /// evaluated and differentiated by the plain tapes (an independent construction).
    func testPerRowTapeEqualsTheLossWrittenOut() throws {
        _ = try write("d.csv", Self.rows)
        let p = try problem("""
            [model]
            kind = "a * tanh(b * x) + c"
            parameters = ["a", "b", "c"]
            [data]
            train = "d.csv"
            """)
        let data: [(Double, Double)] = [(-1, 0.5), (0.25, -0.3), (2, 1.5)]
        let written = data.map { "(a * tanh(b * (\($0.0))) + c - (\($0.1)))^2" }.joined(separator: " + ")
        let plain = try Problem(toml: """
            variables = ["a", "b", "c"]
            loss = "(\(written)) / 3"
            [domain]
            a = [-5, 5]
            b = [-5, 5]
            c = [-5, 5]
            """, file: "plain.toml")
        for theta in [[0.7, -1.3, 0.2], [2.0, 0.4, -1.0]] {
            let (l1, g1) = p.oracle.gradient(theta), (l2, g2) = plain.oracle.gradient(theta)
            XCTAssertEqual(l1, l2, accuracy: 1e-14)
            for (a, b) in zip(g1, g2) { XCTAssertEqual(a, b, accuracy: 1e-13) }
            let v = [0.3, -0.8, 1.1]
            for (a, b) in zip(p.oracle.hvp(theta, v).hv, plain.oracle.hvp(theta, v).hv) { XCTAssertEqual(a, b, accuracy: 1e-13) }
            // H∇L is a product of means, not a mean of per-row products.
            for (a, b) in zip(p.oracle.hessianGradient(theta).hg, plain.oracle.hessianGradient(theta).hg) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            for (ra, rb) in zip(p.oracle.hessian(theta), plain.oracle.hessian(theta)) {
                for (a, b) in zip(ra, rb) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            }
        }
        // A batch of points gives each point's own mean, bit for bit.
        let batch = p.oracle.lossTape.evaluate(batch: [[0.7, 2.0], [-1.3, 0.4], [0.2, -1.0]])[0]
        XCTAssertEqual(batch.map(\.bitPattern), [p.oracle.loss([0.7, -1.3, 0.2]), p.oracle.loss([2.0, 0.4, -1.0])].map(\.bitPattern))
    }

    /// The 2-D exact FOF needs the Jacobian of H∇L: for data it is H² plus the third derivatives
    /// along ∇L; checked against central differences of H∇L.
    func testGradientNormJacobianForDataMatchesFiniteDifferences() throws {
        _ = try write("d.csv", Self.rows)
        let p = try problem("""
            [model]
            kind = "a * tanh(b * x)"
            parameters = ["a", "b"]
            [data]
            train = "d.csv"
            """)
        let theta = [0.9, -0.6], h = 1e-5
        let jacobian = p.oracle.gradientNormJacobian(theta)
        for j in 0..<2 {
            var up = theta, down = theta
            up[j] += h
            down[j] -= h
            let (a, b) = (p.oracle.gradientNormGradient(up), p.oracle.gradientNormGradient(down))
            for i in 0..<2 { XCTAssertEqual(jacobian[i][j], (a[i] - b[i]) / (2 * h), accuracy: 1e-7) }
        }
    }

    func testParameterOrderAndInitialisationLikePyTorch() throws {
        let p = try problem("""
            [model]
            kind = "mlp"
            layers = [2, 3, 1]
            activation = "relu"
            [data]
            generate = "x + 2 * z"
            inputs = ["x", "z"]
            range = [-1, 1]
            n = 5
            """)
        XCTAssertEqual(p.variables, ["w1_0_0", "w1_0_1", "w1_1_0", "w1_1_1", "w1_2_0", "w1_2_1", "b1_0", "b1_1", "b1_2",
                                     "w2_0_0", "w2_0_1", "w2_0_2", "b2_0"])
        let m = try XCTUnwrap(p.model)
        XCTAssertEqual(m.blocks.map(\.torchName), ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(m.blocks.map(\.shape), [[3, 2], [3], [1, 3], [1]])
        // U(±1/√fan_in): fan_in 2 for the first layer, 3 for the second.
        let start = try XCTUnwrap(m.initialization)
        XCTAssertTrue(start[0..<9].allSatisfy { abs($0) <= 1 / 2.0.squareRoot() })
        XCTAssertTrue(start[9...].allSatisfy { abs($0) <= 1 / 3.0.squareRoot() })
        XCTAssertEqual(p.defaultStart, start)
        XCTAssertEqual(m.train.rowCount, 5)
        XCTAssertEqual(m.test?.rowCount, 200)
        // The prediction at one row by hand: relu hidden layer, then the linear output.
        let row = (m.train.values[0][0], m.train.values[1][0], m.train.values[2][0])
        let hidden = (0..<3).map { i in max(0, start[2 * i] * row.0 + start[2 * i + 1] * row.1 + start[6 + i]) }
        let prediction = (0..<3).map { start[9 + $0] * hidden[$0] }.reduce(0, +) + start[12]
        let single = try write("one.csv", "x,z,y\n\(row.0),\(row.1),\(row.2)\n")
        let one = try Problem.load(file: try write("one.toml", """
            [model]
            kind = "mlp"
            layers = [2, 3, 1]
            activation = "relu"
            [data]
            train = "\(single)"
            """))
        XCTAssertEqual(one.oracle.loss(start), (prediction - row.2) * (prediction - row.2), accuracy: 1e-14)
    }

    /// Weight normalisation: parameters in torch's weight_norm order (bias, g, v), the loss equal
    /// to the plain network's with w_i = g_i v_i / ‖v_i‖, and the start's g the norms of its v.
    func testWeightNormalisedNetworkEqualsThePlainOneAtTheSameWeights() throws {
        _ = try write("d.csv", Self.rows)
        let base = "[model]\nkind = \"mlp\"\nlayers = [1, 3, 1]\n[data]\ntrain = \"d.csv\"\n"
        let plain = try problem(base)
        let normalised = try Problem.load(file: try write("wn.toml", base.replacingOccurrences(of: "[data]", with: "weight_norm = true\n[data]")))
        XCTAssertEqual(normalised.model?.blocks.map(\.torchName), ["0.bias", "0.parametrizations.weight.original0", "0.parametrizations.weight.original1",
                                                                   "2.bias", "2.parametrizations.weight.original0", "2.parametrizations.weight.original1"])
        XCTAssertEqual(normalised.variables.prefix(7), ["b1_0", "b1_1", "b1_2", "g1_0", "g1_1", "g1_2", "v1_0_0"])
        // θ_wn = (b1, g1, v1, b2, g2, v2) and the plain weights it stands for.
        let (b1, g1, v1) = ([0.1, -0.2, 0.3], [1.5, 0.7, 2.0], [0.6, -1.1, 0.4])
        let (b2, g2, v2) = ([0.05], [1.3], [0.2, -0.5, 0.9])
        let w1 = zip(g1, v1).map { g, v in g * v / abs(v) }
        let n2 = v2.map { $0 * $0 }.reduce(0, +).squareRoot()
        let w2 = v2.map { g2[0] * $0 / n2 }
        let wn = b1 + g1 + v1 + b2 + g2 + v2
        XCTAssertEqual(normalised.oracle.loss(wn), plain.oracle.loss(w1 + b1 + w2 + b2), accuracy: 1e-14)
        // The start: g is each row's norm of v, so the network starts as the plain one would.
        let start = try XCTUnwrap(normalised.model?.initialization)
        let plainStart = try XCTUnwrap(plain.model?.initialization)
        XCTAssertEqual(normalised.oracle.loss(start), plain.oracle.loss(plainStart), accuracy: 1e-14)
        XCTAssertEqual(start[3..<6].map { $0 }, start[6..<9].map { abs($0) }, "g = |v| for one input")
    }

    func testGeneratedDataIsSeededAndBernoulliLabelsAreZeroOrOne() throws {
        let text = """
            [model]
            kind = "w * (x - c)"
            parameters = ["w", "c"]
            loss = "bce"
            [data]
            generate = "sigmoid((x - 0.5) / 0.2)"
            labels = "bernoulli"
            range = [-1, 2]
            n = 50
            n_test = 30
            seed = 4
            """
        let a = try problem(text), b = try problem(text)
        XCTAssertEqual(a.model!.train.values, b.model!.train.values)
        XCTAssertEqual(a.model!.test!.rowCount, 30)
        XCTAssertTrue(a.model!.train.values[1].allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertTrue(a.model!.train.values[0].allSatisfy { (-1...2).contains($0) })
        // bce on the logit: mean of softplus(z) - y z, by hand.
        let (xs, ys) = (a.model!.train.values[0], a.model!.train.values[1])
        var sum = 0.0
        for (x, y) in zip(xs, ys) {
            let z: Double = 3 * (x - 0.4)
            sum += Foundation.log(1 + Foundation.exp(z)) - y * z
        }
        let expected = sum / 50
        XCTAssertEqual(a.oracle.loss([3, 0.4]), expected, accuracy: 1e-13)
        let other = try problem(text.replacingOccurrences(of: "seed = 4", with: "seed = 5"))
        XCTAssertNotEqual(other.model!.train.values, a.model!.train.values)
    }

    func testDataErrorsNameFileLineAndColumn() throws {
        let model = "[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\n[data]\ntrain = \"d.csv\"\n"
        _ = try write("d.csv", "x,y\n1,2\n3\n")
        XCTAssertEqual(error(model), "d.csv: line 3: has 1 field but the header names 2 columns")
        _ = try write("d.csv", "x,y\n1,2\n3, abc\n")
        XCTAssertEqual(error(model), "d.csv: line 3, column 4: 'abc' in field 'y' is not a finite decimal number")
        _ = try write("d.csv", "x,y\n# a comment\n1,\n")
        XCTAssertEqual(error(model), "d.csv: line 3, column 3: field 'y' is empty")
        _ = try write("d.csv", "x,y\n1,0x10\n")
        XCTAssertEqual(error(model), "d.csv: line 2, column 3: '0x10' in field 'y' is not a finite decimal number")
        // Windows line endings read as any others.
        _ = try write("d.csv", "x,y\r\n1,2\r\n3,4\r\n")
        XCTAssertEqual(try problem(model).model?.train.values, [[1, 3], [2, 4]])
        _ = try write("d.csv", "x,y\r\n1,2\r\n3\r\n")
        XCTAssertEqual(error(model), "d.csv: line 3: has 1 field but the header names 2 columns")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.csv"), withIntermediateDirectories: true)
        XCTAssertEqual(error(model.replacingOccurrences(of: "d.csv", with: "dir.csv")), "dir.csv: is a folder, not a CSV file")
        _ = try write("d.csv", "x,2y\n1,2\n")
        XCTAssertEqual(error(model), "d.csv: line 1, column 3: the header must name the columns (letters, digits and _, starting with a letter); got '2y'")
        _ = try write("d.csv", "x,y\n")
        XCTAssertEqual(error(model), "d.csv: has a header but no rows of numbers")
        XCTAssertEqual(error(model.replacingOccurrences(of: "d.csv", with: "missing.csv")), "missing.csv: cannot read the data file (No such file or directory)")
        // A NUL byte in a field was read as the digits around it; a device has no rows.
        _ = try write("d.csv", "x,y\n1,2\n2,\u{0}3\n")
        XCTAssertEqual(error(model), "d.csv: line 3, column 3: '\\u{0}3' in field 'y' is not a finite decimal number")
        XCTAssertEqual(error(model.replacingOccurrences(of: "d.csv", with: "/dev/null")), "/dev/null: is not a regular file (a device, a pipe or a socket); give a CSV file")
        _ = try write("d.csv", "x,z,y\n1,2,3\n")
        XCTAssertEqual(error(model), "p.toml: model.layers: starts with 1 input but d.csv has 2 input columns (x, z) before the target y")
        _ = try write("d.csv", "x,y\n1,2\n")
        _ = try write("t.csv", "u,y\n1,2\n")
        XCTAssertEqual(error(model + "test = \"t.csv\"\n"), "t.csv: the header (u, y) does not match the training set's (x, y)")
        XCTAssertEqual(error(model.replacingOccurrences(of: "\"mlp\"", with: "\"a * relu(b * q)\"") .replacingOccurrences(of: "layers = [1, 4, 1]", with: "parameters = [\"a\", \"b\"]")),
                       "p.toml: model.kind: column 14: unknown name 'q'\n  a * relu(b * q)\n               ^")
        XCTAssertEqual(error("variables = [\"x\"]\nloss = \"x\"\n" + model), "p.toml: variables: not with [model]: a [model] gives the parameters and the loss")
        XCTAssertEqual(error("[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\nactivation = \"gelu\"\n[data]\ntrain = \"d.csv\"\n"),
                       "p.toml: model.activation: unknown activation 'gelu' (known: relu, sigmoid, softplus, tanh)")
        _ = try write("d.csv", "x,y\n1,0\n2,3\n")
        XCTAssertEqual(error("[model]\nkind = \"logistic\"\n[data]\ntrain = \"d.csv\"\n"),
                       "p.toml: model.loss: bce needs targets from 0 to 1, but y is 3.0 in row 2 of d.csv")
        XCTAssertEqual(error("[model]\nkind = \"mpl\"\n[data]\ntrain = \"d.csv\"\n"),
                       "p.toml: model.kind: unknown kind 'mpl'; did you mean 'mlp'? kind is mlp, linear, logistic, or the prediction as an expression with parameters = [...]")
        // A model seed that is not a whole number from 0 to 2^53 is named, not a crash (1e30 and
        // inf once trapped converting to UInt64; 1.5, -1 and nan were taken silently).
        _ = try write("d.csv", "x,y\n1,2\n")
        for seed in ["1e30", "inf", "nan", "18446744073709551615.0", "1.5", "-1"] {
            XCTAssertEqual(error("[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\nseed = \(seed)\n[data]\ntrain = \"d.csv\"\n"),
                           "p.toml: model.seed: must be a whole number, 0 or more", seed)
        }
        // A column named like a network's parameter (an input w1_0_0, a target b2_0) once shared
        // its variable, and the loss changed without a word.
        _ = try write("d.csv", "w1_0_0,y\n1,2\n2,3\n")
        XCTAssertEqual(error(model), "p.toml: data: the column 'w1_0_0' of d.csv has the name of a parameter of the model; rename the column")
        _ = try write("d.csv", "x,b2_0\n1,2\n2,3\n")
        XCTAssertEqual(error(model), "p.toml: data: the column 'b2_0' of d.csv has the name of a parameter of the model; rename the column")
        // Data too large for the loss is the file's mistake (exit 65), named at load, not a start
        // to change (it once said "choose another start", exit 64).
        let overflow = "p.toml: data: the training loss is infinite at the model's start: the data's values are too large for a loss in doubles (check the targets, range and noise)"
        XCTAssertEqual(error("[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\n[data]\ngenerate = \"x\"\nrange = [0, 1]\nn = 10\nnoise = 1e200\n"), overflow)
        _ = try write("d.csv", "x,y\n1,1e308\n2,1\n")
        XCTAssertEqual(error("[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\n[data]\ntrain = \"d.csv\"\n"), overflow)
        XCTAssertEqual(error("[model]\nkind = \"mlp\"\nlayers = [1, 4, 1]\n"),
                       "p.toml: data: missing; a [model] is fitted to data: give [data] train = \"FILE.csv\" (and test), or a generate rule")
        XCTAssertEqual(error("[model]\nkind = \"w * x\"\nparameters = [\"w\"]\nloss = \"bce\"\n[data]\ngenerate = \"2 * x\"\nlabels = \"bernoulli\"\nrange = [0, 1]\nn = 10\n"),
                       "p.toml: data.generate: is 1.7666216164272852 at x = 0.8833108082136426; bernoulli labels need a probability from 0 to 1")
    }

    /// L = ½ θᵀAθ: at 0, ZOF = ρ²λ_max/2 and FOF = ρ²λ_max exactly, the trace is tr A, and the
    /// average sharpness σ² tr A / 2; the N-D ascent and Monte Carlo must find them.
    func testNDMeasuresAgainstAQuadratic() throws {
        let p = try Problem(toml: """
            variables = ["a", "b", "c", "d"]
            loss = "0.5 * (3 * a^2 + b^2 + 0.5 * c^2 + 0.1 * d^2) + 0.4 * a * b"
            [domain]
            a = [-2, 2]
            b = [-2, 2]
            c = [-2, 2]
            d = [-2, 2]
            """, file: "quadratic.toml")
        let matrix: [[Double]] = [[3, 0.4, 0, 0], [0.4, 1, 0, 0], [0, 0, 0.5, 0], [0, 0, 0, 0.1]]
        let lambda = try SymmetricEigen.symmv(matrix).values.last!
        let (rho, sigma) = (0.1, 0.2)
        let m = try p.measures(at: [0, 0, 0, 0], rho: rho, sigma: sigma)
        XCTAssertFalse(m.exact)
        XCTAssertEqual(m.lambdaMax, lambda, accuracy: 1e-12)
        XCTAssertEqual(m.trace, 4.6, accuracy: 1e-12)
        XCTAssertEqual(m.traceMethod, "exact")
        XCTAssertEqual(m.zof, rho * rho * lambda / 2, accuracy: 1e-9)
        XCTAssertEqual(m.fof, rho * rho * lambda, accuracy: 1e-9)
        let error = try XCTUnwrap(m.avgSharpnessError)
        XCTAssertEqual(try XCTUnwrap(m.avgSharpness), sigma * sigma * 4.6 / 2, accuracy: 4 * error)
        // The stationary point descent finds from afar, and its inertia.
        let c = try XCTUnwrap(try p.stationaryPoint(from: [1.5, -1, 0.7, 1.9], reach: 1))
        XCTAssertEqual(c.kind, .minimum)
        XCTAssertTrue(c.theta.allSatisfy { abs($0) < 1e-8 })
        // Within 5% of the diagonal (0.4) only: that start is 2.7 away.
        XCTAssertNil(try p.stationaryPoint(from: [1.5, -1, 0.7, 1.9]))
        XCTAssertEqual(try p.stationaryPoint(from: [0.1, -0.1, 0.2, 0.1])?.kind, .minimum)
        // Started at a saddle (∇L = 0 there), the point is judged by its inertia: one negative
        // eigenvalue makes it a saddle.
        let saddle = try Problem(toml: "variables = [\"a\", \"b\", \"c\"]\nloss = \"a^2 - b^2 + c^2\"\n[domain]\na = [-1, 1]\nb = [-1, 1]\nc = [-1, 1]", file: "s.toml")
        XCTAssertEqual(try saddle.stationaryPoint(from: [0, 0, 0])?.kind, .saddle)
    }

    /// Lanczos and Hutchinson against the full spectrum of a diagonal-plus-rank-one operator.
    func testLanczosFindsTheTopEigenvalues() throws {
        let n = 300
        let d = (0..<n).map { 1 + Double($0) / Double(n) }
        let u = (0..<n).map { Foundation.sin(Double($0)) / (Double(n) / 2).squareRoot() }
        let apply: ([Double]) -> [Double] = { v in
            let c = zip(u, v).map { $0 * $1 }.reduce(0, +)
            return (0..<n).map { d[$0] * v[$0] + 5 * c * u[$0] }
        }
        var full = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { for j in 0..<n { full[i][j] = (i == j ? d[i] : 0) + 5 * u[i] * u[j] } }
        let exact = try SymmetricEigen.symmv(full).values
        let ritz = try lanczos(apply, dimension: n, steps: 60, seed: 3)
        XCTAssertEqual(ritz.last!, exact.last!, accuracy: 1e-9 * exact.last!)
    }
}

/// The one-layer kinds against their losses written by hand.
final class LinearModelTests: XCTestCase {
    func testLinearAndLogisticKinds() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-linear-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "u,v,y\n1,2,1\n-0.5,0.25,0\n2,-1,1\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        func load(_ kind: String) throws -> Problem {
            let path = folder.appendingPathComponent("\(kind).toml").path
            try "[model]\nkind = \"\(kind)\"\n[data]\ntrain = \"d.csv\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            return try Problem.load(file: path)
        }
        let rows: [(Double, Double, Double)] = [(1, 2, 1), (-0.5, 0.25, 0), (2, -1, 1)]
        let theta = [0.3, -0.7, 0.2]  // w1_0_0, w1_0_1, b1_0
        let linear = try load("linear"), logistic = try load("logistic")
        XCTAssertEqual(linear.variables, ["w1_0_0", "w1_0_1", "b1_0"])
        XCTAssertEqual(linear.model?.loss, .mse)
        XCTAssertEqual(logistic.model?.loss, .bce)
        var mse = 0.0, bce = 0.0
        for (u, v, y) in rows {
            let z = theta[0] * u + theta[1] * v + theta[2]
            mse += (z - y) * (z - y) / 3
            // Binary cross-entropy of sigmoid(z), as -y log p - (1 - y) log(1 - p).
            let p = 1 / (1 + Foundation.exp(-z))
            bce += -(y * Foundation.log(p) + (1 - y) * Foundation.log(1 - p)) / 3
        }
        XCTAssertEqual(linear.oracle.loss(theta), mse, accuracy: 1e-14)
        XCTAssertEqual(logistic.oracle.loss(theta), bce, accuracy: 1e-14)
    }
}
