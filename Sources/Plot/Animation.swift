import Foundation

/// The clock of an animated figure: `frames` frames shown in turn over `seconds`, then again
/// from the start, as SMIL `<animate>` elements (no script), which browsers play. The drawing
/// without them is the last frame, so a viewer that does not animate (an image converter, a PDF)
/// shows the whole figure.
public struct Clock: Sendable, Equatable {
    public let frames: Int
    public let seconds: Double

    /// A clock of `frames` frames at about 25 a second, held to 4–12 s a loop, with the last
    /// frame held a little longer so the end can be seen before the loop starts again.
    public init(frames: Int) {
        self.frames = max(frames, 1)
        let perFrame = min(max(8.0 / Double(self.frames), 0.04), 0.25)
        // The hold: the last frame repeated, worth about 1.5 s.
        hold = Int((1.5 / perFrame).rounded(.up))
        seconds = (Double(self.frames + hold) * perFrame * 100).rounded() / 100
    }

    /// Extra copies of the last frame at the end of each loop.
    let hold: Int

    /// The timing attributes every animation of this clock shares.
    var timing: [(String, String)] {
        [("dur", SVGWriter.number(seconds) + "s"), ("calcMode", "discrete"), ("repeatCount", "indefinite")]
    }

    /// The fraction of a loop at which frame `k` starts.
    func start(of k: Int) -> Double { Double(k) / Double(frames + hold) }

    /// One value a frame, and the hold.
    func values(_ perFrame: [String]) -> String {
        (perFrame + Array(repeating: perFrame.last ?? "", count: hold)).joined(separator: ";")
    }
}

extension Group {
    /// Artists that appear at frame `from` and stay until the loop starts again (a piece of a
    /// path growing step by step). Without animation they are simply drawn.
    public static func reveal(_ clock: Clock, from: Int, _ members: [any Artist]) -> Group {
        var g = Group([], members)
        if from > 0 {
            g.animations = { _ in [("animate", [("attributeName", "visibility"), ("values", "hidden;visible"),
                                                ("keyTimes", "0;" + SVGWriter.number(clock.start(of: from)))] + clock.timing)] }
        }
        return g
    }

    /// Artists drawn at `anchor` (data coordinates) that move, frame by frame, to `positions`
    /// (the ρ-ball and the probe of the current step); a nil position hides them for that frame.
    /// Without animation they stay at the anchor, where the last frame puts them.
    public static func follow(_ clock: Clock, anchor: (Double, Double), positions: [(Double, Double)?], _ members: [any Artist]) -> Group {
        var g = Group([], members)
        g.animations = { t in
            let (ax, ay) = t.point(anchor.0, anchor.1)
            let shifts = positions.map { p -> String in
                guard let p, t.isDrawable(p.0, p.1) else { return "0 0" }
                let (x, y) = t.point(p.0, p.1)
                return SVGWriter.number(x - ax) + " " + SVGWriter.number(y - ay)
            }
            var out: [(tag: String, attributes: [(String, String)])] = [
                ("animateTransform", [("attributeName", "transform"), ("type", "translate"), ("values", clock.values(shifts))] + clock.timing),
            ]
            if positions.contains(where: { $0 == nil }) {
                out.append(("animate", [("attributeName", "visibility"), ("values", clock.values(positions.map { $0 == nil ? "hidden" : "visible" }))] + clock.timing))
            }
            return out
        }
        return g
    }
}
