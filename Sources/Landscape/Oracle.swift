import Foundation
import Numerics
import Symbolic

/// Compiled evaluators for one problem: one tape per need, each sharing work between the outputs
/// it computes together (the gradient tape also yields the loss; the HVP tape yields loss,
/// gradient and H·v in one pass). The loss and gradient tapes are built with the problem; the
/// others when first asked for (a 100-parameter network never pays for an n² Hessian tape it does
/// not use). A value type and `Sendable`: analysis and optimizers may call it from several threads.
///
/// For a problem with data (`[model]` and `[data]`), every tape is the mean over the training
/// rows of a per-row tape (`Tape.Rows`). L, ∇L, H·v and H are means of per-row values; H∇L and
/// its Jacobian are not (they are products of means), so for data they are built from means:
/// H∇L = H·(∇L) with ∇L from a first pass, and its Jacobian H·H + ∂(H·v)/∂θ at v = ∇L.
public struct Oracle: Sendable {
    public let dimension: Int
    /// The variables' names, in θ's order.
    public var variables: [String] { lazy.variables }
    /// Inputs: θ. Output: L.
    public let lossTape: Tape
    /// Inputs: θ. Outputs: L, ∇L.
    public let gradientTape: Tape
    let lazy: LazyTapes
    let test: Test?

    enum Test: Sendable {
        case tape(Tape)
        case shift([Double])
    }

    /// Inputs: θ, v. Outputs: L, ∇L, H(θ)·v.
    public var hvpTape: Tape { lazy.tape(.hvp) }
    /// Inputs: θ. Outputs: H row-major.
    public var hessianTape: Tape { lazy.tape(.hessian) }
    /// Inputs: θ. Outputs: L, ∇L, H∇L in one pass: GAM's two Hessian-vector products are both
    /// along a gradient, so each is one pass of this tape instead of a gradient and an HVP. nil
    /// for a problem with data, where H∇L is not a mean over rows (`hessianGradient` then makes
    /// two passes).
    public var hessianGradientTape: Tape? { lazy.rows == nil ? lazy.tape(.hessianGradient) : nil }

    init(graph g: Graph, variables: [String], variableNodes vars: [NodeID], loss: NodeID, test definition: TestDefinition?,
         rows: Tape.Rows? = nil) {
        dimension = vars.count
        let gradient = g.gradient(of: loss, wrt: vars)
        lossTape = Tape(graph: g, outputs: [loss], inputs: vars, rows: rows)
        gradientTape = Tape(graph: g, outputs: [loss] + gradient, inputs: vars, rows: rows)
        lazy = LazyTapes(graph: g, variables: variables, variableNodes: vars, loss: loss, gradient: gradient, rows: rows)
        switch definition {
        case .loss(_, let node)?: test = .tape(Tape(graph: g, outputs: [node], inputs: vars))
        case .heldOut(let heldOut)?: test = .tape(Tape(graph: g, outputs: [loss], inputs: vars, rows: heldOut))
        case .shift(let s)?: test = .shift(s)
        case nil: test = nil
        }
    }

    /// L(θ), θ in the problem's variable order; a domain error gives NaN or ±∞, not a crash.
    public func loss(_ theta: [Double]) -> Double { lossTape.evaluate(theta)[0] }

    /// L(θ) and ∇L(θ) from one pass of the gradient tape; ∇L in the problem's variable order.
    public func gradient(_ theta: [Double]) -> (loss: Double, gradient: [Double]) {
        let out = gradientTape.evaluate(theta)
        return (out[0], Array(out[1...]))
    }

    /// Loss, gradient and H(θ)·v from one tape pass.
    public func hvp(_ theta: [Double], _ v: [Double]) -> (loss: Double, gradient: [Double], hv: [Double]) {
        let out = hvpTape.evaluate(theta + v)
        let n = dimension
        return (out[0], Array(out[1...n]), Array(out[(n + 1)...]))
    }

    /// L, ∇L and H(θ)∇L(θ): one tape pass, or for data a gradient pass and an HVP along it.
    public func hessianGradient(_ theta: [Double]) -> (loss: Double, gradient: [Double], hg: [Double]) {
        guard let tape = hessianGradientTape else {
            let (l, g) = gradient(theta)
            return (l, g, hvp(theta, g).hv)
        }
        let out = tape.evaluate(theta)
        let n = dimension
        return (out[0], Array(out[1...n]), Array(out[(n + 1)...]))
    }

