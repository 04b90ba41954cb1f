import Foundation
import Landscape
import Symbolic

// Many runs stepped together, one lane per start: the batch path of basin maps and sweeps.
//
// A lane vector holds `dimension` components for up to `Lanes.width` runs as structure of
// arrays: component i of lane p is at `[i * width + p]`, so every loop over lanes is a
// contiguous loop the compiler vectorises, and every tape pass evaluates a whole block. Each
// lane rule repeats its scalar rule operation for operation, in the same order, so lane p
// computes the same bits as `lab run --start` from its start (`LanesTests` checks it).

/// The block size of lane vectors: the batch tape's block.
public enum Lanes {
    public static let width = Tape.blockSize
}

/// A buffer of `count` doubles that frees itself.
public final class LaneBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Double>
    public let count: Int
    public init(count: Int, value: Double = 0) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value, count: count)
    }
    /// A vector of `dimension` components for `Lanes.width` lanes.
    public convenience init(dimension: Int) { self.init(count: dimension * Lanes.width) }
    deinit { pointer.deallocate() }
    public subscript(i: Int) -> Double {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}

/// The problem's tapes over a block of lanes, with their registers (one per thread).
public final class LaneOracle {
    public let oracle: Oracle
    public let dimension: Int
    // Made on first use, so a caller that needs only gradients never builds the HVP tapes.
    private lazy var gradientRegisters = oracle.gradientTape.makeBlockWorkspace()
    private lazy var hvpRegisters = oracle.hvpTape.makeBlockWorkspace()
    private lazy var lossRegisters = oracle.lossTape.makeBlockWorkspace()
    private lazy var hessianGradientRegisters = oracle.hessianGradientTape?.makeBlockWorkspace() ?? []
    private lazy var gradientScratch = LaneBuffer(dimension: dimension)

    public init(_ oracle: Oracle) {
        self.oracle = oracle
        dimension = oracle.dimension
    }

    private func columns(_ v: UnsafePointer<Double>) -> [UnsafePointer<Double>] {
        (0..<dimension).map { v + $0 * Lanes.width }
    }
    private func columns(_ v: UnsafeMutablePointer<Double>?) -> [UnsafeMutablePointer<Double>?] {
        (0..<dimension).map { i in v.map { $0 + i * Lanes.width } }
    }

    /// L (into `loss`, one per lane) and ∇L (into `gradient`, a lane vector) at lanes 0..<m; nil skips.
    public func gradient(_ theta: UnsafePointer<Double>, count m: Int, loss: UnsafeMutablePointer<Double>?,
                         gradient: UnsafeMutablePointer<Double>?) {
        let tape = oracle.gradientTape
        gradientRegisters.withUnsafeMutableBufferPointer { r in
            tape.evaluate(block: columns(theta), count: m, registers: r.baseAddress!, into: [loss] + columns(gradient))
        }
    }

    /// L, ∇L and H∇L at lanes 0..<m from one pass of the H∇L tape (for data, a gradient pass and
    /// an HVP along it, as `Oracle.hessianGradient`); nil skips an output.
    public func hessianGradient(_ theta: UnsafePointer<Double>, count m: Int, loss: UnsafeMutablePointer<Double>?,
                                gradient: UnsafeMutablePointer<Double>?, hessianGradient: UnsafeMutablePointer<Double>?) {
        guard let tape = oracle.hessianGradientTape else {
            let g = gradient ?? gradientScratch.pointer
            self.gradient(theta, count: m, loss: loss, gradient: g)
            if let hessianGradient { hvp(theta, g, count: m, into: hessianGradient) }
            return
        }
        hessianGradientRegisters.withUnsafeMutableBufferPointer { r in
            tape.evaluate(block: columns(theta), count: m, registers: r.baseAddress!, into: [loss] + columns(gradient) + columns(hessianGradient))
        }
    }

    /// H(θ)·v at lanes 0..<m, into the lane vector `hv`.
    public func hvp(_ theta: UnsafePointer<Double>, _ v: UnsafePointer<Double>, count m: Int, into hv: UnsafeMutablePointer<Double>) {
        let tape = oracle.hvpTape
        let skipped = [UnsafeMutablePointer<Double>?](repeating: nil, count: 1 + dimension)
        hvpRegisters.withUnsafeMutableBufferPointer { r in
            tape.evaluate(block: columns(theta) + columns(v), count: m, registers: r.baseAddress!, into: skipped + columns(hv))
        }
    }

    /// L at lanes 0..<m, one per lane.
    public func loss(_ theta: UnsafePointer<Double>, count m: Int, into loss: UnsafeMutablePointer<Double>) {
        let tape = oracle.lossTape
        lossRegisters.withUnsafeMutableBufferPointer { r in
            tape.evaluate(block: columns(theta), count: m, registers: r.baseAddress!, into: [loss])
        }
    }
}

