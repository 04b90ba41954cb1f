import CTape
import Foundation
import Landscape
import Symbolic

// Runs stepped together, one lane per start: the only path of every run (a single run is a
// block of one; basin maps and sweeps step blocks of up to `Lanes.width`).
//
// A lane vector holds `dimension` components for up to `Lanes.width` runs as structure of
// arrays: component i of lane p is at `[i * width + p]`, so every loop over lanes is a
// contiguous loop the compiler vectorises, and every tape pass evaluates a whole block. A
// lane's arithmetic depends on that lane alone, so lane p computes the same bits as `lab run
// --start` from its start (`LanesTests` checks every optimizer).

/// The block size of lane vectors: the batch tape's block.
public enum Lanes {
    public static let width = Tape.blockSize
}

extension LaneBuffer {
    /// A vector of `dimension` components for `Lanes.width` lanes.
    public convenience init(dimension: Int) { self.init(count: dimension * Lanes.width) }
}

/// The problem's tapes over a block of lanes, with their registers (one per run), as an
/// optimizer sees them: every pass counted, and the run's Gaussian gradient noise (if any) added
/// to every ∇L from each lane's own generator, all seeded alike, so lane p computes the run from
/// its start with the run's seed.
public final class LaneOracle {
    public let oracle: Oracle
    public let dimension: Int
    /// Standard deviation of the noise added to each component of every ∇L; 0 for none.
    public let noise: Double
    private var generators: [Gaussian]
    /// Passes made: one per block call whatever the number of lanes, one per point for the
    /// lane-by-lane calls (`gradient(at:lane:)`, `hvp(at:_:)`); for a block of one, the run's counts.
    public private(set) var evaluations = Evaluations()
    // The tapes with their registers, made on first use, so a caller that needs only gradients
    // never builds the HVP tapes. Each program holds its tape, copied once: a tape copied from
    // the oracle on every call would retain and release arrays that every thread of a basin map
    // shares. The registers live in the class too: an array in a lazy property would be copied
    // whole on every write (a block's registers are tens of kilobytes).
    // The pointers a call hands the tape live in buffers made once, so a call allocates nothing.
    private final class Program {
        let tape: Tape
        let dimension: Int
        let registers: LaneBuffer
        let inputs: UnsafeMutableBufferPointer<UnsafePointer<Double>>
        let outputs: UnsafeMutableBufferPointer<UnsafeMutablePointer<Double>?>
        init(_ tape: Tape, dimension: Int) {
            (self.tape, self.dimension, registers) = (tape.unshared(), dimension, tape.makeBlockWorkspace())
            inputs = .allocate(capacity: tape.inputCount)
            outputs = .allocate(capacity: tape.outputCount)
        }
        deinit { inputs.deallocate(); outputs.deallocate() }
        /// The tape at lanes 0..<m: its inputs the lane vectors `x` (and `v`, for an HVP tape);
        /// its outputs L (one per lane) and then one or two lane vectors; nil skips an output.
        func evaluate(_ x: UnsafePointer<Double>, _ v: UnsafePointer<Double>? = nil, count m: Int, loss: UnsafeMutablePointer<Double>?,
                      _ first: UnsafeMutablePointer<Double>?, _ second: UnsafeMutablePointer<Double>? = nil) {
            let n = dimension, w = Lanes.width
            for i in 0..<n { inputs[i] = x + i * w }
            if let v { for i in 0..<n { inputs[n + i] = v + i * w } }
            // A loss tape has one output, a gradient tape 1 + n, an H∇L or HVP tape 1 + 2n.
            outputs[0] = loss
            if outputs.count > 1 { for i in 0..<n { outputs[1 + i] = first.map { $0 + i * w } } }
            if outputs.count > 1 + n { for i in 0..<n { outputs[1 + n + i] = second.map { $0 + i * w } } }
            tape.evaluate(block: UnsafeBufferPointer(inputs), count: m, registers: registers.pointer, into: UnsafeBufferPointer(outputs))
        }
    }
    private lazy var gradientProgram = Program(oracle.gradientTape, dimension: dimension)
    private lazy var lossProgram = Program(oracle.lossTape, dimension: dimension)
    private lazy var hvpProgram = Program(oracle.hvpTape, dimension: dimension)
    private lazy var hessianGradientProgram: Program? = oracle.hessianGradientTape.map { Program($0, dimension: dimension) }
    private lazy var gradientScratch = LaneBuffer(dimension: dimension)

    /// `seed` seeds every lane's noise generator.
    public init(_ oracle: Oracle, noise: Double = 0, seed: UInt64 = 0) {
        self.oracle = oracle
        dimension = oracle.dimension
        self.noise = noise
        generators = noise > 0 ? [Gaussian](repeating: Gaussian(seed: seed), count: Lanes.width) : []
    }