    /// The Hessian H(θ) as rows: `[i][j]` = ∂²L/∂θᵢ∂θⱼ, indices in the problem's variable order.
    /// In 1-D and 2-D from the Hessian tape; with more variables column by column from n
    /// Hessian-vector products along the unit vectors (no n² tape), then symmetrised.
    public func hessian(_ theta: [Double]) -> [[Double]] {
        let n = dimension
        if n <= 2 {
            let flat = hessianTape.evaluate(theta)
            return (0..<n).map { Array(flat[($0 * n)..<(($0 + 1) * n)]) }
        }
        // One batch of n points, the same θ with the n unit directions.
        let columns = (0..<n).map { i in [Double](repeating: theta[i], count: n) }
            + (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        let out = hvpTape.evaluate(batch: columns)
        // out[1 + n + i][j] = (H e_j)_i = H[i][j].
        return (0..<n).map { i in (0..<n).map { j in 0.5 * (out[1 + n + i][j] + out[1 + n + j][i]) } }
    }

    /// Eigenvalues of the Hessian at θ, ascending (`gsl_eigen_symmv`). A Hessian that is not
    /// finite there is an error that says so (the loss is not twice differentiable at θ: a
    /// weight-normalised unit whose v is 0, a log of 0, ...).
    public func eigenvalues(_ theta: [Double]) throws -> [Double] {
        try eigensystem(theta).values
    }

    /// Eigenvalues (ascending) and unit eigenvectors of the Hessian at θ; `NonFiniteHessian`
    /// where it is not finite.
    public func eigensystem(_ theta: [Double]) throws -> (values: [Double], vectors: [[Double]]) {
        let h = hessian(theta)
        guard h.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw NonFiniteHessian() }
        return try SymmetricEigen.symmv(h)
    }

    /// H∇L, the gradient of ‖∇L‖²/2.
    public func gradientNormGradient(_ theta: [Double]) -> [Double] {
        lazy.rows == nil ? lazy.tape(.gradientNorm).evaluate(theta) : hessianGradient(theta).hg
    }

    /// The Jacobian of H∇L, row-major rows: H² plus the third derivatives along ∇L.
    public func gradientNormJacobian(_ theta: [Double]) -> [[Double]] {
        let n = dimension
        guard lazy.rows != nil else {
            let flat = lazy.tape(.gradientNormJacobian).evaluate(theta)
            return (0..<n).map { Array(flat[($0 * n)..<(($0 + 1) * n)]) }
        }
        let g = gradient(theta).gradient, h = hessian(theta)
        let third = lazy.tape(.hvpJacobian).evaluate(theta + g)
        return (0..<n).map { i in
            (0..<n).map { j in (0..<n).reduce(third[i * n + j]) { $0 + h[i][$1] * h[$1][j] } }
        }
    }

    /// Whether the problem defines a real held-out test loss (`[test] loss`).
    public var hasTestLoss: Bool { if case .tape? = test { return true }; return false }

    /// Whether the problem defines a fixed shift (`[test] shift`).
    public var hasShiftedLoss: Bool { if case .shift? = test { return true }; return false }

    /// The real held-out test loss at θ (`[test] loss`), or nil when the problem defines none.
    public func testLoss(_ theta: [Double]) -> Double? {
        if case .tape(let t)? = test { return t.evaluate(theta)[0] }
        return nil
    }

    /// L(θ + shift) for the problem's fixed shift (`[test] shift`), or nil without one.
    public func shiftedLoss(_ theta: [Double]) -> Double? {
        if case .shift(let s)? = test { return loss(zip(theta, s).map { $0 + $1 }) }
        return nil
    }

    /// The expected shifted loss E[L(θ + s)], s ~ N(0, σ²I): the honest model of a train/test
    /// shift on a landscape without data. It equals L(θ) + average sharpness at σ, so it is a
    /// proxy, not independent evidence. Exact in 1-D and 2-D; beyond, a seeded Monte Carlo mean
    /// (`gaussianExpectationEstimate` gives its standard error).
    public func expectedShiftedLoss(_ theta: [Double], sigma: Double) throws -> Double? {
        try gaussianExpectationEstimate(at: theta, sigma: sigma).value
    }

