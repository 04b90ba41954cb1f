import Experiments
@testable import Figures
import Foundation
import Landscape
import Optimizers
import Plot
import Render
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Figures for a paper and a slide: legible at their stated size, one colour per optimizer,
/// true geometry, and PDF and PNG that are the same bytes every time.
final class PrintTests: XCTestCase {
    let figures = FigureFixtures.self

    /// Reads an SVG as a reader of the file would: its stated width in inches, the viewBox, and
    /// every element with its attributes and the data-optimizer group it sits in.
    final class Reader: NSObject, XMLParserDelegate {
        struct Element { let name: String; let attributes: [String: String]; let optimizer: String?; let role: String? }
        var elements: [Element] = []
        var width = "", viewBox: [Double] = []
        private var groups: [(optimizer: String?, role: String?)] = []

        init(_ svg: String) {
            super.init()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = self
            precondition(parser.parse(), "well-formed")
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "svg" {
                width = attributes["width"] ?? ""
                viewBox = (attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
            }
            let optimizer = attributes["data-optimizer"] ?? groups.last?.optimizer
            let role = attributes["data-role"] ?? groups.last?.role
            if name == "g" { groups.append((optimizer, role)) }
            elements.append(Element(name: name, attributes: attributes, optimizer: optimizer, role: role))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "g" { groups.removeLast() }
        }

        /// Points on paper per viewBox unit: the stated width in inches × 72 over the viewBox width.
        var pointsPerUnit: Double {
            precondition(width.hasSuffix("in"), "a size in inches: \(width)")
            return Double(width.dropLast(2))! * 72 / viewBox[2]
        }

        /// Every font size on paper, in points (a percentage is of the parent text's size).
        var fontSizes: [Double] { elements.compactMap { $0.attributes["font-size"].flatMap(Double.init) }.map { $0 * pointsPerUnit } }
        /// Every stroke width on paper, in points, of strokes that are drawn.
        var strokeWidths: [Double] {
            elements.filter { $0.attributes["stroke"] != "none" }.compactMap { $0.attributes["stroke-width"].flatMap(Double.init) }.map { $0 * pointsPerUnit }
        }
    }

    /// Every kind of figure the lab draws, small enough to build quickly.
    func everyFigure() throws -> [(String, Figure)] {
        let covered = try figures.load("covered-valleys"), valley = try figures.load("two-valley"), trend = try figures.load("trend-valley")
        let flags: [String: SettingValue] = ["steps": .integer(30)]
        return [
            ("run-1d", try LabFigures.run(try figures.run(covered, "gam", steps: 80), problem: covered)),
            ("run-2d-measures", try LabFigures.run(try figures.run(valley, "gam", steps: 8, measures: true), problem: valley)),
            ("compare-1d", try LabFigures.compare(try ["gd", "sam", "gam"].map { try figures.run(covered, $0) }, problem: covered)),
            ("compare-2d", try LabFigures.compare(try ["gd", "sam", "gam"].map { try figures.run(valley, $0) }, problem: valley)),
            ("analyze-sweep", try LabFigures.analyze(try trend.analyze(rho: 0.5, sigma: 0.1), sweep: try trend.sweep(rhos: [0.1, 0.5, 1]), problem: trend)),
            ("analyze-2d", try LabFigures.analyze(try valley.analyze(rho: 0.5, sigma: 0.1), sweep: nil, problem: valley)),
            ("basins-2d", LabFigures.basins(try BasinMaps(problem: valley, optimizers: try ["gd", "gam"].map(Optimizer.lookup), given: flags, grid: (9, 5)))),
            ("basins-1d", LabFigures.basins(try BasinMaps(problem: covered, optimizers: [try Optimizer.lookup("sam")], given: flags, grid: (9, 0),
                                                          vary: Vary(key: "rho", values: [0.1, 0.3])))),
            ("sweep-1", LabFigures.sweep(try Sweep(problem: valley, optimizers: try ["sam", "gam"].map(Optimizer.lookup), given: flags,
                                                   varies: [Vary(key: "rho", values: [0.3, 0.6])]))),
            ("step-2d", try LabFigures.step(try stepOf(valley, "gam"), problem: valley)),
            ("step-1d", try LabFigures.step(try stepOf(covered, "sam"), problem: covered)),
            ("sweep-2", LabFigures.sweep(try Sweep(problem: valley, optimizers: [try Optimizer.lookup("gam")], given: flags,
                                                   varies: [Vary(key: "rho", values: [0.3, 0.5]), Vary(key: "alpha", values: [0.5, 0.9])]))),
        ]
    }

    /// The first update of an optimizer from the problem's start, taken apart.
    func stepOf(_ p: Problem, _ name: String) throws -> StepRecord {
        let o = try Optimizer.lookup(name)
        return try RunConfiguration(problem: p, optimizer: o, settings: RunSettings.resolve(problem: p, optimizer: o, given: [:])).explainStep(0)
    }

