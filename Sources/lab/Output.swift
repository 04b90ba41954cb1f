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

/// An error that `lab` renders for a person: the message, then any detail (a caret display).
struct UserError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs a command body, rendering any error on stderr as `error: ...` and exiting with status 1,
/// so every command fails the same way.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// A number for people: 12 significant digits, no trailing noise.
func human(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == 0 { return "0" }
    return String(format: "%.12g", x)
}

func human(_ v: [Double]) -> String { "[" + v.map { human($0) }.joined(separator: ", ") + "]" }
