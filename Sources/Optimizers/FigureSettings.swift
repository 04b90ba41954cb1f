/// How a command's figures are sized and written: the `figure` group of the settings table
/// (`--size`, `--font-size`, `--figure-format`, `--dpi`, `--aspect`, `--style`). Plain values;
/// Figures turns them into Plot's style.
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

        /// `WxH` in inches (checked by the settings table).
        init?(inches text: String) {
            let parts = text.lowercased().split(separator: "x").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { return nil }
            self = .inches(parts[0], parts[1])
        }
    }

    /// The file kinds a figure can be written as.
    public static let formats = ["svg", "pdf", "png"]

    public var size: Size = .screen
    /// nil: the size's own (12 px on screen, 8 pt on paper, 18 pt on a slide).
    public var fontSize: Double?
    /// In the order given; `svg` alone by default.
    public var formats = ["svg"]
    /// Pixels an inch of a PNG.
    public var dpi = 150
    /// Whether 2-D landscapes keep one unit of x as long as one of y.
    public var equalAspect = true

    public init() {}
}
