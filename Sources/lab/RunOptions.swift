import ArgumentParser
import Experiments
import Reports
import Symbolic
import Landscape
import Optimizers

/// The run settings of `run` and `compare`, read from the words the command line left over:
/// every flag of Optimizers' settings table (`RunSettings.table`), so a new setting needs no
/// edit here. Each overrides the problem's `[defaults]`, which override the built-in defaults.
struct RunOptions: ParsableArguments {
    @Option(help: "Folder for the JSON, CSV and SVG files.")
    var out: String = "out"

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Run settings, as listed under Settings above: --lr 0.1 --rho 0.5 ...", valueName: "settings"))
    var settings: [String] = []

    /// The output folder (`OutputFolder` refuses an empty one).
    func folder() throws -> OutputFolder { try OutputFolder(out) }

    /// The settings given, keyed like a problem's `[defaults]`.
    func flags() throws -> [String: SettingValue] { try RunSettings.parseFlags(settings) }

    /// The settings of a command that takes its optimizers from --opts and keeps no trajectories
    /// (compare keeps them, so it allows --measures): --opt is refused, and --measures with `why`.
    func manyRunFlags(command: String, measures why: String?) throws -> [String: SettingValue] {
        let flags = try flags()
        if flags["opt"] != nil { throw UsageError("\(command) takes its optimizers from --opts, not --opt") }
        if let why, flags["measures"] != nil { throw UsageError("--measures records one trajectory's flatness; \(why)") }
        if why != nil { try refuseAnimate(flags, command: command) }
        return flags
    }

    /// --animate plays runs' paths; a command that draws none refuses it rather than ignore it.
    func refuseAnimate(_ flags: [String: SettingValue], command: String) throws {
        if flags["animate"] != nil { throw UsageError("--animate plays the paths of lab run and lab compare; lab \(command) draws no path") }
    }
}

/// The optimizers of `--opts gd,sam,gam`, each once.
func optimizerList(_ opts: String) throws -> [Optimizer] {
    let names = opts.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !(names.count == 1 && names[0].isEmpty) else { throw UsageError("--opts: give at least one optimizer, as in --opts gd,sam,gam") }
    if names.contains("") { throw UsageError("--opts '\(opts)' has an empty name; give optimizers separated by single commas, as in gd,sam,gam") }
    let optimizers = try names.map { try Optimizer.lookup($0) }
    if let twice = optimizers.first(where: { o in optimizers.filter { $0 == o }.count > 1 }) {
        throw UsageError("--opts names \(twice.name) twice; each optimizer's files would overwrite the other's")
    }
    return optimizers
}

/// `--vary name=a:b:n`: n values of the setting from a to b (numpy.linspace, to 12 digits).
func parseVary(_ text: String) throws -> Vary {
    let form = "expected name=a:b:n (as in lr=0.01:0.5:20)"
    let halves = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard halves.count == 2 else { throw UsageError("--vary: \(form), got '\(text)'") }
    let key = halves[0].trimmingCharacters(in: .whitespaces)
    guard RunSettings.setting(key) != nil else {
        let names = RunSettings.table.map(\.key)
        throw UsageError("--vary: unknown setting '\(key)'" + (nearest(to: key, among: names).map { "; did you mean '\($0)'?" } ?? ""))
    }
    let numbers = halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard numbers.count == 3, let a = numbers[0], let b = numbers[1], let nd = numbers[2], a.isFinite, b.isFinite, nd == nd.rounded() else {
        throw UsageError("--vary: \(form), got '\(text)'")
    }
    guard (1...4096).contains(nd) else { throw UsageError("--vary: n must be 1 to 4096, got '\(text)'") }
    let vary = Vary(key: key, values: Vary.values(a, b, Int(nd)))
    // Each value must be one the setting accepts, with the setting's own message.
    for v in vary.values { _ = try vary.setting(v) }
    return vary
}

/// The `--help` text of the run settings and the optimizers, from their tables.
func runSettingsHelp(except: [String] = []) -> String {
    "Optimizers:\n" + Optimizer.helpText + "\n\nSettings (flags override the problem's [defaults], which override the defaults shown):\n"
        + RunSettings.helpText(except: except)
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