    /// The run's noise on ∇L of lanes 0..<m, each lane's components in order from its generator.
    private func addNoise(_ g: UnsafeMutablePointer<Double>, count m: Int) {
        guard noise > 0 else { return }
        for p in 0..<m { for i in 0..<dimension { g[i * Lanes.width + p] += noise * generators[p].next() } }
    }

    /// Whether `hessianGradient` takes one pass of the fused H∇L tape; without it (a model fitted
    /// to data, or gradient noise, whose product is along the noisy gradient) it takes a gradient
    /// pass and an HVP pass.
    private var fusedHessianGradient: Bool { noise == 0 && hessianGradientProgram != nil }

    /// Counts the passes `hessianGradient` (or `gradient`) makes, for a caller that made them
    /// uncounted ahead of time (a run's loop evaluates θ after each update, and counts that pass
    /// when a step uses it); `hessianGradient` and `gradient` count through it too.
    public func count(hessianGradient: Bool) {
        if !(hessianGradient && fusedHessianGradient) { evaluations.gradient += 1 }
        if hessianGradient { evaluations.hvp += 1 }
    }

    /// L (into `loss`, one per lane) and ∇L (into `gradient`, a lane vector, with the run's noise)
    /// at lanes 0..<m; nil skips an output. `clean` gets ∇L before the noise (a watched run
    /// reports the landscape's own gradient).
    public func gradient(_ theta: UnsafePointer<Double>, count m: Int, loss: UnsafeMutablePointer<Double>?,
                         gradient: UnsafeMutablePointer<Double>?, clean: UnsafeMutablePointer<Double>? = nil, counted: Bool = true) {
        gradientProgram.evaluate(theta, count: m, loss: loss, gradient)
        if let clean, let gradient { LaneMath.copy(gradient, dimension: dimension, count: m, into: clean) }
        if let gradient { addNoise(gradient, count: m) }
        if counted { count(hessianGradient: false) }
    }

    /// L, ∇L and H∇L at lanes 0..<m from one pass of the H∇L tape (for data, a gradient pass and
    /// an HVP along it, as `Oracle.hessianGradient`); with noise, ∇L carries it and the product is
    /// taken along the noisy gradient (a gradient pass and an HVP pass). nil skips an output.
    public func hessianGradient(_ theta: UnsafePointer<Double>, count m: Int, loss: UnsafeMutablePointer<Double>?,
                                gradient: UnsafeMutablePointer<Double>?, hessianGradient: UnsafeMutablePointer<Double>?,
                                clean: UnsafeMutablePointer<Double>? = nil, counted: Bool = true) {
        if counted { count(hessianGradient: true) }
        guard fusedHessianGradient, let program = hessianGradientProgram else {
            let g = gradient ?? gradientScratch.pointer
            self.gradient(theta, count: m, loss: loss, gradient: g, clean: clean, counted: false)
            if let hessianGradient { hvp(theta, g, count: m, into: hessianGradient, counted: false) }
            return
        }
        program.evaluate(theta, count: m, loss: loss, gradient, hessianGradient)
    }

    /// H(θ)·v at lanes 0..<m, into the lane vector `hv`.
    public func hvp(_ theta: UnsafePointer<Double>, _ v: UnsafePointer<Double>, count m: Int, into hv: UnsafeMutablePointer<Double>,
                    counted: Bool = true) {
        hvpProgram.evaluate(theta, v, count: m, loss: nil, nil, hv)
        if counted { evaluations.hvp += 1 }
    }

    /// L at lanes 0..<m, one per lane (uncounted: no rule needs the loss alone).
    public func loss(_ theta: UnsafePointer<Double>, count m: Int, into loss: UnsafeMutablePointer<Double>) {
        lossProgram.evaluate(theta, count: m, loss: loss, nil)
    }

    /// L and ∇L at one point for lane p (counted, with lane p's noise): for the rules that work
    /// lane by lane (`ScalarLaneRule`).
    public func gradient(at point: [Double], lane p: Int) -> (loss: Double, gradient: [Double]) {
        evaluations.gradient += 1
        var (l, g) = oracle.gradient(point)
        if noise > 0 { for i in g.indices { g[i] += noise * generators[p].next() } }
        return (l, g)
    }

    /// H·v at one point (counted).
    public func hvp(at point: [Double], _ v: [Double]) -> [Double] {
        evaluations.hvp += 1
        return oracle.hvp(point, v).hv
    }
}

/// A block of lanes at one step, as a rule receives it: θ, L(θ) (one per lane), ∇L(θ) (with
/// the run's noise) and, when the rule asks for it, H(θ)∇L(θ); `active[p]` is false for a lane
/// that has converged or diverged (its direction is not used).
public struct LaneState {
    public let theta: UnsafePointer<Double>
    public let loss: UnsafePointer<Double>
    public let gradient: UnsafePointer<Double>
    public let hessianGradient: UnsafePointer<Double>?
    public let active: UnsafePointer<Bool>
    public let count: Int

