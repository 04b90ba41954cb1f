import Foundation

public enum Scale: Sendable {
    case linear, log
}

/// How a line is drawn.
public struct Stroke: Sendable {
    public var color: Color
    public var width: Double
    /// SVG dash array, e.g. "6 4"; nil for solid.
    public var dash: String?

    public init(color: Color, width: Double = 1.8, dash: String? = nil) {
        (self.color, self.width, self.dash) = (color, width, dash)
    }

    /// Dash patterns that tell series apart in grey print.
    public static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3", "4 4"]
}

public enum MarkerShape: String, Sendable {
    case circle, square, triangle, diamond, cross
}

/// One thing drawn in an axes.
public enum Series: Sendable {
    case line(xs: [Double], ys: [Double], stroke: Stroke, label: String?)
    /// Markers with one colour each (or one for all), e.g. a trajectory coloured by step.
    case markers(xs: [Double], ys: [Double], colors: [Color], shape: MarkerShape, size: Double, label: String?)
    /// A path with arrowheads every `arrowEvery` segments showing its direction.
    case arrows(xs: [Double], ys: [Double], stroke: Stroke, arrowEvery: Int, label: String?)
    /// A filled band between `lower` and `upper` over xs.
    case band(xs: [Double], lower: [Double], upper: [Double], color: Color, opacity: Double, label: String?)
    /// A shaded vertical span [x0, x1] over the whole height.
    case span(x0: Double, x1: Double, color: Color, opacity: Double, label: String?)
    case verticalRule(x: Double, stroke: Stroke, label: String?)
    case horizontalRule(y: Double, stroke: Stroke, label: String?)
    case text(x: Double, y: Double, text: String, color: Color, anchor: String)
    /// Level sets of a grid, optionally labelled with their values.
    case contour(grid: Grid, levels: [Double], stroke: Stroke, labels: Bool)
    /// A heat map of a grid with the viridis colormap over [low, high]; the axes draws a colorbar.
    case heatmap(grid: Grid, low: Double, high: Double, colorbarLabel: String)

    var label: String? {
        switch self {
        case .line(_, _, _, let l), .markers(_, _, _, _, _, let l), .arrows(_, _, _, _, let l), .band(_, _, _, _, _, let l),
             .span(_, _, _, _, let l), .verticalRule(_, _, let l), .horizontalRule(_, _, let l):
            return l
        default:
            return nil
        }
    }
}

/// A panel: its scales, labels, ticks, grid lines, series and legend (matplotlib's Axes).
public struct Axes: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed ranges; nil means the data's range with a 4% margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var series: [Series] = []
    public var legend = true
    /// Categorical x ticks (value and label) replacing the numeric ones.
    public var xTickLabels: [(Double, String)]?

    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        (self.title, self.xLabel, self.yLabel) = (title, xLabel, yLabel)
    }

    public mutating func add(_ s: Series) { series.append(s) }

    /// Data extent over all series, in data coordinates (positive values only on a log axis).
    func extent(_ axis: Int) -> ClosedRange<Double>? {
        var values: [Double] = []
        for s in series {
            switch s {
            case .line(let xs, let ys, _, _), .markers(let xs, let ys, _, _, _, _), .arrows(let xs, let ys, _, _, _):
                values += axis == 0 ? xs : ys
            case .band(let xs, let lo, let hi, _, _, _):
                values += axis == 0 ? xs : lo + hi
            case .span(let x0, let x1, _, _, _):
                if axis == 0 { values += [x0, x1] }
            case .verticalRule(let x, _, _):
                if axis == 0 { values.append(x) }
            case .horizontalRule(let y, _, _):
                if axis == 1 { values.append(y) }
            case .text(let x, let y, _, _, _):
                values.append(axis == 0 ? x : y)
            case .contour(let g, _, _, _), .heatmap(let g, _, _, _):
                values += axis == 0 ? [g.xs.first!, g.xs.last!] : [g.ys.first!, g.ys.last!]
            }
        }
        let scale = axis == 0 ? xScale : yScale
        let finite = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        return lo...hi
    }
}