    /// The test loss, or the shifted loss, at many points at once (`columns[k][i]`: variable k of
    /// point i) through the batch tapes; nil when the problem defines neither.
    public func testOrShiftedLoss(batch columns: [[Double]]) -> [Double]? {
        switch test {
        case nil: return nil
        case .tape(let t)?: return t.evaluate(batch: columns)[0]
        case .shift(let s)?: return lossTape.evaluate(batch: zip(columns, s).map { c, d in c.map { $0 + d } })[0]
        }
    }

    /// Samples of the Monte Carlo expected shifted loss beyond 2-D.
    public static let shiftSamples = 512

    /// E[L(θ + δ)] for δ ~ N(0, σ²I) and its standard error: exact in 1-D and 2-D (error nil);
    /// with more variables a seeded Monte Carlo mean of `shiftSamples` draws, whose error is
    /// the standard error of the mean of L(θ + δ) − L(θ).
    public func gaussianExpectationEstimate(at theta: [Double], sigma: Double) throws -> (value: Double, error: Double?) {
        if let exact = try gaussianExpectation(at: theta, sigma: sigma) { return (exact, nil) }
        let n = dimension, k = Oracle.shiftSamples
        var rng = SplitMix64(seed: 11)
        var columns = [[Double]](repeating: [Double](repeating: 0, count: k), count: n)
        for p in 0..<k { for i in 0..<n { columns[i][p] = theta[i] + sigma * rng.gaussian() } }
        let center = loss(theta)
        let rises = lossTape.evaluate(batch: columns)[0].map { $0 - center }
        let mean = rises.reduce(0, +) / Double(k)
        let variance = rises.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(k - 1)
        guard mean.isFinite else { throw NumericsError.nonFinite(routine: "the expected shifted loss's Monte Carlo mean") }
        return (center + mean, (variance / Double(k)).squareRoot())
    }

    /// E[L(θ + δ)] for δ ~ N(0, σ²I) in 1-D or 2-D; nil for more variables.
    public func gaussianExpectation(at theta: [Double], sigma: Double) throws -> Double? {
        switch regime {
        case .curve:
            let norm = 1 / (sigma * (2 * Double.pi).squareRoot())
            // Over ±12σ (the Gaussian mass outside is 4e-33), not the whole line: far out a
            // landscape may overflow to infinity (a soft minimum's log(0)), and inf · 0 is NaN.
            let (value, _) = try Integrate.qags({ d in
                norm * Foundation.exp(-d * d / (2 * sigma * sigma)) * loss([theta[0] + d])
            }, from: -12 * sigma, to: 12 * sigma, epsAbs: 1e-12, epsRel: 1e-10)
            return value
        case .surface:
            // Adaptive cubature over ±8σ (the Gaussian mass outside is below 1e-14), each
            // rectangle's points through the batch tape: a fixed rule misses features much
            // narrower than σ (two-valley's ramp is 0.02 wide against σ = 0.4; a 64-point
            // Gauss–Hermite rule was 0.2% off there).
            let norm = 1 / (2 * Double.pi * sigma * sigma), reach = 8 * sigma, twoVar = 2 * sigma * sigma
            // One workspace for every rectangle (a batch call would make its own each time).
            let tape = lossTape, bs = Tape.blockSize
            let registers = tape.makeBlockWorkspace()
            let xs = LaneBuffer(count: bs), ys = LaneBuffer(count: bs), l = LaneBuffer(count: bs)
            let (value, _) = try Cubature.integrate({ dxs, dys in
                var out = [Double](repeating: 0, count: dxs.count), start = 0
                while start < dxs.count {
                    let m = min(bs, dxs.count - start)
                    for p in 0..<m { (xs[p], ys[p]) = (theta[0] + dxs[start + p], theta[1] + dys[start + p]) }
                    tape.evaluate(block: [UnsafePointer(xs.pointer), UnsafePointer(ys.pointer)], count: m, registers: registers.pointer, into: [l.pointer])
                    for p in 0..<m {
                        let k = start + p
                        out[k] = Foundation.exp(-(dxs[k] * dxs[k] + dys[k] * dys[k]) / twoVar) * l[p]
                    }
                    start += m
                }
                return out
            }, x: -reach...reach, y: -reach...reach)
            guard value.isFinite else { throw NumericsError.nonFinite(routine: "the expected shifted loss's cubature") }
            return norm * value
        case .space:
            return nil
        }
    }
}

