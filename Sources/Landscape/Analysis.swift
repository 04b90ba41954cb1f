import Foundation

/// Every critical point with its measures, and how each flatness measure ranks the minima
/// against generalisation (the `reference`): the numbers behind the papers' claims.
public struct Analysis: Sendable {
    /// What the rankings are compared with: the real held-out test loss when the problem defines
    /// one, else the expected shifted loss at σ, a proxy (L + average sharpness), never a
    /// hand-picked fixed shift.
    public enum Reference: String, Sendable {
        case testLoss = "test_loss"
        case expectedShiftedLoss = "expected_shifted_loss"

        /// The reference's value in a point's measures.
        public func value(_ m: Measures) -> Double? {
            switch self {
            case .testLoss: m.testLoss
            case .expectedShiftedLoss: m.expectedShiftedLoss
            }
        }
    }

    /// A critical point and its measures at the analysis's ρ and σ.
    public struct Point: Sendable {
        public let critical: CriticalPoint
        public let measures: Measures
    }

    /// How one measure orders the minima (flattest first) and whether that order matches test
    /// loss (lowest first).
    public struct Ranking: Sendable {
        /// The measure's JSON key: `zof`, `fof`, `lambda_max`, `trace` or `avg_sharpness`.
        public let measure: String
        /// Indices into `points` (minima only), ascending by the measure.
        public let order: [Int]
        /// The measure at each minimum, in the order of `Analysis.minima` (not of `order`).
        public let values: [Double]
        /// Pairs of minima (indices into `points`) whose values are equal within 1%.
        public let ties: [[Int]]
        /// Pairs ordered the same way as by the reference, and pairs ordered against it (ties
        /// and pairs with equal reference values are in neither); nil without reference values.
        public let concordant: Int?
        /// Pairs ordered against the reference (see `concordant`); nil without reference values.
        public let discordant: Int?
        /// The discordant pairs (indices into `points`), the one this measure rates flatter first.
        public let against: [[Int]]
    }

    public let problem: String
    /// Radius ρ of the ball B(θ, ρ) behind every ZOF and FOF in `points`.
    public let rho: Double
    /// σ of the Gaussian perturbation behind every average sharpness in `points`.
    public let sigma: Double
    /// Every critical point in the domain, in `Problem.criticalPoints()` order (sorted by coordinates);
    /// the indices in `rankings` and `minima` point into this list.
    public let points: [Point]
    /// One ranking per measure, in the order zof, fof, lambda_max, trace, avg_sharpness; a measure missing at
    /// some minimum (average sharpness beyond 2-D) is left out, and with fewer than two minima there are none.
    public let rankings: [Ranking]
    /// What `concordant` and `discordant` compare with.
    public let reference: Reference

    /// Indices into `points` of the minima, in `points` order.
    public var minima: [Int] { points.indices.filter { points[$0].critical.kind == .minimum } }
}

/// ZOF and FOF of each minimum over a range of radii.
public struct RhoSweep: Sendable {
    public let rhos: [Double]
    /// θ of each minimum, in the order of `Problem.criticalPoints()`.
    public let minima: [[Double]]
    /// `zof[i][k]`: ZOF of `minima[i]` at `rhos[k]`.
    public let zof: [[Double]]
    /// `fof[i][k]`: FOF of `minima[i]` at `rhos[k]`.
    public let fof: [[Double]]
}

extension Problem {
    /// Relative difference under which two measure values count as equal.
    public static let tieTolerance = 0.01

    /// Finds every critical point (`criticalPoints()`), measures each at radius ρ and noise scale σ (in parallel),
    /// and ranks the minima by each measure against the `Analysis.Reference`: values equal within `tieTolerance`
    /// are ties, and pairs are compared only when every minimum has a reference value. Throws a `NumericsError` if GSL fails.
    public func analyze(rho: Double, sigma: Double) throws -> Analysis {
        let critical = try criticalPoints()
        let oracle = self.oracle
        let points = try parallelMap(critical) { c in
            Analysis.Point(critical: c, measures: try oracle.measures(at: c.theta, rho: rho, sigma: sigma))
        }
        let minima = points.indices.filter { points[$0].critical.kind == .minimum }
        let reference: Analysis.Reference = oracle.hasTestLoss ? .testLoss : .expectedShiftedLoss
        let test = minima.map { reference.value(points[$0].measures) }
        let hasTest = test.allSatisfy { $0 != nil }
        let measureFunctions: [(String, (Measures) -> Double?)] = [
            ("zof", { $0.zof }), ("fof", { $0.fof }), ("lambda_max", { $0.lambdaMax }), ("trace", { $0.trace }),
            ("avg_sharpness", { $0.avgSharpness }),
        ]
        var rankings: [Analysis.Ranking] = []
        for (name, value) in measureFunctions where minima.count >= 2 {
            let values = minima.map { value(points[$0].measures) }
            guard values.allSatisfy({ $0 != nil }) else { continue }
            let v = values.map { $0! }
            let order = minima.indices.sorted { v[$0] < v[$1] }.map { minima[$0] }
            var ties: [[Int]] = [], against: [[Int]] = []
            var concordant = 0, discordant = 0
            for a in minima.indices {
                for b in minima.indices where b > a {
                    if isTie(v[a], v[b]) { ties.append([minima[a], minima[b]]); continue }
                    guard hasTest, let ta = test[a], let tb = test[b], !isTie(ta, tb) else { continue }
                    if (v[a] < v[b]) == (ta < tb) { concordant += 1 } else {
                        discordant += 1
                        against.append(v[a] < v[b] ? [minima[a], minima[b]] : [minima[b], minima[a]])
                    }
                }
            }
            rankings.append(Analysis.Ranking(measure: name, order: order, values: v, ties: ties,
                                             concordant: hasTest ? concordant : nil, discordant: hasTest ? discordant : nil,
                                             against: against))
        }
        return Analysis(problem: name, rho: rho, sigma: sigma, points: points, rankings: rankings, reference: reference)
    }

    /// ZOF and FOF of every minimum for each radius.
    /// `criticalPoints` from an earlier `analyze` saves finding them again.
    public func sweep(rhos: [Double], criticalPoints known: [CriticalPoint]? = nil) throws -> RhoSweep {
        let minima = try (known ?? criticalPoints()).filter { $0.kind == .minimum }.map(\.theta)
        let oracle = self.oracle
        // One task per (minimum, ρ), spread over the cores.
        let tasks = minima.flatMap { m in rhos.map { (m, $0) } }
        let values = try parallelMap(tasks) { m, rho in
            (try oracle.zof(at: m, rho: rho).value, try oracle.fof(at: m, rho: rho).value)
        }
        let zof = minima.indices.map { i in rhos.indices.map { values[i * rhos.count + $0].0 } }
        let fof = minima.indices.map { i in rhos.indices.map { values[i * rhos.count + $0].1 } }
        return RhoSweep(rhos: rhos, minima: minima, zof: zof, fof: fof)
    }
}

/// Whether two measure values are equal within `Problem.tieTolerance`.
public func isTie(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= Problem.tieTolerance * max(abs(a), abs(b))
}
