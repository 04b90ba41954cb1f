import Experiments
import Foundation
import Landscape
import Optimizers
import Plot
import Reports

extension LabFigures {
    /// The outcomes that are not a minimum, and their greys (dark: diverged, mid: left the
    /// domain, a blue-grey: stalled at a saddle, light: no minimum), in basin maps and sweeps alike.
    static let outcomeGreys: [Color] = [Color(hex: 0x3a3a3a), Color(hex: 0x8c8c8c), Color(hex: 0x5d6d8c), Color(hex: 0xc4c4c4)]

    /// Legend rows of a basin map at most; more outcomes are summed in the last row.
    static let maxLegendRows = 9
    /// Minima named on the map (and their FOF and ZOF given in the legend) at most; more are
    /// marked without names.
    static let maxLabelledMinima = 12

    /// One optimizer's basin map laid translucently over a landscape panel (`lab compare
    /// --basins-of`, the live page's export): each start's cell in the hue of the minimum its run
    /// reaches (the basin figure's hues, paler), greys for the other outcomes; in 1-D, bands along x.
    /// Above the heat map, below contours and paths; the legend gives each outcome's share.
    static func addBasinUnderlay(_ axes: inout Axes, _ maps: BasinMaps, map: BasinMaps.Map) {
        // The basin figure's colours, paler: a minimum's hue is also an optimizer's line colour,
        // and the lines over the map must not be read as a region of it.
        func color(_ o: Outcome) -> Color { outcomeColor(o, minima: maps.minima).mixed(with: .white, 0.45) }
        let present = map.present
        let opacity = 0.45
        var members: [any Artist] = []
        if maps.problem.regime == .curve {
            // Runs of equal outcome along x, each from midpoint to midpoint between starts.
            let xs = maps.x, n = xs.count
            func edge(_ k: Int) -> Double { k == 0 ? xs[0] : k == n ? xs[n - 1] : (xs[k - 1] + xs[k]) / 2 }
            var k = 0
            while k < n {
                var j = k
                while j + 1 < n && map.outcome[j + 1] == map.outcome[k] { j += 1 }
                members.append(Span(x0: edge(k), x1: edge(j + 1), color: color(map.outcome[k]), opacity: opacity))
                k = j + 1
            }
        } else {
            let nx = maps.x.count, ny = maps.y.count
            let palette = present.map(color)
            let cells = (0..<ny).map { r in (0..<nx).map { c in UInt8(present.firstIndex(of: map.outcome[r * nx + c])!) } }
            members.append(ImageGrid(xs: maps.x, ys: maps.y, cells: cells, palette: palette))
        }
        axes.addAboveFills(Group([("data-role", "basins"), ("data-optimizer", map.optimizer.name), ("opacity", format(opacity, .label))], members))
        let (shown, rest) = legendOutcomes(map)
        for o in shown {
            axes.add(LegendPatch(color: color(o), label: "basins of \(map.optimizer.name): \(outcomeLabel(o, maps, .label)) \(percent(map.share(o)))"))
        }
        if !rest.isEmpty {
            axes.add(LegendPatch(color: .lightGray, label: "basins of \(map.optimizer.name): \(rest.count) more outcomes \(percent(rest.reduce(0) { $0 + map.share($1) }))"))
        }
    }

    /// An outcome's colour in the basin figures: its minimum's hue (the series colours, in the
    /// order of `minima`), or its grey.
    static func outcomeColor(_ o: Outcome, minima: [Int]) -> Color {
        if let k = Outcome.failures.firstIndex(of: o) { return outcomeGreys[k] }
        return Color.series(minima.firstIndex(of: o.index!)!)
    }

    /// The outcomes a map's legend lists, in the map's order: all of them, or, beyond
    /// `maxLegendRows`, the largest shares, with the rest to be given together.
    static func legendOutcomes(_ map: BasinMaps.Map) -> (shown: [Outcome], rest: [Outcome]) {
        guard map.present.count > maxLegendRows else { return (map.present, []) }
        let largest = Set(map.present.sorted { map.share($0) > map.share($1) }.prefix(maxLegendRows - 1))
        return (map.present.filter(largest.contains), map.present.filter { !largest.contains($0) })
    }

