import Foundation
import Optimizers
import XCTest

/// The command line as a front end of the settings table: every setting is an option
/// argument-parser knows (listed in --help, offered by shell completion), and its text reaches the
/// table's reader under its own key. The keys come from the table itself, so a setting added
/// without its option fails here.
final class SettingOptionsTests: XCTestCase {
    /// The settings that take a value; `opt` is lab run's own option.
    static let valued = RunSettings.table.filter { $0.kind != .flag && $0.key != "opt" }.map(\.key)
    /// The on/off settings as flags: `plot` is the `no-plot` setting turned around.
    static let onOff = RunSettings.table.filter { $0.kind == .flag }.map { $0.key == "no-plot" ? "plot" : $0.key }

    /// Each option's text reaches the table under its key: a value the table refuses comes back
    /// with the table's words after the option's name.
    func testEveryOptionIsReadByItsSetting() throws {
        for key in Self.valued {
            let r = try lab(["run", "two-valley", "--opt", "gd", "--\(key)", key == "style" ? "zz.toml" : "zz", "--no-plot", "--out", NSTemporaryDirectory()])
            XCTAssertEqual(r.status, 64, key)
            XCTAssertTrue(r.stderr.hasPrefix("error: --\(key) "), "\(key): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("zz"), "\(key): the table's message names the value: \(r.stderr)")
        }
        // The on/off settings, and opt, reach the run.
        let r = try json(try lab(["run", "two-valley", "--opt", "sam", "--measures", "--no-plot", "--format", "json", "--steps", "3", "--out", NSTemporaryDirectory()]))
        let first = try XCTUnwrap((r["trajectory"] as? [[String: Any]])?.first)
        XCTAssertNotNil(first["zof"] as? Double, "--measures records exact ZOF at every step")
        XCTAssertEqual(r["optimizer"] as? String, "sam")
    }

    /// --help lists every setting a command takes under its group, and none it refuses; the
    /// bash completion script offers them.
    func testHelpAndCompletionListEverySetting() throws {
        let help = try lab(["run", "--help"]).stdout
        for key in Self.valued + ["opt"] { XCTAssertTrue(help.contains("\n  --\(key) <"), "run --help lists --\(key)") }
        for key in Self.onOff { XCTAssertTrue(help.contains("\n  --\(key)/--no-\(key)"), "run --help lists --\(key)/--no-\(key)") }
        for group in ["START:", "LEARNING RATE, STEPS AND RADIUS:", "BASE RULE:", "GAM-FAST:", "LOOKAHEAD:", "FIGURE:"] {
            XCTAssertTrue(help.contains("\n\(group)\n"), group)
        }
        let basins = try lab(["basins", "--help"]).stdout
        for refused in ["--start", "--opt ", "--measures", "--animate"] { XCTAssertFalse(basins.contains("\n  \(refused)"), "basins --help has no \(refused)") }
        XCTAssertTrue(basins.contains("\n  --lookahead-alpha <"))
        let completion = try lab(["--generate-completion-script", "bash"]).stdout
        for key in Self.valued + Self.onOff + ["no-plot", "no-measures"] { XCTAssertTrue(completion.contains("--\(key)"), "completion offers --\(key)") }
    }
}
