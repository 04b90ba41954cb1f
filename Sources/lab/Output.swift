import ArgumentParser
import Figures
import Foundation
import Optimizers
import Plot
import Reports

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Output format: text (for people) or json (one document on stdout).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Significant digits of the numbers in text output, 1 to \(Precision.maxDigits) (default: 4). JSON and CSV always keep full precision.", valueName: "N"))
    var digits: String?

    /// The digits asked for, or 4; refuses anything but a whole number from 1 to 17.
    func readerDigits() throws -> Int {
        guard let digits else { return Precision.readerDigits }
        guard let n = Int(digits), (1...Precision.maxDigits).contains(n) else {
            throw UsageError("--digits must be a whole number from 1 to \(Precision.maxDigits), got '\(digits)'")
        }
        return n
    }
}

/// A command with the common options: `Lab.execute` reads its `--digits`.
protocol CommonOptionsCommand: ParsableCommand {
    var common: CommonOptions { get }
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// A mistake on the command line (exit status 64).
struct UsageError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The exit statuses, for every command's `--help`.
let exitStatusHelp = """
    Exit status: 0 on success; 64 for a mistake on the command line (an unknown flag, a bad \
    value); 65 for a mistake in an input file (a problem file); 1 for anything else (a failed \
    computation or write). Errors go to stderr as 'error: ...'.
    """

/// The tail of every command that writes files: the files whole or none (`writeAtomically`),
/// then any warnings, then the JSON document (`--format json`) or the text and the files written.
func deliver(_ files: [(contents: Data, path: String)], document: @autoclosure () -> String, warnings: [String] = [],
             format: OutputFormat, text: () -> String) throws {
    try writeDataAtomically(files)
    for warning in warnings { printError(warning) }
    switch format {
    case .json: print(document())
    case .text:
        print(text())
        print("\n" + wrap("wrote " + files.map(\.path).joined(separator: ", "), indent: "      "))
    }
}

/// The files of a run, a basin map or a sweep: BASE.json (the document), BASE.csv and, unless
/// the settings say no-plot, the figure as BASE.svg, .pdf or .png (the settings' formats).
/// Everything is rendered before the first file is written.
func dataFiles(base: String, document: String, csv: String, figure: (() throws -> Figure)?, settings: FigureSettings) throws
    -> [(contents: Data, path: String)] {
    var files: [(contents: Data, path: String)] = [(Data((document + "\n").utf8), base + ".json"), (Data(csv.utf8), base + ".csv")]
    if let figure { files += try LabFigures.files(try figure(), base: base, settings: settings) }
    return files
}

/// The figure settings, and whether to write the figure at all: every command that draws one.
struct FigureOptions: SettingOptions {
    @Flag(inversion: .prefixedNo, help: "Write the figure; --no-plot skips it (default: write it).") var plot: Bool?
    @Option(parsing: .unconditional, help: .setting("size")) var size: String?
    @Option(parsing: .unconditional, help: .setting("font-size")) var fontSize: String?
    @Option(parsing: .unconditional, help: .setting("figure-format")) var figureFormat: String?
    @Option(parsing: .unconditional, help: .setting("dpi")) var dpi: String?
    @Option(parsing: .unconditional, help: .setting("aspect")) var aspect: String?
    @Option(parsing: .unconditional, help: .setting("style")) var style: String?
}

/// `--max-minutes` of the commands whose work grows with starts, values and steps.
struct WorkLimitOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Stop work projected (from its first runs) to take longer than this many minutes, before it writes anything (default: 10).", valueName: "M"))
    var maxMinutes: String?

    /// The limit in seconds; refuses anything but a positive number of minutes, in one line.
    func seconds() throws -> Double {
        guard let maxMinutes else { return 600 }
        guard let m = Double(maxMinutes), m > 0, m.isFinite else {
            throw UsageError("--max-minutes must be a positive number of minutes, got '\(maxMinutes)'")
        }
        return m * 60
    }
}

/// `--threads` of the commands that run many starts.
struct ThreadOption: ParsableArguments {
    @Option(help: "Threads to run on (default: every core); the result does not depend on it.")
    var threads: Int?

    /// The count asked for, or every core; refuses fewer than one.
    func count() throws -> Int {
        if let threads, threads < 1 { throw UsageError("--threads must be at least 1, got \(threads)") }
        return threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}
