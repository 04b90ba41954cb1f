import Foundation
import Numerics
import XCTest

/// Every wrapper against a closed form, and its error path.
final class NumericsTests: XCTestCase {
    func testBrentAndSteffenson() throws {
        XCTAssertEqual(try Roots.brent({ $0 * $0 - 2 }, in: 0, 2), 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try Roots.steffenson({ $0 * $0 - 2 }, derivative: { 2 * $0 }, from: 1), 2.0.squareRoot(), accuracy: 1e-14)
        XCTAssertThrowsError(try Roots.brent({ $0 * $0 + 1 }, in: -1, 1)) {
            XCTAssertEqual($0 as? NumericsError, .invalidBracket(a: -1, b: 1))
        }
        XCTAssertThrowsError(try Roots.brent({ _ in .nan }, in: 0, 1)) {
            XCTAssertEqual($0 as? NumericsError, .nonFinite(routine: "gsl_root_fsolver_brent"))
        }
        // A function that is NaN inside the bracket: GSL reports it instead of aborting.
        XCTAssertThrowsError(try Roots.brent({ $0 > 0.3 && $0 < 0.7 ? .nan : $0 - 0.5 }, in: 0, 1)) { error in
            guard case .gsl(let routine, _, let reason)? = error as? NumericsError else { return XCTFail("\(error)") }
            XCTAssertEqual(routine, "gsl_root_fsolver_brent")
            XCTAssertEqual(reason, "problem with user-supplied function")  // gsl_strerror(GSL_EBADFUNC)
        }
    }

    func testAllRoots() throws {
        let cubic = try Roots.all({ ($0 - 1) * ($0 - 2) * ($0 - 3) }, derivative: { 3 * $0 * $0 - 12 * $0 + 11 }, in: 0, 4)
        XCTAssertEqual(cubic.count, 3)
        for (r, e) in zip(cubic, [1.0, 2, 3]) { XCTAssertEqual(r, e, accuracy: 1e-12) }
        let cosine = try Roots.all(cos, in: 0, 10)
        XCTAssertEqual(cosine.count, 3)
        for (r, k) in zip(cosine, [1.0, 3, 5]) { XCTAssertEqual(r, k * Double.pi / 2, accuracy: 1e-12) }
        // A double root: (x − 1)² touches zero without a sign change.
        let double = try Roots.all({ ($0 - 1) * ($0 - 1) }, in: -0.77, 3.1)
        XCTAssertEqual(double.count, 1)
        XCTAssertEqual(double.first ?? .nan, 1, accuracy: 1e-6)
        XCTAssertEqual(try Roots.all({ $0 * $0 + 1 }, in: -2, 2), [])
        XCTAssertThrowsError(try Roots.all({ $0 }, in: 1, 1)) {
            XCTAssertEqual($0 as? NumericsError, .invalidArgument(routine: "Roots.all", reason: "need a < b and at least 2 samples"))
        }
    }

    func testSteffensonErrorPaths() {
        // Newton from x0 on x² + 1 never converges; NaN derivatives are reported, not looped on.
        XCTAssertThrowsError(try Roots.steffenson({ $0 * $0 + 1 }, derivative: { 2 * $0 }, from: 0.5, maxIterations: 50)) { error in
            switch error as? NumericsError {
            case .didNotConverge(let routine, _)?, .nonFinite(let routine)?, .gsl(let routine, _, _)?:
                XCTAssertEqual(routine, "gsl_root_fdfsolver_steffenson")
            default: XCTFail("\(error)")
            }
        }
        XCTAssertThrowsError(try Roots.steffenson({ _ in .nan }, derivative: { _ in .nan }, from: 1)) { error in
            switch error as? NumericsError {
            case .nonFinite(let routine)?, .gsl(let routine, _, _)?: XCTAssertEqual(routine, "gsl_root_fdfsolver_steffenson")
            default: XCTFail("\(error)")
            }
        }
    }

