import Foundation
import Landscape

/// Standard normal variates from SplitMix64 by Box–Muller: the same seed, the same sequence.
struct Gaussian {
    var rng: SplitMix64
    var spare: Double?
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        // u1 in (0, 1] so log(u1) is finite.
        let u1 = (Double(rng.next() >> 11) + 1) / 9007199254740992.0
        let u2 = Double(rng.next() >> 11) / 9007199254740992.0
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spare = r * Foundation.sin(2 * Double.pi * u2)
        return r * Foundation.cos(2 * Double.pi * u2)
    }
}
