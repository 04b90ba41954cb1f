import Experiments
import Foundation
import Landscape
import Optimizers
import Plot
import Reports

/// flatlab's figures, built from experiment records with the generic Plot module. Landscapes
/// are sampled through the problem's batch tapes.
public enum LabFigures {
    // MARK: run and compare

    /// A run: the landscape with the trajectory (1-D: loss and test-loss curves, the iterates
    /// coloured by step, the ρ-ball at the end; 2-D: heat map and contours with the path), and
    /// loss and gradient norm against step; with `--measures`, exact ZOF/FOF against the
    /// optimizer's estimates.
    /// With `animate`, the landscape shows the run step by step (`addAnimated`).
    public static func run(_ r: RunRecord, problem p: Problem, animate: Bool = false) throws -> Figure {
        let diverged = r.divergence.map { " (diverged at step \($0.step))" } ?? ""
        let steps = r.trajectory.map(\.step)
        let thetas = r.trajectory.map(\.theta)
        if !p.regime.isExact {
            let plane = p.trajectoryPlane(start: thetas[0], middle: thetas[thetas.count / 2], end: thetas.last!)
            var landscape = onPlane(p, PlaneView(plane, [r], rho: r.hyper.rho), [r], paths: !animate, title: "\(p.name): \(r.optimizer.name)\(diverged)")
            if animate {
                addAnimated(&landscape, [r], at: { let q = plane.project($0); return (q.a, q.b) })
            } else {
                let end = plane.project(thetas.last!)
                addCircle(&landscape, center: [end.a, end.b], rho: r.hyper.rho)
            }
            var panels = [landscape, curvesPanel([r], title: "loss and gradient norm")]
            if r.trajectory.first?.zof != nil { panels.append(measuresPanel(r, exact: false)) }
            let summary = "\(r.optimizer.name) on \(p.name) (\(p.dimension) parameters) in \(steps.last!) steps (\(r.status.rawValue)), on the plane through \(plane.spanned)."
            return Figure(title: "", description: summary, panels: panels, columns: panels.count)
        }
        var landscape = try landscapePanel(p, title: "\(p.name): \(r.optimizer.name)\(diverged)", sigma: r.final.sigma)
        if animate {
            addAnimated(&landscape, [r], at: p.regime == .curve ? { ($0[0], p.oracle.loss($0)) } : { ($0[0], $0[1]) }, oneD: p.regime == .curve, start: true)
        } else if p.regime == .curve {
            let keep = thin(r.trajectory.count, to: 150)
            let xs = keep.map { thetas[$0][0] }, ys = keep.map { r.trajectory[$0].loss }
            let last = max(steps.last!, 1)
            let colors = keep.map { Viridis.color(Double(steps[$0]) / Double(last)) }
            let end = thetas.last![0]
            landscape.addBelow(Group([("data-role", "rho-ball")], [Span(x0: end - r.hyper.rho, x1: end + r.hyper.rho, color: Color(hex: 0x56B4E9), opacity: 0.2,
                                                                         label: "ρ-ball at the end")]))
            landscape.add(Group([("data-optimizer", r.optimizer.name)], [
                Markers(xs: xs, ys: ys, colors: colors, shape: .circle, size: 3.5, label: "iterates (by step)"),
                Markers(xs: [thetas[0][0]], ys: [r.trajectory[0].loss], colors: [.white], shape: .square, size: 5.5, label: "start"),
                Markers(xs: [end], ys: [r.trajectory.last!.loss], colors: [color(r.optimizer)], shape: .diamond, size: 6, label: "end"),
            ]))
        } else {
            addPath(&landscape, r, dash: nil, label: r.optimizer.name, labelEnds: true)
            addCircle(&landscape, center: thetas.last!, rho: r.hyper.rho)
        }
        var panels = [landscape]
        if p.regime == .curve { panels.append(timePanel([r], variable: p.variables[0])) }
        panels.append(curvesPanel([r], title: "loss and gradient norm"))
        if r.trajectory.first?.zof != nil { panels.append(measuresPanel(r, exact: true)) }
        let summary = "\(r.optimizer.name) on \(p.name) from \(format(coordinates: thetas[0])) to \(format(coordinates: thetas.last!)) in \(steps.last!) steps (\(r.status.rawValue))."
        return Figure(title: "", description: summary, panels: panels, columns: panels.count)
    }

    /// Beyond 2-D: the loss on `plane` around the runs' paths, projected onto it; the title gives
    /// the largest distance of a path point from the plane.
    static func onPlane(_ p: Problem, _ view: PlaneView, _ records: [RunRecord], paths: Bool = true, title: String) -> Axes {
        let projected = view.projected
        var axes = planePanel(p, view.plane, a: view.a, b: view.b, title: title + " · off the plane ≤ \(format(view.off, .label))")
        for (k, (r, path)) in zip(records, projected).enumerated() where paths {
            let color = color(r.optimizer), dash = records.count == 1 ? nil : Stroke.dashes[k % Stroke.dashes.count]
            let xs = path.map(\.a), ys = path.map(\.b)
            axes.add(Group([("data-optimizer", r.optimizer.name)], [
                Arrows(xs: xs, ys: ys, stroke: Stroke(color: color, width: 2, dash: dash, halo: true), label: records.count == 1 ? r.optimizer.name : legendName(r)),
                Markers(xs: [xs.last!], ys: [ys.last!], colors: [color], shape: endShapes[k % endShapes.count], size: 6, label: records.count == 1 ? "end" : nil),
            ]))
        }
        if let first = projected.first?.first {
            axes.add(Markers(xs: [first.a], ys: [first.b], colors: [.white], shape: .square, size: 5.5, label: "start"))
        }
        return axes
    }

