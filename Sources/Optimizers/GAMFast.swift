import Symbolic

/// The accelerated GAM of the authors' public code (xxgege/GAM, `gam.py`), without
/// Hessian-vector products. With r = grad_rho, s = grad_norm_rho and ĝ = g/(‖g‖ + 1e-12):
///
///     g1 = ∇L(θ + r ĝ0);  d = g1 − g0 (≈ r H ĝ0);  θ2 = θ + s d/‖d‖;  g2 = ∇L(θ2)
///     g3 = ∇L(θ2 + r ĝ2);  p = g0 + |β2| g2;  n = β1 g1 + β3 g3
///     direction = n − γ (p − cos(p, n) ‖p‖ n/‖n‖)
///
/// every normalisation guarded by + 1e-12 as there.
struct GAMFast: LaneDirection {
    let rho: Double
    let gradRho: Double, gradNormRho: Double
    let beta1: Double, beta2: Double, beta3: Double
    let gamma: Double
    let dimension: Int
    private let point: LaneBuffer, g1: LaneBuffer, d: LaneBuffer, theta2: LaneBuffer, g2: LaneBuffer, g3: LaneBuffer
    private let pv: LaneBuffer, nv: LaneBuffer
    private let norms: LaneBuffer, factors: LaneBuffer, pn: LaneBuffer, nn: LaneBuffer, cosine: LaneBuffer

    init(_ h: Hyperparameters, dimension: Int) {
        (rho, gradRho, gradNormRho, gamma) = (h.rho, h.gradRho, h.gradNormRho, h.gamma)
        (beta1, beta2, beta3) = (h.beta1, h.effectiveBeta2, h.effectiveBeta3)
        self.dimension = dimension
        let vector = { LaneBuffer(dimension: dimension) }, scalar = { LaneBuffer(count: Lanes.width) }
        (point, g1, d, theta2, g2, g3, pv, nv) = (vector(), vector(), vector(), vector(), vector(), vector(), vector(), vector())
        (norms, factors, pn, nn, cosine) = (scalar(), scalar(), scalar(), scalar(), scalar())
    }

    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) {
        let n = dimension, w = Lanes.width, m = s.count, g0 = s.gradient
        /// `LaneMath.stepAlong` with this rule's scratch.
        func stepAlong(_ x: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ c: Double, into out: UnsafeMutablePointer<Double>) {
            LaneMath.stepAlong(x, v, c, dimension: n, count: m, norms: norms.pointer, factors: factors.pointer, into: out)
        }
        // g1 = ∇L(θ + r ĝ0); d = g1 − g0; θ2 = θ + s d/‖d‖; g2 = ∇L(θ2); g3 = ∇L(θ2 + r ĝ2)
        stepAlong(s.theta, g0, gradRho, into: point.pointer)
        oracle.gradient(point.pointer, count: m, loss: nil, gradient: g1.pointer)
        for i in 0..<n {
            let a = g1.pointer + i * w, b = g0 + i * w, out = d.pointer + i * w
            for p in 0..<m { out[p] = a[p] - b[p] }
        }
        stepAlong(s.theta, d.pointer, gradNormRho, into: theta2.pointer)
        oracle.gradient(theta2.pointer, count: m, loss: nil, gradient: g2.pointer)
        if let report {
            LaneMath.norm(g2.pointer, dimension: n, count: m, into: norms.pointer)
            // gam-fast's own view of the steepest slope near θ, scaled to the FOF radius ρ so
            // that it is read against the exact FOF_ρ (its ascent itself moves only grad_norm_rho).
            for p in 0..<m { report.fofEstimate[p] = rho * norms[p] }
            LaneMath.copy(theta2.pointer, dimension: n, count: m, into: report.probe.pointer)
            (report.hasProbe, report.hasFofEstimate) = (true, true)
        }
        stepAlong(theta2.pointer, g2.pointer, gradRho, into: point.pointer)
        oracle.gradient(point.pointer, count: m, loss: nil, gradient: g3.pointer)
        // p = g0 + |β2| g2; n = β1 g1 + β3 g3
        let b2 = abs(beta2)
        for i in 0..<n {
            let a = g0 + i * w, b = g2.pointer + i * w, c = g1.pointer + i * w, e = g3.pointer + i * w
            let po = pv.pointer + i * w, no = nv.pointer + i * w
            for p in 0..<m { po[p] = a[p] + b[p] * b2 }
            for p in 0..<m { no[p] = c[p] * beta1 + e[p] * beta3 }
        }
        // cos(p, n) = p·n/(‖n‖‖p‖ + ξ); direction = n − γ (p − cos ‖p‖ n/(‖n‖ + ξ))
        LaneMath.norm(pv.pointer, dimension: n, count: m, into: pn.pointer)
        LaneMath.norm(nv.pointer, dimension: n, count: m, into: nn.pointer)
        LaneMath.dot(pv.pointer, nv.pointer, dimension: n, count: m, into: cosine.pointer)
        for p in 0..<m { cosine[p] = cosine[p] / (nn[p] * pn[p] + xi) }
        for i in 0..<n {
            let po = pv.pointer + i * w, no = nv.pointer + i * w, out = direction + i * w
            for p in 0..<m {
                let vertical = po[p] - cosine[p] * pn[p] * no[p] / (nn[p] + xi)
                out[p] = no[p] - gamma * vertical
            }
        }
    }
}
