import Landscape
@testable import Optimizers
import XCTest

/// The settings table: one check for flags and problem files, layers in order, the registry.
final class SettingsTests: XCTestCase {
    let base = """
        variables = ["x"]
        loss = "x^2"
        [domain]
        x = [-1.0, 1.0]
        """

    func problem(_ defaults: String) throws -> Problem {
        try Problem(toml: base + "\n[defaults]\n" + defaults, file: "f.toml")
    }

    func testProblemFileErrorsNameTheFileAndKey() throws {
        let cases: [(String, String)] = [
            ("start = [2.0]", "f.toml: defaults.start: x = 2.0 is outside the domain [-1.0, 1.0]"),
            ("start = [0.0, 0.0]", "f.toml: defaults.start: has 2 values but f has 1 variable (x)"),
            ("weight_decay = 0.1", "f.toml: defaults.weight_decay: unknown run setting 'weight_decay'; did you mean 'weight-decay'?"),
            ("lr = 0", "f.toml: defaults.lr: must be a positive number, not 0.0"),
            ("steps = 2.5", "f.toml: defaults.steps: must be a whole number from 1 to 10000000, not 2.5"),
            ("seed = -1", "f.toml: defaults.seed: must be from 0 to 2^53 = 9007199254740992, not -1"),
            ("base = \"adma\"", "f.toml: defaults.base: 'adma' is not one of gd, momentum, nesterov, adam, adamw; did you mean 'adam'?"),
            ("opt = \"gma\"", "f.toml: defaults.opt: 'gma' is not one of gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam, gam-sam, gam-fast, lookahead, sam-exact, gam-exact; did you mean 'gam'?"),
            ("measures = \"yes\"", "f.toml: defaults.measures: must be true or false"),
            ("dampening = 5", "f.toml: defaults.dampening: must be a number from 0 to 1, not 5.0"),
        ]
        for (text, expected) in cases {
            let p = try problem(text)
            XCTAssertThrowsError(try RunSettings.check(p), text) { XCTAssertEqual("\($0)", expected, text) }
        }
    }

