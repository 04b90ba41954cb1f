import Foundation
import Numerics
import Symbolic

/// Compiled evaluators for one problem: one tape per need, each sharing work between the outputs
/// it computes together (the gradient tape also yields the loss; the HVP tape yields loss,
/// gradient and H·v in one pass). A value type and `Sendable`: analysis and optimizers may call
/// it from several threads.
public struct Oracle: Sendable {
    public let dimension: Int
    /// Inputs: θ. Output: L.
    public let lossTape: Tape
    /// Inputs: θ. Outputs: L, ∇L.
    public let gradientTape: Tape
    /// Inputs: θ, v. Outputs: L, ∇L, H(θ)·v.
    public let hvpTape: Tape
    /// Inputs: θ. Outputs: H row-major.
    public let hessianTape: Tape
    /// Inputs: θ. Outputs: ∇‖∇L‖² / 2 = H∇L, whose zeros are the critical points of ‖∇L‖.
    public let gradientNormTape: Tape
    /// Inputs: θ. Outputs: L, ∇L, H∇L in one pass: GAM's two Hessian-vector products are both
    /// along a gradient, so each is one pass of this tape instead of a gradient and an HVP.
    public let hessianGradientTape: Tape
    /// Inputs: θ. Outputs: the Jacobian of H∇L row-major (H² plus third-derivative terms), for
    /// Newton-type solves of H∇L = 0.
    public let gradientNormJacobianTape: Tape
    let test: Test?

    enum Test: Sendable {
        case tape(Tape)
        case shift([Double])
    }

    init(graph g: Graph, variables: [String], variableNodes vars: [NodeID], loss: NodeID, test definition: TestDefinition?) {
        dimension = vars.count
        let gradient = g.gradient(of: loss, wrt: vars)
        lossTape = Tape(graph: g, outputs: [loss], inputs: vars)
        gradientTape = Tape(graph: g, outputs: [loss] + gradient, inputs: vars)
        // Direction inputs get names no expression can spell, so they never meet a user's name.
        let direction = variables.map { g.variable("direction[\($0)]") }
        let hv = g.hessianVectorProduct(of: loss, wrt: vars, direction: direction)
        hvpTape = Tape(graph: g, outputs: [loss] + gradient + hv, inputs: vars + direction)
        let hessian = gradient.map { g.gradient(of: $0, wrt: vars) }
        hessianTape = Tape(graph: g, outputs: hessian.flatMap { $0 }, inputs: vars)
        let halfSquaredNorm = g.mul(0.5, g.sum(gradient.map { g.pow($0, 2) }))
        let hg = g.gradient(of: halfSquaredNorm, wrt: vars)
        gradientNormTape = Tape(graph: g, outputs: hg, inputs: vars)
        hessianGradientTape = Tape(graph: g, outputs: [loss] + gradient + hg, inputs: vars)
        gradientNormJacobianTape = Tape(graph: g, outputs: hg.flatMap { g.gradient(of: $0, wrt: vars) }, inputs: vars)
        switch definition {
        case .loss(_, let node)?: test = .tape(Tape(graph: g, outputs: [node], inputs: vars))
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

    /// L, ∇L and H(θ)∇L(θ) from one tape pass.
    public func hessianGradient(_ theta: [Double]) -> (loss: Double, gradient: [Double], hg: [Double]) {
        let out = hessianGradientTape.evaluate(theta)
        let n = dimension
        return (out[0], Array(out[1...n]), Array(out[(n + 1)...]))
    }

    /// The Hessian H(θ) as rows: `[i][j]` = ∂²L/∂θᵢ∂θⱼ, indices in the problem's variable order.
    public func hessian(_ theta: [Double]) -> [[Double]] {
        let flat = hessianTape.evaluate(theta)
        return (0..<dimension).map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
    }

    /// Eigenvalues of the Hessian at θ, ascending (`gsl_eigen_symmv`).
    public func eigenvalues(_ theta: [Double]) throws -> [Double] {
        try SymmetricEigen.symmv(hessian(theta)).values
    }

    /// H∇L, the gradient of ‖∇L‖²/2.
    public func gradientNormGradient(_ theta: [Double]) -> [Double] { gradientNormTape.evaluate(theta) }

    /// The Jacobian of H∇L, row-major rows.
    public func gradientNormJacobian(_ theta: [Double]) -> [[Double]] {
        let flat = gradientNormJacobianTape.evaluate(theta)
        return (0..<dimension).map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
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
    /// proxy, not independent evidence. Integrated as `gaussianExpectation`: nil for more than
    /// two variables.
    public func expectedShiftedLoss(_ theta: [Double], sigma: Double) throws -> Double? {
        try gaussianExpectation(at: theta, sigma: sigma)
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

    /// E[L(θ + δ)] for δ ~ N(0, σ²I) in 1-D or 2-D; nil for more variables.
    public func gaussianExpectation(at theta: [Double], sigma: Double) throws -> Double? {
        switch dimension {
        case 1:
            let norm = 1 / (sigma * (2 * Double.pi).squareRoot())
            // Over ±12σ (the Gaussian mass outside is 4e-33), not the whole line: far out a
            // landscape may overflow to infinity (a soft minimum's log(0)), and inf · 0 is NaN.
            let (value, _) = try Integrate.qags({ d in
                norm * Foundation.exp(-d * d / (2 * sigma * sigma)) * loss([theta[0] + d])
            }, from: -12 * sigma, to: 12 * sigma, epsAbs: 1e-12, epsRel: 1e-10)
            return value
        case 2:
            // Adaptive cubature over ±8σ (the Gaussian mass outside is below 1e-14), each
            // rectangle's points through the batch tape: a fixed rule misses features much
            // narrower than σ (two-valley's ramp is 0.02 wide against σ = 0.4; a 64-point
            // Gauss–Hermite rule was 0.2% off there).
            let norm = 1 / (2 * Double.pi * sigma * sigma), reach = 8 * sigma, twoVar = 2 * sigma * sigma
            let tape = lossTape
            let (value, _) = Cubature.integrate({ dxs, dys in
                let l = tape.evaluate(batch: [dxs.map { theta[0] + $0 }, dys.map { theta[1] + $0 }])[0]
                return (0..<dxs.count).map { k in Foundation.exp(-(dxs[k] * dxs[k] + dys[k] * dys[k]) / twoVar) * l[k] }
            }, x: -reach...reach, y: -reach...reach)
            guard value.isFinite else { throw NumericsError.nonFinite(routine: "the expected shifted loss's cubature") }
            return norm * value
        default:
            return nil
        }
    }
}