/// The lane form of a `Direction`: the same rule over a block, bit for bit.
public protocol LaneDirection {
    /// True when the rule needs H∇L at θ: the runner then takes L, ∇L and H∇L in one pass.
    var needsHessianGradient: Bool { get }
    /// Writes the direction of lanes 0..<m into `direction`, given θ, ∇L(θ) and (when it asks
    /// for it) H(θ)∇L(θ) there, as lane vectors.
    func direction(theta: UnsafePointer<Double>, gradient: UnsafePointer<Double>, hessianGradient: UnsafePointer<Double>?,
                   count m: Int, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>)
}

extension LaneDirection {
    public var needsHessianGradient: Bool { false }
}

/// Lane arithmetic in the scalar helpers' order (`norm`, `scale`, `add` of Vectors.swift). Inner
/// loops run over lanes through row pointers (component i of every lane is `v + i * width`), with
/// no index arithmetic that could trap, so the compiler vectorises them.
enum LaneMath {
    /// out[p] = ‖v_p‖, summed from 0 in component order as `norm` does.
    static func norm(_ v: UnsafePointer<Double>, dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        for p in 0..<m { out[p] = 0 }
        for i in 0..<n {
            let vi = v + i * Lanes.width
            for p in 0..<m { out[p] = out[p] + vi[p] * vi[p] }
        }
        for p in 0..<m { out[p] = out[p].squareRoot() }
    }

    /// out_p = a_p + b_p · c[p], with c one number per lane (add(a, scale(b, c)) of the scalar rules).
    static func addScaled(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafePointer<Double>,
                          dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let ai = a + i * Lanes.width, bi = b + i * Lanes.width, oi = out + i * Lanes.width
            for p in 0..<m { oi[p] = ai[p] + bi[p] * c[p] }
        }
    }

    /// out_p = b_p · c[p] (scale(b, c)).
    static func scaled(_ b: UnsafePointer<Double>, _ c: UnsafePointer<Double>, dimension n: Int, count m: Int,
                       into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let bi = b + i * Lanes.width, oi = out + i * Lanes.width
            for p in 0..<m { oi[p] = bi[p] * c[p] }
        }
    }

    /// c[p] = numerator / (norm[p] + ξ).
    static func guardedRatio(_ numerator: Double, _ norm: UnsafePointer<Double>, count m: Int, into c: UnsafeMutablePointer<Double>) {
        for p in 0..<m { c[p] = numerator / (norm[p] + xi) }
    }
}

/// The base rules over lanes, with `BaseRule`'s arithmetic; only active lanes move.
public struct LaneBaseRule {
    public let rule: BaseRule
    let dimension: Int
    private let buffer: LaneBuffer, m: LaneBuffer, v: LaneBuffer
    private var hasBuffer = false
    private var t = 0

    public init(_ rule: BaseRule, dimension: Int) {
        self.rule = rule
        self.dimension = dimension
        buffer = LaneBuffer(dimension: dimension)
        m = LaneBuffer(dimension: dimension)
        v = LaneBuffer(dimension: dimension)
    }

    /// One update of lanes 0..<count where `active[p]`, along `d` (which it may overwrite).
    public mutating func step(_ theta: UnsafeMutablePointer<Double>, direction d: UnsafeMutablePointer<Double>, lr: Double,
                              count: Int, active: UnsafePointer<Bool>) {
        let w = Lanes.width, n = dimension
        let wd = rule.weightDecay, mu = rule.momentum, tau = rule.dampening
        switch rule.kind {
        case .gd, .momentum, .nesterov:
            for i in 0..<n {
                let t = theta + i * w, di = d + i * w, b = buffer.pointer + i * w
                if wd != 0 { for p in 0..<count { di[p] += wd * t[p] } }
                if mu != 0 {
                    if hasBuffer {
                        for p in 0..<count { b[p] = active[p] ? mu * b[p] + (1 - tau) * di[p] : b[p] }
                    } else {
                        b.update(from: di, count: w)
                    }
                    if rule.kind == .nesterov {
                        for p in 0..<count { di[p] += mu * b[p] }
                    } else {
                        di.update(from: b, count: w)
                    }
                }
                for p in 0..<count { t[p] = active[p] ? t[p] - lr * di[p] : t[p] }
            }
            if mu != 0 { hasBuffer = true }
        case .adam, .adamw:
            t += 1
            let (b1, b2, eps) = (rule.beta1, rule.beta2, rule.epsilon)
            let bias1 = 1 - Foundation.pow(b1, Double(t)), bias2 = 1 - Foundation.pow(b2, Double(t))
            let stepSize = lr / bias1, root2 = bias2.squareRoot()
            for i in 0..<n {
                let th = theta + i * w, di = d + i * w, mp = m.pointer + i * w, vp = v.pointer + i * w
                if rule.kind == .adamw {
                    for p in 0..<count { th[p] = active[p] ? th[p] * (1 - lr * wd) : th[p] }
                } else if wd != 0 {
                    for p in 0..<count { di[p] += wd * th[p] }
                }
                for p in 0..<count where active[p] {
                    let g = di[p]
                    mp[p] = b1 * mp[p] + (1 - b1) * g
                    vp[p] = b2 * vp[p] + (1 - b2) * g * g
                    let denominator = vp[p].squareRoot() / root2 + eps
                    th[p] -= stepSize * mp[p] / denominator
                }
            }
        }
    }
}