    public init(theta: UnsafePointer<Double>, loss: UnsafePointer<Double>, gradient: UnsafePointer<Double>,
                hessianGradient: UnsafePointer<Double>?, active: UnsafePointer<Bool>, count: Int) {
        (self.theta, self.loss, self.gradient, self.hessianGradient, self.active, self.count) = (theta, loss, gradient, hessianGradient, active, count)
    }
}

/// What a rule says of a step besides its direction, lane by lane: where it probed, its
/// estimate of ZOF or FOF, GAM's correction. A single run asks for it (its trajectory and `lab
/// step` show them); a map does not, and the rule then skips the work.
public final class LaneReport {
    public let probe: LaneBuffer, correction: LaneBuffer
    public let zofEstimate: LaneBuffer, fofEstimate: LaneBuffer
    public var hasProbe = false, hasCorrection = false, hasZofEstimate = false, hasFofEstimate = false
    let dimension: Int

    public init(dimension: Int) {
        self.dimension = dimension
        (probe, correction) = (LaneBuffer(dimension: dimension), LaneBuffer(dimension: dimension))
        (zofEstimate, fofEstimate) = (LaneBuffer(count: Lanes.width), LaneBuffer(count: Lanes.width))
    }

    /// Lane p's step as one result, with its direction from the lane vector `direction`.
    public func result(lane p: Int, direction: UnsafePointer<Double>) -> DirectionResult {
        func column(_ v: UnsafePointer<Double>) -> [Double] { (0..<dimension).map { v[$0 * Lanes.width + p] } }
        return DirectionResult(direction: column(direction),
                               zofEstimate: hasZofEstimate ? zofEstimate[p] : nil, fofEstimate: hasFofEstimate ? fofEstimate[p] : nil,
                               probe: hasProbe ? column(probe.pointer) : nil, correction: hasCorrection ? column(correction.pointer) : nil)
    }
}

/// A direction rule over a block of lanes: the one definition of an optimizer's update, which
/// a single run takes as a block of one and a basin map or sweep as blocks of up to
/// `Lanes.width` starts. Each lane's arithmetic depends on that lane alone, so a lane computes
/// the same bits in any block (`LanesTests` checks every optimizer).
public protocol LaneDirection {
    /// True when the rule needs H∇L at θ: the runner then takes L, ∇L and H∇L in one pass.
    var needsHessianGradient: Bool { get }
    /// Writes the direction of lanes 0..<count into `direction` (a lane vector), and with
    /// `report` what the rule saw on the way.
    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) throws
    /// Called after the base rule's step of lanes 0..<count: a rule that moves θ itself
    /// (lookahead's slow weights) does it here, for the lanes with `active[p]`, and says whether
    /// it did. Nothing by default.
    func afterStep(theta: UnsafeMutablePointer<Double>, active: UnsafePointer<Bool>, count: Int) -> Bool
}

extension LaneDirection {
    public var needsHessianGradient: Bool { false }
    public func afterStep(theta: UnsafeMutablePointer<Double>, active: UnsafePointer<Bool>, count: Int) -> Bool { false }
}

/// A rule computed lane by lane with scalar code: the exact variants, whose search over the
/// ball is scalar. Inactive lanes are skipped.
protocol ScalarLaneRule: LaneDirection {
    func direction(at theta: [Double], loss: Double, gradient: [Double], lane p: Int, oracle: LaneOracle) throws -> DirectionResult
}

extension ScalarLaneRule {
    func direction(_ s: LaneState, oracle: LaneOracle, into direction: UnsafeMutablePointer<Double>, report: LaneReport?) throws {
        let n = oracle.dimension, w = Lanes.width
        for p in 0..<s.count {
            guard s.active[p] else { for i in 0..<n { direction[i * w + p] = 0 }; continue }
            let theta = (0..<n).map { s.theta[$0 * w + p] }, g = (0..<n).map { s.gradient[$0 * w + p] }
            let d = try self.direction(at: theta, loss: s.loss[p], gradient: g, lane: p, oracle: oracle)
            for i in 0..<n { direction[i * w + p] = d.direction[i] }
            guard let report else { continue }
            if let probe = d.probe { report.hasProbe = true; for i in 0..<n { report.probe[i * w + p] = probe[i] } }
            if let c = d.correction { report.hasCorrection = true; for i in 0..<n { report.correction[i * w + p] = c[i] } }
            if let z = d.zofEstimate { report.hasZofEstimate = true; report.zofEstimate[p] = z }
            if let f = d.fofEstimate { report.hasFofEstimate = true; report.fofEstimate[p] = f }
        }
    }
}

