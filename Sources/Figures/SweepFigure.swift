import Experiments
import Foundation
import Landscape
import Optimizers
import Plot
import Reports

extension LabFigures {
    /// A sweep. One varied setting: where the runs end (the minimum most starts reach) and the
    /// end point's FOF, ZOF, λ_max and generalisation number against the setting, one line per
    /// optimizer. Two varied settings: per optimizer, a map of the minimum most starts reach and
    /// a heat map of the end point's FOF over the two settings.
    public static func sweep(_ s: Sweep) -> Figure {
        let p = s.problem
        if !p.regime.isExact { return sweepBeyond2D(s) }
        let outcomes = s.minima.map(Outcome.minimum) + Outcome.failures
        func mostCommon(_ point: Sweep.Point) -> Outcome {
            outcomes.max { point.share($0) < point.share($1) || (point.share($0) == point.share($1) && $0.code > $1.code) } ?? .noMinimum
        }
        let names: [Outcome: String] = Dictionary(uniqueKeysWithValues: outcomes.map { o in
            (o, o.index.map { "#\($0) \(format(point: s.critical[$0].theta, p.variables, .label))" } ?? o.words)
        })
        let startsText = s.starts.count == 1 ? "from \(format(coordinates: s.starts[0]))" : "\(s.starts.count) starts"
        let generalisation = p.oracle.hasTestLoss ? "test loss" : "E[L(θ+s)], σ=\(format(s.sigma, .label))"
        var panels: [Axes] = []
        if s.varies.count == 1 {
            let key = display(s.varies[0].key)
            // Where the runs end: one row per outcome that occurs.
            let present = outcomes.filter { o in s.lines.contains { line in line.points.contains { mostCommon($0) == o } } }
            var ends = Axes(title: "where the runs end (\(startsText))", xLabel: key, yLabel: "minimum (# of lab analyze)")
            ends.yTickLabels = present.enumerated().map { (Double($0), $1.short) }
            ends.yRange = -0.6...(Double(present.count) - 0.4)
            for (k, line) in s.lines.enumerated() {
                let xs = line.points.map { $0.values[0] }
                // Optimizers side by side within their row, never into the next one.
                let offset = (Double(k) - Double(s.lines.count - 1) / 2) * min(0.12, 0.7 / Double(max(s.lines.count, 1)))
                let ys = line.points.map { Double(present.firstIndex(of: mostCommon($0))!) + offset }
                ends.add(Group([("data-optimizer", line.optimizer.name)], [
                    Markers(xs: xs, ys: ys, colors: [color(line.optimizer)], shape: markerShapes[k % markerShapes.count], size: 4, label: line.optimizer.name),
                ]))
            }
            panels.append(ends)
            let measures: [(String, (Measures) -> Double?)] = [
                ("FOF at the end", { $0.fof }), ("ZOF at the end", { $0.zof }), ("λ_{max} at the end", { $0.lambdaMax }),
                ("\(generalisation) at the end", { p.oracle.hasTestLoss ? $0.testLoss : $0.expectedShiftedLoss }),
            ]
            for (title, f) in measures {
                var axes = Axes(title: title, xLabel: key, yLabel: "")
                let all = s.lines.flatMap { line in line.points.compactMap { $0.mean(f) } }
                if !all.isEmpty, all.allSatisfy({ $0 > 0 }), (all.max()! / all.min()!) > 20 { axes.yScale = .log; axes.yLabel = "log scale" }
                for (k, line) in s.lines.enumerated() {
                    let xs = line.points.map { $0.values[0] }, ys = line.points.map { $0.mean(f) ?? .nan }
                    let color = color(line.optimizer)
                    axes.add(Group([("data-optimizer", line.optimizer.name)], [
                        Line(xs: xs, ys: ys, stroke: Stroke(color: color, width: 1.6, dash: Stroke.dashes[k % Stroke.dashes.count])),
                        Markers(xs: xs, ys: ys, colors: [color], shape: markerShapes[k % markerShapes.count], size: 3.2, label: line.optimizer.name),
                    ]))
                }
                panels.append(axes)
            }
            let description = "Sweep of \(s.varies[0].key) on \(p.name) for \(s.lines.map(\.optimizer.name).joined(separator: ", ")) \(startsText): where the runs end and the flatness and generalisation number there."
            return Figure(title: "", description: description, panels: panels, columns: 3)
        }
        // Two settings: the outcome map and FOF heat map of each optimizer.
        let (kx, ky) = (display(s.varies[0].key), display(s.varies[1].key))
        let xs = s.varies[0].values, ys = s.varies[1].values
        // One slot per series colour (they repeat after eight minima), then the three greys.
        let hues = Color.palette.count
        let palette = (0..<hues).map { Color.series($0) } + outcomeGreys
        func slot(_ o: Outcome) -> Int {
            o.index.map { s.minima.firstIndex(of: $0)! % hues } ?? hues + Outcome.failures.firstIndex(of: o)!
        }
        // Half a cell beyond the first and last values: where the cells end.
        func edges(_ v: [Double]) -> ClosedRange<Double> {
            let d = v.count > 1 ? (v.max()! - v.min()!) / Double(v.count - 1) : 1
            return (v.min()! - d / 2)...(v.max()! + d / 2)
        }
        for line in s.lines {
            // Points run with the first setting slowest: point (i, j) is i * |ys| + j.
            var cells = [[UInt8]](repeating: [UInt8](repeating: 0, count: xs.count), count: ys.count)
            var fof = [[Double]](repeating: [Double](repeating: .nan, count: xs.count), count: ys.count)
            for i in xs.indices {
                for j in ys.indices {
                    let point = line.points[i * ys.count + j]
                    cells[j][i] = UInt8(slot(mostCommon(point)))
                    fof[j][i] = point.mean { $0.fof } ?? .nan
                }
            }
            var map = Axes(title: "\(line.optimizer.name): where the runs end", xLabel: kx, yLabel: ky)
            map.add(Group([("data-optimizer", line.optimizer.name)], [ImageGrid(xs: xs, ys: ys, cells: cells, palette: palette)]))
            map.xRange = edges(xs)
            map.yRange = edges(ys)
            let present = outcomes.filter { o in line.points.contains { mostCommon($0) == o } }
            for c in present.prefix(maxLegendRows) { map.add(LegendPatch(color: palette[slot(c)], label: names[c]!)) }
            panels.append(map)
            var heat = Axes(title: "\(line.optimizer.name): FOF at the end", xLabel: kx, yLabel: ky)
            let finite = fof.flatMap { $0 }.filter(\.isFinite)
            let low = finite.min() ?? 0, high = finite.max() ?? 1
            heat.add(HeatMap(grid: Grid(xs: xs, ys: ys, values: fof), low: low, high: high > low ? high : low + 1, colorbarLabel: "FOF at the run's ρ"))
            heat.legend = false
            heat.xRange = edges(xs)
            heat.yRange = edges(ys)  // the map's extent, so the two panels line up
            panels.append(heat)
        }
        let description = "Sweep of \(kx) and \(ky) on \(p.name) \(startsText): for each optimizer, where the runs end and the FOF of the end point."
        return Figure(title: "", description: description, panels: panels, columns: 2)
    }

