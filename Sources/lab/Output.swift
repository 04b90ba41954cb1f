import ArgumentParser
import Foundation

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Output format: text (for people) or json (one document on stdout).")
    var format: OutputFormat = .text
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