    func testHybridsj() throws {
        // x² + y² = 4, x = y → (√2, √2).
        let root = try MultiRoots.hybridsj({ v in [v[0] * v[0] + v[1] * v[1] - 4, v[0] - v[1]] },
                                           jacobian: { v in [[2 * v[0], 2 * v[1]], [1, -1]] }, from: [1, 0.5])
        XCTAssertEqual(root[0], 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(root[1], 2.0.squareRoot(), accuracy: 1e-12)
        // ∇ of Rosenbrock (1 − x)² + 100(y − x²)² vanishes at (1, 1).
        let grad: ([Double]) -> [Double] = { v in
            let (x, y) = (v[0], v[1])
            return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
        }
        let hess: ([Double]) -> [[Double]] = { v in
            let (x, y) = (v[0], v[1])
            return [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200]]
        }
        let r = try MultiRoots.hybridsj(grad, jacobian: hess, from: [0.8, 0.6])
        XCTAssertEqual(r[0], 1, accuracy: 1e-10)
        XCTAssertEqual(r[1], 1, accuracy: 1e-10)
        // No root (x² + 1 = 0): the iteration fails and GSL's status comes back as an error,
        // never an abort.
        XCTAssertThrowsError(try MultiRoots.hybridsj({ [$0[0] * $0[0] + 1] }, jacobian: { [[2 * $0[0]]] }, from: [1])) { error in
            guard case .gsl(let routine, _, _)? = error as? NumericsError else { return XCTFail("\(error)") }
            XCTAssertEqual(routine, "gsl_multiroot_fdfsolver_hybridsj")
        }
        // A function that turns NaN: GSL_EBADFUNC with its text.
        XCTAssertThrowsError(try MultiRoots.hybridsj({ [$0[0] > 2 ? .nan : $0[0] - 3] }, jacobian: { _ in [[1]] }, from: [0])) { error in
            XCTAssertEqual(error as? NumericsError, .gsl(routine: "gsl_multiroot_fdfsolver_hybridsj", status: 9, reason: "problem with user-supplied function"))
        }
    }

