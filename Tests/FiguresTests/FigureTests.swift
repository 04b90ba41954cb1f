import Experiments
@testable import Figures
import Foundation
import Landscape
import Optimizers
import Plot
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Every kind of figure is well-formed XML, renders with a real renderer, and is deterministic.
final class FigureTests: XCTestCase {

    func load(_ name: String) throws -> Problem { try FigureFixtures.load(name) }

    func run(_ p: Problem, _ name: String, steps: Int = 60, measures: Bool = false) throws -> RunRecord {
        try FigureFixtures.run(p, name, steps: steps, measures: measures)
    }

    /// Parses as XML, and `rsvg-convert` turns it into a non-empty PNG with exit status 0.
    func assertRenders(_ svg: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), "\(name) is not well-formed XML", file: file, line: line)
        XCTAssert(svg.contains("viewBox=") && svg.contains("<title>") && svg.contains("<desc>"), name, file: file, line: line)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatlab-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("\(name).svg"), output = dir.appendingPathComponent("\(name).png")
        try svg.write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["rsvg-convert", "-o", output.path, input.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "rsvg-convert \(name): \(message)", file: file, line: line)
        XCTAssertEqual(message, "", file: file, line: line)
        let png = try Data(contentsOf: output)
        XCTAssertGreaterThan(png.count, 1000, file: file, line: line)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], file: file, line: line)
    }

    func testRunFigures() throws {
        let valley = try load("covered-valleys"), bowl = try load("himmelblau")
        try assertRenders(try LabFigures.run(try run(valley, "gam"), problem: valley).svg(), "run-1d")
        try assertRenders(try LabFigures.run(try run(valley, "sam", steps: 6, measures: true), problem: valley).svg(), "run-1d-measures")
        try assertRenders(try LabFigures.run(try run(bowl, "gam"), problem: bowl).svg(), "run-2d")
        try assertRenders(try LabFigures.run(try run(bowl, "sam", steps: 5, measures: true), problem: bowl).svg(), "run-2d-measures")
    }

    func testCompareFigures() throws {
        let valley = try load("covered-valleys"), twoD = try load("two-valley-2d")
        try assertRenders(try LabFigures.compare([try run(valley, "gd"), try run(valley, "gam")], problem: valley).svg(), "compare-1d")
        try assertRenders(try LabFigures.compare([try run(twoD, "gd"), try run(twoD, "sam"), try run(twoD, "adam")], problem: twoD).svg(), "compare-2d")
    }

    func testAnalyzeFigures() throws {
        let trend = try load("trend-valley")
        try assertRenders(try LabFigures.analyze(try trend.analyze(rho: 0.5, sigma: 0.1), sweep: try trend.sweep(rhos: [0.1, 0.5, 1]),
                                             problem: trend).svg(), "analyze-1d-sweep")
        let bowl = try load("two-valley-2d")
        try assertRenders(try LabFigures.analyze(try bowl.analyze(rho: 0.05, sigma: 0.1), sweep: nil, problem: bowl).svg(), "analyze-2d")
    }

    func testTheSameRunGivesTheSameBytes() throws {
        let bowl = try load("himmelblau")
        let a = try LabFigures.run(try run(bowl, "gam", steps: 40), problem: bowl).svg()
        let b = try LabFigures.run(try run(bowl, "gam", steps: 40), problem: bowl).svg()
        XCTAssertEqual(a, b)
    }

    /// The window of ρ the analyze figure shades on trend-valley is the one its description
    /// states (ZOF prefers the low rim, FOF the steady rise, for ρ between about 0.46 and 0.58),
    /// and each minimum's interval is drawn with its worst and steepest points.
    func testTheDisagreementWindow() throws {
        let p = try load("trend-valley")
        let rhos = (0...25).map { 0.3 + 0.02 * Double($0) }
        let sweep = try p.sweep(rhos: rhos)
        let windows = LabFigures.disagreement(sweep)
        XCTAssertEqual(windows.count, 1, "\(windows)")
        XCTAssertEqual(windows[0].lowerBound, 0.46, accuracy: 0.021)
        XCTAssertEqual(windows[0].upperBound, 0.58, accuracy: 0.021)
        // Checked point by point against the sweep's own numbers: inside, the two flattest differ.
        for (k, rho) in rhos.enumerated() where windows[0].contains(rho) {
            let zofFlattest = sweep.zof.indices.min { sweep.zof[$0][k] < sweep.zof[$1][k] }!
            let fofFlattest = sweep.fof.indices.min { sweep.fof[$0][k] < sweep.fof[$1][k] }!
            XCTAssertNotEqual(zofFlattest, fofFlattest, "ρ = \(rho)")
        }
        let svg = try LabFigures.analyze(try p.analyze(rho: 0.5, sigma: 0.1), sweep: sweep, problem: p).svg()
        XCTAssert(svg.contains("ρ where ZOF and FOF prefer different minima"))
        XCTAssert(svg.contains("data-role=\"rho-ball\"") && svg.contains("its worst point (ZOF)") && svg.contains("its steepest point (FOF)"))
    }

    /// Selection against sorting: every rank of arrays with repeats, runs and random values.
    func testNthSmallestAgreesWithSorting() {
        var rng = SplitMix64(seed: 11)
        for n in [1, 2, 3, 10, 101, 500] {
            let arrays: [[Double]] = [(0..<n).map { _ in Double.random(in: -1...1, using: &rng) }, (0..<n).map { Double($0 % 4) },
                                      (0..<n).map { Double(n - $0) }]
            for values in arrays {
                let sorted = values.sorted()
                for k in 0..<n {
                    var copy = values
                    XCTAssertEqual(LabFigures.nthSmallest(&copy, k), sorted[k], "n \(n), k \(k)")
                }
            }
        }
    }

    func testThinKeepsEnds() {
        XCTAssertEqual(LabFigures.thin(5, to: 10), [0, 1, 2, 3, 4])
        let t = LabFigures.thin(1001, to: 100)
        XCTAssertEqual(t.first, 0)
        XCTAssertEqual(t.last, 1000)
        XCTAssertLessThanOrEqual(t.count, 100)
    }

    /// Basin maps: 2-D with the outcomes the map shows, and 1-D with a varied setting.
    func testBasinFigures() throws {
        let valley = try load("two-valley")
        let maps = try BasinMaps(problem: valley, optimizers: try ["gd", "gam"].map(Optimizer.lookup), given: ["steps": .integer(40)], grid: (12, 7))
        let svg = LabFigures.basins(maps).svg()
        try assertRenders(svg, "basins-2d")
        // One panel per optimizer, each with its map (12 × 7 starts: crisp cells) and a legend row per outcome.
        XCTAssertEqual(svg.components(separatedBy: "class=\"cells\"").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "<image").count - 1, 0)
        XCTAssert(svg.contains("#0 (x=-1, y=0): "), "the flat minimum is named in the legend")
        XCTAssert(svg.contains("; FOF 0.0315, ZOF 0.0254"), "with its FOF and ZOF")
        XCTAssertEqual(svg, LabFigures.basins(maps).svg(), "deterministic")
        let covered = try load("covered-valleys")
        let oneD = try BasinMaps(problem: covered, optimizers: [try Optimizer.lookup("sam")], given: ["steps": .integer(30)], grid: (15, 0),
                                 vary: Vary(key: "rho", values: [0.1, 0.3, 0.5]))
        try assertRenders(LabFigures.basins(oneD).svg(), "basins-1d")
    }

    /// Sweeps of one setting (where the runs end, four measures) and of two (maps per optimizer).
    func testSweepFigures() throws {
        let valley = try load("two-valley")
        let one = try Sweep(problem: valley, optimizers: try ["sam", "gam"].map(Optimizer.lookup), given: ["steps": .integer(40)],
                            varies: [Vary(key: "rho", values: [0.3, 0.5, 0.7])])
        try assertRenders(LabFigures.sweep(one).svg(), "sweep-1")
        let two = try Sweep(problem: valley, optimizers: [try Optimizer.lookup("gam")], given: ["steps": .integer(40)],
                            varies: [Vary(key: "rho", values: [0.3, 0.5]), Vary(key: "alpha", values: [0.5, 0.7, 0.9])])
        let svg = LabFigures.sweep(two).svg()
        try assertRenders(svg, "sweep-2")
        // Both 2 × 3 maps (where the runs end, FOF at the end) are six cells drawn as rectangles.
        XCTAssertEqual(svg.components(separatedBy: "class=\"cells\"").count - 1, 2, "the outcome and FOF maps as cells")
    }

    /// Dozens of minima (rastrigin): colours cycle, the legend sums the rest in its last row,
    /// and the figure still renders (a palette entry per minimum once overflowed).
    func testBasinFigureWithManyMinima() throws {
        let p = try load("rastrigin")
        let maps = try BasinMaps(problem: p, optimizers: [try Optimizer.lookup("gd")], given: ["steps": .integer(60)], grid: (23, 23))
        XCTAssertGreaterThan(Set(maps.maps[0].outcome).count, LabFigures.maxLegendRows)
        let svg = LabFigures.basins(maps).svg()
        try assertRenders(svg, "basins-many")
        XCTAssert(svg.contains("more outcomes: "), "the rest summed in one legend row")
    }
}

/// Catalog problems and short runs for the figure tests.
enum FigureFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("problems")

    static func load(_ name: String) throws -> Problem {
        try Problem.load(file: folder.appendingPathComponent("\(name).toml").path)
    }

    /// A run from the problem's start with its defaults, cut to `steps`.
    static func run(_ p: Problem, _ name: String, steps: Int = 60, measures: Bool = false) throws -> RunRecord {
        var h = try RunSettings.resolve(problem: p, optimizer: Optimizer.lookup(name), given: [:]).hyper
        h.steps = steps
        return try RunConfiguration(problem: p, optimizer: try Optimizer.lookup(name), hyper: h, start: p.defaults.vector("start")!, measures: measures)
            .run(criticalPoints: [])
    }
}