    /// A plane with the box of it a figure shows: the runs' paths (thinned to 400 points each)
    /// projected onto it, with a quarter of their extent as margin and at least 4ρ wide, and the
    /// largest distance of a path point from the plane.
    public struct PlaneView {
        public let plane: Plane
        public let a: ClosedRange<Double>, b: ClosedRange<Double>
        public let off: Double
        let projected: [[(a: Double, b: Double, off: Double)]]

        init(_ plane: Plane, _ records: [RunRecord], rho: Double) {
            projected = records.map { r in thin(r.trajectory.count, to: 400).map { plane.project(r.trajectory[$0].theta) } }
            let all = projected.flatMap { $0 }
            (self.plane, off) = (plane, all.map(\.off).max() ?? 0)
            (a, b) = (box(all.map(\.a), least: 4 * rho), box(all.map(\.b), least: 4 * rho))
        }
    }

    /// Beyond 2-D, the plane `compare`'s figure draws its runs on: through the start and the ends
    /// of the first two runs (`Problem.trajectoryPlane`), with its box. The live page draws the
    /// same plane, so its view and its exported figure agree.
    public static func comparisonPlane(_ records: [RunRecord], problem p: Problem) -> PlaneView {
        let first = records[0], ends = records.map { $0.trajectory.last!.theta }
        let plane = p.trajectoryPlane(start: first.trajectory[0].theta, middle: ends[0], end: ends.count > 1 ? ends[1] : ends[0],
                                      named: "the start and the ends of \(records.prefix(2).map(\.optimizer.name).joined(separator: " and "))")
        return PlaneView(plane, records, rho: first.hyper.rho)
    }

    /// The loss on an n × n grid of the box a × b of a plane (`a` fastest), through the batch tape.
    public static func planeLoss(_ p: Problem, _ plane: Plane, a: ClosedRange<Double>, b: ClosedRange<Double>, samples n: Int)
        -> (a: [Double], b: [Double], loss: [Double]) {
        let ga = Vary.linspace(a.lowerBound, a.upperBound, n), gb = Vary.linspace(b.lowerBound, b.upperBound, n)
        return (ga, gb, p.oracle.lossTape.evaluate(batch: plane.columns(ga, gb))[0])
    }

    /// Several runs from one start over one landscape, and their losses against step.
    /// With `animate`, the landscape shows the runs step by step (`addAnimated`); with `basins`
    /// (a map of one optimizer, 1-D or 2-D), the map lies under the paths (`addBasinUnderlay`);
    /// with `atStep`, each run's θ, ρ-ball and probe at that step are marked, and the step on the
    /// panels against step (`addStepMarks`: the live page's step slider).
    public static func compare(_ records: [RunRecord], problem p: Problem, animate: Bool = false, basins: BasinMaps? = nil,
                               atStep: Int? = nil) throws -> Figure {
        if !p.regime.isExact, !records.isEmpty {
            let view = comparisonPlane(records, problem: p), plane = view.plane
            var landscape = onPlane(p, view, records, paths: !animate, title: "\(p.name): " + records.map(\.optimizer.name).joined(separator: ", "))
            let onIt: ([Double]) -> (Double, Double) = { let q = plane.project($0); return (q.a, q.b) }
            if animate { addAnimated(&landscape, records, at: onIt) }
            if let atStep { addStepMarks(&landscape, records, step: atStep, at: onIt) }
            var description = "Optimizers " + records.map(\.optimizer.name).joined(separator: ", ") + " on \(p.name) (\(p.dimension) parameters) from one start, on the plane through the start and two ends."
            if let atStep { description += " Marked: each run's θ, ρ-ball and probe at step \(atStep), projected onto the plane." }
            return Figure(title: "", description: description, panels: [landscape, markStep(curvesPanel(records, title: "loss against step"), atStep)], columns: 2)
        }
        var landscape = try landscapePanel(p, title: "\(p.name): " + records.map(\.optimizer.name).joined(separator: ", "),
                                           sigma: records.first?.final.sigma ?? RunSettings().sigma)
        if let basins, let map = basins.maps.first { addBasinUnderlay(&landscape, basins, map: map) }
        // The start under the paths, so no end hides under it.
        if let first = records.first {
            landscape.add(Markers(xs: [first.trajectory[0].theta[0]], ys: [p.regime == .curve ? first.trajectory[0].loss : first.trajectory[0].theta[1]],
                                  colors: [.white], shape: .square, size: 5.5, label: "start"))
        }
        // Ends that would hide each other (runs ending at one minimum) are set around their point.
        let ends = records.map { r -> (Double, Double) in
            let last = r.trajectory.last!
            return (last.theta[0], p.regime == .curve ? last.loss : last.theta[1])
        }
        let yRange = landscape.yRange ?? p.domain[p.dimension - 1]
        let offsets = endOffsets(ends, scale: [p.domain[0].upperBound - p.domain[0].lowerBound, yRange.upperBound - yRange.lowerBound])
        if animate {
            addAnimated(&landscape, records, at: p.regime == .curve ? { ($0[0], p.oracle.loss($0)) } : { ($0[0], $0[1]) }, oneD: p.regime == .curve)
        }
        for (k, r) in records.enumerated() where !animate {
            let color = color(r.optimizer), dash = Stroke.dashes[k % Stroke.dashes.count]
            if p.regime == .curve {
                // On the curve only where each run ended; its path over time is the panel beside.
                var end = Markers(xs: [ends[k].0], ys: [ends[k].1], colors: [color], shape: endShapes[k % endShapes.count], size: 5.5,
                                  label: legendName(r) + " (end)")
                end.offset = offsets[k]
                landscape.add(Group([("data-optimizer", r.optimizer.name)], [end]))
            } else {
                addPath(&landscape, r, dash: dash, label: legendName(r), endShape: endShapes[k % endShapes.count], endOffset: offsets[k])
            }
        }
        if let atStep {
            addStepMarks(&landscape, records, step: atStep, at: p.regime == .curve ? { ($0[0], p.oracle.loss($0)) } : { ($0[0], $0[1]) },
                         curve: p.regime == .curve ? p.domain[0] : nil)
        }
        var description = "Optimizers " + records.map(\.optimizer.name).joined(separator: ", ") + " on \(p.name) from one start."
        if let basins, let map = basins.maps.first {
            description += " Under the paths, the basins of \(map.optimizer.name) from \(basins.x.count)\(p.regime == .curve ? "" : " × \(basins.y.count)") starts."
        }
        if let atStep { description += " Marked: each run's θ, ρ-ball and probe at step \(atStep)." }
        var panels = [landscape]
        if p.regime == .curve { panels.append(markStep(timePanel(records, variable: p.variables[0]), atStep)) }
        panels.append(markStep(curvesPanel(records, title: "loss against step"), atStep))
        return Figure(title: "", description: description, panels: panels, columns: panels.count)
    }

