import Foundation
import Landscape
import Optimizers
import Symbolic

/// Whether and how a command's figures are written: the output settings of the settings table
/// (`--no-plot`, `--animate`, `--size`, `--font-size`, `--figure-format`, `--dpi`, `--aspect`,
/// `--style`), which the table checks and this type applies (`resolve`). Plain values; Figures
/// turns them into Plot's style.
public struct FigureSettings: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        /// Panels of 520 × 380 pixels side by side.
        case screen
        /// 3.3 in wide, panels stacked.
        case column
        /// 6.9 in wide.
        case page
        /// 13.33 × 7.5 in.
        case slide
        /// Width × height in inches.
        case inches(Double, Double)

        /// The named sizes, as `--size` spells them.
        public init?(named name: String) {
            switch name.trimmingCharacters(in: .whitespaces) {
            case "screen": self = .screen
            case "column": self = .column
            case "page": self = .page
            case "slide": self = .slide
            default: return nil
            }
        }

        /// `WxH` in inches, nil for anything else (the settings table checks the range).
        init?(inches text: String) {
            guard let (w, h) = Setting.inches(text) else { return nil }
            self = .inches(w, h)
        }

        /// As `--size` spells it.
        public var text: String {
            switch self {
            case .screen: "screen"
            case .column: "column"
            case .page: "page"
            case .slide: "slide"
            case .inches(let w, let h): String(format: "%gx%g", w, h)
            }
        }
    }

    /// The file kinds a figure can be written as (the table's `figure-format`).
    public static let formats: [String] = {
        guard case .choices(let formats)? = RunSettings.setting("figure-format")?.kind else { return [] }
        return formats
    }()

    /// Skip the figure (`--no-plot`).
    public var noPlot = false

    public var size: Size = .screen
    /// nil: the size's own (12 px on screen, 8 pt on paper, 18 pt on a slide).
    public var fontSize: Double?
    /// In the order given; `svg` alone by default.
    public var formats = ["svg"]
    /// Pixels an inch of a PNG.
    public var dpi = 150
    /// Whether 2-D landscapes keep one unit of x as long as one of y.
    public var equalAspect = true
    /// Whether a run's or a comparison's SVG shows the runs step by step (SMIL animation).
    public var animate = false

    public init() {}

    /// The width in inches, or nil on screen.
    public var widthInches: Double? {
        switch size {
        case .screen: nil
        case .column: 3.3
        case .page: 6.9
        case .slide: 13.33
        case .inches(let w, _): w
        }
    }

    /// The height in inches when the size fixes it (a slide, WxH), else nil.
    public var heightInches: Double? {
        switch size {
        case .slide: 7.5
        case .inches(_, let h): h
        default: nil
        }
    }

    /// The smallest text a figure may have: 7 pt on paper, 14 pt on a slide (any figure 10 in
    /// or wider is read from across a room); on screen, 5 px.
    public var smallestLegibleText: Double {
        guard let w = widthInches else { return 5 }
        return w >= 10 ? 14 : 7
    }

    /// Refuses a font size whose smallest text (7/8 of it: contour labels, subscripts) would be
    /// below `smallestLegibleText`, or above 48.
    public func check() throws {
        guard let f = fontSize else { return }
        let where_ = widthInches == nil ? "on screen" : (widthInches! >= 10 ? "on a slide" : "on paper")
        let unit = widthInches == nil ? "px" : "pt"
        let least = smallestLegibleText / 0.875
        if f * 0.875 < smallestLegibleText - 1e-9 {
            throw SettingError("\(setting: "font-size") \(shown(f)) makes the smallest text \(shown(f * 0.875)) \(unit); \(where_) it must be at least \(shown(smallestLegibleText)) \(unit): give a font size of \(shown(least)) or more")
        }
        if f > 48 { throw SettingError("\(setting: "font-size") \(shown(f)) is more than 48 \(unit); titles would not fit their panels") }
    }

    private func shown(_ x: Double) -> String { abs(x) < 1e15 && x == x.rounded() ? String(Int(x)) : String(format: "%.3g", x) }

    /// Sets the output setting `key` (`Setting.isOutput`) to a value its entry accepted; false
    /// for a setting that is not one of these.
    @discardableResult
    public mutating func apply(_ key: String, _ value: SettingValue) -> Bool {
        switch (key, value) {
        case ("no-plot", .flag(let b)): noPlot = b
        case ("animate", .flag(let b)): animate = b
        case ("size", .word(let w)): size = Size(named: w) ?? Size(inches: w) ?? size
        case ("font-size", .number(let x)): fontSize = x
        case ("figure-format", .word(let w)): formats = w.split(separator: ",").map(String.init)
        case ("dpi", .integer(let n)): dpi = n
        case ("aspect", .word(let w)): equalAspect = w == "equal"
        case ("style", _): break  // read by `resolve`
        default: return false
        }
        return true
    }

    /// The figure settings of a command on `problem`: the built-in ones, the problem's
    /// `[defaults]`, a style file (the given one, else the problem's, beside the problem file),
    /// then `given`, each layer overriding the one before, every value checked by the settings
    /// table; then the font size's legibility at the size (`check`). A mistake is named where it
    /// came from.
    public static func resolve(problem: Problem, given: [String: SettingValue]) throws -> FigureSettings {
        var style: [String: SettingValue] = [:]
        if case .word(let path)? = given["style"] {
            style = try styleFile(path, shownAs: path)
        } else if case .word(let path)? = problem.defaults.values["style"] {
            let folder = URL(fileURLWithPath: problem.file).deletingLastPathComponent()
            style = try styleFile(path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path, shownAs: path)
        }
        var f = FigureSettings()
        try RunSettings.layer(problem: problem, given: given, extra: style) { setting, value in
            if setting.isOutput { f.apply(setting.key, value) }
        }
        do {
            try f.check()
        } catch let e as SettingError {
            // Named where the font size came from: a flag, a style file, or the problem file.
            if given["font-size"] != nil || style["font-size"] != nil { throw e }
            throw ProblemError(file: problem.file, key: "defaults.font-size", message: e.keyMessage)
        }
        return f
    }

    /// The settings a style file may set: the figure group but the style itself.
    public static let styleKeys = RunSettings.table.filter { $0.group == "figure" && $0.key != "style" }.map(\.key)

    /// A style file's settings, checked against the table: only figure settings, each with its
    /// own message. `shownAs` names the file in errors as the user wrote it.
    static func styleFile(_ path: String, shownAs: String) throws -> [String: SettingValue] {
        let values: Defaults
        do {
            values = try Problem.settingsFile(path)
        } catch let e as ProblemError {
            let key = e.key.map { "\($0): " } ?? ""
            throw SettingError("\(setting: "style") \(shownAs): \(key)\(e.message)")
        }
        var out: [String: SettingValue] = [:]
        for (key, value) in values.values.sorted(by: { $0.key < $1.key }) {
            guard styleKeys.contains(key), let s = RunSettings.setting(key) else {
                let hint = nearest(to: key, among: styleKeys).map { "; did you mean '\($0)'?" } ?? ""
                throw SettingError("\(setting: "style") \(shownAs): unknown figure setting '\(key)' (a style file sets \(styleKeys.joined(separator: ", ")))\(hint)")
            }
            switch s.accept(value, problem: nil) {
            case .success(let v): out[key] = v
            case .failure(let e): throw SettingError("\(setting: "style") \(shownAs): \(key) \(e.keyMessage)")
            }
        }
        return out
    }
}