    /// Figure settings in a problem file: the same checks and words as the flags.
    func testFigureSettingsInAProblemFile() throws {
        let forms = "column, page, slide, screen or WIDTHxHEIGHT in inches (as in 5x3.5)"
        let cases: [(String, String)] = [
            ("size = \"0x3\"", "f.toml: defaults.size: '0x3': width and height must be more than 0 and at most 100 inches; give \(forms)"),
            ("size = 3", "f.toml: defaults.size: must be \(forms)"),
            ("figure-format = \"gif\"", "f.toml: defaults.figure-format: 'gif' is not one of svg, pdf, png (give one or more, comma-separated, as in svg,pdf)"),
            ("dpi = -1", "f.toml: defaults.dpi: must be from 10 to 2400, not -1"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try RunSettings.check(try problem(text)), text) { XCTAssertEqual("\($0)", expected, text) }
            // The flag with the same value says the same after its name (a number in a file
            // where a word is wanted has no flag twin).
            if text == "size = 3" { continue }
            let key = String(text.prefix { $0 != " " })
            let value = text.split(separator: "=")[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            XCTAssertThrowsError(try RunSettings.read([key: value])) { e in
                XCTAssertEqual("\(e)", "--\(key) " + expected.replacingOccurrences(of: "f.toml: defaults.\(key): ", with: ""), text)
            }
        }
        // Figures' FigureSettings applies them (FiguresTests.PrintTests.testFigureSettingsInLayers).
    }

    /// The same value is accepted or refused alike on the command line and in a file.
    func testFlagsAndFilesAgree() throws {
        for (key, text) in [("beta2", "-0.5"), ("alpha", "0"), ("lr", "-1"), ("dampening", "1.5"), ("momentum", "-0.1")] {
            let fromFlag = Result { try RunSettings.read([key: text]) }
            let fromFile = Result { try RunSettings.check(try problem("\(key) = \(text)")) }
            switch (fromFlag, fromFile) {
            case (.success, .success): break
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual("\(a)", "--\(key) " + "\(b)".replacingOccurrences(of: "f.toml: defaults.\(key): ", with: ""))
            default: XCTFail("\(key) = \(text): flag \(fromFlag), file \(fromFile)")
            }
        }
    }

    /// --init-seed: a network's start drawn with another seed (the model's own seed gives its
    /// default start); refused where there is no network to initialise.
    func testInitSeed() throws {
        let gd = try Optimizer.lookup("gd")
        let network = try Problem(toml: """
            [model]
            kind = "mlp"
            layers = [1, 2, 1]
            [data]
            generate = "x"
            range = [0, 1]
            n = 4
            """, file: "net.toml")
        let flags = { (seed: String) in try RunSettings.read(["init-seed": seed]) }
        let seeded = try RunSettings.resolve(problem: network, optimizer: gd, given: flags("3"))
        XCTAssertEqual(seeded.start, network.model?.initialization(seed: 3))
        XCTAssertNotEqual(seeded.start, network.defaultStart)
        XCTAssertEqual(try RunSettings.resolve(problem: network, optimizer: gd, given: flags("0")).start, network.defaultStart)
        XCTAssertThrowsError(try RunSettings.resolve(problem: network, optimizer: gd, given: RunSettings.read(["init-seed": "3", "start": "0,0,0,0,0,0,0"]))) { error in
            XCTAssertEqual("\(error)", "--init-seed draws a start; give it or --start, not both")
        }
        XCTAssertThrowsError(try RunSettings.resolve(problem: try Problem(toml: base, file: "f.toml"), optimizer: gd, given: flags("3"))) { error in
            XCTAssertEqual("\(error)", "--init-seed seeds a network's initialisation; f starts from its start or the domain's centre")
        }
    }

    /// Settings given as text, as every front end receives them, each read by its table entry;
    /// a mistake names the setting, and each front end spells the name its own way.
    func testReadingText() throws {
        let v = try RunSettings.read(["lr": "0.5", "start": "-1", "measures": "true", "no-plot": "on", "steps": "7", "seed": "3", "base": " adam "])
        XCTAssertEqual(v["lr"], .number(0.5))
        XCTAssertEqual(v["start"], .vector([-1]))
        XCTAssertEqual(v["measures"], .flag(true))
        XCTAssertEqual(v["no-plot"], .flag(true))
        XCTAssertEqual(v["steps"], .integer(7))
        XCTAssertEqual(v["base"], .word("adam"))
        XCTAssertEqual(try RunSettings.read(["no-plot": "false", "measures": "0"]), ["no-plot": .flag(false), "measures": .flag(false)])
        let errors: [([String: String], String, String)] = [
            (["lrr": "1"], "unknown setting 'lrr'; did you mean 'lr'?", "unknown setting 'lrr'; did you mean 'lr'?"),
            (["lr": "fast"], "--lr must be a number, not 'fast'", "lr must be a number, not 'fast'"),
            (["steps": "1.5"], "--steps must be a whole number from 1 to 10000000, not '1.5'", "steps must be a whole number from 1 to 10000000, not '1.5'"),
            (["measures": "maybe"], "--measures must be true or false, not 'maybe'", "measures must be true or false, not 'maybe'"),
            (["start": "1,a"], "--start 'a' is not a number; give one number per variable, as in 0.5,1", "start 'a' is not a number; give one number per variable, as in 0.5,1"),
        ]
        for (texts, flag, key) in errors {
            XCTAssertThrowsError(try RunSettings.read(texts), "\(texts)") { e in
                XCTAssertEqual("\(e)", flag)
                XCTAssertEqual((e as? SettingError)?.message(naming: { $0 }), key)
            }
        }
    }

    /// Built-in, optimizer, problem, flag: each layer overrides the one before.
    func testLayers() throws {
        let p = try problem("lr = 0.2\nnoise = 0.3\nstart = [0.5]")
        let sgd = try Optimizer.lookup("sgd")
        let plain = try RunSettings.resolve(problem: try Problem(toml: base, file: "f.toml"), optimizer: sgd, given: [:])
        XCTAssertEqual(plain.hyper.noise, 0.1)        // sgd's own default
        XCTAssertEqual(plain.hyper.lr, 0.01)          // the table's
        XCTAssertEqual(plain.start, [0])              // the domain's centre
        let s = try RunSettings.resolve(problem: p, optimizer: sgd, given: ["lr": .number(0.7)])
        XCTAssertEqual(s.hyper.noise, 0.3)
        XCTAssertEqual(s.hyper.lr, 0.7)
        XCTAssertEqual(s.start, [0.5])
        XCTAssertEqual(s.hyper.base, .gd)
        XCTAssertThrowsError(try RunSettings.resolve(problem: p, optimizer: try Optimizer.lookup("adam"), given: ["base": .word("gd")])) {
            XCTAssertEqual("\($0)", "--base chooses the base rule of an optimizer that takes one (sam, gam, lookahead, ...); 'adam' is itself the base rule adam (sam with --base gd, for example, runs SAM on gd)")
        }
        XCTAssertThrowsError(try RunSettings.resolve(problem: p, optimizer: try Optimizer.lookup("nesterov"), given: ["momentum": .number(0)])) {
            XCTAssertEqual("\($0)", "nesterov needs a positive momentum and zero dampening (got momentum 0.0, dampening 0.0)")
        }
        // The JSON shows what the run read, in table order; beta2 reads its effective value.
        let gamFast = try Optimizer.lookup("gam-fast")
        let keys = s.jsonFields(for: gamFast).map(\.key)
        XCTAssertEqual(keys, ["start", "lr", "steps", "rho", "base", "weight_decay", "schedule", "grad_rho", "grad_norm_rho",
                              "beta0", "beta1", "beta2", "beta3", "gamma", "noise", "seed"])
        XCTAssertEqual(s.jsonFields(for: gamFast).first { $0.key == "beta2" }?.value, .number(0.5))
        XCTAssertEqual(s.jsonFields(for: try Optimizer.lookup("adam")).map(\.key),
                       ["start", "lr", "steps", "rho", "weight_decay", "schedule", "noise", "seed"])
        // A flag no chosen optimizer reads is refused, with the optimizers that read it.
        XCTAssertThrowsError(try RunSettings.checkRead(["alpha": .number(2)], by: [(try Optimizer.lookup("gd"), .gd)])) {
            XCTAssertEqual("\($0)", "--alpha changes nothing for gd; it is read by gam, gam-sam, gam-exact")
        }
        XCTAssertNoThrow(try RunSettings.checkRead(["alpha": .number(2)], by: [(try Optimizer.lookup("gd"), .gd), (try Optimizer.lookup("gam"), .gd)]))
        XCTAssertThrowsError(try RunSettings.checkRead(["momentum": .number(0.5)], by: [(try Optimizer.lookup("sam"), .gd)]))
        XCTAssertNoThrow(try RunSettings.checkRead(["momentum": .number(0.5)], by: [(try Optimizer.lookup("sam"), .momentum)]))
    }

    func testRegistry() throws {
        XCTAssertEqual(Optimizer.all.map(\.name), ["gd", "sgd", "momentum", "nesterov", "adam", "adamw", "sam", "asam", "gam",
                                                   "gam-sam", "gam-fast", "lookahead", "sam-exact", "gam-exact"])
        XCTAssertThrowsError(try Optimizer.lookup("sma")) {
            XCTAssertEqual("\($0)", "unknown optimizer 'sma'; did you mean 'sam'? the optimizers are gd, sgd, momentum, nesterov, adam, adamw, sam, asam, gam, gam-sam, gam-fast, lookahead, sam-exact, gam-exact")
        }
        // Every setting an optimizer names exists in the table.
        for o in Optimizer.all { for key in o.settings { XCTAssertNotNil(RunSettings.setting(key), "\(o.name): \(key)") } }
    }
}