    static let markerShapes: [MarkerShape] = [.circle, .square, .triangle, .diamond, .cross]
    /// End markers of several 2-D paths, so ends at the same minimum stay told apart.
    static let endShapes: [MarkerShape] = [.diamond, .circle, .triangle, .square, .cross]

    /// An optimizer's name in a legend, flagged when its end point is not where it settled.
    static func legendName(_ r: RunRecord) -> String {
        if r.status == .diverged { return r.optimizer.name + " (diverged)" }
        return r.stalled ? r.optimizer.name + " (stalled)" : r.cycling ? r.optimizer.name + " (cycling)" : r.optimizer.name
    }

    // MARK: analyze

    /// Critical points on the landscape, ZOF and FOF of each minimum at ρ, and with a sweep ZOF
    /// and FOF against ρ: where ZOF curves meet while FOF curves stay apart, ZOF has stopped
    /// telling the minima apart.
    public static func analyze(_ a: Analysis, sweep: RhoSweep?, problem p: Problem) throws -> Figure {
        // Beyond 2-D: the plane through the three lowest points found (or random directions at
        // the lowest), with every point projected onto it.
        var plane: Plane?
        if !p.regime.isExact {
            let byLoss = a.points.map(\.critical).sorted { $0.loss < $1.loss }.map(\.theta)
            let lowest = byLoss.first ?? p.defaultStart
            plane = byLoss.count >= 3 ? p.trajectoryPlane(start: byLoss[0], middle: byLoss[1], end: byLoss[2], named: "the three lowest points")
                : p.randomPlane(at: lowest, seed: 1)
        }
        let at: (CriticalPoint) -> (Double, Double) = { c in
            if let plane { let q = plane.project(c.theta); return (q.a, q.b) }
            return (c.theta[0], p.regime == .curve ? c.loss : c.theta[1])
        }
        var landscape: Axes
        if let plane {
            let projected = a.points.map { plane.project($0.critical.theta) }
            let off = projected.map(\.off).max() ?? 0
            landscape = planePanel(p, plane, a: box(projected.map(\.a), least: 2), b: box(projected.map(\.b), least: 2),
                                   title: "\(p.name): points found · off the plane ≤ \(format(off, .label))")
        } else {
            landscape = try landscapePanel(p, title: "\(p.name): critical points", sigma: a.sigma)
        }
        let kinds: [(CriticalPoint.Kind, MarkerShape, Color)] = [(.minimum, .circle, Color.series(1)), (.saddle, .diamond, Color.series(3)),
                                                                 (.maximum, .triangle, Color.series(4)), (.degenerate, .square, Color.gray)]
        // Rastrigin has 441 critical points: small markers, so the landscape stays visible.
        let markerSize = a.points.count > 40 ? 2.5 : a.points.count > 15 ? 4 : 5.5
        for (kind, shape, color) in kinds {
            let pts = a.points.enumerated().filter { $0.element.critical.kind == kind }
            guard !pts.isEmpty else { continue }
            let xs = pts.map { at($0.element.critical).0 }
            let ys = pts.map { at($0.element.critical).1 }
            // Whole even in a corner of the domain (relu-orbit's saddle at (0, 0)).
            var marks = Markers(xs: xs, ys: ys, colors: [color], shape: shape, size: markerSize, label: kind.rawValue)
            marks.clipped = false
            landscape.add(marks)
            if pts.count <= 12 {
                for (i, pt) in pts {
                    let (x, y) = at(pt.critical)
                    landscape.add(TextLabel(x: x, y: y, text: " #\(i)"))
                }
            }
        }
        // Each minimum's ball with its worst and steepest points, as the GAM paper's Fig. 4 draws
        // them (1-D: the interval, the points on the loss curve; 2-D: circles), for a few minima.
        if plane == nil, !a.minima.isEmpty, a.minima.count <= 6 {
            var balls: [any Artist] = [], points: [any Artist] = []
            for (k, i) in a.minima.enumerated() {
                let m = a.points[i].measures, theta = a.points[i].critical.theta
                let first = k == 0
                if p.regime == .curve {
                    balls.append(Span(x0: theta[0] - a.rho, x1: theta[0] + a.rho, color: Color(hex: 0x56B4E9), opacity: 0.15,
                                      label: first ? "ρ-interval of each minimum" : nil))
                } else {
                    balls.append(circle(center: theta, rho: a.rho, width: 1.3, label: first ? "ρ-ball of each minimum" : nil))
                }
                let y: ([Double]) -> Double = { p.regime == .curve ? p.oracle.loss($0) : $0[1] }
                points.append(Markers(xs: [m.zofArgmax[0]], ys: [y(m.zofArgmax)], colors: [.white], shape: .triangle, size: 5.5,
                                      label: first ? "its worst point (ZOF)" : nil))
                points.append(Markers(xs: [m.fofArgmax[0]], ys: [y(m.fofArgmax)], colors: [.white], shape: .square, size: 5,
                                      label: first ? "its steepest point (FOF)" : nil))
            }
            // The intervals under the curves, the points over them, where they can be seen.
            if p.regime == .curve { landscape.addBelow(Group([("data-role", "rho-ball")], balls)) } else { landscape.add(Group([("data-role", "rho-ball")], balls)) }
            landscape.add(Group([("data-role", "ball-points")], points))
        }
        var panels = [landscape]
        // With many minima, the flattest and the sharpest by FOF stand for the rest: four of each
        // in the middle panel, two of each in the sweep.
        let byFOF = a.minima.sorted { a.points[$0].measures.fof < a.points[$1].measures.fof }
        func extremes(_ k: Int) -> [Int] { byFOF.count > 2 * k ? Array(byFOF.prefix(k) + byFOF.suffix(k)) : byFOF }
        let minima = extremes(4).sorted()
        let shown = byFOF.count > minima.count ? " (\(minima.count) of \(byFOF.count): flattest and sharpest by FOF)" : ""
        let rhoText = format(a.rho, .label)
        if !minima.isEmpty {
            var dots = Axes(title: "flatness of each minimum at ρ = \(rhoText)", xLabel: "minimum (# of lab analyze)\(shown)", yLabel: "value (log scale)")
            dots.yScale = .log
            dots.xRange = -0.6...(Double(minima.count) - 0.4)
            let idx = minima.indices.map(Double.init)
            let measures: [(String, (Measures) -> Double?, MarkerShape)] = [
                ("ZOF", { $0.zof }, .circle), ("FOF", { $0.fof }, .square), ("ρ²λ_{max}/2", { $0.zofEstimate }, .cross),
                ("ρ²λ_{max}", { $0.fofEstimate }, .triangle),
                (a.reference == .testLoss ? "test loss" : "E[L(θ+s)], σ=\(format(a.sigma, .label))", { a.reference.value($0) }, .diamond),
            ]
            for (k, (name, f, shape)) in measures.enumerated() {
                let values = minima.map { f(a.points[$0].measures) ?? .nan }
                guard values.contains(where: { $0.isFinite && $0 > 0 }) else { continue }
                dots.add(Markers(xs: idx.map { $0 + (Double(k) - 2) * 0.09 }, ys: values, colors: [Color.series(k)], shape: shape, size: 5, label: name))
            }
            dots.xTickLabels = minima.enumerated().map { j, i in
                (Double(j), p.regime == .curve ? "#\(i) at \(format(coordinates: a.points[i].critical.theta))" : "#\(i)")
            }
            panels.append(dots)
        }
        if let sweep, !sweep.minima.isEmpty {
            var s = Axes(title: "ZOF and FOF against ρ", xLabel: "ρ", yLabel: "value (log scale)")
            s.yScale = .log
            let thetas = extremes(2).map { a.points[$0].critical.theta }
            for (k, (i, m)) in sweep.minima.enumerated().filter({ thetas.contains($0.element) }).enumerated() {
                let color = Color.series(k)
                // A coordinate that is zero up to rounding (1e-12 of the domain) reads as 0.
                let at = format(coordinates: m.enumerated().map { abs($1) < 1e-9 * p.diagonal ? 0 : $1 })
                s.add(Line(xs: sweep.rhos, ys: sweep.zof[i], stroke: Stroke(color: color, width: 2.2), label: "ZOF at \(at)"))
                s.add(Line(xs: sweep.rhos, ys: sweep.fof[i], stroke: Stroke(color: color, width: 2.2, dash: "7 4"), label: "FOF at \(at)"))
            }
            for window in disagreement(sweep) {
                s.addBelow(Span(x0: window.lowerBound, x1: window.upperBound, color: Color(hex: 0xCC79A7), opacity: 0.18,
                                label: window == disagreement(sweep).first ? "ρ where ZOF and FOF prefer different minima" : nil))
            }
            panels.append(s)
        }
        let description = "Critical points of \(p.name) and the flatness of its \(minima.count) minima at ρ = \(rhoText)"
            + (sweep == nil ? "." : ", with ZOF and FOF against ρ.")
        return Figure(title: "", description: description, panels: panels, columns: min(panels.count, 3))
    }

