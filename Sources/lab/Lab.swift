import ArgumentParser
import Foundation
import Landscape
import Numerics
import Optimizers
import Reports
import Symbolic

@main
struct Lab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "A laboratory for optimizers on loss landscapes and the flatness of the minima they reach.",
        discussion: """
            Expressions use numbers, variables, pi, e, + - * / ^ (right-associative; -x^2 is -(x^2)), \
            parentheses and the functions \(Function.allCases.map(\.rawValue).joined(separator: " ")) \
            (step: 1 for x > 0, else 0, the derivative of relu). `--` ends the options: what \
            follows is an argument even if it starts with a dash.

            Example:
              lab derive "x^2 * y + sin(x)" --at x=1,y=2 --order 2

            \(exitStatusHelp)
            """,
        subcommands: [List.self, Show.self, Derive.self, Measure.self, Analyze.self, Run.self, StepCommand.self, Compare.self, Basins.self, SweepCommand.self,
                      NotebookCommand.self, Serve.self]
    )

    /// Parses and runs a command; every failure is one line `error: ...` on stderr (a caret
    /// display may follow) and the exit status of `exitStatusHelp`.
    static func main() {
        // Ctrl-C or a kill: no half-written file is left behind (writes go through temporary
        // files, which the handler removes), and the exit status is 128 + the signal's number.
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                removePartialFiles()
                Foundation.exit(128 + sig)
            }
            source.resume()
            signalSources.append(source)
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error)
        }
        do {
            try execute(command)
        } catch {
            fail(error)
        }
    }

    /// Runs a parsed command with its `--digits` in force for every table and text it prints.
    static func execute(_ command: ParsableCommand) throws {
        var c = command
        let digits = try (command as? any CommonOptionsCommand)?.common.readerDigits() ?? Precision.readerDigits
        try Precision.$readerDigits.withValue(digits) { try c.run() }
    }

    /// The signal handlers, kept alive for the whole run.
    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    static func fail(_ error: Error) -> Never {
        Foundation.exit(report(error))
    }

    /// Writes what an error says (`error: ...` on stderr; --help and --version text on stdout)
    /// and returns the exit status: 0 for help, 64 for the command line, 65 for an input file
    /// (a problem or a notebook), 1 for anything else. `lab notebook` uses it to run cells in process.
    static func report(_ error: Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        let status: Int32
        switch error {
        case is UsageError, is SettingError, is ParseError: status = 64
        case is ProblemError, is NotebookFileError: status = 65
        case is FileError, is NumericsError: status = 1
        default:
            // argument-parser's own: --help and --version (status 0), or a usage mistake.
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            // The message, then argument-parser's usage line and pointer to --help.
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            printError("error: " + message)
            return code.rawValue  // 64 for a usage mistake, as ours
        }
        printError("error: \(error)")
        return status
    }
}
