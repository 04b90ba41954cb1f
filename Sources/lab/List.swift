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
        let (problems, broken) = try Work.list()
        defer { if !broken.isEmpty { broken.forEach { printError("error: \($0)") } } }
        switch common.format {
        case .json:
            print(Work.listJSON(problems).rendered())
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