    /// The ranges of ρ where the minimum ZOF rates flattest is not the one FOF rates flattest
    /// (a ZOF tie within 1% counts as no verdict, not as a disagreement); each range reaches
    /// halfway to the neighbouring radii swept.
    static func disagreement(_ sweep: RhoSweep) -> [ClosedRange<Double>] {
        let n = sweep.rhos.count
        guard sweep.minima.count > 1, n > 0 else { return [] }
        let differs = (0..<n).map { k -> Bool in
            let zof = sweep.zof.map { $0[k] }, fof = sweep.fof.map { $0[k] }
            let byZOF = zof.indices.min { zof[$0] < zof[$1] }!, byFOF = fof.indices.min { fof[$0] < fof[$1] }!
            let tied = zof.indices.contains { $0 != byZOF && abs(zof[$0] - zof[byZOF]) <= Problem.tieTolerance * abs(zof[byZOF]) }
            return !tied && byZOF != byFOF
        }
        func edge(_ k: Int) -> Double { k <= 0 ? sweep.rhos[0] : k >= n ? sweep.rhos[n - 1] : (sweep.rhos[k - 1] + sweep.rhos[k]) / 2 }
        var out: [ClosedRange<Double>] = [], start: Int?
        for k in 0...n {
            if k < n && differs[k] { if start == nil { start = k } } else if let s = start {
                out.append(edge(s)...edge(k))
                start = nil
            }
        }
        return out
    }

    // MARK: pieces

    /// Samples of the 1-D loss curve, and the heat map's grid in 2-D: enough for the eye at a
    /// panel's size (about 430 × 290 px), no more.
    static let curveSamples = 400, gridSamples = 120