    /// Legible by rule: at column and page sizes every text is at least 7 pt and at slide size
    /// 14 pt, and every line at least 0.5 pt, read from the SVG as font size × points per unit.
    func testEveryFigureIsLegibleAtItsSize() throws {
        let all = try everyFigure()
        for (size, smallest) in [(Style.column, 7.0), (Style.page, 7.0), (Style.slide, 14.0)] {
            for (name, figure) in all {
                let r = Reader(figure.svg(Style(size: size)))
                let fonts = r.fontSizes, strokes = r.strokeWidths
                XCTAssertFalse(fonts.isEmpty, name)
                XCTAssertGreaterThanOrEqual(fonts.min()!, smallest - 1e-9, "\(name) at \(size)")
                XCTAssertGreaterThanOrEqual(strokes.min()!, 0.5 - 1e-9, "\(name) at \(size)")
                if case .inches(let w, let h) = size {
                    XCTAssertEqual(r.viewBox[2] * r.pointsPerUnit, w * 72, accuracy: 1e-6, name)
                    if let h { XCTAssertEqual(r.viewBox[3] * r.pointsPerUnit, h * 72, accuracy: 0.01, name) }
                }
            }
        }
        // The screen figures are unchanged in kind: pixels, 12 px ticks.
        let screen = all[0].1.svg()
        XCTAssert(screen.contains("font-size=\"12\"") && !screen.contains("in\" height"), "screen figures stay in pixels")
    }

    /// At column width panels stack; at page width the three-panel analyze figure is one row.
    func testPanelsFollowTheSize() throws {
        let all = Dictionary(uniqueKeysWithValues: try everyFigure())
        let analyze = try XCTUnwrap(all["analyze-sweep"])
        func plotLefts(_ svg: String) -> [Double] {
            // Each panel's plot area is the rect inside its clip path: its left edge.
            let elements = Reader(svg).elements
            return elements.indices.compactMap { k in elements[k].name == "clipPath" ? Double(elements[k + 1].attributes["x"] ?? "") : nil }
        }
        // Side by side at page width: plots a panel's width (6.9 in / 3 = 165.6 pt) apart, give
        // or take their margins; stacked at column width: all at the left, within a margin.
        let page = plotLefts(analyze.svg(Style(size: Style.page))).sorted(), column = plotLefts(analyze.svg(Style(size: Style.column)))
        XCTAssertEqual(page.count, 3)
        XCTAssert(zip(page, page.dropFirst()).allSatisfy { $1 - $0 > 120 }, "side by side at page width: \(page)")
        XCTAssertLessThan(column.max()! - column.min()!, 40, "stacked at column width: \(column)")
    }

    /// One colour per optimizer: the strokes and fills of each data-optimizer group, leaving out
    /// white, the dark outlines and the greys of the gradient norm, are the registry's colour, in
    /// the run, compare and sweep figures alike; basin maps name their optimizer's group too.
    func testEachOptimizerHasOneColourEverywhere() throws {
        let neutral: Set<String> = ["#ffffff", "#222222", "#777777", "none"]
        var seen: [String: Set<String>] = [:]
        for (name, figure) in try everyFigure() {
            let r = Reader(figure.svg())
            let groups = Set(r.elements.compactMap(\.optimizer))
            if name.hasPrefix("run") || name.hasPrefix("compare") || name.hasPrefix("sweep") || name.hasPrefix("basins") {
                XCTAssertFalse(groups.isEmpty, "\(name) names its optimizers' groups")
            }
            // Map cells (rectangles) are coloured by the minimum a start reaches, not by optimizer.
            for e in r.elements where e.optimizer != nil && !["image", "g", "rect"].contains(e.name) {
                for key in ["stroke", "fill"] {
                    guard let c = e.attributes[key], !neutral.contains(c), e.attributes["stroke-opacity"] == nil else { continue }
                    // The iterates of a 1-D run are coloured by step (viridis), the legend's key.
                    if name == "run-1d" && key == "fill" && e.name == "circle" { continue }
                    seen[e.optimizer!, default: []].insert(c)
                }
            }
        }
        XCTAssertEqual(Set(seen.keys), ["gd", "sam", "gam"])
        for (optimizer, colours) in seen {
            let expected = LabFigures.color(try Optimizer.lookup(optimizer)).svg
            XCTAssertEqual(colours, [expected], optimizer)
        }
        XCTAssertEqual(Set(Optimizer.all.map(\.color)).count, Optimizer.all.count, "no two optimizers share a colour")
    }

