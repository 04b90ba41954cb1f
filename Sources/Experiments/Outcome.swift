/// How a run ended, as a basin map or a sweep counts it: at a minimum of `lab analyze`'s list
/// (by its index), or one of the ways of not reaching one. Its code (the index, or a negative
/// number) is the JSON and CSV contract; its words are written here once, for every report and
/// figure.
public enum Outcome: Hashable, Sendable, Comparable {
    /// In the basin of critical point `index` (a minimum), by the rule of `lab run`'s `final.basin`.
    case minimum(Int)
    /// The run diverged (a coordinate or the loss not finite, or ten domain widths out).
    case diverged
    /// The run ended outside the domain box.
    case leftDomain
    /// The run sat at a saddle to its last step (`BasinRule.trapped`): gradient flow from its
    /// end point would go on to a minimum, but the run did not.
    case atSaddle
    /// The flow from the end point reaches no minimum (a saddle, a maximum, or no critical point).
    case noMinimum
    /// Beyond 2-D (sweeps): descent from the end point reaches a minimum nearby
    /// (`Problem.stationaryPoint`); there is no list of critical points to index.
    case minimumByDescent

    /// The outcomes that are not a minimum of the list, in the order tables and legends list them.
    public static let failures: [Outcome] = [.diverged, .leftDomain, .atSaddle, .noMinimum]

    /// The code of the JSON and CSV contract: the minimum's index, or −1 diverged, −2 left the
    /// domain, −3 no minimum, −4 minimum by descent, −5 stalled at a saddle.
    public var code: Int32 {
        switch self {
        case .minimum(let i): Int32(i)
        case .diverged: -1
        case .leftDomain: -2
        case .noMinimum: -3
        case .minimumByDescent: -4
        case .atSaddle: -5
        }
    }

    /// Its name in JSON and CSV: the index, or `diverged`, `left_domain`, `stalled_at_saddle`,
    /// `no_minimum`, `minimum_by_descent`.
    public var name: String {
        switch self {
        case .minimum(let i): String(i)
        case .diverged: "diverged"
        case .leftDomain: "left_domain"
        case .atSaddle: "stalled_at_saddle"
        case .noMinimum: "no_minimum"
        case .minimumByDescent: "minimum_by_descent"
        }
    }

    /// For people: `#2`, or `diverged`, `left the domain`, `stalled at a saddle`, `no minimum`,
    /// `minimum by descent`.
    public var words: String {
        switch self {
        case .minimum(let i): "#\(i)"
        case .leftDomain: "left the domain"
        case .atSaddle: "stalled at a saddle"
        default: name.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// For a figure's tick: `#2`, `diverged`, `outside`, `saddle`, `no min.`, `min.`.
    public var short: String {
        switch self {
        case .minimum(let i): "#\(i)"
        case .diverged: "diverged"
        case .leftDomain: "outside"
        case .atSaddle: "saddle"
        case .noMinimum: "no min."
        case .minimumByDescent: "min."
        }
    }

    /// The minimum's index, or nil.
    public var index: Int? { if case .minimum(let i) = self { return i }; return nil }

    /// Minima first by index, then the failures in `failures`' order, then minimum by descent.
    public static func < (a: Outcome, b: Outcome) -> Bool {
        func rank(_ o: Outcome) -> (Int, Int) {
            if let i = o.index { return (0, i) }
            return (1, failures.firstIndex(of: o) ?? failures.count)
        }
        return rank(a) < rank(b)
    }
}
