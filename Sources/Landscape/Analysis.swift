import Foundation

/// Every critical point with its measures, and how each flatness measure ranks the minima
/// against test loss: the numbers behind the papers' claims.
public struct Analysis: Sendable {
    public struct Point: Sendable {
        public let critical: CriticalPoint
        public let measures: Measures
    }

    /// How one measure orders the minima (flattest first) and whether that order matches test
    /// loss (lowest first).
    public struct Ranking: Sendable {
        public let measure: String
        /// Indices into `points` (minima only), ascending by the measure.
        public let order: [Int]
        public let values: [Double]
        /// Pairs of minima (indices into `points`) whose values are equal within 1%.
        public let ties: [[Int]]
        /// Pairs ordered the same way as by test loss, and pairs ordered against it (ties and
        /// pairs with equal test loss are in neither); nil without a test loss.
        public let concordant: Int?
        public let discordant: Int?
    }

    public let problem: String
    public let rho: Double
    public let sigma: Double
    public let points: [Point]
    public let rankings: [Ranking]
    /// Plain sentences: where a measure cannot tell minima apart or ranks them against test loss.
    public let findings: [String]

    public var minima: [Int] { points.indices.filter { points[$0].critical.kind == .minimum } }
}

/// ZOF and FOF of each minimum over a range of radii.
public struct RhoSweep: Sendable {
    public let rhos: [Double]
    /// `zof[i][k]`: ZOF of the i-th minimum at `rhos[k]`.
    public let minima: [[Double]]
    public let zof: [[Double]]
    public let fof: [[Double]]
}

extension Problem {
    /// Relative difference under which two measure values count as equal.
    public static let tieTolerance = 0.01

    public func analyze(rho: Double, sigma: Double) throws -> Analysis {
        let critical = try criticalPoints()
        let oracle = self.oracle
        let points = try parallelMap(critical) { c in
            Analysis.Point(critical: c, measures: try oracle.measures(at: c.theta, rho: rho, sigma: sigma))
        }
        let minima = points.indices.filter { points[$0].critical.kind == .minimum }
        let test = minima.map { points[$0].measures.testLoss }
        let hasTest = test.allSatisfy { $0 != nil }
        let measureFunctions: [(String, (Measures) -> Double?)] = [
            ("zof", { $0.zof }), ("fof", { $0.fof }), ("lambda_max", { $0.lambdaMax }), ("trace", { $0.trace }),
            ("avg_sharpness", { $0.avgSharpness }),
        ]
        var rankings: [Analysis.Ranking] = []
        var findings: [String] = []
        let label: (Int) -> String = { self.describe(points[$0].critical.theta) }
        for (name, value) in measureFunctions where minima.count >= 2 {
            let values = minima.map { value(points[$0].measures) }
            guard values.allSatisfy({ $0 != nil }) else { continue }
            let v = values.map { $0! }
            let order = minima.indices.sorted { v[$0] < v[$1] }.map { minima[$0] }
            var ties: [[Int]] = []
            var concordant = 0, discordant = 0
            var against: [(Int, Int)] = []
            for a in minima.indices {
                for b in minima.indices where b > a {
                    if isTie(v[a], v[b]) { ties.append([minima[a], minima[b]]); continue }
                    guard hasTest, let ta = test[a], let tb = test[b], !isTie(ta, tb) else { continue }
                    if (v[a] < v[b]) == (ta < tb) { concordant += 1 } else {
                        discordant += 1
                        against.append(v[a] < v[b] ? (a, b) : (b, a))
                    }
                }
            }
            rankings.append(Analysis.Ranking(measure: name, order: order, values: v, ties: ties,
                                             concordant: hasTest ? concordant : nil, discordant: hasTest ? discordant : nil))
            let pretty = Problem.measureNames[name] ?? name
            if ties.count == minima.count * (minima.count - 1) / 2 {
                findings.append("\(pretty) cannot tell the minima apart: " + v.map(short).joined(separator: " vs ") + " (equal within 1%).")
            } else if ties.count > 3 {
                // Rastrigin has thousands of tied pairs: one sentence, not one per pair.
                let (a, b) = (minima.firstIndex(of: ties[0][0])!, minima.firstIndex(of: ties[0][1])!)
                findings.append("\(pretty) cannot tell \(ties.count) of the \(minima.count * (minima.count - 1) / 2) pairs of minima apart (equal within 1%), for example \(label(ties[0][0])) and \(label(ties[0][1])): \(short(v[a])) vs \(short(v[b])).")
            } else {
                for pair in ties {
                    let (a, b) = (minima.firstIndex(of: pair[0])!, minima.firstIndex(of: pair[1])!)
                    findings.append("\(pretty) cannot tell the minima at \(label(pair[0])) and \(label(pair[1])) apart: \(short(v[a])) vs \(short(v[b])) (equal within 1%).")
                }
            }
            if let (flat, sharp) = against.first {
                let share = against.count == 1 && concordant == 0 ? "" : " (\(against.count) of \(concordant + discordant) comparable pairs)"
                findings.append("\(pretty) ranks minima against test loss\(share): it rates \(label(minima[flat])) flatter than \(label(minima[sharp])) (\(short(v[flat])) vs \(short(v[sharp]))), but test loss is higher there (\(short(test[flat]!)) vs \(short(test[sharp]!))).")
            }
            if hasTest && discordant == 0 && concordant > 0 {
                findings.append("\(pretty) ranks \(ties.isEmpty ? "the minima" : "the minima it can tell apart") as test loss does.")
            }
        }
        if minima.count < 2 {
            findings.append("The landscape has \(minima.count == 1 ? "one isolated minimum" : "no isolated minimum") in its domain, so there is nothing to rank.")
        } else if !hasTest && oracle.hasTestLoss {
            findings.append("The test loss (a Gaussian shift) is not integrated for more than two variables, so the rankings cannot be compared with generalisation.")
        } else if !hasTest {
            findings.append("The problem defines no test loss, so the rankings cannot be compared with generalisation.")
        }
        return Analysis(problem: name, rho: rho, sigma: sigma, points: points, rankings: rankings, findings: findings)
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

    static let measureNames = ["zof": "ZOF", "fof": "FOF", "lambda_max": "λ_max", "trace": "The Hessian trace",
                               "avg_sharpness": "Average sharpness"]

    func describe(_ theta: [Double]) -> String {
        // Root finding leaves noise such as 3e-16 where a coordinate is 0.
        let parts = zip(variables, theta).map { "\($0)=\(short(abs($1) < 1e-10 ? 0 : $1))" }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
    }
}

func isTie(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= Problem.tieTolerance * max(abs(a), abs(b))
}

/// Four significant digits, for sentences.
func short(_ x: Double) -> String {
    if x == 0 { return "0" }
    var s = String(format: "%.4g", x)
    if s.hasPrefix("-0") && Double(s) == 0 { s = "0" }
    return s
}