    /// The loss over the domain: 1-D curves (the expected shifted loss at σ dashed, a test or
    /// shifted loss dotted), 2-D heat map with contours (beyond 2-D, `planePanel`).
    static func landscapePanel(_ p: Problem, title: String, sigma: Double) throws -> Axes {
        let o = p.oracle
        if p.regime == .curve {
            var axes = Axes(title: title, xLabel: p.variables[0], yLabel: "loss")
            let d = p.domain[0], n = curveSamples
            let xs = (0...n).map { d.lowerBound + (d.upperBound - d.lowerBound) * Double($0) / Double(n) }
            let loss = o.lossTape.evaluate(batch: [xs])[0]
            axes.add(Line(xs: xs, ys: loss, stroke: Stroke(color: .black, width: 2), label: "loss"))
            let expected = try expectedShiftedLoss(o, xs, sigma: sigma)
            axes.add(Line(xs: xs, ys: expected, stroke: Stroke(color: Color.gray, width: 1.6, dash: "6 4"), label: "E[L(θ+s)], σ=\(format(sigma, .label))"))
            let other = o.testOrShiftedLoss(batch: [xs]) ?? []
            if !other.isEmpty {
                axes.add(Line(xs: xs, ys: other, stroke: Stroke(color: Color.series(5), width: 1.4, dash: "2 3"),
                              label: o.hasTestLoss ? "test loss" : "shifted loss"))
            }
            let finite = (loss + expected + other).filter(\.isFinite)
            if let lo = finite.min(), let hi = finite.max(), hi > lo {
                axes.yRange = (lo - 0.05 * (hi - lo))...(hi + 0.08 * (hi - lo))
            }
            return axes
        }
        return lossPanel(p, x: p.domain[0], y: p.domain[1], samples: gridSamples, title: title)
    }

    /// A 2-D problem's loss over the box x × y, an n × n grid through the batch tape: heat map
    /// and contours, at equal aspect.
    static func lossPanel(_ p: Problem, x: ClosedRange<Double>, y: ClosedRange<Double>, samples n: Int, title: String) -> Axes {
        var axes = Axes(title: title, xLabel: p.variables[0], yLabel: p.variables[1])
        let gx = Vary.linspace(x.lowerBound, x.upperBound, n), gy = Vary.linspace(y.lowerBound, y.upperBound, n)
        var cx: [Double] = [], cy: [Double] = []
        cx.reserveCapacity(n * n)
        cy.reserveCapacity(n * n)
        for y in gy { for x in gx { cx.append(x); cy.append(y) } }
        addHeatMap(&axes, gx, gy, p.oracle.lossTape.evaluate(batch: [cx, cy])[0])
        axes.xRange = x
        axes.yRange = y
        axes.equalAspect = true
        return axes
    }

    /// Beyond 2-D: the loss on a plane through parameter space, over a × b.
    static func planePanel(_ p: Problem, _ plane: Plane, a: ClosedRange<Double>, b: ClosedRange<Double>, title: String) -> Axes {
        var axes = Axes(title: title, xLabel: "along u (\(plane.spanned))", yLabel: "along v")
        let grid = planeLoss(p, plane, a: a, b: b, samples: planeSamples)
        addHeatMap(&axes, grid.a, grid.b, grid.loss)
        axes.xRange = a
        axes.yRange = b
        axes.equalAspect = true
        return axes
    }

    /// Samples per side of a plane's heat map: each point is a pass over the training rows.
    static let planeSamples = 81

    /// A box around plane coordinates with a quarter of its size as margin, at least `least` wide.
    static func box(_ values: [Double], least: Double) -> ClosedRange<Double> {
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        let pad = max(0.25 * (hi - lo), least / 2)
        return (lo - pad)...(hi + pad)
    }

    /// Heat map and contours of a grid of loss values (`flat[j * nx + i]` at gx[i], gy[j]).
    static func addHeatMap(_ axes: inout Axes, _ gx: [Double], _ gy: [Double], _ flat: [Double]) {
        guard let scale = HeatScale(gx, gy, flat) else { return }
        axes.add(HeatMap(grid: Grid(xs: gx, ys: gy, values: scale.shown), low: scale.low, high: scale.high,
                         colorbarLabel: scale.logScale ? "log_{10}(loss − min)" : "loss"))
        axes.add(ContourLines(grid: Grid(xs: gx, ys: gy, values: scale.values), levels: scale.levels, stroke: Stroke(color: .white, width: 0.9)))
    }

    /// A landscape's contour lines as its heat map draws them (`addHeatMap`'s levels): each
    /// level's value, its label, and its polylines in data coordinates (the live page draws them).
    public static func contourLines(_ gx: [Double], _ gy: [Double], _ flat: [Double]) -> [(level: Double, label: String, lines: [[(Double, Double)]])] {
        guard let scale = HeatScale(gx, gy, flat) else { return [] }
        let grid = Grid(xs: gx, ys: gy, values: scale.values)
        return scale.levels.map { ($0, Ticks.levelLabel($0), Contour.lines(grid, level: $0)) }.filter { !$0.2.isEmpty }
    }

    /// How a grid of loss values is coloured and contoured (`flat[j * nx + i]` at gx[i], gy[j]).
    struct HeatScale {
        let values: [[Double]], shown: [[Double]]
        let low: Double, high: Double, logScale: Bool
        let levels: [Double]

