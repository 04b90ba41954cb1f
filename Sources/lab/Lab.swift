import ArgumentParser

@main
struct Lab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "A laboratory for optimizers on loss landscapes and the flatness of the minima they reach.",
        discussion: """
            Expressions use numbers, variables, pi, e, + - * / ^ (right-associative; -x^2 is -(x^2)), \
            parentheses and the functions exp log sqrt sin cos tan atan sinh cosh tanh sigmoid \
            softplus abs sign.

            Example:
              lab derive "x^2 * y + sin(x)" --at x=1,y=2 --order 2
            """,
        subcommands: [List.self, Show.self, Derive.self, Measure.self, Analyze.self, Run.self, Compare.self]
    )
}
