import ArgumentParser
import Experiments
import Reports
import Symbolic
import Landscape
import Optimizers

// The command line is one front end of the settings table (`RunSettings.table`): every setting
// is an option argument-parser knows, so `--help` lists it under its group and shell completion
// offers it. Each option's help, default and value name come from its table entry, and its text
// is read by the table (`RunSettings.read`), the same reader the web API uses. A property's name
// is its setting's key in camel case (`gradNormRho` for `grad-norm-rho`), which is also how
// argument-parser spells the flag; labTests/SettingOptionsTests checks that the options and
// the table match, one for one.

/// A group of options that are settings of the table.
protocol SettingOptions: ParsableArguments {}

extension SettingOptions {
    /// The settings given, as text keyed by setting (`["lr": "0.1", "measures": "true"]`).
    var texts: [String: String] { settingTexts(of: self) }
}

/// The settings given to a command or an option group, as text keyed by setting: every option
/// named after a setting (not `--at`, `--run-to`, ...) and the options of every group of settings
/// inside it.
func settingTexts(of options: Any) -> [String: String] {
    var out: [String: String] = [:]
    for child in Mirror(reflecting: options).children {
        guard let label = child.label, label.hasPrefix("_"), let option = child.value as? GivenSetting else { continue }
        option.add(key: settingKey(String(label.dropFirst())), to: &out)
    }
    return out
}

/// `gradNormRho` → `grad-norm-rho`, as argument-parser names the flag of a property.
func settingKey(_ property: String) -> String {
    property.reduce(into: "") { key, c in key += c.isUppercase ? "-" + c.lowercased() : String(c) }
}

/// An option whose value, when given, is a setting's text.
protocol GivenSetting {
    func add(key: String, to texts: inout [String: String])
}

extension Option: GivenSetting where Value == String? {
    func add(key: String, to texts: inout [String: String]) {
        if let value = wrappedValue, RunSettings.setting(key) != nil { texts[key] = value }
    }
}

extension Flag: GivenSetting where Value == Bool? {
    /// An on/off setting: `--measures`/`--no-measures`; the `plot` property is the `no-plot`
    /// setting turned around (`--plot`/`--no-plot`).
    func add(key: String, to texts: inout [String: String]) {
        guard let on = wrappedValue else { return }
        if RunSettings.setting(key) == nil, RunSettings.setting("no-" + key) != nil {
            texts["no-" + key] = on ? "false" : "true"
        } else {
            texts[key] = on ? "true" : "false"
        }
    }
}

extension OptionGroup: GivenSetting where Value: SettingOptions {
    func add(key: String, to texts: inout [String: String]) {
        texts.merge(wrappedValue.texts) { _, inner in inner }
    }
}

extension ArgumentHelp {
    /// A setting's help from the table: its line, its default and a value name from its kind.
    static func setting(_ key: String) -> ArgumentHelp {
        let s = RunSettings.setting(key)!
        let value: String = switch s.kind {
        case .vector: "v1,v2"
        case .choice(let words): words.count <= 5 ? words.joined(separator: "|") : "name"
        case .choices(let words): words.joined(separator: ",")
        case .figureSize: "column|page|slide|screen|WxH"
        case .path: "file"
        case .count: "n"
        case .flag: ""
        default: "x"
        }
        return ArgumentHelp(s.help + " (default: \(s.defaultText))", valueName: value)
    }
}

/// Where a run starts: `--start`, or a network's `--init-seed`.
struct StartOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("start")) var start: String?
    @Option(parsing: .unconditional, help: .setting("init-seed")) var initSeed: String?
}

/// Learning rate, length and radius.
struct StepOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("lr")) var lr: String?
    @Option(parsing: .unconditional, help: .setting("steps")) var steps: String?
    @Option(parsing: .unconditional, help: .setting("rho")) var rho: String?
}

struct SharpnessAwareOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("alpha")) var alpha: String?
    @Option(parsing: .unconditional, help: .setting("sam-rho")) var samRho: String?
    @Option(parsing: .unconditional, help: .setting("eta")) var eta: String?
}

struct BaseRuleOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("base")) var base: String?
    @Option(parsing: .unconditional, help: .setting("momentum")) var momentum: String?
    @Option(parsing: .unconditional, help: .setting("dampening")) var dampening: String?
    @Option(parsing: .unconditional, help: .setting("weight-decay")) var weightDecay: String?
    @Option(parsing: .unconditional, help: .setting("schedule")) var schedule: String?
}

