import Foundation
import ModelMeter

/// A standalone SVG line chart of one sweep quantity: categorical x (one tick per point),
/// linear y from 0, one line per series, axis titles and a legend.
public struct SweepChart: Sendable {
    public struct Series: Sendable {
        public let name: String
        public let values: [Double?]
    }

    /// File name, e.g. `sweep-batch-flops.svg`.
    public let fileName: String
    public let title: String
    public let xTitle: String
    public let yTitle: String
    public let labels: [String]
    public let series: [Series]
    /// Unit of the y values: an SI unit ("FLOP", "B") or "s" (ticks in s, ms, µs or ns).
    public let unit: String

    /// Distinct hues (ColorBrewer Dark2), so six GPUs stay apart.
    static let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    private static let width = 820.0, height = 480.0
    private static let left = 96.0, right = 200.0, top = 48.0, bottom = 110.0

    /// The SVG text; the same data always gives the same bytes.
    public func svg() -> String {
        typealias C = SweepChart
        let plotWidth = C.width - C.left - C.right
        let plotHeight = C.height - C.top - C.bottom
        let maximum = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite).max() ?? 0
        let (step, top) = C.niceScale(maximum)
        let tickText = tickFormatter(top: top, step: step)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double { C.left + (Double(index) + 0.5) * plotWidth / Double(count) }
        func y(_ value: Double) -> Double { C.top + plotHeight - value / top * plotHeight }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(C.width)) \(Int(C.height))" width="\(Int(C.width))" height="\(Int(C.height))" role="img" aria-label="\(C.escape(title))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(Int(C.width))" height="\(Int(C.height))" fill="#ffffff"/>
        <text x="\(C.f(C.left))" y="26" font-size="15" font-weight="bold" fill="#1f2933">\(C.escape(title))</text>

        """
        // Horizontal grid lines and y ticks.
        var tick = 0.0
        while tick <= top * (1 + 1e-9) {
            let py = y(tick)
            s += "<line x1=\"\(C.f(C.left))\" y1=\"\(C.f(py))\" x2=\"\(C.f(C.left + plotWidth))\" y2=\"\(C.f(py))\" stroke=\"#e4e7eb\"/>\n"
            s += "<text x=\"\(C.f(C.left - 8))\" y=\"\(C.f(py + 4))\" text-anchor=\"end\" fill=\"#52606d\">\(C.escape(tickText(tick)))</text>\n"
            tick += step
        }
        // X ticks: every point up to 24 points, then every k-th.
        let every = max(1, Int((Double(labels.count) / 24).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            let px = x(index)
            let ly = C.top + plotHeight + 14
            s += "<line x1=\"\(C.f(px))\" y1=\"\(C.f(C.top + plotHeight))\" x2=\"\(C.f(px))\" y2=\"\(C.f(C.top + plotHeight + 5))\" stroke=\"#9aa5b1\"/>\n"
            s += "<text x=\"\(C.f(px))\" y=\"\(C.f(ly))\" text-anchor=\"end\" fill=\"#52606d\" transform=\"rotate(-35 \(C.f(px)) \(C.f(ly)))\">\(C.escape(label))</text>\n"
        }
        s += "<rect x=\"\(C.f(C.left))\" y=\"\(C.f(C.top))\" width=\"\(C.f(plotWidth))\" height=\"\(C.f(plotHeight))\" fill=\"none\" stroke=\"#9aa5b1\"/>\n"
        s += "<text x=\"\(C.f(C.left + plotWidth / 2))\" y=\"\(C.f(C.height - 12))\" text-anchor=\"middle\" fill=\"#1f2933\">\(C.escape(xTitle))</text>\n"
        let yMid = C.top + plotHeight / 2
        s += "<text x=\"18\" y=\"\(C.f(yMid))\" text-anchor=\"middle\" fill=\"#1f2933\" transform=\"rotate(-90 18 \(C.f(yMid)))\">\(C.escape(yTitle))</text>\n"

        // Series: polylines broken at missing values, markers when points are few.
        let markers = labels.count <= 60
        for (index, line) in series.enumerated() {
            let color = C.palette[index % C.palette.count]
            var segments: [[String]] = [[]]
            for (point, value) in line.values.enumerated() {
                guard let value, value.isFinite else {
                    if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                    continue
                }
                segments[segments.count - 1].append("\(C.f(x(point))),\(C.f(y(value)))")
                if markers {
                    s += "<circle cx=\"\(C.f(x(point)))\" cy=\"\(C.f(y(value)))\" r=\"3.5\" fill=\"\(color)\"><title>\(C.escape(line.name)) at \(C.escape(labels[point])): \(C.escape(exact(value)))</title></circle>\n"
                }
            }
            for segment in segments where segment.count > 1 {
                s += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            }
            // Legend entry in the right margin.
            let ly = C.top + 14 + Double(index) * 20
            let lx = C.left + plotWidth + 16
            s += "<line x1=\"\(C.f(lx))\" y1=\"\(C.f(ly - 4))\" x2=\"\(C.f(lx + 22))\" y2=\"\(C.f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            s += "<text x=\"\(C.f(lx + 28))\" y=\"\(C.f(ly))\" fill=\"#1f2933\">\(C.escape(line.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    /// A step of 1, 2, 2.5 or 5 × 10ⁿ giving about five intervals, and the axis top (a step multiple ≥ maximum).
    static func niceScale(_ maximum: Double) -> (step: Double, top: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 1) }
        let raw = maximum / 5
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        let step = nice * magnitude
        return (step, (maximum / step).rounded(.up) * step)
    }

    /// Ticks share one prefix chosen from the axis top, with as many decimals as the step needs:
    /// `0 FLOP, 1 TFLOP, 2 TFLOP…`, `0 ms, 2.5 ms, 5.0 ms…`.
    private func tickFormatter(top: Double, step: Double) -> (Double) -> String {
        let prefixes: [(Double, String)] = unit == "s"
            ? [(1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")]
            : [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")]
        let (factor, prefix) = prefixes.first { top >= $0.0 } ?? prefixes[prefixes.count - 1]
        // Fewest decimals that show the step exactly (2.5 needs one, 0.02 two).
        let scaled = step / factor
        var digits = 0
        while digits < 6 {
            let shifted = scaled * pow(10, Double(digits))
            if abs(shifted - shifted.rounded()) <= 1e-6 * shifted { break }
            digits += 1
        }
        let unit = self.unit
        return { value in value == 0 ? "0 \(unit)" : String(format: "%.\(digits)f", value / factor) + " " + prefix + unit }
    }

    /// A value in a tooltip: three significant figures with the unit's prefix.
    private func exact(_ value: Double) -> String {
        unit == "s" ? SIUnits.seconds(value) : SIUnits.format(value, unit: unit, digits: 2)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