    /// A sweep beyond 2-D: every run's end as a marker (a second varied setting, such as
    /// init-seed, gives repeats at each value of the first), the mean as a line: λ_max with the
    /// step-size cap 2/lr (gradient descent is unstable along any direction sharper than that),
    /// the generalisation number, FOF, and the generalisation number against λ_max.
    static func sweepBeyond2D(_ s: Sweep) -> Figure {
        let p = s.problem
        let key = display(s.varies[0].key)
        let generalisation = p.oracle.hasTestLoss ? "test loss" : "E[L(θ+s)], σ=\(format(s.sigma, .label))"
        let value: (Measures) -> Double? = { p.oracle.hasTestLoss ? $0.testLoss : $0.expectedShiftedLoss }
        let repeats = s.varies.count == 2 ? "; each marker is a run, \(display(s.varies[1].key)) giving repeats, the line their mean" : ""
        // Every run's end: (optimizer, first varied value, measures).
        let runs: [(line: Int, x: Double, lr: Double, m: Measures)] = s.lines.enumerated().flatMap { k, line in
            line.points.flatMap { point in point.ends.compactMap { e in e.measures.map { (k, point.values[0], point.settings.hyper.lr, $0) } } }
        }
        let lrs = Set(runs.map(\.lr))
        func panel(_ title: String, _ f: @escaping (Measures) -> Double?, cap: Bool) -> Axes {
            var axes = Axes(title: title, xLabel: key, yLabel: "")
            let all = runs.compactMap { f($0.m) }.filter(\.isFinite)
            if !all.isEmpty, all.allSatisfy({ $0 > 0 }), all.max()! / all.min()! > 20 { axes.yScale = .log; axes.yLabel = "log scale" }
            for (k, line) in s.lines.enumerated() {
                let color = color(line.optimizer)
                let mine = runs.filter { $0.line == k }
                var group: [any Artist] = [Markers(xs: mine.map(\.x), ys: mine.map { f($0.m) ?? .nan }, colors: [color], shape: markerShapes[k % markerShapes.count],
                                                   size: 3, label: line.optimizer.name)]
                // The mean over every run at each value of the first setting.
                let xs = s.varies[0].values
                let ys = xs.map { x -> Double in
                    let values = mine.filter { $0.x == x }.compactMap { f($0.m) }.filter(\.isFinite)
                    return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
                }
                // Its legend row says what the line is (with repeats, the mean over them).
                let meanLabel = s.varies.count == 2 ? "\(line.optimizer.name): mean over the \(s.varies[1].values.count) values of \(display(s.varies[1].key))" : nil
                group.append(Line(xs: xs, ys: ys, stroke: Stroke(color: color, width: 1.4, dash: Stroke.dashes[k % Stroke.dashes.count]), label: meanLabel))
                axes.add(Group([("data-optimizer", line.optimizer.name)], group))
            }
            if cap {
                // 2/lr: one level, or a curve when lr itself is swept.
                let xs = s.varies[0].values
                let caps = s.varies[0].key == "lr" ? xs.map { 2 / $0 } : lrs.count == 1 ? xs.map { _ in 2 / lrs.first! } : []
                if !caps.isEmpty {
                    axes.add(Line(xs: xs, ys: caps, stroke: Stroke(color: Color.gray, width: 1.6, dash: "2 3"),
                                  label: lrs.count == 1 && s.varies[0].key != "lr" ? "2/lr = \(format(caps[0], .label))" : "2/lr"))
                }
            }
            return axes
        }
        var scatter = Axes(title: "\(generalisation) against λ_{max} at the end", xLabel: "λ_{max}", yLabel: generalisation)
        for (k, line) in s.lines.enumerated() {
            let mine = runs.filter { $0.line == k }
            scatter.add(Group([("data-optimizer", line.optimizer.name)], [
                Markers(xs: mine.map(\.m.lambdaMax), ys: mine.map { value($0.m) ?? .nan }, colors: [color(line.optimizer)],
                        shape: markerShapes[k % markerShapes.count], size: 3, label: line.optimizer.name),
            ]))
        }
        let panels = [panel("λ_{max} at the end", { $0.lambdaMax }, cap: true), panel("\(generalisation) at the end", value, cap: false),
                      panel("FOF at the end (at least)", { $0.fof }, cap: false), scatter]
        let description = "Sweep of \(s.varies.map(\.key).joined(separator: " and ")) on \(p.name) (\(p.dimension) parameters) for "
            + s.lines.map(\.optimizer.name).joined(separator: ", ") + ": λ_max with the 2/lr line, the \(generalisation), FOF, and the \(generalisation) against λ_max\(repeats)."
        return Figure(title: "", description: description, panels: panels, columns: 2)
    }
}

extension LabFigures {
    /// A setting's name on an axis: the table's display name (ρ, α, learning rate).
    static func display(_ key: String) -> String { RunSettings.setting(key)?.display ?? key }
}
