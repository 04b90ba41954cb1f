import Foundation

/// Something an axes draws: a line, markers, a heat map. Each artist knows the data it spans,
/// how to draw itself through the axes' transform, what it shows in the legend, and where the
/// legend would hide it (matplotlib's Artist, reduced to what flatlab's figures need).
public protocol Artist: Sendable {
    /// The x (axis 0) or y (axis 1) values the axes' automatic range must include.
    func dataLimits(_ axis: Int) -> [Double]
    /// Writes the artist's SVG, mapping data to pixels with `t`; the axes clips it to the plot area.
    func draw(_ t: Transform, into w: inout SVGWriter)
    /// Its row in the legend, or nil.
    var legendEntry: LegendEntry? { get }
    /// Its rows in the legend (a group has its members'); by default `legendEntry`.
    var legendEntries: [LegendEntry] { get }
    /// Pixels the legend should not cover, each with a weight.
    func obstacles(_ t: Transform) -> [Obstacle]
    /// The colour scale the axes shows as a colour bar beside the plot (a heat map's), or nil.
    var colorScale: ColorScale? { get }
    /// True for an artist that covers its data range edge to edge (a grid): the axes then adds
    /// no margin around it along x.
    var fillsItsRange: Bool { get }
    /// False for marks that should show whole even at the plot's edge (a critical point in a
    /// corner of the domain): drawn after the frame, not clipped to the plot area.
    var clipped: Bool { get }
}

extension Artist {
    public var legendEntry: LegendEntry? { nil }
    public var legendEntries: [LegendEntry] { legendEntry.map { [$0] } ?? [] }
    public func obstacles(_ t: Transform) -> [Obstacle] { [] }
    public var colorScale: ColorScale? { nil }
    public var fillsItsRange: Bool { false }
    public var clipped: Bool { true }
}

/// A viridis scale over [low, high] with its label, drawn as a colour bar.
public struct ColorScale: Sendable {
    public let low: Double, high: Double
    public let label: String
}

/// A legend row: a swatch and its text.
public struct LegendEntry: Sendable {
    /// What the legend draws before the text: a short line, a marker, or a filled patch.
    public enum Swatch: Sendable {
        case line(Stroke)
        case marker(MarkerShape, Color, size: Double)
        case patch(Color, opacity: Double)
    }
    public let swatch: Swatch
    public let label: String
}

/// A pixel the legend should avoid, and how much covering it costs.
public struct Obstacle: Sendable {
    /// Pixel position, and the cost of covering it: 1 for a point of a line or of a heat map's
    /// valley, 40 for a lone marker or a text label.
    public let x: Double, y: Double, weight: Double
}

/// An axis scale: linear, or log₁₀ (positive values only).
public enum Scale: Sendable {
    case linear, log
}

/// The map from data to pixels of one axes, computed once per rendering.
public struct Transform: Sendable {
    /// The plot area in pixels.
    public let left: Double, right: Double, top: Double, bottom: Double
    public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    public let xScale: Scale, yScale: Scale
    /// Text sizes and lengths of the figure being drawn.
    public let look: Look

    public init(left: Double, right: Double, top: Double, bottom: Double, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                xScale: Scale = .linear, yScale: Scale = .linear, look: Look = Look(font: 12)) {
        (self.left, self.right, self.top, self.bottom) = (left, right, top, bottom)
        (self.xRange, self.yRange, self.xScale, self.yScale, self.look) = (xRange, yRange, xScale, yScale, look)
    }

    /// Pixel x of data value `v`. Far-off values are clamped to a few plot widths outside the area
    /// so paths stay finite (the clip hides them); NaN and ±∞ map to the left edge.
    public func x(_ v: Double) -> Double { map(v, xRange, xScale, left, right) }
    /// Pixel y of data value `v`, increasing downward as in SVG; clamped as in `x`, and NaN and ±∞
    /// map to the bottom edge.
    public func y(_ v: Double) -> Double { map(v, yRange, yScale, bottom, top) }
    public func point(_ x: Double, _ y: Double) -> (Double, Double) { (self.x(x), self.y(y)) }

    private func map(_ v: Double, _ r: ClosedRange<Double>, _ scale: Scale, _ from: Double, _ to: Double) -> Double {
        var t: Double
        if scale == .log {
            t = (log10(max(v, 1e-300)) - log10(r.lowerBound)) / (log10(r.upperBound) - log10(r.lowerBound))
        } else {
            t = (v - r.lowerBound) / (r.upperBound - r.lowerBound)
        }
        if !t.isFinite { t = 0 }
        t = min(max(t, -5), 6)  // keep far-off points finite; the clip path hides them
        return from + t * (to - from)
    }

