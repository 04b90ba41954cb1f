import ArgumentParser
import Reports
import Landscape
import Optimizers

/// The run settings of `run` and `compare`, read from the words the command line left over:
/// every flag of Optimizers' settings table (`RunSettings.table`), so a new setting needs no
/// edit here. Each overrides the problem's `[defaults]`, which override the built-in defaults.
struct RunOptions: ParsableArguments {
    @Option(help: "Folder for the JSON, CSV and SVG files.")
    var out: String = "out"

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Run settings, listed below: --lr 0.1 --rho 0.5 ...", valueName: "settings"))
    var settings: [String] = []

    /// The settings given, keyed like a problem's `[defaults]`.
    func flags() throws -> [String: SettingValue] { try RunSettings.parseFlags(settings) }
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
