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
        let n = SVGChart.number
        let (left, right, top, barHeight) = (16.0, 16.0, 44.0, 36.0)
        let plotWidth = Self.width - left - right
        let total = parts.reduce(0) { $0 + $1.seconds }
        let legendTop = top + barHeight + 18
        let height = legendTop + Self.lineHeight * Double(parts.count) + 8
        var svg = SVGChart(width: Self.width, height: height, attributes: ["font-family": "sans-serif", "font-size": "13"])
        svg.add("rect", ["width": "100%", "height": "100%", "fill": "white"])
        svg.add("text", ["x": n(left), "y": "26", "font-size": "14"], text: title)
        var x = left
        for (index, part) in parts.enumerated() {
            let share = total > 0 ? part.seconds / total : 0
            let color = Self.colors[index % Self.colors.count]
            let label = "\(part.name): \(SIUnits.seconds(part.seconds)) (\(String(format: "%.1f %%", 100 * share)))"
            svg.add(
                "rect", ["x": n(x), "y": n(top), "width": n(plotWidth * share), "height": n(barHeight), "fill": color],
                children: SVGChart.title(label))
            x += plotWidth * share
            let y = legendTop + Self.lineHeight * Double(index)
            svg.add("rect", ["x": n(left), "y": n(y - 11), "width": "12", "height": "12", "fill": color])
            svg.add("text", ["x": n(left + 20), "y": n(y)], text: label)
        }
        svg.add("rect", ["x": n(left), "y": n(top), "width": n(plotWidth), "height": n(barHeight), "fill": "none", "stroke": "#333"])
        return svg.finished()
    }
}
