import Foundation
import Landscape
import Optimizers
import Symbolic

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

    /// `name=a:b:n` (`--vary`, the web API's `vary`): n values of the setting from a to b
    /// (numpy.linspace, to 12 digits), each checked by the setting's table entry.
    public static func parse(_ text: String) throws -> Vary {
        let form = "expected name=a:b:n (as in lr=0.01:0.5:20)"
        let halves = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard halves.count == 2 else { throw SettingError("\(setting: "vary"): \(form), got '\(text)'") }
        let key = halves[0].trimmingCharacters(in: .whitespaces)
        guard RunSettings.setting(key) != nil else {
            let names = RunSettings.table.map(\.key)
            let hint = nearest(to: key, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw SettingError("\(setting: "vary"): unknown setting '\(key)'\(hint)")
        }
        let numbers = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, let a = numbers[0], let b = numbers[1], let nd = numbers[2], a.isFinite, b.isFinite, nd == nd.rounded() else {
            throw SettingError("\(setting: "vary"): \(form), got '\(text)'")
        }
        guard (1...4096).contains(nd) else { throw SettingError("\(setting: "vary"): n must be 1 to 4096, got '\(text)'") }
        let vary = Vary(key: key, values: values(a, b, Int(nd)))
        // Each value must be one the setting accepts, with the setting's own message.
        for v in vary.values { _ = try vary.setting(v) }
        return vary
    }

    /// The setting's value `v`, checked by the settings table with its own words.
    public func setting(_ v: Double) throws -> SettingValue {
        guard let setting = RunSettings.setting(key) else { throw SettingError("\(setting: "vary"): unknown setting '\(key)'") }
        guard Vary.isNumber(setting) else { throw SettingError("\(setting: "vary") \(key): only a setting that is one number can be varied") }
        switch setting.parse(shortest(v)) {
        case .success(let value): return value
        case .failure(let e): throw SettingError("\(setting: "vary") \(key): \(setting: key) \(e)")
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
    /// the given settings alone, when nothing is varied), resolved and checked before any run;
    /// a given or varied setting that no optimizer reads is refused.
    static func resolve(problem: Problem, optimizers: [Optimizer], given flags: [String: SettingValue], varies: [Vary]) throws -> [[RunSettings]] {
        if let twice = varies.first(where: { v in varies.filter { $0.key == v.key }.count > 1 }) {
            throw SettingError("\(setting: "vary") \(twice.key) is given twice")
        }
        if let both = varies.first(where: { flags[$0.key] != nil }) {
            throw SettingError("\(setting: both.key) is both set and varied; give one of them")
        }
        var settings: [[RunSettings]] = []
        for o in optimizers {
            var rows: [RunSettings] = []
            for combination in combinations(varies) {
                var f = flags
                for (vary, value) in zip(varies, combination) { f[vary.key] = try vary.setting(value) }
                rows.append(try RunSettings.resolve(problem: problem, optimizer: o, given: f))
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