    /// Whether a data point can be drawn: finite, and positive on a log axis.
    public func isDrawable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (xScale == .linear || x > 0) && (yScale == .linear || y > 0)
    }

    /// Polylines in pixels, split where a point cannot be drawn.
    public func pieces(_ xs: [Double], _ ys: [Double]) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = [[]]
        for (x, y) in zip(xs, ys) {
            if isDrawable(x, y) { out[out.count - 1].append(point(x, y)) } else if !out.last!.isEmpty { out.append([]) }
        }
        return out.filter { $0.count > 1 }
    }

    /// Points every few pixels along lines, so a steep segment counts as much as a flat one.
    func trace(_ xs: [Double], _ ys: [Double]) -> [Obstacle] {
        var out: [Obstacle] = []
        for piece in pieces(xs, ys) {
            for (a, b) in zip(piece, piece.dropFirst()) {
                let k = max(1, Int(hypot(b.0 - a.0, b.1 - a.1) / look.length(4)))
                for j in 0..<k {
                    out.append(Obstacle(x: a.0 + (b.0 - a.0) * Double(j) / Double(k), y: a.1 + (b.1 - a.1) * Double(j) / Double(k), weight: 1))
                }
            }
        }
        return out
    }
}

/// How a line is drawn.
public struct Stroke: Sendable {
    public var color: Color
    /// Line width in pixels of the screen design (scaled with the figure's look).
    public var width: Double
    /// SVG dash array in pixels of the screen design, e.g. "6 4"; nil for solid.
    public var dash: String?
    /// A thin light outline under the line, so it reads on dark and light heat maps alike.
    public var halo: Bool

    public init(color: Color, width: Double = 1.8, dash: String? = nil, halo: Bool = false) {
        (self.color, self.width, self.dash, self.halo) = (color, width, dash, halo)
    }

    /// Dash patterns that tell series apart in grey print.
    public static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3", "4 4"]

    func attributes(_ look: Look) -> [(String, String)] {
        var a: [(String, String)] = [("fill", "none"), ("stroke", color.svg), ("stroke-width", SVGWriter.number(look.width(width))),
                                     ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
        if let dash {
            a.append(("stroke-dasharray", dash.split(separator: " ").map { SVGWriter.number(look.length(Double($0) ?? 1)) }.joined(separator: " ")))
        }
        return a
    }

    /// Polylines in pixels drawn as one path with this stroke, each simplified to a tenth of a
    /// pixel of the screen design (`SVGWriter.simplified`): the same drawing with far fewer numbers.
    func draw(polylines: [[(Double, Double)]], _ look: Look, into w: inout SVGWriter) {
        draw(polylines.map { SVGWriter.path(SVGWriter.simplified($0, tolerance: look.length(0.1))) }.joined(), look, into: &w)
    }

    /// The path `d` drawn with this stroke: its halo first (a solid, wider, light line), then the line.
    func draw(_ d: String, _ look: Look, into w: inout SVGWriter) {
        if halo {
            w.element("path", [("d", d), ("fill", "none"), ("stroke", "#ffffff"), ("stroke-opacity", "0.75"),
                               ("stroke-width", SVGWriter.number(look.width(width) + look.width(2))), ("stroke-linejoin", "round"),
                               ("stroke-linecap", "round")])
        }
        w.element("path", [("d", d)] + attributes(look))
    }
}

/// Artists drawn together in one SVG group with attributes of its own (`data-optimizer="gam"`,
/// `data-role="rho-ball"`), so tests and scripts can find what belongs together.
public struct Group: Artist {
    public let attributes: [(String, String)]
    public let members: [any Artist]
    /// SMIL elements written first inside the group, from the axes' transform (`Animation.swift`:
    /// a piece of path that appears at a frame, marks that follow a run); none by default.
    public var animations: @Sendable (Transform) -> [(tag: String, attributes: [(String, String)])] = { _ in [] }

    public init(_ attributes: [(String, String)], _ members: [any Artist]) { (self.attributes, self.members) = (attributes, members) }

    public func dataLimits(_ axis: Int) -> [Double] { members.flatMap { $0.dataLimits(axis) } }
    public var legendEntries: [LegendEntry] { members.flatMap(\.legendEntries) }
    public func obstacles(_ t: Transform) -> [Obstacle] { members.flatMap { $0.obstacles(t) } }
    public var colorScale: ColorScale? { members.lazy.compactMap(\.colorScale).first }
    public var fillsItsRange: Bool { members.contains(where: \.fillsItsRange) }

    public func draw(_ t: Transform, into w: inout SVGWriter) {
        w.open("g", attributes)
        for a in animations(t) { w.element(a.tag, a.attributes) }
        for m in members { m.draw(t, into: &w) }
        w.close("g")
    }
}