struct GamFastOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("grad-rho")) var gradRho: String?
    @Option(parsing: .unconditional, help: .setting("grad-norm-rho")) var gradNormRho: String?
    @Option(parsing: .unconditional, help: .setting("beta0")) var beta0: String?
    @Option(parsing: .unconditional, help: .setting("beta1")) var beta1: String?
    @Option(parsing: .unconditional, help: .setting("beta2")) var beta2: String?
    @Option(parsing: .unconditional, help: .setting("beta3")) var beta3: String?
    @Option(parsing: .unconditional, help: .setting("gamma")) var gamma: String?
}

struct LookaheadOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("lookahead-k")) var lookaheadK: String?
    @Option(parsing: .unconditional, help: .setting("lookahead-alpha")) var lookaheadAlpha: String?
}

/// Gradient noise, and the σ of the measures that shift θ at random.
struct NoiseOptions: SettingOptions {
    @Option(parsing: .unconditional, help: .setting("noise")) var noise: String?
    @Option(parsing: .unconditional, help: .setting("seed")) var seed: String?
    @Option(parsing: .unconditional, help: .setting("sigma")) var sigma: String?
}

/// What a command that keeps its runs' paths records and plays: run and compare.
struct TrajectoryOptions: SettingOptions {
    @Flag(inversion: .prefixedNo, help: .setting("measures")) var measures: Bool?
    @Flag(inversion: .prefixedNo, help: .setting("animate")) var animate: Bool?
}

/// A command that takes settings of the table: its settings are its option groups of
/// `SettingOptions` and its own options named after a setting (`opt`), read by the table. The
/// groups sit directly in the command, not in a group of groups: argument-parser checks every
/// nested group again in a debug build, which made each command take 0.3 s to parse.
protocol SettingsCommand: CommonOptionsCommand {}

extension SettingsCommand {
    /// The settings given on the command line, read by the table (`RunSettings.read`).
    func given() throws -> [String: SettingValue] { try RunSettings.read(settingTexts(of: self)) }
}

/// `--out`: the folder a command writes its files to.
struct OutputFolderOption: ParsableArguments {
    @Option(help: "Folder for the JSON, CSV and figure files.")
    var out: String = "out"

    /// The output folder (`OutputFolder` refuses an empty one).
    func folder() throws -> OutputFolder { try OutputFolder(out) }
}

/// The `--help` list of optimizers: name, summary and the settings each reads.
let optimizersHelp = "Optimizers:\n" + Optimizer.all.map { o in
    hangingIndent(o.name, o.summary + (o.settings.isEmpty ? "" : " [" + o.settings.joined(separator: ", ") + "]"), column: 13)
}.joined(separator: "\n") + "\n\nSettings (options below) override the problem's [defaults], which override the defaults shown."

/// `head` in a column, then `text` wrapped to 78 columns under itself.
func hangingIndent(_ head: String, _ text: String, column: Int = 24, width: Int = 78) -> String {
    var lines: [String] = []
    var line = "  " + head
    if line.count >= column - 1 { lines.append(line); line = "" }
    line = line.padding(toLength: column, withPad: " ", startingAt: 0)
    var empty = true
    for word in text.split(separator: " ") {
        if !empty && line.count + 1 + word.count > width {
            lines.append(line)
            line = String(repeating: " ", count: column)
            empty = true
        }
        line += (empty ? "" : " ") + word
        empty = false
    }
    lines.append(line)
    return lines.joined(separator: "\n")
}

/// Loads a problem by catalog name or path and checks its `[defaults]` against the settings table.
func loadProblem(_ spec: String) throws -> Problem {
    try Catalog().load(spec).checked()
}

extension Problem {
    /// The problem, once its `[defaults]` pass the settings table.
    func checked() throws -> Problem {
        try RunSettings.check(self)
        return self
    }
}

/// Where a command writes: file names joined to the folder as typed (relative stays relative),
/// without doubled slashes.
struct OutputFolder {
    let path: String

    /// The folder `--out` names; an empty one is refused rather than read as the root folder.
    init(_ path: String) throws {
        guard !path.isEmpty else { throw UsageError("--out needs a folder, as in --out figures") }
        self.path = path
    }

    func file(_ name: String) -> String {
        var folder = path
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        return folder == "/" ? "/" + name : folder + "/" + name
    }
}
