import Foundation
import XCTest
@testable import Symbolic

/// VectorMath's kernels against glibc's libm, in ulp, over each function's domain and its edge cases.
final class VectorMathTests: XCTestCase {
    /// Distance in units in the last place: the count of doubles between a and b.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
        if a == b { return 0 }  // +0 and −0 too (the sign of zero is checked separately)
        func ordered(_ x: Double) -> Int64 {
            let i = Int64(bitPattern: x.bitPattern)
            return i < 0 ? Int64.min &- i : i
        }
        let d = ordered(a) &- ordered(b)
        return d.magnitude
    }

    /// A seeded generator of points: uniform in [-range, range] and log-uniform magnitudes.
    func points(count: Int, range: Double, seed: UInt64) -> [Double] {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var xs: [Double] = []
        for _ in 0..<count {
            xs.append((2 * next() - 1) * range)
            let magnitude = Foundation.exp((2 * next() - 1) * Foundation.log(range) * 1.2) * (next() < 0.5 ? -1 : 1)
            xs.append(magnitude)
        }
        return xs
    }

    let edges: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                           .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, 1e-17, -1e-17,
                           709.782712893384, 709.79, 710, -708.39, -745.13, -745.14, -746, 40, -40, 19.06, 20, 0.5 * .pi, .pi,
                           1e5, -1e5, 1e5 + 1, 1e6, 355, 1e300]

    func check(_ name: String, _ kernel: (Double) -> Double, _ reference: (Double) -> Double, range: Double,
               maxUlps: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        var worst: (UInt64, Double) = (0, 0)
        for x in edges + points(count: 20_000, range: range, seed: 7) {
            let k = kernel(x), r = reference(x)
            let d = ulps(k, r)
            if d > worst.0 { worst = (d, x) }
            if r == 0 && k == 0 {
                XCTAssertEqual(k.sign, r.sign, "\(name)(\(x)): sign of zero", file: file, line: line)
            }
        }
        XCTAssertLessThanOrEqual(worst.0, maxUlps, "\(name): \(worst.0) ulp at \(worst.1)", file: file, line: line)
    }

    func testKernelsAgreeWithLibm() {
        // SLEEF overflows to +∞ from ln(DBL_MAX) = 709.782712893384 on, where libm still gives
        // the largest double: the one documented edge.
        check("exp", VectorMath.exp, { $0 >= 709.782712893384 ? .infinity : Foundation.exp($0) }, range: 800, maxUlps: 1)
        check("expm1", VectorMath.expm1, Foundation.expm1, range: 720, maxUlps: 3)
        check("log", VectorMath.log, Foundation.log, range: 1e300, maxUlps: 2)
        check("sin", VectorMath.sin, Foundation.sin, range: 2e5, maxUlps: 2)
        check("cos", VectorMath.cos, Foundation.cos, range: 2e5, maxUlps: 2)
        check("tanh", VectorMath.tanh, Foundation.tanh, range: 30, maxUlps: 4)
        check("sigmoid", VectorMath.sigmoid, { x in x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) },
              range: 800, maxUlps: 4)
        check("softplus", VectorMath.softplus, { x in Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) },
              range: 800, maxUlps: 4)
    }

    /// Every `Function` has its CTape code and kernel: evaluated alone and through a batch tape,
    /// each agrees with its definition written here from Foundation (a function missing in
    /// ctape.c would come back NaN), and CTape knows exactly as many functions as Symbolic.
    func testEveryFunctionHasAKernel() {
        XCTAssertEqual(Function.allCases.count, Function.ctapeCount)
        XCTAssertEqual(Set(Function.allCases.map(\.ctapeCode)), Set((0..<Function.ctapeCount).map(UInt8.init)))
        let reference: [Function: (Double) -> Double] = [
            .exp: Foundation.exp, .log: Foundation.log, .sqrt: { $0.squareRoot() }, .sin: Foundation.sin, .cos: Foundation.cos,
            .tan: Foundation.tan, .atan: Foundation.atan, .sinh: Foundation.sinh, .cosh: Foundation.cosh, .tanh: Foundation.tanh,
            .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }, .softplus: { Foundation.log1p(Foundation.exp($0)) }, .abs: { Swift.abs($0) },
            .sign: { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }, .relu: { Swift.max($0, 0) }, .step: { $0 > 0 ? 1 : 0 },
        ]
        let xs = [-1.3, -0.4, 0.3, 0.5, 2.1]
        for f in Function.allCases {
            guard let g = reference[f] else { XCTFail("\(f) has no reference here"); continue }
            let graph = Graph(), x = graph.variable("x")
            let tape = Tape(graph: graph, outputs: [graph.apply(f, x)], inputs: [x])
            let batch = tape.evaluate(batch: [xs])[0]
            for (k, x) in xs.enumerated() where !((f == .log || f == .sqrt) && x <= 0) {
                let expected = g(x)
                XCTAssertLessThanOrEqual(ulps(f.evaluate(x), expected), 4, "\(f)(\(x)) = \(f.evaluate(x)), expected \(expected)")
                XCTAssertEqual(batch[k].bitPattern, f.evaluate(x).bitPattern, "\(f)(\(x)) in a batch")
            }
        }
    }

    /// The exact special values libm gives, spelled out.
    func testSpecialValues() {
        XCTAssertEqual(VectorMath.exp(-.infinity), 0)
        XCTAssertEqual(VectorMath.exp(.infinity), .infinity)
        XCTAssertEqual(VectorMath.exp(710), .infinity)
        XCTAssertEqual(VectorMath.exp(-746), 0)
        XCTAssertEqual(VectorMath.exp(0), 1)
        XCTAssertTrue(VectorMath.exp(.nan).isNaN)
        XCTAssertEqual(VectorMath.log(0), -.infinity)
        XCTAssertEqual(VectorMath.log(-0.0), -.infinity)
        XCTAssertTrue(VectorMath.log(-1).isNaN)
        XCTAssertEqual(VectorMath.log(.infinity), .infinity)
        XCTAssertEqual(VectorMath.log(1), 0)
        XCTAssertEqual(VectorMath.log(.leastNonzeroMagnitude), Foundation.log(Double.leastNonzeroMagnitude))
        XCTAssertEqual(VectorMath.tanh(.infinity), 1)
        XCTAssertEqual(VectorMath.tanh(-.infinity), -1)
        XCTAssertEqual(VectorMath.tanh(-0.0).sign, .minus)
        XCTAssertEqual(VectorMath.sin(-0.0).sign, .minus)
        XCTAssertTrue(VectorMath.sin(.infinity).isNaN)
        XCTAssertTrue(VectorMath.cos(.nan).isNaN)
        XCTAssertEqual(VectorMath.sigmoid(-800), 0)
        XCTAssertEqual(VectorMath.sigmoid(800), 1)
        XCTAssertEqual(VectorMath.softplus(800), 800)
        XCTAssertEqual(VectorMath.softplus(-800), 0)
    }

    /// A batch gives the same bits as its points one at a time, for every kernel (the batch loops
    /// are vectorised; the scalar path is not).
    func testBatchGivesTheScalarBits() throws {
        let g = Graph()
        let x = g.variable("x")
        let e = try g.parse("exp(x) + log(abs(x)) + sin(x) * cos(x) + tanh(x) + sigmoid(x) + softplus(x) + x^2")
        let tape = Tape(graph: g, outputs: [e] + g.gradient(of: e, wrt: [x]), inputs: [x])
        var xs = points(count: 600, range: 50, seed: 3)
        xs.append(contentsOf: [0, -0.0, 2e5, .nan])  // a block with a point beyond the trigonometric kernel's range
        let batch = tape.evaluate(batch: [xs])
        for (p, value) in xs.enumerated() {
            let scalar = tape.evaluate([value])
            for k in 0..<2 {
                XCTAssertEqual(batch[k][p].bitPattern, scalar[k].bitPattern, "output \(k) at \(value)")
            }
        }
    }

    /// A tape with softplus(u) and sigmoid(u) computes exp(−|u|) once for both; each keeps the
    /// bits of the function alone (`VectorMath.softplus`, `.sigmoid`, the scalar kernels), in a
    /// batch and at one point, on ordinary numbers and on the edges (±0, ±∞, NaN, overflow).
    func testSharedExponentialKeepsEachFunctionsBits() throws {
        let g = Graph()
        let x = g.variable("x")
        let u = try g.parse("3 * x - 1")
        let tape = Tape(graph: g, outputs: [g.apply(.softplus, u), g.apply(.sigmoid, u)], inputs: [x])
        XCTAssertEqual(tape.instructions.filter { $0.code == Tape.Code.expNegAbs.ctapeCode }.count, 1, "one shared exponential")
        XCTAssertFalse(tape.instructions.contains { $0.code == Tape.Code.function.ctapeCode }, "no separate softplus or sigmoid")
        var xs = points(count: 700, range: 300, seed: 5)
        xs += [0, -0.0, 1.0 / 3, .infinity, -.infinity, .nan, 1e300, -1e300, 240, -240, 5e-324]
        let batch = tape.evaluate(batch: [xs])
        for (p, value) in xs.enumerated() {
            let v = 3 * value - 1
            let one = tape.evaluate([value])
            for (k, expected) in [VectorMath.softplus(v), VectorMath.sigmoid(v)].enumerated() {
                XCTAssertEqual(batch[k][p].bitPattern, expected.bitPattern, "output \(k) at \(value), batch")
                XCTAssertEqual(one[k].bitPattern, expected.bitPattern, "output \(k) at \(value), one point")
            }
        }
    }

    /// CTape gives the same bits with SLEEF's scalar, SSE2, AVX and AVX-512 forms forced in turn, and
    /// built for plain x86-64, AVX2, AVX2 with FMA available, and AVX-512: the driver is built
    /// with the system's C compiler once per case (those this processor can run) and each build
    /// prints a hash of every function over 4096 points.
    func testSameBitsOnEveryInstructionSet() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let sources = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/CTape")
        guard let cc = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("no C compiler to build the driver with")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-isa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = arguments
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        // SLEEF's three forms forced one at a time (scalar, SSE2, AVX), then compiler targets.
        var sets: [[String]] = [["-DCTAPE_SLEEF_WIDTH=1"], ["-DCTAPE_SLEEF_WIDTH=2"]]
        if cpu.contains(" avx ") || cpu.contains(" avx2") { sets.append(["-DCTAPE_SLEEF_WIDTH=4"]) }
        if cpu.contains(" avx512f") { sets.append(["-DCTAPE_SLEEF_WIDTH=8"]) }
        if cpu.contains(" avx2") { sets.append(["-mavx2"]) }
        if cpu.contains(" avx2") && cpu.contains(" fma") { sets.append(["-mavx2", "-mfma"]) }
        if cpu.contains(" avx512f") { sets.append(["-mavx512f"]) }
        var hashes: [String: String] = [:]
        for (k, flags) in sets.enumerated() {
            let binary = folder.appendingPathComponent("driver\(k)").path
            let (status, message) = try run(cc, ["-O3", "-ffp-contract=off", "-fno-math-errno", "-DCTAPE_NO_CLONES"] + flags
                + ["-I", sources.appendingPathComponent("include").path, here.appendingPathComponent("isa-driver.c").path,
                   sources.appendingPathComponent("ctape.c").path, "-lsleef", "-lm", "-o", binary])
            XCTAssertEqual(status, 0, message)
            hashes[flags.joined(separator: " ").isEmpty ? "x86-64" : flags.joined(separator: " ")] = try run(binary, []).1
        }
        XCTAssertGreaterThan(hashes.count, 1, "this processor runs only one instruction set: nothing to compare")
        XCTAssertEqual(Set(hashes.values).count, 1, "\(hashes)")
    }
}