/// The tapes an oracle builds when first asked for, once, under a lock: building one adds
/// nodes to the problem's graph, which is not safe from two threads at once.
final class LazyTapes: @unchecked Sendable {
    enum Kind: Hashable { case hvp, hessian, gradientNorm, hessianGradient, gradientNormJacobian, hvpJacobian }

    private let lock = NSLock()
    private let graph: Graph
    let variables: [String]
    private let variableNodes: [NodeID]
    private let loss: NodeID
    private let gradient: [NodeID]
    let rows: Tape.Rows?
    private var built: [Kind: Tape] = [:]
    private var bounds: IntervalProgram?

    init(graph: Graph, variables: [String], variableNodes: [NodeID], loss: NodeID, gradient: [NodeID], rows: Tape.Rows?) {
        (self.graph, self.variables, self.variableNodes, self.loss, self.gradient, self.rows) = (graph, variables, variableNodes, loss, gradient, rows)
    }

    func tape(_ kind: Kind) -> Tape {
        lock.lock()
        defer { lock.unlock() }
        if let t = built[kind] { return t }
        let t = build(kind)
        built[kind] = t
        return t
    }

    /// Bounds over a box on L, ∇L and H row-major (`IntervalProgram`), built when first asked for.
    func intervalProgram() -> IntervalProgram {
        lock.lock()
        defer { lock.unlock() }
        if let b = bounds { return b }
        let hessian = gradient.flatMap { graph.gradient(of: $0, wrt: variableNodes) }
        let b = IntervalProgram(graph: graph, outputs: [loss] + gradient + hessian, inputs: variableNodes, rows: rows)
        bounds = b
        return b
    }

    private func build(_ kind: Kind) -> Tape {
        let g = graph, vars = variableNodes
        // Direction inputs get names no expression can spell, so they never meet a user's name.
        let direction = variables.map { g.variable("direction[\($0)]") }
        func halfSquaredNormGradient() -> [NodeID] {
            g.gradient(of: g.mul(0.5, g.sum(gradient.map { g.pow($0, 2) })), wrt: vars)
        }
        switch kind {
        case .hvp:
            let hv = g.hessianVectorProduct(of: loss, wrt: vars, direction: direction)
            return Tape(graph: g, outputs: [loss] + gradient + hv, inputs: vars + direction, rows: rows)
        case .hessian:
            return Tape(graph: g, outputs: gradient.flatMap { g.gradient(of: $0, wrt: vars) }, inputs: vars, rows: rows)
        case .gradientNorm:
            return Tape(graph: g, outputs: halfSquaredNormGradient(), inputs: vars, rows: rows)
        case .hessianGradient:
            return Tape(graph: g, outputs: [loss] + gradient + halfSquaredNormGradient(), inputs: vars, rows: rows)
        case .gradientNormJacobian:
            return Tape(graph: g, outputs: halfSquaredNormGradient().flatMap { g.gradient(of: $0, wrt: vars) }, inputs: vars, rows: rows)
        case .hvpJacobian:
            // ∂(H·v)/∂θ with v held fixed: the third derivatives of L contracted with v.
            let hv = g.hessianVectorProduct(of: loss, wrt: vars, direction: direction)
            return Tape(graph: g, outputs: hv.flatMap { g.gradient(of: $0, wrt: vars) }, inputs: vars + direction, rows: rows)
        }
    }
}

/// The Hessian is NaN or infinite at the point asked about.
public struct NonFiniteHessian: Error, CustomStringConvertible {
    public var description: String {
        "the Hessian is not finite at this point: the loss is not twice differentiable there (a weight-normalised unit whose v is 0, a log of 0, ...)"
    }
}