        init?(_ gx: [Double], _ gy: [Double], _ flat: [Double]) {
            let n = gx.count
            let values = (0..<gy.count).map { j in Array(flat[(j * n)..<((j + 1) * n)]) }
            var finite = flat.filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { return nil }
            // The median by selection (nth_element), not a sort: this runs for every landscape drawn.
            let median = nthSmallest(&finite, finite.count / 2)
            // A landscape spanning orders of magnitude is coloured by log10(loss − min).
            let logScale = (hi - lo) > 5 * max(median - lo, 1e-300)
            let shift = max((median - lo) * 1e-3, 1e-12)
            let shown = logScale ? values.map { $0.map { log10($0 - lo + shift) } } : values
            let sf = shown.flatMap { $0 }.filter(\.isFinite)
            let (t0, t1) = (sf.min() ?? 0, sf.max() ?? 1)
            // About ten levels spread evenly over the colour scale, at round values of loss − min
            // (1, 2, 5 × 10^k on a log scale), so each colour step has its contour and its label
            // reads as a number a person would pick.
            let levels: [Double]
            if logScale {
                // Round loss values whose place on the colour scale, log10(L − min + shift), is inside it.
                let decades = (Int(t0.rounded(.down)) - 1)...(Int(t1.rounded(.up)) + 1)
                let candidates: [Double] = decades.flatMap { (k: Int) -> [Double] in [1.0, 2.0, 5.0].map { $0 * pow(10, Double(k)) } }
                let round = candidates.filter { (v: Double) -> Bool in
                    guard v > lo else { return false }
                    let t = log10(v - lo + shift)
                    return t > t0 && t < t1
                }
                let every = max(1, Int((Double(round.count) / 12).rounded(.up)))
                levels = stride(from: 0, to: round.count, by: every).map { round[$0] }
            } else {
                levels = Ticks.linear(t0, t1, target: 10).filter { $0 > t0 && $0 < t1 }
            }
            (self.values, self.shown, low, high, self.logScale, self.levels) = (values, shown, t0, t1, logScale, levels)
        }
    }

