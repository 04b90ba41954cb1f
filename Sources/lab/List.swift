import ArgumentParser
import Reports
import Landscape

struct List: CommonOptionsCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the problems in the catalog.",
        discussion: """
            The catalog is every NAME.toml in $LAB_PROBLEMS (if set) and in the nearest problems/ \
            folder from the current directory upward. Any problem can be passed to the other \
            commands by NAME, or as a path to its .toml file.

            \(exitStatusHelp)
            """
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        let catalog = Catalog()
        let names = catalog.names()
        guard !names.isEmpty else {
            throw UsageError("no problems found: looked in \(catalog.folders.isEmpty ? "no folder (no problems/ folder from here upward, and $LAB_PROBLEMS is not set)" : catalog.folders.map(\.path).joined(separator: ", "))")
        }
        // A broken file does not hide the rest of the catalog; it is reported after it.
        var problems: [Problem] = [], broken: [String] = []
        for name in names {
            do { problems.append(try catalog.load(name).checked()) } catch { broken.append("\(error)") }
        }
        defer { if !broken.isEmpty { broken.forEach { printError("error: \($0)") } } }
        switch common.format {
        case .json:
            print(JSON.array(problems.map { p in
                .object([("name", .string(p.name)), ("variables", .strings(p.variables)), ("title", .string(p.title))])
            }).rendered())
        case .text:
            // A model's parameters by count: a network's names fill a line.
            let rows = problems.map { p in
                [p.name, p.model != nil || p.dimension > maxNamedVariables ? "\(p.dimension) parameters" : p.variables.joined(separator: ", "), p.title]
            }
            print(table(header: ["name", "variables", "title"], rows: rows))
        }
        if !broken.isEmpty { throw ExitCode(65) }  // a broken problem file: bad input data
    }
}
