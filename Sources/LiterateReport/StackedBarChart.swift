import Foundation
import ModelMeter

/// A stacked bar chart: one bar per label, one stack segment per series (seconds).
struct StackedBarChart {
    let title: String
    let labels: [String]
    let stackNames: [String]
    /// `values[bar][segment]` in seconds.
    let values: [[Double]]

    static let colors = ["#1b9e77", "#d95f02", "#7570b3"]

    func svg() -> String {
        let n = SVGChart.number
        let (width, height, left, right, top, bottom) = (820.0, 400.0, 80.0, 150.0, 48.0, 40.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = max(values.map { $0.reduce(0, +) }.max() ?? 0, 1e-12)
        let scale = LinearScale(maximum: maximum)
        var svg = SVGChart(width: width, height: height, attributes: ["font-family": "sans-serif", "font-size": "12"])
        svg.add("rect", ["width": "100%", "height": "100%", "fill": "white"])
        svg.add("text", ["x": "\(Int(width / 2))", "y": "24", "text-anchor": "middle", "font-size": "14"], text: title)
        for tick in scale.ticks {
            let y = top + plotHeight * (1 - tick / scale.top)
            svg.add("line", ["x1": n(left), "y1": n(y), "x2": n(left + plotWidth), "y2": n(y), "stroke": "#ddd"])
            svg.add("text", ["x": n(left - 6), "y": n(y + 4), "text-anchor": "end"], text: tick == 0 ? "0" : SIUnits.seconds(tick))
        }
        let slot = plotWidth / Double(max(labels.count, 1))
        for (index, label) in labels.enumerated() {
            var base = 0.0
            let x = left + slot * Double(index) + slot * 0.2
            for (segment, value) in values[index].enumerated() {
                let y0 = top + plotHeight * (1 - base / scale.top)
                let y1 = top + plotHeight * (1 - (base + value) / scale.top)
                svg.add(
                    "rect",
                    ["x": n(x), "y": n(y1), "width": n(slot * 0.6), "height": n(max(0, y0 - y1)), "fill": Self.colors[segment % Self.colors.count]],
                    children: SVGChart.title("\(label) \(stackNames[segment]): \(SIUnits.seconds(value))"))
                base += value
            }
            svg.add("text", ["x": n(x + slot * 0.3), "y": n(top + plotHeight + 18), "text-anchor": "middle"], text: label)
            svg.add(
                "text", ["x": n(x + slot * 0.3), "y": n(top + plotHeight * (1 - base / scale.top) - 4), "text-anchor": "middle", "font-size": "11"],
                text: SIUnits.seconds(base))
        }
        svg.add("line", ["x1": n(left), "y1": n(top + plotHeight), "x2": n(left + plotWidth), "y2": n(top + plotHeight), "stroke": "black"])
        for (segment, name) in stackNames.enumerated() {
            let y = top + 20 * Double(segment)
            svg.add("rect", ["x": n(left + plotWidth + 16), "y": n(y), "width": "12", "height": "12", "fill": Self.colors[segment % Self.colors.count]])
            svg.add("text", ["x": n(left + plotWidth + 34), "y": n(y + 10)], text: name)
        }
        let middle = n(top + plotHeight / 2)
        svg.add("text", ["x": "20", "y": middle, "transform": "rotate(-90 20 \(middle))", "text-anchor": "middle"], text: "time lower bound per page")
        return svg.finished()
    }
}
