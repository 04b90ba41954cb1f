import Experiments
import Foundation
import Landscape
import Optimizers
import Plot
import Reports

extension LabFigures {
    /// One update, drawn (`lab step`). 2-D: the landscape around θ (about 3ρ across, equal
    /// aspect) with the ball, the optimizer's probe, the exact worst and steepest points of the
    /// ball, and from θ the descent along −g, GAM's correction −α·h_norm and the direction the
    /// base rule takes (all three to one scale, the longest ρ long), and the next θ. 1-D, as the
    /// GAM paper's Fig. 4: L and |L′| around θ with the interval [θ − ρ, θ + ρ], the same points
    /// on both, and the update as an arrow.
    public static func step(_ s: StepRecord, problem p: Problem) throws -> Figure {
        let name = s.optimizer.name, color = color(s.optimizer)
        let probeName = probeLabel(name)
        let title = "one \(name) step on \(p.name) at \(format(coordinates: s.theta)), ρ\u{A0}=\u{A0}\(format(s.hyper.rho, .label))"
        let worstLabel = "worst point in the ball (ZOF \(format(s.zof, .label)))"
        let steepestLabel = "steepest point in the ball (FOF \(format(s.fof, .label)))"
        let description = "One update of \(name) on \(p.name) at step \(s.step): the ball of radius ρ = \(format(s.hyper.rho, .label)) around θ, "
            + (s.probe == nil ? "" : "\(probeName), ") + "the exact worst and steepest points of the ball, the direction and the next θ."
        if p.regime == .curve { return try step1D(s, problem: p, title: title, description: description, probeName: probeName) }
        guard p.regime == .surface else {
            throw SettingError("lab step draws its figure for 1-D and 2-D problems; \(p.name) has \(p.dimension) parameters: add \(setting: "no-plot") for the text and JSON")
        }
        let rho = s.hyper.rho
        // About 3ρ across, wider where the next θ lies beyond.
        let points = [s.next, s.theta.map { $0 - 1.5 * rho }, s.theta.map { $0 + 1.5 * rho }]
        let boxes = (0..<2).map { i -> ClosedRange<Double> in
            let lo = points.map { $0[i] }.min()!, hi = points.map { $0[i] }.max()!
            let pad = 0.05 * (hi - lo)
            return (lo - pad)...(hi + pad)
        }
        var axes = lossPanel(p, x: boxes[0], y: boxes[1], samples: 100, title: title)
        addCircle(&axes, center: s.theta, rho: rho, label: "the ball of radius ρ")
        // The vectors from θ, descending: −g, −α·h_norm, −direction, to one scale.
        let vectors: [(String, [Double], Stroke)] = [("−g, the plain descent", s.gradient, Stroke(color: .white, width: 1.8, halo: false))]
            + (s.correction.map { [("−α·h_{norm}, GAM's correction", $0, Stroke(color: color, width: 1.8, dash: "4 3", halo: true))] } ?? [])
            + [("−direction, what the step follows", s.direction, Stroke(color: color, width: 2.4, halo: true))]
        let longest = vectors.map { norm($0.1) }.max() ?? 0
        var marks: [any Artist] = []
        if longest > 0 {
            let k = rho / longest
            for (label, v, stroke) in vectors where norm(v) > 0 {
                marks.append(Vector(from: (s.theta[0], s.theta[1]), to: (s.theta[0] - k * v[0], s.theta[1] - k * v[1]), stroke: stroke,
                                    label: label + " (to scale)"))
            }
        }
        axes.add(Markers(xs: [s.zofArgmax[0]], ys: [s.zofArgmax[1]], colors: [.white], shape: .triangle, size: 6, label: worstLabel))
        axes.add(Markers(xs: [s.fofArgmax[0]], ys: [s.fofArgmax[1]], colors: [.white], shape: .square, size: 5, label: steepestLabel))
        if let probe = s.probe {
            marks.append(Markers(xs: [probe[0]], ys: [probe[1]], colors: [color], shape: .diamond, size: 6, label: probeName))
        }
        marks.append(Markers(xs: [s.theta[0]], ys: [s.theta[1]], colors: [.white], shape: .circle, size: 5, label: "θ, where the step starts"))
        marks.append(Markers(xs: [s.next[0]], ys: [s.next[1]], colors: [color], shape: .circle, size: 5, label: "next θ (lr \(format(s.lr, .label)))"))
        axes.add(Group([("data-optimizer", name)], marks))
        return Figure(title: "", description: description, panels: [axes])
    }

