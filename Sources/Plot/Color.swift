import Foundation

/// An sRGB colour.
public struct Color: Equatable, Sendable {
    /// Channels in 0...1, sRGB-encoded (not linear light).
    public let r: Double, g: Double, b: Double

    public init(_ r: Double, _ g: Double, _ b: Double) { (self.r, self.g, self.b) = (r, g, b) }

    /// From `0xRRGGBB`; bits above the low 24 are ignored.
    public init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xff) / 255, Double((hex >> 8) & 0xff) / 255, Double(hex & 0xff) / 255)
    }

    /// `#rrggbb` for SVG attributes; channels are expected in 0...1 (not clamped).
    public var svg: String {
        String(format: "#%02x%02x%02x", Int((r * 255).rounded()), Int((g * 255).rounded()), Int((b * 255).rounded()))
    }

    public static let black = Color(hex: 0x000000)
    public static let gray = Color(hex: 0x777777)
    public static let lightGray = Color(hex: 0xdddddd)
    public static let white = Color(hex: 0xffffff)

    /// Okabe–Ito and Tol colours (distinguishable with colour-vision deficiencies), ordered so
    /// that neighbours differ in lightness (CIE L* 46, 73, 48, 57, 62, 30, 70, 60) and still
    /// differ in grey print; series also differ in dash and marker. None is so dark that it
    /// vanishes on viridis' dark floor.
    public static let palette: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xE69F00), Color(hex: 0xAA4499), Color(hex: 0x009E73),
        Color(hex: 0xCC79A7), Color(hex: 0x882255), Color(hex: 0x56B4E9), Color(hex: 0x999933),
    ]

    /// Relative luminance (sRGB, Rec. 709 weights on linearised channels), 0 black to 1 white.
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// This colour moved a share `t` in 0...1 of the way towards `other`, channel by channel.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }

    /// The colour of series `i` (i ≥ 0), cycling through `palette`.
    public static func series(_ i: Int) -> Color { palette[i % palette.count] }
}

/// The viridis colormap (perceptually uniform, monotone in lightness, so it survives grey
/// print), by linear interpolation between 11 samples of matplotlib's table.
public enum Viridis {
    static let samples: [UInt32] = [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
    ]

    /// The colour at t in [0, 1] (clamped).
    public static func color(_ t: Double) -> Color {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(samples.count - 1)
        let i = min(Int(x), samples.count - 2)
        let f = x - Double(i)
        let a = Color(hex: samples[i]), b = Color(hex: samples[i + 1])
        return Color(a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f)
    }
}
