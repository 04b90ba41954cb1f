import Foundation
@testable import Landscape
import Numerics
import XCTest

/// Beyond 2-D, ZOF and FOF are bracketed: a search gives a lower bound, an interval certificate
/// an upper one. Each side is checked against what is known independently.
final class BallSearchTests: XCTestCase {
    /// A quadratic bowl, whose values are closed forms: ZOF = 3ρ² (along z), FOF = ρ · 6ρ. The
    /// search reaches them, and the certificate is exact for a constant Hessian.
    func testABowlIsBracketedTightly() throws {
        let m = try MeasureTests.bowl3.measures(at: [0, 0, 0], rho: 0.5, sigma: 0.1)
        XCTAssertEqual(m.zof, 0.75, accuracy: 1e-12)
        XCTAssertEqual(m.fof, 1.5, accuracy: 1e-12)
        let zofUpper = try XCTUnwrap(m.zofUpperBound), fofUpper = try XCTUnwrap(m.fofUpperBound)
        XCTAssertGreaterThanOrEqual(zofUpper, 0.75)
        XCTAssertLessThanOrEqual(zofUpper, 0.75 * (1 + 1e-10))
        XCTAssertGreaterThanOrEqual(fofUpper, 1.5)
        XCTAssertLessThanOrEqual(fofUpper, 1.5 * (1 + 1e-10))
        XCTAssertEqual(m.zofUpperBoundMethod, "interval bounds on the Hessian over the box θ ± ρ and Taylor's theorem")
        // At a minimum the gradient gives first-order ascent no direction; the trust region's
        // top eigenvector does.
        XCTAssertEqual(m.zofFoundBy, "trust-region ascent from the centre")
        XCTAssertEqual(abs(m.zofArgmax[2]), 0.5, accuracy: 1e-9)
    }

    /// A narrow curved ridge y = x² (walls 10⁴ steep) whose highest point in the unit ball is on
    /// the sphere: first-order ascent crawls along it (0.41 of 0.786 in 200 steps); the
    /// trust-region ascent follows it to the top. The reference maximises over the circle
    /// x² + y² = 1 by a million-point scan and golden-section refinement; there is no interior
    /// maximum, since ∂L/∂y = 0 forces y = x² and then ∂L/∂x = 1.
    func testANarrowRidgeAtTheRimIsFound() throws {
        let k = 1e4
        let p = try Problem(toml: """
            variables = ["x", "y", "z", "w"]
            loss = "x - \(k) * (y - x^2)^2 - z^2 - w^2"
            [domain]
            x = [-2, 2]
            y = [-2, 2]
            z = [-2, 2]
            w = [-2, 2]
            """, file: "ridge.toml")
        let onCircle: (Double) -> Double = { let (x, y) = (cos($0), sin($0)); return x - k * (y - x * x) * (y - x * x) }
        let n = 1_000_000
        var best = (0..<n).map { 2 * Double.pi * Double($0) / Double(n) }.max { onCircle($0) < onCircle($1) }!
        var (a, b) = (best - 2e-5, best + 2e-5)
        for _ in 0..<100 {
            let (c, d) = (b - 0.618 * (b - a), a + 0.618 * (b - a))
            if onCircle(c) > onCircle(d) { b = d } else { a = c }
        }
        best = (a + b) / 2
        let (zof, argmax) = try p.oracle.zof(at: [0, 0, 0, 0], rho: 1)
        XCTAssertEqual(zof, onCircle(best), accuracy: 1e-9)
        XCTAssertLessThan(distance(argmax, [cos(best), sin(best), 0, 0]), 1e-6)
        let certificate = try XCTUnwrap(p.oracle.certificate(at: [0, 0, 0, 0], rho: 1))
        XCTAssertGreaterThanOrEqual(certificate.zof, zof)
    }

    /// The trust-region step solves its subproblem: compared with the best of 20000 points of the
    /// region's boundary and interior for an indefinite model, it is at least as high.
    func testTrustRegionStepMaximisesTheModel() throws {
        let p = try Problem(toml: "variables = [\"x\", \"y\", \"z\"]\nloss = \"x\"\n[domain]\nx = [-1, 1]\ny = [-1, 1]\nz = [-1, 1]", file: "l.toml")
        let h = [[1.0, 0.4, 0], [0.4, -2, 0.3], [0, 0.3, 0.5]], g = [0.3, -1, 0.2], radius = 0.7
        let model: ([Double]) -> Double = { d in zip(g, d).map(*).reduce(0, +) + 0.5 * zip(d, h.map { row in zip(row, d).map(*).reduce(0, +) }).map(*).reduce(0, +) }
        let d = p.oracle.trustRegionStep(gradient: g, eigen: try SymmetricEigen.symmv(h), radius: radius)
        XCTAssertLessThanOrEqual(norm(d), radius * (1 + 1e-12))
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20000 {
            let v = [rng.gaussian(), rng.gaussian(), rng.gaussian()]
            let r = radius * (rng.uniform() < 0.5 ? 1 : rng.uniform())
            let q = v.map { r * $0 / norm(v) }
            XCTAssertGreaterThanOrEqual(model(d), model(q) - 1e-12)
        }
        // A zero gradient with a positive eigenvalue (the hard case): a full step along it.
        let flat = p.oracle.trustRegionStep(gradient: [0, 0, 0], eigen: try SymmetricEigen.symmv(h), radius: radius)
        XCTAssertEqual(norm(flat), radius, accuracy: 1e-12)
    }

