/// Adaptive cubature over a rectangle with a tensor Gauss–Kronrod rule (7 Gauss points inside
/// 15 Kronrod points per axis, QUADPACK's qk15 constants): each rectangle's 225 points are
/// evaluated in one batch, its error is |K15×K15 − G7×G7|-like, and the rectangle with the
/// largest error is halved along the axis whose error is larger, until the total error is within
/// tolerance. Narrow features (a ramp much thinner than the rectangle) draw the subdivision to
/// themselves, which a fixed rule cannot, once the first rectangles' points touch them: the box
/// starts as `initial` × `initial` rectangles of 15 × 15 points.
public enum Cubature {
    /// Kronrod nodes in [0, 1), the Gauss 7-point nodes being the odd positions (1, 3, 5), and 0.
    static let nodes: [Double] = [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0,
    ]
    static let kronrodWeights: [Double] = [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ]
    /// Gauss weights of the nodes 1, 3, 5 and 7 (0).
    static let gaussWeights: [Double] = [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
    ]

    /// The 15 abscissae on [−1, 1] with their Kronrod and Gauss weights (Gauss 0 off the 7 points).
    static let rule: [(t: Double, k: Double, g: Double)] = {
        var r: [(Double, Double, Double)] = []
        for i in 0..<7 {
            let g = i % 2 == 1 ? gaussWeights[i / 2] : 0
            r.append((-nodes[i], kronrodWeights[i], g))
        }
        r.append((0, kronrodWeights[7], gaussWeights[3]))
        for i in stride(from: 6, through: 0, by: -1) {
            let g = i % 2 == 1 ? gaussWeights[i / 2] : 0
            r.append((nodes[i], kronrodWeights[i], g))
        }
        return r
    }()

    struct Region {
        let x: ClosedRange<Double>, y: ClosedRange<Double>
        let value: Double, error: Double
        /// True to halve along x, false along y.
        let splitX: Bool
    }

    /// ∫∫ f over [x] × [y]. `f` gets the points' x and y coordinates and returns the values, a
    /// batch at a time. Returns the value and the error estimate. Refinement stops at
    /// `maxRegions`; if the error estimate is then still above `acceptAbs` and `acceptRel` of the
    /// value (looser than the goal `epsAbs`, `epsRel`), it throws `didNotConverge` rather than
    /// return a number it cannot vouch for.
    public static func integrate(_ f: ([Double], [Double]) -> [Double], x: ClosedRange<Double>, y: ClosedRange<Double>,
                                 epsAbs: Double = 1e-14, epsRel: Double = 1e-10, acceptAbs: Double = 1e-12, acceptRel: Double = 1e-6,
                                 initial: Int = 8, maxRegions: Int = 4000) throws -> (value: Double, error: Double) {
        func evaluate(_ rx: ClosedRange<Double>, _ ry: ClosedRange<Double>) -> Region {
            let cx = (rx.lowerBound + rx.upperBound) / 2, hx = (rx.upperBound - rx.lowerBound) / 2
            let cy = (ry.lowerBound + ry.upperBound) / 2, hy = (ry.upperBound - ry.lowerBound) / 2
            var xs: [Double] = [], ys: [Double] = []
            xs.reserveCapacity(225)
            ys.reserveCapacity(225)
            for a in rule { for b in rule { xs.append(cx + hx * a.t); ys.append(cy + hy * b.t) } }
            let v = f(xs, ys)
            // K×K, G(x)×K(y) and K(x)×G(y).
            var kk = 0.0, gk = 0.0, kg = 0.0
            var index = 0
            for a in rule {
                for b in rule {
                    let value = v[index]
                    kk += a.k * b.k * value
                    gk += a.g * b.k * value
                    kg += a.k * b.g * value
                    index += 1
                }
            }
            let area = hx * hy
            let errorX = abs(kk - gk) * area, errorY = abs(kk - kg) * area
            return Region(x: rx, y: ry, value: kk * area, error: errorX + errorY, splitX: errorX >= errorY)
        }
        var regions: [Region] = []
        let dx = (x.upperBound - x.lowerBound) / Double(initial), dy = (y.upperBound - y.lowerBound) / Double(initial)
        for i in 0..<initial {
            for j in 0..<initial {
                let rx = (x.lowerBound + Double(i) * dx)...(i == initial - 1 ? x.upperBound : x.lowerBound + Double(i + 1) * dx)
                let ry = (y.lowerBound + Double(j) * dy)...(j == initial - 1 ? y.upperBound : y.lowerBound + Double(j + 1) * dy)
                regions.append(evaluate(rx, ry))
            }
        }
        while regions.count < maxRegions {
            let total = regions.reduce(0.0) { $0 + $1.value }, error = regions.reduce(0.0) { $0 + $1.error }
            if error <= max(epsAbs, epsRel * abs(total)) { break }
            let worst = regions.indices.max { regions[$0].error < regions[$1].error }!
            let r = regions.remove(at: worst)
            if r.splitX {
                let m = (r.x.lowerBound + r.x.upperBound) / 2
                regions.append(evaluate(r.x.lowerBound...m, r.y))
                regions.append(evaluate(m...r.x.upperBound, r.y))
            } else {
                let m = (r.y.lowerBound + r.y.upperBound) / 2
                regions.append(evaluate(r.x, r.y.lowerBound...m))
                regions.append(evaluate(r.x, m...r.y.upperBound))
            }
        }
        let value = regions.reduce(0.0) { $0 + $1.value }, error = regions.reduce(0.0) { $0 + $1.error }
        if !(error <= max(epsAbs, epsRel * abs(value)) || error <= max(acceptAbs, acceptRel * abs(value))) {
            throw NumericsError.didNotConverge(routine: "the adaptive cubature (error \(error) on \(value) after \(regions.count) regions)", iterations: regions.count)
        }
        return (value, error)
    }
}