/// Lane arithmetic in the scalar helpers' order (`norm`, `scale`, `add` of Vectors.swift), over
/// the lanes of lane vectors (component i of every lane at `v + i * width`). The loops are
/// CTape's (`ctape_lane_*`), compiled for the widest instruction set the processor has (Swift
/// here targets plain x86-64, two lanes an instruction); each operation is correctly rounded in
/// the order given, so the bits are the same on any processor and in a block of one.
public enum LaneMath {
    /// out[p] = ‖v_p‖, summed from 0 in component order as `norm` does; `out` is not v.
    static func norm(_ v: UnsafePointer<Double>, dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        ctape_lane_norms(v, n, Lanes.width, m, out)
    }

    /// Lanes 0..<m of the lane vector `v` into `out`, component by component (a block of one
    /// copies n numbers, not n blocks).
    public static func copy(_ v: UnsafePointer<Double>, dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n { (out + i * Lanes.width).update(from: v + i * Lanes.width, count: m) }
    }

    /// out[p] = a_p · b_p, summed from 0 in component order as `dot` does; `out` is neither a nor b.
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        ctape_lane_dot(a, b, n, Lanes.width, m, out)
    }

    /// out_p = a_p + b_p · c[p], with c one number per lane (add(a, scale(b, c)) of the scalar rules).
    static func addScaled(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafePointer<Double>,
                          dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        ctape_lane_add_scaled(a, b, c, n, Lanes.width, m, out)
    }

    /// out_p = a_p + b_p · s, with s one number for all lanes.
    static func addTimes(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ s: Double,
                         dimension n: Int, count m: Int, into out: UnsafeMutablePointer<Double>) {
        ctape_lane_add_times(a, b, s, n, Lanes.width, m, out)
    }

    /// out_p = b_p · c[p] (scale(b, c)).
    static func scaled(_ b: UnsafePointer<Double>, _ c: UnsafePointer<Double>, dimension n: Int, count m: Int,
                       into out: UnsafeMutablePointer<Double>) {
        ctape_lane_scaled(b, c, n, Lanes.width, m, out)
    }

    /// c[p] = numerator / (norm[p] + ξ).
    static func guardedRatio(_ numerator: Double, _ norm: UnsafePointer<Double>, count m: Int, into c: UnsafeMutablePointer<Double>) {
        ctape_lane_guarded_ratio(numerator, norm, xi, m, c)
    }

    /// θ_p = θ_p − lr · d_p for the lanes with `active[p]` (gradient descent's update).
    static func descend(_ theta: UnsafeMutablePointer<Double>, _ d: UnsafePointer<Double>, lr: Double, active: UnsafePointer<Bool>,
                        dimension n: Int, count m: Int) {
        ctape_lane_descend(theta, d, lr, active, n, Lanes.width, m)
    }

    /// How many of v[0..<m] are below `bound` (NaN is not).
    public static func countBelow(_ v: UnsafePointer<Double>, _ bound: Double, count m: Int) -> Int {
        ctape_lane_count_below(v, bound, m)
    }

    /// bad[p] > 0 for each lane whose loss is not finite or whose θ has a coordinate outside
    /// `low[i]...high[i]` (or NaN); returns how many lanes are flagged.
    public static func flagBad(loss: UnsafePointer<Double>, theta: UnsafePointer<Double>, low: [Double], high: [Double],
                               dimension n: Int, count m: Int, into bad: UnsafeMutablePointer<Double>) -> Int {
        precondition(low.count >= n && high.count >= n, "a bound for every component")
        return ctape_lane_flag_bad(loss, theta, low, high, n, Lanes.width, m, bad)
    }

    /// out = x + v · c/(‖v‖ + ξ), lane by lane: the normalised step of SAM's ascent, GAM's
    /// θ_adv and gam-fast's probes; `norms` and `factors` are scratch (one per lane).
    static func stepAlong(_ x: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ c: Double, dimension n: Int, count m: Int,
                          norms: UnsafeMutablePointer<Double>, factors: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        norm(v, dimension: n, count: m, into: norms)
        guardedRatio(c, norms, count: m, into: factors)
        addScaled(x, v, factors, dimension: n, count: m, into: out)
    }
}

/// A base rule (`BaseRule`, whose documentation gives the update) with its state, over a block
/// of lanes; a single run is a block of one. Only active lanes move.
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
                        b.update(from: di, count: count)
                    }
                    if rule.kind == .nesterov {
                        for p in 0..<count { di[p] += mu * b[p] }
                    } else {
                        di.update(from: b, count: count)
                    }
                }
            }
            LaneMath.descend(theta, d, lr: lr, active: active, dimension: n, count: count)
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