    /// In 1-D and 2-D the exact values are known, so the certificate is checked against them on
    /// every catalog landscape of one or two variables, at its start and at three seeded points.
    func testCertificatesHoldAgainstExactValues() throws {
        let folder = CatalogTests.folder
        var rng = SplitMix64(seed: 5)
        var checked = 0
        for name in Catalog(folders: [folder]).names() {
            let p = try Problem.load(file: folder.appendingPathComponent("\(name).toml").path)
            guard p.dimension <= 2, let start = p.defaults.vector("start"), let rho = p.defaults.number("rho") else { continue }
            let points = [start] + (0..<3).map { _ in p.domain.map { $0.lowerBound + rng.uniform() * ($0.upperBound - $0.lowerBound) } }
            for theta in points {
                let c = try XCTUnwrap(p.oracle.certificate(at: theta, rho: rho))
                let zof = try p.oracle.zof(at: theta, rho: rho).value, fof = try p.oracle.fof(at: theta, rho: rho).value
                XCTAssertGreaterThanOrEqual(c.zof, zof, "\(name) at \(theta)")
                XCTAssertGreaterThanOrEqual(c.fof, fof, "\(name) at \(theta)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }

    /// A ball that leaves the loss's domain (sqrt of a negative number) gets no bound: interval
    /// arithmetic would cover only the part where the loss is defined.
    func testNoBoundWhereTheLossIsUndefined() throws {
        let p = try Problem(toml: "variables = [\"x\", \"y\", \"z\"]\nloss = \"sqrt(x) + y^2 + z^2\"\n[domain]\nx = [0, 1]\ny = [-1, 1]\nz = [-1, 1]", file: "root.toml")
        let inside = try XCTUnwrap(p.oracle.certificate(at: [0.5, 0, 0], rho: 0.1))
        XCTAssertTrue(inside.zof.isFinite && inside.fof.isFinite)
        let across = try XCTUnwrap(p.oracle.certificate(at: [0.05, 0, 0], rho: 0.1))
        XCTAssertEqual(across.zof, .infinity)
        XCTAssertEqual(across.fof, .infinity)
        XCTAssertTrue(across.zofMethod.hasPrefix("none: the loss is not defined all over the box"), across.zofMethod)
    }

    /// The 19-parameter network is bracketed within 5%; the weight-normalised one, where the ball
    /// reaches v = 0, has a finite bound on ZOF (its loss is bounded) but none on FOF, and says so.
    func testNetworksAreBracketedOrSayWhyNot() throws {
        let folder = CatalogTests.folder
        let plain = try Problem.load(file: folder.appendingPathComponent("tiny-regression.toml").path)
        let start = try XCTUnwrap(plain.model?.initialization)
        let m = try plain.measures(at: start, rho: 0.05, sigma: 0.02)
        let zofUpper = try XCTUnwrap(m.zofUpperBound), fofUpper = try XCTUnwrap(m.fofUpperBound)
        XCTAssertGreaterThanOrEqual(zofUpper, m.zof)
        XCTAssertLessThanOrEqual(zofUpper, 1.05 * m.zof)
        XCTAssertGreaterThanOrEqual(fofUpper, m.fof)
        XCTAssertLessThanOrEqual(fofUpper, 1.1 * m.fof)
        let wn = try Problem.load(file: folder.appendingPathComponent("tiny-regression-wn.toml").path)
        let c = try XCTUnwrap(wn.oracle.certificate(at: MeasureTests.weightNormEnd, rho: 0.05))
        XCTAssertGreaterThanOrEqual(c.zof, 13.6)
        XCTAssertTrue(c.zof.isFinite)
        XCTAssertEqual(c.fof, .infinity)
        XCTAssertTrue(c.fofMethod.hasPrefix("none: interval arithmetic cannot bound ∇L"), c.fofMethod)
    }
}