    func testMinimize() throws {
        let m = try Minimize.brent({ ($0 - 1) * ($0 - 1) + 3 }, in: -2, 5, guess: 0)
        XCTAssertEqual(m.x, 1, accuracy: 1e-8)
        XCTAssertEqual(m.value, 3, accuracy: 1e-15)
        let s = try Minimize.brentGlobalMax(sin, in: 0, 2 * Double.pi)
        XCTAssertEqual(s.x, Double.pi / 2, accuracy: 1e-8)
        XCTAssertEqual(s.value, 1, accuracy: 1e-15)
        XCTAssertEqual(try Minimize.brentGlobalMax({ $0 }, in: 0, 1).x, 1)
        XCTAssertThrowsError(try Minimize.brent({ $0 }, in: 0, 1, guess: 0.5)) { error in
            guard case .gsl(_, _, let reason)? = error as? NumericsError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "invalid argument supplied by user")  // gsl_strerror(GSL_EINVAL)
        }
    }

    func testIntegration() throws {
        XCTAssertEqual(try Integrate.qags({ $0 * $0 * $0 }, from: 0, to: 1).value, 0.25, accuracy: 1e-14)
        XCTAssertEqual(try Integrate.qags(sin, from: 0, to: Double.pi).value, 2, accuracy: 1e-13)
        XCTAssertEqual(try Integrate.qags(log, from: 0, to: 1).value, -1, accuracy: 1e-12)
        XCTAssertEqual(try Integrate.qagi({ exp(-$0 * $0) }).value, Double.pi.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try Integrate.qagiu({ exp(-$0) }, from: 0).value, 1, accuracy: 1e-12)
        XCTAssertEqual(try Integrate.qagil({ exp($0) }, to: 0).value, 1, accuracy: 1e-12)
        // ∫ 1/(1 + x²) over the line is π; ∫ 1/|x| diverges, and QAGI reports GSL's reason.
        XCTAssertEqual(try Integrate.qagi({ 1 / (1 + $0 * $0) }).value, Double.pi, accuracy: 1e-10)
        XCTAssertThrowsError(try Integrate.qagi({ 1 / abs($0) })) { error in
            guard case .gsl(let routine, _, let reason)? = error as? NumericsError else { return XCTFail("\(error)") }
            XCTAssertEqual(routine, "gsl_integration_qagi")
            XCTAssertFalse(reason.isEmpty)
        }
        XCTAssertThrowsError(try Integrate.qags({ 1 / $0 }, from: 0, to: 1)) { error in
            guard case .gsl(let routine, _, let reason)? = error as? NumericsError else { return XCTFail("\(error)") }
            XCTAssertEqual(routine, "gsl_integration_qags")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    /// The tensor Gauss–Kronrod constants are right (exact on polynomials of degree 22 in each
    /// variable, on one rectangle), and adaptivity finds a feature far narrower than the box; a
    /// budget too small for the tolerance throws instead of returning an unvouched number.
    func testCubature() throws {
        let poly = try Cubature.integrate({ xs, ys in zip(xs, ys).map { pow($0, 22) * pow($1, 10) } }, x: 0...1, y: 0...1, acceptAbs: 1,
                                        initial: 1, maxRegions: 1)  // (one rectangle on purpose: its estimate is the Gauss part's error)
        XCTAssertEqual(poly.value, (1.0 / 23) * (1.0 / 11), accuracy: 1e-15)
        // The Gauss 7-point part alone is exact to degree 13: its error estimate vanishes there.
        let low = try Cubature.integrate({ xs, ys in zip(xs, ys).map { pow($0, 13) + pow($1, 12) } }, x: -1...2, y: 0...1, initial: 1, maxRegions: 1)
        XCTAssertEqual(low.value, (pow(2, 14) - 1) / 14 + 3.0 / 13, accuracy: 1e-12)
        XCTAssertLessThan(low.error, 1e-11)
        // A bump of width 0.05 off-centre in a box of side 8: ∫∫ = 2πs². (A feature narrower than
        // the first rectangles' node spacing can be missed altogether, as by any adaptive rule.)
        let s = 0.05
        let bump = try Cubature.integrate({ xs, ys in zip(xs, ys).map { exp(-(($0 - 0.37) * ($0 - 0.37) + ($1 + 1.1) * ($1 + 1.1)) / (2 * s * s)) } },
                                      x: -4...4, y: -4...4)
        XCTAssertEqual(bump.value, 2 * Double.pi * s * s, accuracy: 1e-12)
        // A square-root cusp with room for only 20 rectangles: not converged, and said so (with
        // the default budget it converges, to ∫∫ √|x − 0.3| = (0.3^1.5 + 0.7^1.5)·2/3).
        let cusp: ([Double], [Double]) -> [Double] = { xs, _ in xs.map { abs($0 - 0.3).squareRoot() } }
        XCTAssertEqual(try Cubature.integrate(cusp, x: 0...1, y: 0...1).value, (pow(0.3, 1.5) + pow(0.7, 1.5)) * 2 / 3, accuracy: 1e-6)
        XCTAssertThrowsError(try Cubature.integrate(cusp, x: 0...1, y: 0...1, initial: 2, maxRegions: 20)) {
            guard case NumericsError.didNotConverge(let routine, let n)? = $0 as? NumericsError else { return XCTFail("\($0)") }
            XCTAssertTrue(routine.hasPrefix("the adaptive cubature"), routine)
            XCTAssertEqual(n, 20)
        }
    }

    func testSymmetricEigen() throws {
        let (values, vectors) = try SymmetricEigen.symmv([[2, 1], [1, 2]])
        XCTAssertEqual(values[0], 1, accuracy: 1e-14)
        XCTAssertEqual(values[1], 3, accuracy: 1e-14)
        let a = [[2.0, 1], [1, 2]]
        for (lambda, v) in zip(values, vectors) {
            for i in 0..<2 { XCTAssertEqual(a[i][0] * v[0] + a[i][1] * v[1], lambda * v[i], accuracy: 1e-14) }
            XCTAssertEqual(abs(v[0]), 1 / 2.0.squareRoot(), accuracy: 1e-14)
        }
        XCTAssertEqual(try SymmetricEigen.symmv([[5, 0, 0], [0, -1, 0], [0, 0, 2]]).values, [-1, 2, 5])
        XCTAssertThrowsError(try SymmetricEigen.symmv([[1, 2], [3, 4]])) {
            XCTAssertEqual($0 as? NumericsError, .invalidArgument(routine: "gsl_eigen_symmv", reason: "the matrix is not symmetric (entries [1][0] and [0][1] differ)"))
        }
    }

    /// Each call owns its workspace, so parallel calls give the right answers.
    func testParallelCalls() {
        let n = 8
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: n) { k in
            let power = Double(k)
            results[k] = (try? Integrate.qags({ pow($0, power) }, from: 0, to: 1).value) ?? .nan
        }
        for k in 0..<n { XCTAssertEqual(results[k], 1 / Double(k + 1), accuracy: 1e-13) }
    }
}