    /// The k-th smallest of `values` (0-based), by Hoare's selection; reorders `values`.
    static func nthSmallest(_ values: inout [Double], _ k: Int) -> Double {
        var (lo, hi) = (0, values.count - 1)
        while lo < hi {
            let pivot = values[(lo + hi) / 2]
            var (i, j) = (lo, hi)
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        return values[k]
    }

    /// E[L(x + s)], s ~ N(0, σ²), along an evenly spaced 1-D curve, for drawing: the
    /// trapezoid rule over ±6σ on a grid that contains every x and has spacing at most σ/8 (for
    /// a smooth loss its error falls off exponentially in σ/h; the tails beyond 6σ hold 2e-9 of
    /// the mass), with the loss sampled once through the batch tape. For σ below a sixteenth of
    /// the spacing, and in tables and JSON, the values come from `Oracle.expectedShiftedLoss`
    /// (adaptive integration).
    static func expectedShiftedLoss(_ o: Oracle, _ xs: [Double], sigma: Double) throws -> [Double] {
        precondition(xs.count > 1, "a curve of at least two points")
        let step = xs[1] - xs[0]
        let m = max(1, Int((step / (sigma / 8)).rounded(.up)))
        // A σ far below the curve's spacing would need a huge grid: integrate each point instead.
        guard m <= 16 else { return try xs.map { try o.expectedShiftedLoss([$0], sigma: sigma) ?? .nan } }
        let h = step / Double(m)
        let reach = Int((6 * sigma / h).rounded(.up))
        let grid = (0..<((xs.count - 1) * m + 1 + 2 * reach)).map { xs[0] + h * Double($0 - reach) }
        let values = o.lossTape.evaluate(batch: [grid])[0]
        let weights = (-reach...reach).map { k -> Double in
            let t = Double(k) * h / sigma
            return Foundation.exp(-t * t / 2)
        }
        let total = weights.reduce(0, +)
        return xs.indices.map { i in
            let centre = reach + i * m
            var sum = 0.0
            for (j, w) in weights.enumerated() { sum += w * values[centre + j - reach] }
            return sum / total
        }
    }

    /// A 2-D path with arrowheads, a white square at its start and a diamond at its end (named
    /// in the legend when `labelEnds`).
    /// Runs drawn step by step in an animated SVG (SMIL; `--animate`), on one clock of at most
    /// 300 frames over the longest run: each path grows piece by piece, and θ of the current
    /// step moves along it with its ρ-ball and the point where the optimizer took its extra
    /// gradient (its probe). A viewer that does not animate shows the last frame: the whole
    /// paths, the balls at the ends and the last probes. `at` maps θ to the panel (1-D: θ and
    /// its loss, on the curve; the ball is then the interval [θ − ρ, θ + ρ]).
    static func addAnimated(_ axes: inout Axes, _ records: [RunRecord], at: ([Double]) -> (Double, Double), oneD: Bool = false, start: Bool = false) {
        let longest = records.map(\.trajectory.count).max() ?? 1
        let frames = thin(longest, to: 300)
        let clock = Clock(frames: frames.count)
        for (k, r) in records.enumerated() {
            let color = color(r.optimizer), dash = records.count == 1 ? nil : Stroke.dashes[k % Stroke.dashes.count]
            let index = frames.map { min($0, r.trajectory.count - 1) }
            let points = r.trajectory.map { at($0.theta) }
            var members: [any Artist] = []
            if !oneD {
                // The path's vertices (every step, or 1500 evenly spaced), cut at the frames.
                let vertices = Set(thin(r.trajectory.count, to: 1500))
                for f in 1..<frames.count where index[f] > index[f - 1] {
                    let piece = (index[f - 1]...index[f]).filter { $0 == index[f - 1] || $0 == index[f] || vertices.contains($0) }
                    members.append(Group.reveal(clock, from: f, [Line(xs: piece.map { points[$0].0 }, ys: piece.map { points[$0].1 },
                                                                stroke: Stroke(color: color, width: 2, dash: dash, halo: true),
                                                                label: f == 1 ? (records.count == 1 ? r.optimizer.name : legendName(r)) : nil)]))
                }
                if start { members.append(Markers(xs: [points[0].0], ys: [points[0].1], colors: [.white], shape: .square, size: 5, label: "start")) }
            }
            let end = points.last!, last = r.trajectory.last!.theta
            let current = index.map { Optional(points[$0]) }
            if oneD {
                members.append(Group.follow(clock, anchor: end, positions: current.map { $0.map { ($0.0, end.1) } }, [
                    Span(x0: last[0] - r.hyper.rho, x1: last[0] + r.hyper.rho, color: color, opacity: 0.15, label: k == 0 ? "ρ-ball of the current step" : nil),
                ]))
            } else {
                members.append(Group.follow(clock, anchor: end, positions: current, [
                    circle(center: [end.0, end.1], rho: r.hyper.rho, width: 1.5, label: k == 0 ? "ρ-ball of the current step" : nil),
                ]))
            }
            members.append(Group.follow(clock, anchor: end, positions: current, [
                Markers(xs: [end.0], ys: [end.1], colors: [color], shape: endShapes[k % endShapes.count], size: 6,
                        label: (records.count == 1 ? "θ" : "\(r.optimizer.name): θ") + " at the current step"),
            ]))
            let probes = index.map { i in r.trajectory[i].probe.map(at) }
            if let lastProbe = probes.last(where: { $0 != nil }) ?? nil {
                members.append(Group.follow(clock, anchor: lastProbe, positions: probes, [
                    Markers(xs: [lastProbe.0], ys: [lastProbe.1], colors: [color], shape: .cross, size: 6, label: "\(r.optimizer.name)'s probe"),
                ]))
            }
            axes.add(Group([("data-optimizer", r.optimizer.name), ("data-role", "animation")], members))
        }
    }

    static func addPath(_ axes: inout Axes, _ r: RunRecord, dash: String?, label: String, labelEnds: Bool = false,
                        endShape: MarkerShape = .diamond, endOffset: (Double, Double) = (0, 0)) {
        let color = color(r.optimizer)
        let keep = thin(r.trajectory.count, to: 400)
        let xs = keep.map { r.trajectory[$0].theta[0] }, ys = keep.map { r.trajectory[$0].theta[1] }
        var end = Markers(xs: [xs.last!], ys: [ys.last!], colors: [color], shape: endShape, size: 6, label: labelEnds ? "end" : nil)
        end.offset = endOffset
        axes.add(Group([("data-optimizer", r.optimizer.name)], [
            Arrows(xs: xs, ys: ys, stroke: Stroke(color: color, width: 2, dash: dash, halo: true), label: label),
            Markers(xs: [xs.first!], ys: [ys.first!], colors: [.white], shape: .square, size: 5, label: labelEnds ? "start" : nil),
            end,
        ]))
    }

    /// The ρ-ball: a circle (round on an equal-aspect panel), `data-role="rho-ball"` in the SVG.
    static func addCircle(_ axes: inout Axes, center c: [Double], rho: Double, label: String = "ρ-ball at the end") {
        axes.add(Group([("data-role", "rho-ball")], [circle(center: c, rho: rho, width: 1.5, label: label)]))
    }

    /// The circle of radius ρ around a 2-D point, dashed (white unless `color` says otherwise).
    static func circle(center c: [Double], rho: Double, width: Double, color: Color = .white, label: String?) -> Line {
        let phis = (0...96).map { 2 * Double.pi * Double($0) / 96 }
        return Line(xs: phis.map { c[0] + rho * cos($0) }, ys: phis.map { c[1] + rho * sin($0) },
                    stroke: Stroke(color: color, width: width, dash: "3 3", halo: color != .white), label: label)
    }

    /// A panel against step with `step` (if any) marked by a grey rule.
    static func markStep(_ panel: Axes, _ step: Int?) -> Axes {
        guard let step else { return panel }
        var marked = panel
        marked.add(Rule(x: Double(step), stroke: Stroke(color: Color.gray, width: 1.2, dash: "4 3"), label: "step \(step)"))
        return marked
    }

    /// The point of a run's trajectory at `step`: its last point if it stopped before.
    static func point(_ r: RunRecord, at step: Int) -> TrajectoryPoint {
        r.trajectory.last(where: { $0.step <= step }) ?? r.trajectory[0]
    }

    /// Each run at `step` as the live page's step slider shows it: θ (a ring in the run's
    /// colour), its ρ-ball (dashed, in that colour; in 1-D the interval [θ − ρ, θ + ρ] at the
    /// height of L(θ)) and the
    /// point its rule probed there (a cross), with one legend row for each kind of mark. `at`
    /// maps θ to the panel (1-D: θ and its loss, on the curve, whose domain `curve` is: the
    /// interval and the probe are cut to it, as the heat maps' are). Each run's marks are a group
    /// `data-role="at-step"` whose `data-theta` is θ there, in full.
    static func addStepMarks(_ axes: inout Axes, _ records: [RunRecord], step: Int, at: ([Double]) -> (Double, Double), curve: ClosedRange<Double>? = nil) {
        let oneD = curve != nil, points = records.map { point($0, at: step) }
        for (r, now) in zip(records, points) {
            let color = color(r.optimizer), (x, y) = at(now.theta)
            var members: [any Artist] = []
            if let curve {
                let ends = [max(now.theta[0] - r.hyper.rho, curve.lowerBound), min(now.theta[0] + r.hyper.rho, curve.upperBound)]
                members.append(Line(xs: ends, ys: [y, y], stroke: Stroke(color: color, width: 3, halo: true)))
            } else {
                members.append(circle(center: [x, y], rho: r.hyper.rho, width: 1.5, color: color, label: nil))
            }
            if let probe = now.probe, curve?.contains(probe[0]) ?? true {
                let probe = at(probe)
                members.append(Markers(xs: [probe.0], ys: [probe.1], colors: [color], shape: .cross, size: 6))
            }
            members.append(Markers(xs: [x], ys: [y], colors: [color], shape: .ring, size: 5))
            axes.add(Group([("data-optimizer", r.optimizer.name), ("data-role", "at-step"), ("data-step", String(now.step)),
                            ("data-theta", now.theta.map { String($0) }.joined(separator: ","))], members))
        }
        let ink = Color.gray
        axes.add(Markers(xs: [], ys: [], colors: [ink], shape: .ring, size: 5, label: "θ at step \(step)"))
        axes.add(Line(xs: [], ys: [], stroke: oneD ? Stroke(color: ink, width: 3) : Stroke(color: ink, width: 1.5, dash: "3 3"),
                      label: oneD ? "ρ-ball at step \(step): θ ± ρ" : "ρ-ball at step \(step)"))
        if points.contains(where: { $0.probe != nil }) {
            axes.add(Markers(xs: [], ys: [], colors: [ink], shape: .cross, size: 6, label: "probe at step \(step)"))
        }
    }

    /// Offsets (in marker radii) for end points that would sit on one another: points closer
    /// than 2% of the panel (`spans`, the axes' ranges) are set around a circle from its right
    /// (two: right and left), each with a leader to the true point.
    static func endOffsets(_ points: [(Double, Double)], scale spans: [Double]) -> [(Double, Double)] {
        var offsets = [(Double, Double)](repeating: (0, 0), count: points.count)
        var done = Set<Int>()
        for i in points.indices where !done.contains(i) {
            let near = points.indices.filter { j in
                !done.contains(j) && abs(points[j].0 - points[i].0) < 0.02 * spans[0] && abs(points[j].1 - points[i].1) < 0.02 * spans[1]
            }
            done.formUnion(near)
            guard near.count > 1 else { continue }
            for (k, j) in near.enumerated() {
                let angle = 2 * Double.pi * Double(k) / Double(near.count)
                offsets[j] = (2.6 * cos(angle), 2.6 * sin(angle))
            }
        }
        return offsets
    }

    /// 1-D runs over time: θ against step, one line per optimizer, so the order of the steps
    /// and each optimizer's path can be read.
    static func timePanel(_ records: [RunRecord], variable: String) -> Axes {
        var axes = Axes(title: "\(variable) against step", xLabel: "step", yLabel: variable)
        var oscillates = false
        for (k, r) in records.enumerated() {
            let steps = r.trajectory.map { Double($0.step) }, values = r.trajectory.map { $0.theta[0] }
            let stroke = Stroke(color: color(r.optimizer), width: 1.8, dash: records.count == 1 ? nil : Stroke.dashes[k % Stroke.dashes.count])
            let drawn = series(steps, values, stroke: stroke, label: r.optimizer.name)
            oscillates = oscillates || drawn.oscillates
            axes.add(Group([("data-optimizer", r.optimizer.name)], drawn.artists))
        }
        if oscillates { axes.add(oscillationNote) }
        return axes
    }

    /// Loss and gradient norm against step on a log scale (zeros drop out of a log axis).
    static func curvesPanel(_ records: [RunRecord], title: String) -> Axes {
        var axes = Axes(title: title, xLabel: "step", yLabel: records.count == 1 ? "value (log scale)" : "loss (log scale)")
        axes.yScale = .log
        var oscillates = false
        for (k, r) in records.enumerated() {
            let steps = r.trajectory.map { Double($0.step) }
            let color = color(r.optimizer)
            let dash = records.count == 1 ? nil : Stroke.dashes[k % Stroke.dashes.count]
            var drawn = [series(steps, r.trajectory.map(\.loss), stroke: Stroke(color: color, width: 2, dash: dash),
                                label: records.count == 1 ? "loss" : r.optimizer.name, log: true)]
            if records.count == 1 {
                drawn.append(series(steps, r.trajectory.map(\.gradNorm), stroke: Stroke(color: Color.gray, width: 2, dash: "7 4"),
                                    label: "‖∇L‖ (gradient norm)", log: true))
            }
            oscillates = oscillates || drawn.contains(where: \.oscillates)
            axes.add(Group([("data-optimizer", r.optimizer.name)], drawn.flatMap(\.artists)))
        }
        if oscillates { axes.add(oscillationNote) }
        return axes
    }

    /// ZOF and FOF at each step beside the optimizer's estimates: exact in 1-D and 2-D, lower
    /// bounds beyond.
    static func measuresPanel(_ r: RunRecord, exact: Bool) -> Axes {
        let kind = exact ? "exact" : "at least"
        var axes = Axes(title: exact ? "exact flatness and the optimizer's estimate" : "lower bounds and the optimizer's estimate",
                        xLabel: "step", yLabel: "value (log scale)")
        axes.yScale = .log
        let steps = r.trajectory.map { Double($0.step) }
        let (zofColor, fofColor) = (Color(hex: 0x0072B2), Color(hex: 0xD55E00))
        var drawn = [series(steps, r.trajectory.map { $0.zof ?? .nan }, stroke: Stroke(color: zofColor, width: 2), label: "ZOF (\(kind))", log: true),
                     series(steps, r.trajectory.map { $0.fof ?? .nan }, stroke: Stroke(color: fofColor, width: 2, dash: "8 4"), label: "FOF (\(kind))", log: true)]
        if r.trajectory.contains(where: { $0.zofEstimate != nil }) {
            drawn.append(series(steps, r.trajectory.map { $0.zofEstimate ?? .nan }, stroke: Stroke(color: zofColor, width: 1.6, dash: "2 3"),
                                label: "ZOF estimate", log: true))
        }
        if r.trajectory.contains(where: { $0.fofEstimate != nil }) {
            drawn.append(series(steps, r.trajectory.map { $0.fofEstimate ?? .nan }, stroke: Stroke(color: fofColor, width: 1.6, dash: "2 3"),
                                label: "FOF estimate", log: true))
        }
        for a in drawn.flatMap(\.artists) { axes.add(a) }
        if drawn.contains(where: \.oscillates) { axes.add(oscillationNote) }
        return axes
    }

    /// At most `limit` indices spread over 0..<count, always keeping the first and the last.
    static func thin(_ count: Int, to limit: Int) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        var out = (0..<limit).map { $0 * (count - 1) / (limit - 1) }
        out[out.count - 1] = count - 1
        return Array(Set(out)).sorted()
    }
}
