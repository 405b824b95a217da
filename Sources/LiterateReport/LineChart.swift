import Foundation
import ModelMeter

/// A line through labelled points (x and y linear from 0).
struct LineChart {
    let title: String
    let xTitle: String
    let yTitle: String
    let points: [(x: Double, y: Double, label: String)]
    /// Text of a y tick: seconds with their prefix (`250 ms`), or a whole count (`40,000`).
    let yTick: (Double) -> String

    /// A y tick in seconds: `0`, `250 ms`, `1.25 s`.
    static func seconds(_ tick: Double) -> String { tick == 0 ? "0" : SIUnits.seconds(tick) }

    /// A y tick that counts things: `0`, `40,000`.
    static func count(_ tick: Double) -> String { SIUnits.grouped(Int(tick)) }

    func svg() -> String {
        let n = SVGChart.number
        let (width, height, left, right, top, bottom) = (820.0, 440.0, 90.0, 40.0, 48.0, 70.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xScale = LinearScale(maximum: max(points.map(\.x).max() ?? 0, 1e-12))
        let yScale = LinearScale(maximum: max(points.map(\.y).max() ?? 0, 1e-12))
        func px(_ x: Double) -> Double { left + plotWidth * x / xScale.top }
        func py(_ y: Double) -> Double { top + plotHeight * (1 - y / yScale.top) }
        var svg = SVGChart(width: width, height: height, attributes: ["font-family": "sans-serif", "font-size": "12"])
        svg.add("rect", ["width": "100%", "height": "100%", "fill": "white"])
        svg.add("text", ["x": "\(Int(width / 2))", "y": "24", "text-anchor": "middle", "font-size": "14"], text: title)
        for tick in yScale.ticks {
            svg.add("line", ["x1": n(left), "y1": n(py(tick)), "x2": n(left + plotWidth), "y2": n(py(tick)), "stroke": "#ddd"])
            svg.add("text", ["x": n(left - 6), "y": n(py(tick) + 4), "text-anchor": "end"], text: yTick(tick))
        }
        for tick in xScale.ticks {
            svg.add("line", ["x1": n(px(tick)), "y1": n(top), "x2": n(px(tick)), "y2": n(top + plotHeight), "stroke": "#ddd"])
            svg.add("text", ["x": n(px(tick)), "y": n(top + plotHeight + 18), "text-anchor": "middle"], text: String(format: "%g", tick))
        }
        let path = points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
        svg.add("polyline", ["points": path, "fill": "none", "stroke": "#1b9e77", "stroke-width": "2"])
        for point in points {
            svg.add("circle", ["cx": n(px(point.x)), "cy": n(py(point.y)), "r": "4", "fill": "#1b9e77"])
            svg.add("text", ["x": n(px(point.x) + 6), "y": n(py(point.y) + 14), "font-size": "11"], text: point.label)
        }
        svg.add("text", ["x": n(left + plotWidth / 2), "y": n(height - 20), "text-anchor": "middle"], text: xTitle)
        let middle = n(top + plotHeight / 2)
        svg.add("text", ["x": "20", "y": middle, "transform": "rotate(-90 20 \(middle))", "text-anchor": "middle"], text: yTitle)
        return svg.finished()
    }
}