    /// Words for where an optimizer probes.
    static func probeLabel(_ name: String) -> String {
        switch name {
        case "sam": "SAM's probe θ + ε"
        case "asam": "ASAM's scaled probe"
        case "gam", "gam-sam": "GAM's probe θ_{adv}"
        case "sam-exact": "sam-exact's probe (the worst point)"
        case "gam-exact": "gam-exact's probe (the steepest point)"
        default: "\(name)'s probe"
        }
    }

    /// The 1-D step: L and |L′| around θ, the interval, the points, the update.
    static func step1D(_ s: StepRecord, problem p: Problem, title: String, description: String, probeName: String) throws -> Figure {
        let rho = s.hyper.rho, name = s.optimizer.name, color = color(s.optimizer)
        let lo = min(s.theta[0] - 2.5 * rho, s.next[0] - 0.5 * rho), hi = max(s.theta[0] + 2.5 * rho, s.next[0] + 0.5 * rho)
        let xs = (0...curveSamples).map { lo + (hi - lo) * Double($0) / Double(curveSamples) }
        let o = p.oracle
        let values = xs.map { o.gradient([$0]) }
        let loss = values.map(\.loss), slope = values.map { abs($0.gradient[0]) }
        func panel(_ title: String, _ yLabel: String, _ ys: [Double], _ f: @escaping (Double) -> Double, update: Bool) -> Axes {
            var axes = Axes(title: title, xLabel: p.variables[0], yLabel: yLabel)
            axes.addBelow(Group([("data-role", "rho-ball")], [Span(x0: s.theta[0] - rho, x1: s.theta[0] + rho, color: Color(hex: 0x56B4E9), opacity: 0.2,
                                                                   label: "[θ − ρ, θ + ρ]")]))
            axes.add(Line(xs: xs, ys: ys, stroke: Stroke(color: .black, width: 2)))
            axes.add(Markers(xs: [s.zofArgmax[0]], ys: [f(s.zofArgmax[0])], colors: [.white], shape: .triangle, size: 6, label: "worst point (ZOF)"))
            axes.add(Markers(xs: [s.fofArgmax[0]], ys: [f(s.fofArgmax[0])], colors: [.white], shape: .square, size: 5, label: "steepest point (FOF)"))
            var marks: [any Artist] = []
            if update {
                marks.append(Vector(from: (s.theta[0], f(s.theta[0])), to: (s.next[0], f(s.next[0])), stroke: Stroke(color: color, width: 2.2),
                                    label: "the update"))
            }
            if let probe = s.probe {
                marks.append(Markers(xs: [probe[0]], ys: [f(probe[0])], colors: [color], shape: .diamond, size: 6, label: probeName))
            }
            marks.append(Markers(xs: [s.theta[0]], ys: [f(s.theta[0])], colors: [.white], shape: .circle, size: 5, label: "θ"))
            marks.append(Markers(xs: [s.next[0]], ys: [f(s.next[0])], colors: [color], shape: .circle, size: 5, label: "next θ"))
            axes.add(Group([("data-optimizer", name)], marks))
            return axes
        }
        let top = panel(title, "loss L", loss, { o.loss([$0]) }, update: true)
        let bottom = panel("the gradient's size |L′|: FOF is ρ times its largest value in the interval", "|L′|", slope,
                           { abs(o.gradient([$0]).gradient[0]) }, update: false)
        return Figure(title: "", description: description, panels: [top, bottom], columns: 1)
    }
}