    /// two-valley's ρ-ball is drawn as a circle: on the equal-aspect landscape its extent in x
    /// and in y are the same on paper (the domain is 4 × 1.2, once drawn 2.7 times taller).
    func testTheRhoBallIsACircle() throws {
        let valley = try figures.load("two-valley")
        let figure = try LabFigures.run(try figures.run(valley, "gam", steps: 40), problem: valley)
        for style in [Style(), Style(size: Style.column), Style(size: Style.slide)] {
            let r = Reader(figure.svg(style))
            let paths = r.elements.filter { $0.role == "rho-ball" && $0.name == "path" }.compactMap { $0.attributes["d"] }
            XCTAssertEqual(paths.count, 1)
            let numbers = paths[0].split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
            let xs = stride(from: 0, to: numbers.count, by: 2).map { numbers[$0] }, ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
            let width = xs.max()! - xs.min()!, height = ys.max()! - ys.min()!
            XCTAssertEqual(height / width, 1, accuracy: 0.01, "\(style.size)")
            // --aspect auto opts out: the ball is an ellipse again.
            var auto = style
            auto.equalAspect = false
            let a = Reader(figure.svg(auto))
            let d = a.elements.first { $0.role == "rho-ball" && $0.name == "path" }!.attributes["d"]!
            let n = d.split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
            let ax = stride(from: 0, to: n.count, by: 2).map { n[$0] }, ay = stride(from: 1, to: n.count, by: 2).map { n[$0] }
            XCTAssertGreaterThan((ay.max()! - ay.min()!) / (ax.max()! - ax.min()!), 1.5, "auto aspect stretches y")
        }
    }

    /// A domain beyond 1:4 is drawn at the panel's shape with its stretch in the title.
    func testAnElongatedDomainSaysSo() {
        var axes = Axes(title: "strip", xLabel: "x", yLabel: "y")
        axes.add(Line(xs: [0, 10], ys: [0, 1], stroke: Stroke(color: .black)))
        axes.xRange = 0...10
        axes.yRange = 0...1
        axes.equalAspect = true
        let svg = Figure(title: "", description: "", panels: [axes]).svg()
        XCTAssert(svg.contains("strip (y stretched 6.8×)"), svg)
    }

    /// PDF and PNG through librsvg and Cairo: the page is the figure's size, the same bytes
    /// every time, and the PNG is width × dpi pixels wide.
    func testPDFAndPNGAreDeterministic() throws {
        let valley = try figures.load("two-valley")
        let figure = try LabFigures.compare(try ["gd", "gam"].map { try figures.run(valley, $0, steps: 40) }, problem: valley)
        var settings = FigureSettings()
        settings.size = .column
        settings.formats = ["pdf", "png", "svg"]
        settings.dpi = 300
        let a = try LabFigures.files(figure, base: "f", settings: settings), b = try LabFigures.files(figure, base: "f", settings: settings)
        XCTAssertEqual(a.map { $0.path }, ["f.pdf", "f.png", "f.svg"])
        for (x, y) in zip(a, b) { XCTAssertEqual(x.contents, y.contents, x.path) }
        let pdf = String(decoding: a[0].contents, as: UTF8.self)
        XCTAssert(pdf.hasPrefix("%PDF-"))
        XCTAssert(pdf.contains("/MediaBox [ 0 0 237.6"), "3.3 in wide")
        XCTAssert(pdf.contains("/FontFile2"), "fonts embedded")
        // PNG: IHDR's width and height, big-endian, at bytes 16..<24.
        let png = [UInt8](a[1].contents)
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(width, 990)
        // A broken document is an error with librsvg's reason, not a crash.
        XCTAssertThrowsError(try Render.document("<svg", format: .pdf, inches: (1, 1), dpi: 72))
    }

    /// Small grids are cells: a 2 × 2 sweep's FOF map is four rectangles, not a smoothed image.
    func testSmallGridsStayCrisp() {
        var axes = Axes()
        axes.add(HeatMap(grid: Grid(xs: [0, 1, 2], ys: [0, 1], values: [[0, 1, 2], [3, 4, 5]]), low: 0, high: 5, colorbarLabel: "FOF"))
        let svg = Figure(title: "", description: "", panels: [axes]).svg()
        XCTAssertEqual(svg.components(separatedBy: "<image").count - 1, 0)
        XCTAssertEqual(Reader(svg).elements.filter { $0.name == "rect" && $0.attributes["fill"] == Viridis.color(1).svg }.count, 1)
    }

    /// Labels with subscripts: λ_{max} is λ and a subscript tspan; the text reads "λmax".
    func testSubscriptsAreTspans() {
        var w = SVGWriter()
        w.text([("x", "0")], "ρ²λ_{max}/2", size: 8, look: Look(font: 8))
        let svg = w.document(width: 10, height: 10, title: "", description: "")
        XCTAssert(svg.contains("<text x=\"0\" font-size=\"8\">ρ²λ<tspan baseline-shift=\"sub\" font-size=\"7\">max</tspan>/2</text>"), svg)
        XCTAssertEqual(MathText.plain("λ_{max} at ρ_{SAM}"), "λmax at ρSAM")
    }

