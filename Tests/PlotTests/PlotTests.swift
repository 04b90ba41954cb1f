import Foundation
@testable import Plot
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

final class PlotTests: XCTestCase {
    /// Nice ticks: 1, 2, 2.5 or 5 × 10ᵏ steps, inside the range, for tiny, huge and negative ranges.
    func testLinearTicks() {
        let cases: [(Double, Double, [Double])] = [
            (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
            (0, 10, [0, 2, 4, 6, 8, 10]),
            (-3, 3, [-2, 0, 2]),
            (-4, 4, [-4, -2, 0, 2, 4]),
            (0.001, 0.0013, [0.001, 0.0011, 0.0012, 0.0013]),
            (1e6, 5e6, [1e6, 2e6, 3e6, 4e6, 5e6]),
            (-250, -20, [-250, -200, -150, -100, -50]),
            (1e-9, 3e-9, [1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9]),
            (0.2, 2.7, [0.5, 1, 1.5, 2, 2.5]),
        ]
        for (lo, hi, expected) in cases {
            let t = Ticks.linear(lo, hi, target: 5)
            XCTAssertEqual(t.count, expected.count, "\(lo)...\(hi): \(t)")
            for (a, b) in zip(t, expected) { XCTAssertEqual(a, b, accuracy: abs(b) * 1e-9 + 1e-300, "\(lo)...\(hi): \(t)") }
        }
        // A degenerate range still gets ticks around its value.
        XCTAssertFalse(Ticks.linear(5, 5).isEmpty)
        XCTAssertEqual(Ticks.niceStep(0.3), 0.5)
        XCTAssertEqual(Ticks.niceStep(2.2), 2.5)
        XCTAssertEqual(Ticks.niceStep(700), 1000)
    }

    func testLogTicks() {
        XCTAssertEqual(Ticks.logarithmic(0.5, 2000), [1, 10, 100, 1000])
        // Over 16 decades, every second one.
        let wide = Ticks.logarithmic(1e-12, 1e4)
        XCTAssertEqual(wide.count, 9)
        for (a, b) in zip(wide, [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1, 100, 1e4]) { XCTAssertEqual(a, b, accuracy: b * 1e-12) }
        XCTAssertEqual(Ticks.logarithmic(3, 40), [5, 10, 20])
        // One to two decades: the powers of ten alone would be two ticks.
        XCTAssertEqual(Ticks.logarithmic(0.3, 80), [0.5, 1, 2, 5, 10, 20, 50])
        XCTAssertEqual(Ticks.levelLabel(1030.4), "1030")
        XCTAssertEqual(Ticks.levelLabel(0.51449), "0.514")
        XCTAssertEqual(Ticks.levelLabel(44700), "44700")
        XCTAssertEqual(Ticks.levelLabel(3.2e6), "3.2e6")
    }

    func testArrowsFollowThePathLength() throws {
        // 400 tiny steps along a diagonal: one arrowhead per 60 px of path, however short the
        // steps are. The path from (0, 0) to (1, 1) spans the plot area, about 430 × 292 px.
        var axes = Axes(title: "", xLabel: "x", yLabel: "y")
        let t = (0...400).map { Double($0) / 400 }
        axes.xRange = 0...1
        axes.yRange = 0...1
        axes.add(Arrows(xs: t, ys: t, stroke: Stroke(color: .black), spacing: 60))
        let svg = Figure(title: "", description: "arrows", panels: [axes]).svg()
        let heads = svg.components(separatedBy: "stroke-width=\"0.5\"").count - 1
        let length = hypot(520.0 - 70 - 20, 380.0 - 36 - 52)
        XCTAssertEqual(Double(heads), (length / 60).rounded(), accuracy: 1)
        XCTAssert(svg.contains("<title>arrows</title>") == false && svg.contains("<title></title>"), "no panel title to name it")
    }

    func testTickLabels() {
        XCTAssertEqual(Ticks.label(0.25, step: 0.25), "0.25")
        XCTAssertEqual(Ticks.label(2, step: 0.5), "2")
        XCTAssertEqual(Ticks.label(1.5, step: 0.5), "1.5")
        XCTAssertEqual(Ticks.label(1e-6), "1e-6")
        XCTAssertEqual(Ticks.label(2.5e7), "2.5e7")
        XCTAssertEqual(Ticks.label(-0.0001), "-1e-4")
    }

    /// Level sets of x² + y² on a grid are circles: every segment end lies at radius √level.
    func testContoursOfAParaboloidAreCircles() {
        let xs = (0...100).map { -2 + 4 * Double($0) / 100 }
        let grid = Grid(xs: xs, ys: xs, values: xs.map { y in xs.map { x in x * x + y * y } })
        for r in [0.5, 1.0, 1.5] {
            let segments = Contour.segments(grid, level: r * r)
            XCTAssertGreaterThan(segments.count, Int(2 * Double.pi * r / 0.04))
            for s in segments {
                for p in [s.0, s.1] { XCTAssertEqual(hypot(p.0, p.1), r, accuracy: 2e-3) }
            }
            // The segments go all the way round: endpoints cover every octant.
            let angles = Set(segments.map { Int(((atan2($0.0.1, $0.0.0) + .pi) / (.pi / 4)).rounded(.down)) % 8 })
            XCTAssertEqual(angles.count, 8)
        }
        XCTAssertTrue(Contour.segments(grid, level: 100).isEmpty)
    }

    func testColors() {
        XCTAssertEqual(Viridis.color(0).svg, "#440154")
        XCTAssertEqual(Viridis.color(1).svg, "#fde725")
        // Monotone in lightness, so the colormap survives grey print.
        let luminance = (0...20).map { k -> Double in
            let c = Viridis.color(Double(k) / 20)
            return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b
        }
        XCTAssertEqual(luminance, luminance.sorted())
    }

    func testSVGDocument() throws {
        var axes = Axes(title: "a <title> & \"quotes\"", xLabel: "x", yLabel: "y")
        axes.add(Line(xs: [0, 1, 2], ys: [0, 1, 4], stroke: Stroke(color: .black), label: "x²"))
        axes.add(Markers(xs: [1], ys: [1], colors: [Color.series(1)], shape: .diamond, size: 5, label: "point"))
        let figure = Figure(title: "T & <U>", description: "a test figure", panels: [axes])
        let svg = figure.svg()
        XCTAssert(svg.contains("viewBox=\"0 0 520 414\""), svg)
        XCTAssert(svg.contains("<title>T &amp; &lt;U&gt;</title>"))
        XCTAssert(svg.contains("<desc>a test figure</desc>"))
        XCTAssert(svg.contains("a &lt;title&gt; &amp; &quot;quotes&quot;"))
        XCTAssertEqual(svg, figure.svg(), "deterministic")
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        XCTAssertEqual(SVGWriter.number(3.14159), "3.14")
        XCTAssertEqual(SVGWriter.number(-0.001), "0")
        XCTAssertEqual(SVGWriter.number(12), "12")
        // Against the printf formatting it replaces, over many magnitudes and signs.
        var rng = Seeded(state: 11)
        for _ in 0..<2000 {
            let x = Double.random(in: -1...1, using: &rng) * pow(10, Double.random(in: -4...6, using: &rng))
            let r = (x * 100).rounded() / 100
            var expected = r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
            if expected.contains(".") { while expected.hasSuffix("0") { expected.removeLast() } }
            XCTAssertEqual(SVGWriter.number(x), expected == "-0" ? "0" : expected, "\(x)")
        }
        // A figure without a heading of its own takes its <title> from its panels.
        let untitled = Figure(title: "", description: "d", panels: [axes, Axes(title: "second", xLabel: "", yLabel: "")])
        XCTAssert(untitled.svg().contains("<title>a &lt;title&gt; &amp; &quot;quotes&quot; · second</title>"))
    }

    /// The PNG pieces against published check values: CRC-32 of "123456789" is CBF43926
    /// (ISO 3309), Adler-32 of "Wikipedia" is 11E60398 (RFC 1950's example family).
    func testPNGChecksums() {
        XCTAssertEqual(PNG.crc32(Data("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(PNG.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        // Stored blocks: header, then per block 1 + 4 bytes, then the 4-byte checksum.
        let big = Data(repeating: 7, count: 70_000)
        XCTAssertEqual(PNG.zlibStored(big).count, 2 + 2 * 5 + 70_000 + 4)
        let png = PNG.indexed([[0, 1], [1, 0]], palette: [.white, .black])
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    /// Simplifying a polyline keeps its ends, drops the points of a straight run, and leaves
    /// every dropped point within the tolerance of the simplified line (checked point by point
    /// against the nearest segment, by brute force).
    func testSimplifiedPolylinesStayWithinTheTolerance() {
        let straight = (0...100).map { (Double($0), 2 * Double($0) + 1) }
        XCTAssertEqual(SVGWriter.simplified(straight, tolerance: 0.01).count, 2)
        let wave = (0...2000).map { i -> (Double, Double) in let x = Double(i) / 100; return (x * 30, 40 * sin(x)) }
        let kept = SVGWriter.simplified(wave, tolerance: 0.1)
        XCTAssertLessThan(kept.count, wave.count / 4)
        XCTAssert(kept.first! == wave.first! && kept.last! == wave.last!)
        func distance(_ p: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1)
            let t = max(0, min(1, ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)))
            return hypot(p.0 - a.0 - t * dx, p.1 - a.1 - t * dy)
        }
        for p in wave {
            let nearest = zip(kept, kept.dropFirst()).map { distance(p, $0, $1) }.min()!
            XCTAssertLessThanOrEqual(nearest, 0.1 + 1e-12)
        }
    }

    /// A heat map is one embedded image, however fine its grid, and its axes gets a colour bar.
    func testHeatMapIsOneImage() {
        let xs = (0..<150).map { Double($0) / 149 }
        var axes = Axes()
        axes.add(HeatMap(grid: Grid(xs: xs, ys: xs, values: xs.map { y in xs.map { x in x + y } }), low: 0, high: 2, colorbarLabel: "loss"))
        let svg = Figure(title: "", description: "", panels: [axes]).svg()
        XCTAssertEqual(svg.components(separatedBy: "<image ").count - 1, 1)
        XCTAssertLessThan(svg.utf8.count, 60_000)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }
}

/// A seeded generator (a 64-bit linear congruential one, Knuth's constants), so a failing case recurs.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
}

/// A legend that does not fit inside its plot, at a size that fixes the height (a slide).
final class FixedHeightLegendTests: XCTestCase {
    /// The plot box an axes draws into a frame with a plan: the clip rectangle's width and height.
    func plotBox(_ axes: Axes, plan: Axes.Plan, frame: (x: Double, y: Double, w: Double, h: Double), look: Look) throws -> (Double, Double) {
        var w = SVGWriter()
        axes.render(frame: frame, plan: plan, id: 0, look: look, into: &w)
        let clip = try XCTUnwrap(w.body.first { $0.contains("<rect") && !$0.contains("fill") })
        func value(_ name: String) throws -> Double {
            let after = try XCTUnwrap(clip.range(of: "\(name)=\"")).upperBound
            return try XCTUnwrap(Double(clip[after...].prefix { $0 != "\"" }))
        }
        return (try value("width"), try value("height"))
    }

    /// An equal-aspect square plot whose lines leave no free corner, with `n` legend entries.
    func axes(entries n: Int) -> Axes {
        var axes = Axes(title: "t", xLabel: "x", yLabel: "y")
        axes.equalAspect = true
        for k in 0..<n {
            let c = Double(k) / Double(max(n - 1, 1))
            axes.add(Line(xs: [0, 1, 0, 1], ys: [c, 1 - c, 0, 1], stroke: Stroke(color: .black), label: "a rather long legend entry number \(k)"))
        }
        return axes
    }

    /// With a slide's fixed height, the legend goes where the drawn plot is larger: beside a
    /// square plot for nine long entries, where the free-width rule put it below and squeezed the
    /// plot; both plans drawn, their plots measured in the SVG.
    func testTheLegendLeavesTheLargerPlot() throws {
        let style = Style(size: Style.slide)
        let look = style.look
        let (width, height) = (try XCTUnwrap(style.widthUnits), try XCTUnwrap(style.heightUnits))
        let frame = (x: 0.0, y: 0.0, w: width, h: height)
        let a = axes(entries: 9)
        let chosen = a.plan(width: width, look: look, preferredRatio: 0.66, preferredHeight: height, fixedHeight: height, equalAspect: true)
        let freeWidth = a.plan(width: width, look: look, preferredRatio: 0.66, preferredHeight: height, equalAspect: true)
        XCTAssertEqual(freeWidth.legendSpot, .below)
        XCTAssertEqual(chosen.legendSpot, .right)
        let (cw, ch) = try plotBox(a, plan: chosen, frame: frame, look: look)
        let (bw, bh) = try plotBox(a, plan: freeWidth, frame: frame, look: look)
        XCTAssertEqual(cw / ch, 1, accuracy: 0.01, "equal aspect kept")
        XCTAssertGreaterThan(cw * ch, 1.3 * bw * bh, "beside: \(cw) × \(ch); below: \(bw) × \(bh)")
        // One short entry still finds a free corner inside the plot.
        XCTAssertEqual(axes(entries: 1).plan(width: width, look: look, preferredRatio: 0.66, preferredHeight: height, fixedHeight: height,
                                             equalAspect: true).legendSpot, .inside)
    }
}
