import Foundation
import ModelMeter

/// One horizontal bar of a whole split into parts (a page's seconds by stage or by module
/// class), with a legend of one line per part: its name, value and share. Parts keep the
/// order given; the legend never overlaps the bar or itself (one line per part).
struct ShareBarChart {
    let title: String
    /// `(name, seconds)` per part.
    let parts: [(name: String, seconds: Double)]

    static let colors = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4", "#b2df8a"]
    static let width = 720.0
    static let lineHeight = 20.0

    func svg() -> String {
        let (left, right, top, barHeight) = (16.0, 16.0, 44.0, 36.0)
        let plotWidth = Self.width - left - right
        let total = parts.reduce(0) { $0 + $1.seconds }
        let legendTop = top + barHeight + 18
        let height = legendTop + Self.lineHeight * Double(parts.count) + 8
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" width=\"\(Int(Self.width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"13\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += String(format: "<text x=\"%.1f\" y=\"26\" font-size=\"14\">%@</text>\n", left, Markup.escape(title))
        var x = left
        for (index, part) in parts.enumerated() {
            let share = total > 0 ? part.seconds / total : 0
            let color = Self.colors[index % Self.colors.count]
            let label = "\(part.name): \(SIUnits.seconds(part.seconds)) (\(String(format: "%.1f %%", 100 * share)))"
            out += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"><title>%@</title></rect>\n",
                x, top, plotWidth * share, barHeight, color, Markup.escape(label))
            x += plotWidth * share
            let y = legendTop + Self.lineHeight * Double(index)
            out += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%@\"/>\n", left, y - 11, color)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>\n", left + 20, y, Markup.escape(label))
        }
        out += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n", left, top, plotWidth, barHeight)
        return out + "</svg>\n"
    }
}
