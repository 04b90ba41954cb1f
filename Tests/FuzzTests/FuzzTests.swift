import Foundation
import Landscape
import Notebook
import Optimizers
import Symbolic
import XCTest

/// Seeded fuzzing of every reader of user input, in process: expressions, problem files (with
/// their data files), CSV files, notebooks and flag lists, thousands of mutations of real inputs
/// and of the reproducers of past crashes and hangs. Each input must be read or refused with the
/// reader's own error type (the one `lab` turns into exit 64 or 65), within a second; a crash
/// ends the test process, so it fails too. The same seed gives the same inputs.
final class FuzzTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The generator: Landscape's seeded SplitMix64, so a failure names an input that recurs.
    typealias Random = SplitMix64

    /// Numbers that broke readers before: huge, tiny, non-finite, negative, fractional counts.
    static let hostileNumbers = ["0", "-1", "1.5", "1e308", "1e30", "-1e308", "5e-324", "nan", "inf", "-inf",
                                 "18446744073709551615.0", "9223372036854775807", "1e200", "100000", "0x10", "1_000", "", "3"]

    /// One random edit of a text: a character inserted, deleted or replaced, a line deleted or
    /// repeated, a number replaced by a hostile one, or a piece of syntax dropped in.
    static func mutate(_ text: String, _ r: inout Random, pieces: [String]) -> String {
        var chars = Array(text)
        switch r.int(7) {
        case 0 where !chars.isEmpty:
            chars.insert(r.pick(Array("()[]{}=,.\"'#\\-+*/^ \n\t\u{0}é1e9xyz")), at: r.int(chars.count + 1))
        case 1 where !chars.isEmpty:
            chars.remove(at: r.int(chars.count))
        case 2 where !chars.isEmpty:
            chars[r.int(chars.count)] = r.pick(Array("()=,.\"#-+*/^ 0129ex\n"))
        case 3:
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !lines.isEmpty { lines.remove(at: r.int(lines.count)) }
            return lines.joined(separator: "\n")
        case 4:
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !lines.isEmpty { let k = r.int(lines.count); lines.insert(lines[k], at: k) }
            return lines.joined(separator: "\n")
        case 5:
            // A number replaced by a hostile one.
            let pattern = try! NSRegularExpression(pattern: #"-?\d+(\.\d+)?(e-?\d+)?"#)
            let ns = text as NSString
            let matches = pattern.matches(in: text, range: NSRange(location: 0, length: ns.length))
            guard !matches.isEmpty else { return text + r.pick(hostileNumbers) }
            return ns.replacingCharacters(in: r.pick(matches).range, with: r.pick(hostileNumbers))
        default:
            chars.insert(contentsOf: Array(r.pick(pieces)), at: r.int(chars.count + 1))
        }
        return String(chars)
    }

    /// Runs `body` on each input, which may throw only `allowed` errors, each within three
    /// seconds: a guard against hangs and quadratic work (20000 continuation lines joined one by
    /// one would take far longer), not a speed claim; a debug build under `make test`'s parallel
    /// load took 1.1 s on the largest input.
    func fuzz(_ name: String, inputs: [String], allowed: (Error) -> Bool, _ body: (String) throws -> Void) {
        var refused = 0
        for (k, input) in inputs.enumerated() {
            let started = Date()
            do { try body(input) } catch {
                refused += 1
                XCTAssert(allowed(error), "\(name) #\(k): \(type(of: error)): \(error)\n--- input ---\n\(input)")
            }
            let took = Date().timeIntervalSince(started)
            XCTAssertLessThan(took, 3, "\(name) #\(k) took \(took) s\n--- input ---\n\(input.prefix(2000))")
        }
        // Both outcomes occur: the mutations reach past the first check.
        XCTAssertGreaterThan(refused, 0, name)
        XCTAssertLessThan(refused, inputs.count, name)
    }

    func testExpressions() throws {
        let seeds = ["x^2 * y + sin(x)", "1 - exp(-(x + 2)^2 / 0.08)", "(a*b - 1)^2", "softplus(x) - sigmoid(y) * tanh(x / 0.02)",
                     "sqrt(1 + 100 * y^2) - abs(x) + sign(y) + log(x^2 + 1) + atan(x) + cosh(y) + sinh(x) + tan(x) + cos(y)",
                     "-x^2^3", "((((((x))))))", "1e308 * 1e308 - x", "pi * e ^ x"]
        var r = Random(seed: 1)
        let inputs = (0..<1500).map { k -> String in
            var t = seeds[k % seeds.count]
            for _ in 0...r.int(4) { t = Self.mutate(t, &r, pieces: ["sin(", ")", "^", "exp(", "--", "**", "1e999", String(repeating: "(", count: 50)]) }
            return t
        } + [String(repeating: "(", count: 5000) + "x" + String(repeating: ")", count: 5000), String(repeating: "-", count: 10000) + "x"]
        fuzz("expression", inputs: inputs, allowed: { $0 is ParseError }) { text in
            let g = Graph()
            let node = try g.parse(text, scope: NameScope(variables: ["x", "y", "a", "b"]))
            _ = g.gradient(of: node, wrt: ["x", "y"].map { g.variable($0) })
        }
    }

    func testProblemFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "x,y\n1,2\n2,3\n3,5\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let catalog = Self.repository.appendingPathComponent("problems")
        let files = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".toml") }.sorted()
        // The catalog, and small models whose data come from d.csv or a rule.
        var seeds = try files.map { try String(contentsOf: catalog.appendingPathComponent($0), encoding: .utf8) }
            .filter { !$0.contains("train = ") }
            // Named as the file they are read from, so the name check lets them through.
            .map { $0.replacingOccurrences(of: #"(?m)^name = "[^"]*""#, with: "name = \"p\"", options: .regularExpression) }
        seeds += [
            "[model]\nkind = \"mlp\"\nlayers = [1, 3, 1]\nseed = 4\n[data]\ntrain = \"d.csv\"\ntest = \"d.csv\"\n",
            "[model]\nkind = \"mlp\"\nlayers = [1, 3, 1]\nnorm = \"weight\"\n[data]\ngenerate = \"sin(1.7*x) + 0.3*x\"\nrange = [-3.0, 3.0]\nnoise = 0.1\nn = 24\nn_test = 50\nseed = 1\n",
            "[model]\nkind = \"expression\"\nparameters = [\"w\", \"c\"]\nloss = \"softplus(w * (x - c)) - y * w * (x - c)\"\n[data]\ngenerate = \"sigmoid((x - 0.5) / 0.1)\"\nrange = [0.0, 1.0]\nlabels = \"bernoulli\"\nn = 40\nseed = 2\n",
        ]
        // The reproducers: seeds, widths, counts and scales that once crashed or hung a reader.
        let hostile = ["seed = 1e30", "seed = inf", "seed = 18446744073709551615.0", "seed = 1.5", "seed = -1", "seed = nan",
                       "layers = [1, 10000, 10000, 1]", "n = 1000000", "noise = 1e200", "range = [1e300, 1e301]", "rho = 1e308"]
        var r = Random(seed: 2)
        var inputs: [String] = []
        for k in 0..<900 {
            var t = seeds[k % seeds.count]
            for _ in 0...r.int(3) { t = Self.mutate(t, &r, pieces: ["\n[defaults]\n", "\nrho = ", "\n" + r.pick(hostile) + "\n", "\"", "[", "]"]) }
            inputs.append(t)
        }
        for h in hostile { inputs.append(seeds[seeds.count - 3].replacingOccurrences(of: "seed = 4", with: h)) }
        fuzz("problem file", inputs: inputs, allowed: { $0 is ProblemError || $0 is SettingError }) { text in
            let p = try Problem(toml: text, file: folder.appendingPathComponent("p.toml").path)
            try RunSettings.check(p)
        }
    }

    func testCSVFiles() throws {
        let train = try String(contentsOf: Self.repository.appendingPathComponent("Tests/ExperimentsTests/Reference/mlp-train.csv"), encoding: .utf8)
        let seeds = [train, "x,y\n1,2\n", "a,b,c\r\n1,2,3\r\n# note\n\n4,5,6\r\n", "x\n1e308\n-1e308\n"]
        var r = Random(seed: 3)
        let inputs = (0..<1500).map { k -> String in
            var t = seeds[k % seeds.count]
            for _ in 0...r.int(3) { t = Self.mutate(t, &r, pieces: [",", "\n", "\u{0}", "\"", "nan", "inf", "1e999", ",,,"]) }
            return t
        }
        fuzz("CSV", inputs: inputs, allowed: { $0 is ProblemError }) { text in
            let d = try DataSet.parse(csv: text, file: "d.csv")
            XCTAssert(d.values.allSatisfy { $0.allSatisfy(\.isFinite) }, "a CSV read with a value that is not finite:\n\(text)")
        }
    }

    func testNotebooks() throws {
        let folder = Self.repository.appendingPathComponent("notebooks-md")
        let lessons = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("0") }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        var r = Random(seed: 4)
        let inputs = (0..<300).map { k -> String in
            var t = lessons[k % lessons.count]
            for _ in 0...r.int(4) { t = Self.mutate(t, &r, pieces: ["```", "```sh\n", "```sh exit=", "<!-- output -->\n", "\n...\n", "![x](", "\\\n"]) }
            return t
        } + ["```sh\n" + String(repeating: "lab list \\\n", count: 20000) + "\n```\n", "```sh\nlab list\n```\n<!-- output -->\n```text\n" + String(repeating: "...\n", count: 300_000) + "```\n"]
        fuzz("notebook", inputs: inputs, allowed: { $0 is NotebookError }) { text in
            let n = try Notebook(text: text)
            for cell in n.cells { for c in cell.commands { _ = try? Notebook.shellWords(c) } }
            XCTAssertEqual(n.text, text, "a notebook is written back byte for byte")
        }
    }

    func testFlagLists() throws {
        let p = try Problem.load(file: Self.repository.appendingPathComponent("problems/two-valley.toml").path)
        let keys = RunSettings.table.map(\.key)
        let gam = try Optimizer.lookup("gam")
        var r = Random(seed: 5)
        let inputs = (0..<2000).map { _ -> String in
            (0...r.int(4)).map { _ -> String in
                let key = r.pick(keys)
                let value = r.int(3) == 0 ? r.pick(Self.hostileNumbers) : r.pick(["0.1", "2", "gd", "1,2", "-1,0.5", "column", "svg,pdf", "8", "equal", "5x3"])
                return "\(key)\u{1}\(r.int(5) == 0 ? r.pick(["true", "false", ""]) : value)"
            }.joined(separator: "\u{1}")
        }
        fuzz("flags", inputs: inputs, allowed: { $0 is SettingError }) { text in
            let words = text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let texts = Dictionary(stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }) { $1 }
            let flags = try RunSettings.read(texts)
            _ = try RunSettings.resolve(problem: p, optimizer: gam, given: flags)
        }
    }
}

extension SplitMix64 {
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}