    /// A series that alternates is drawn as its mean with the band of its range, and says so.
    func testOscillationsReadAsOscillations() {
        let steps = (0..<300).map(Double.init)
        let zigzag = steps.map { 1 + 0.5 * ($0.truncatingRemainder(dividingBy: 2) == 0 ? 1 : -1) }
        XCTAssertNotNil(LabFigures.oscillationWindow(zigzag))
        XCTAssertNil(LabFigures.oscillationWindow(steps.map { exp(-$0 / 50) }))
        let drawn = LabFigures.series(steps, zigzag, stroke: Stroke(color: .black), label: "loss")
        XCTAssert(drawn.oscillates)
        XCTAssertEqual(drawn.artists.count, 2)
        XCTAssertEqual(drawn.artists[1].legendEntries.first?.label, "loss")
        // The mean of ±0.5 around 1 over windows of two steps is 1.
        XCTAssert((drawn.artists[1].dataLimits(1)).allSatisfy { abs($0 - 1) < 1e-12 })
        // A sawtooth of period 10 over 3000 steps (a period of about a pixel) is a band, in
        // windows of 20; over 300 steps (13 pixels a period) it reads as a line. A smooth decay
        // with a ripple of 0.2% of its range is a line.
        let saw = (0..<3000).map { Double($0 % 10) }
        XCTAssertEqual(LabFigures.oscillationWindow(saw), 20)
        XCTAssertNil(LabFigures.oscillationWindow(Array(saw.prefix(300))))
        let rippled = steps.map { exp(-$0 / 100) + 0.001 * ($0.truncatingRemainder(dividingBy: 2) == 0 ? 1 : -1) }
        XCTAssertNil(LabFigures.oscillationWindow(rippled))
    }

    /// Ends at one point are set around it, each with a leader: two runs ending together get
    /// offsets in opposite directions; a lone end none.
    func testCoincidingEndsAreSetApart() {
        let offsets = LabFigures.endOffsets([(1, 0), (1.001, 0), (-1, 0)], scale: [4, 1.2])
        XCTAssertEqual(offsets[2].0, 0)
        XCTAssertEqual(offsets[2].1, 0)
        XCTAssertEqual(offsets[0].0 + offsets[1].0, 0, accuracy: 1e-12)
        XCTAssertEqual(offsets[0].1 + offsets[1].1, 0, accuracy: 1e-12)
        XCTAssertGreaterThan(hypot(offsets[0].0, offsets[0].1), 2)
    }

    /// The output settings are checked by the settings table and applied here: a problem file's,
    /// then a flag's, which beats it; every output setting of the table is one this type applies.
    func testFigureSettingsInLayers() throws {
        let p = try Problem(toml: "variables = [\"x\"]\nloss = \"x^2\"\n[domain]\nx = [-1.0, 1.0]\n[defaults]\n"
                            + "size = \"5x3.5\"\nfont-size = 9\nfigure-format = \"pdf,png\"\naspect = \"auto\"\nno-plot = true", file: "f.toml")
        let f = try FigureSettings.resolve(problem: p, given: ["font-size": .number(10), "animate": .flag(true)])
        XCTAssertEqual(f.size, .inches(5, 3.5))
        XCTAssertEqual(f.fontSize, 10, "the flag beats the file")
        XCTAssertEqual(f.formats, ["pdf", "png"])
        XCTAssertFalse(f.equalAspect)
        XCTAssertTrue(f.noPlot)
        XCTAssertTrue(f.animate)
        // A font size too small for paper, named where it came from.
        XCTAssertThrowsError(try FigureSettings.resolve(problem: p, given: ["font-size": .number(6)])) {
            XCTAssertEqual("\($0)", "--font-size 6 makes the smallest text 5.25 pt; on paper it must be at least 7 pt: give a font size of 8 or more")
        }
        for s in RunSettings.table where s.isOutput {
            var g = FigureSettings()
            let sample: SettingValue = switch s.kind {
            case .flag: .flag(true)
            case .positive: .number(9)
            case .count: .integer(300)
            case .figureSize: .word("page")
            case .choice(let words): .word(words.last!)
            case .choices(let words): .word(words.last!)
            default: .word("style.toml")
            }
            XCTAssertTrue(g.apply(s.key, sample), "FigureSettings applies \(s.key)")
            if s.key != "style" { XCTAssertNotEqual(g, FigureSettings(), "\(s.key) changes the settings") }
        }
    }
}