    /// Basin maps: one panel per optimizer, side by side. Each start is coloured by the minimum
    /// its run reaches (the same hue for the same minimum in every panel), darker the sooner it
    /// converged and pale where it did not converge; greys for diverged, left the domain and no
    /// minimum. Minima are marked and named; the legend gives each minimum's FOF and ZOF and each
    /// outcome's share of the starts.
    public static func basins(_ maps: BasinMaps) -> Figure {
        let p = maps.problem
        let minima = maps.minima
        // Palette: per hue (the series colours, which repeat after eight minima), eight shades by
        // steps to converge and one pale tint for "did not converge there".
        let shades = 8, hues = Color.palette.count
        var palette: [Color] = []
        func hue(_ k: Int) -> Color { Color.series(k) }
        for k in 0..<min(minima.count, hues) {
            for s in 0..<shades { palette.append(hue(k).mixed(with: .white, 0.55 * Double(s) / Double(shades - 1))) }
            palette.append(hue(k).mixed(with: Color(hex: 0xe8e8e8), 0.78))
        }
        let greyBase = min(minima.count, hues) * (shades + 1)
        palette += outcomeGreys
        let nx = maps.x.count, ny = maps.y.count
        let maxSteps = maps.maps.flatMap(\.steps).max().map { max(Int($0), 1) } ?? 1
        let oneD = p.regime == .curve
        // A 2-D map's axes are the problem's variables; a 1-D map's second axis is a setting.
        let axisName = { (k: Int) -> String in oneD && k == 1 ? display(maps.axes[k]) : maps.axes[k] }
        let yLabel = maps.axes.count == 2 ? axisName(1) : ""
        var panels: [Axes] = []
        for map in maps.maps {
            var cells = [[UInt8]](repeating: [UInt8](repeating: 0, count: nx), count: ny)
            for r in 0..<ny {
                for c in 0..<nx {
                    let k = r * nx + c, outcome = map.outcome[k]
                    if let g = Outcome.failures.firstIndex(of: outcome) {
                        cells[r][c] = UInt8(greyBase + g)
                    } else {
                        let m = minima.firstIndex(of: outcome.index!)!
                        // Shaded by steps only where the run converged at the minimum; a run that
                        // stopped on a plateau on its way there is pale, as one that never converged.
                        let steps = map.reached[k] ? map.steps[k] : -1
                        let shade = steps < 0 ? shades : min(shades - 1, Int(Double(steps) / Double(maxSteps) * Double(shades)))
                        cells[r][c] = UInt8((m % hues) * (shades + 1) + shade)
                    }
                }
            }
            let h = map.settings[0].hyper
            var settings = "lr \(format(h.lr, .label))"
            if map.optimizer.reads("rho", base: h.base) && maps.axes.last != "rho" { settings += " · ρ \(format(h.rho, .label))" }
            if map.optimizer.settings.contains("alpha") && maps.axes.last != "alpha" { settings += " · α \(format(h.alpha, .label))" }
            if maps.axes.last == "lr" { settings = settings.replacingOccurrences(of: "lr \(format(h.lr, .label))", with: "").trimmingCharacters(in: CharacterSet(charactersIn: " ·")) }
            var axes = Axes(title: "\(map.optimizer.name)" + (settings.isEmpty ? "" : " (\(settings))"), xLabel: axisName(0), yLabel: yLabel)
            let ys = oneD && maps.axes.count == 1 ? [0.0] : maps.y
            axes.add(Group([("data-optimizer", map.optimizer.name)], [ImageGrid(xs: maps.x, ys: ys, cells: cells, palette: palette)]))
            // The panel's range is the map's: half a cell beyond the first and last starts.
            let (y0, y1) = (ys.min()!, ys.max()!)
            let cell = ys.count > 1 ? (y1 - y0) / Double(ys.count - 1) : 1
            let bottom = y0 - cell / 2, top = y1 + cell / 2
            axes.yRange = bottom...top
            axes.equalAspect = !oneD
            // One row: no y axis to read, only the row's value (or nothing without --vary).
            if ys.count == 1 { axes.yTickLabels = maps.axes.count == 1 ? [] : [(ys[0], format(ys[0], .label))] }
            if oneD && maps.axes.count == 1 { axes.yLabel = "" }
            // Many minima (rastrigin has dozens): the largest shares, then the rest together.
            let (shown, rest) = legendOutcomes(map)
            // With ρ varied, the minima are measured at its first value: the legend says so.
            let measuredAt = maps.axes.last == "rho" ? " at ρ \(format(maps.rho, .label))" : ""
            for outcome in shown {
                var flatness = ""
                if let k = outcome.index.flatMap(minima.firstIndex(of:)), minima.count <= maxLabelledMinima {
                    let m = maps.minimumMeasures[k]
                    flatness = "; FOF \(format(m.fof, .label)), ZOF \(format(m.zof, .label))\(measuredAt)"
                }
                axes.add(LegendPatch(color: outcomeColor(outcome, minima: minima), label: "\(outcomeLabel(outcome, maps, .label)): \(percent(map.share(outcome)))\(flatness)"))
            }
            if !rest.isEmpty {
                axes.add(LegendPatch(color: .lightGray, label: "\(rest.count) more outcomes: \(percent(rest.reduce(0) { $0 + map.share($1) }))"))
            }
            // The minima, marked where the map can show them and named by their number (their
            // FOF and ZOF are in the legend, where labels cannot collide).
            for (k, i) in minima.enumerated() where minima.count <= maxLabelledMinima {
                let theta = maps.critical[i].theta
                if oneD {
                    axes.add(Line(xs: [theta[0], theta[0]], ys: [bottom, top], stroke: Stroke(color: .black, width: 1, dash: "3 3")))
                    axes.add(TextLabel(x: theta[0], y: bottom + (top - bottom) * (0.62 - 0.2 * Double(k % 3)), text: "#\(i)", anchor: "middle", halo: true))
                } else {
                    axes.add(Markers(xs: [theta[0]], ys: [theta[1]], colors: [.white], shape: .circle, size: 4.5))
                    axes.add(TextLabel(x: theta[0], y: theta[1] + min(max(cell / 2, (top - bottom) * 0.035), (top - bottom) * 0.06),
                                       text: "#\(i)", anchor: "middle", halo: true))
                }
            }
            // Saddles where runs were trapped: marked and named like the minima.
            if !oneD, map.share(.atSaddle) > 0 {
                for (i, c) in maps.critical.enumerated() where c.kind == .saddle {
                    axes.add(Markers(xs: [c.theta[0]], ys: [c.theta[1]], colors: [.white], shape: .cross, size: 4.5))
                    axes.add(TextLabel(x: c.theta[0], y: c.theta[1] - min(max(cell / 2, (top - bottom) * 0.035), (top - bottom) * 0.06),
                                       text: "#\(i)", anchor: "middle", halo: true))
                }
            }
            if minima.count > maxLabelledMinima, !oneD {
                axes.add(Markers(xs: minima.map { maps.critical[$0].theta[0] }, ys: minima.map { maps.critical[$0].theta[1] },
                                 colors: [.white], shape: .circle, size: 2.5))
            }
            panels.append(axes)
        }
        let steps = maps.maps[0].settings[0].hyper.steps
        let description = "Basin maps of \(maps.maps.map(\.optimizer.name).joined(separator: ", ")) on \(p.name): each start coloured by the minimum its run reaches in \(steps) steps (darker: converged sooner at the minimum; pale: did not converge there), at ρ = \(format(maps.rho, .label))."
        var figure = Figure(title: "", description: description, panels: panels, columns: panels.count)
        figure.panelWidth = 440
        figure.panelHeight = 400
        return figure
    }
}
