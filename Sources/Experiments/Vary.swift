import Foundation
import Landscape
import Optimizers

/// A run setting swept over values (`--vary rho=0.05:2:40`): the second axis of a 1-D basin
/// map, or an axis of a sweep.
public struct Vary: Sendable {
    public let key: String
    public let values: [Double]
    public init(key: String, values: [Double]) { (self.key, self.values) = (key, values) }

    /// numpy.linspace(a, b, n): n values from a to b, both included, as numpy computes them
    /// (k·step + a with step = (b − a)/(n − 1), the last exactly b), so a grid matches numpy's bits.
    public static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        let step = (b - a) / Double(max(n - 1, 1))
        return n == 1 ? [a] : (0..<n).map { k in k == n - 1 ? b : Double(k) * step + a }
    }

    /// The values of a swept setting: numpy.linspace(a, b, n), each rounded to 12 significant
    /// digits, so that 0.39999999999999997 is 0.4 and a row reruns exactly as `lab run --rho 0.4`.
    public static func values(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        linspace(a, b, n).map { v in v == 0 ? 0 : Double(String(format: "%.12g", v))! }
    }

    /// The setting's value `v`, checked by the settings table with its own words.
    public func setting(_ v: Double) throws -> SettingValue {
        guard let setting = RunSettings.setting(key) else { throw SettingError("--vary: unknown setting '\(key)'") }
        guard Vary.isNumber(setting) else { throw SettingError("--vary \(key): only a setting that is one number can be varied") }
        switch setting.parse(shortest(v)) {
        case .success(let value): return value
        case .failure(let e): throw SettingError("--vary \(key): \(setting.flag) \(e.message)")
        }
    }

    /// Whether a setting is one number (lr, rho, steps, ...), which a sweep can vary; not a
    /// vector (start), a word (opt, base, schedule) or a flag.
    public static func isNumber(_ setting: Setting) -> Bool {
        switch setting.kind {
        case .positive, .nonNegative, .fraction, .real, .count: true
        default: false
        }
    }

    /// Every combination of the varied values, the first setting varying slowest.
    public static func combinations(_ varies: [Vary]) -> [[Double]] {
        varies.reduce([[]]) { partial, vary in partial.flatMap { p in vary.values.map { p + [$0] } } }
    }

    /// The settings of each optimizer at each combination of the varied values (one combination,
    /// the flags alone, when nothing is varied), resolved and checked before any run; a flag or
    /// a varied setting that no optimizer reads is refused.
    static func resolve(problem: Problem, optimizers: [Optimizer], flags: [String: SettingValue], varies: [Vary]) throws -> [[RunSettings]] {
        if let twice = varies.first(where: { v in varies.filter { $0.key == v.key }.count > 1 }) {
            throw SettingError("--vary \(twice.key) is given twice")
        }
        if let both = varies.first(where: { flags[$0.key] != nil }) {
            throw SettingError("--\(both.key) is both set and varied; give one of them")
        }
        var settings: [[RunSettings]] = []
        for o in optimizers {
            var rows: [RunSettings] = []
            for combination in combinations(varies) {
                var f = flags
                for (vary, value) in zip(varies, combination) { f[vary.key] = try vary.setting(value) }
                rows.append(try RunSettings.resolve(problem: problem, optimizer: o, flags: f))
            }
            settings.append(rows)
        }
        let readBy = zip(optimizers, settings).map { (optimizer: $0, base: $1[0].hyper.base) }
        var read = flags
        for vary in varies { read[vary.key] = try vary.setting(vary.values[0]) }
        try RunSettings.checkRead(read, by: readBy)
        return settings
    }
}

/// The shortest text that reads back as the same double ("0.1", not "0.10000000000000001").
func shortest(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
}
