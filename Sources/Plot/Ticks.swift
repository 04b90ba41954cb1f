import Foundation

/// Tick positions for axes.
public enum Ticks {
    /// "Nice" ticks (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi] with about `target`
    /// intervals, all inside the range. A degenerate range is widened around its value first.
    public static func linear(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        var (a, b) = (min(lo, hi), max(lo, hi))
        if a == b { let d = a == 0 ? 1 : abs(a) * 0.1; a -= d; b += d }
        let step = niceStep((b - a) / Double(max(target, 1)))
        // A small allowance so an end that is a multiple of the step up to rounding stays a tick.
        let first = (a / step - 1e-9).rounded(.up), last = (b / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [a, b] }
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// `linear` asking for more ticks (up to 12 intervals) until at least two fall inside: a
    /// nice step can leave a single tick in a narrow range.
    public static func atLeastTwo(_ lo: Double, _ hi: Double, target: Int) -> [Double] {
        var target = target, v = linear(lo, hi, target: target)
        while v.count < 2 && target < 12 {
            target += 1
            v = linear(lo, hi, target: target)
        }
        return v
    }

    /// The nice number nearest above `raw` among 1, 2, 2.5, 5 × 10ᵏ.
    public static func niceStep(_ raw: Double) -> Double {
        let exponent = floor(log10(raw))
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// Powers of ten within [lo, hi] (lo > 0); if the range spans less than a decade, the
    /// 1-2-5 multiples inside it instead; if more than 8 decades, every second or third power.
    public static func logarithmic(_ lo: Double, _ hi: Double) -> [Double] {
        let a = max(min(lo, hi), 1e-300), b = max(lo, hi)
        let e0 = Int(ceil(log10(a) - 1e-9)), e1 = Int(floor(log10(b) + 1e-9))
        if e1 - e0 < 1 {
            var ticks: [Double] = []
            for e in (e0 - 1)...(e1 + 1) {
                for m in [1.0, 2, 5] {
                    let v = m * pow(10, Double(e))
                    if v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9) { ticks.append(v) }
                }
            }
            return ticks.isEmpty ? [a, b] : ticks
        }
        if e1 - e0 < 2 {
            // One or two decades: the powers alone are too few; add the 2× and 5× multiples.
            var ticks: [Double] = []
            for e in (e0 - 1)...e1 {
                for m in [1.0, 2, 5] {
                    let v = m * pow(10, Double(e))
                    if v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9) { ticks.append(v) }
                }
            }
            return ticks
        }
        let every = max(1, (e1 - e0 + 7) / 8)
        return stride(from: e0, through: e1, by: every).map { pow(10, Double($0)) }
    }

    /// A contour level for a label: three significant digits, plain numbers up to 10⁵.
    public static func levelLabel(_ v: Double) -> String {
        let m = abs(v)
        if m >= 1000 && m < 1e5 { return String(format: "%.0f", v) }
        if m >= 1e5 || (m < 1e-3 && m > 0) { return label(v) }
        return trim(String(format: "%.3g", v))
    }

    /// Short labels for ticks: the fewest significant digits that tell neighbours apart;
    /// scientific notation for very small or large magnitudes.
    public static func label(_ v: Double, step: Double? = nil) -> String {
        if v == 0 { return "0" }
        let m = abs(v)
        if m >= 1e5 || m < 1e-3 {
            let e = Int(floor(log10(m)))
            let mantissa = v / pow(10, Double(e))
            let ms = trim(String(format: "%.2f", mantissa))
            return ms == "1" ? "1e\(e)" : (ms == "-1" ? "-1e\(e)" : "\(ms)e\(e)")
        }
        let decimals = step.map { max(0, Int(ceil(-log10($0) - 1e-9)) + ($0 / pow(10, floor(log10($0))) == 2.5 ? 1 : 0)) } ?? 3
        return trim(String(format: "%.\(min(decimals, 6))f", v))
    }

    static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }
}
