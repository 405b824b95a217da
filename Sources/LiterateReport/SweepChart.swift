import DeepSeekOCR
import Foundation
import ModelMeter

/// A standalone SVG line chart of one sweep quantity: categorical x (one tick per point),
/// linear y from 0 (``LinearScale``), one line per series, axis titles and a legend.
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
        let f = SVGChart.number
        let plotWidth = C.width - C.left - C.right
        let plotHeight = C.height - C.top - C.bottom
        let maximum = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite).max() ?? 0
        let scale = LinearScale(maximum: maximum)
        let tickText = tickFormatter(scale)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double { C.left + (Double(index) + 0.5) * plotWidth / Double(count) }
        func y(_ value: Double) -> Double { C.top + plotHeight - value / scale.top * plotHeight }

        var svg = SVGChart(width: C.width, height: C.height, attributes: [
            "role": "img", "aria-label": title, "font-family": "Helvetica, Arial, sans-serif", "font-size": "12",
        ])
        svg.add("rect", ["x": "0", "y": "0", "width": "\(Int(C.width))", "height": "\(Int(C.height))", "fill": "#ffffff"])
        svg.add("text", ["x": f(C.left), "y": "26", "font-size": "15", "font-weight": "bold", "fill": "#1f2933"], text: title)
        // Horizontal grid lines and y ticks.
        for tick in scale.ticks {
            let py = y(tick)
            svg.add("line", ["x1": f(C.left), "y1": f(py), "x2": f(C.left + plotWidth), "y2": f(py), "stroke": "#e4e7eb"])
            svg.add("text", ["x": f(C.left - 8), "y": f(py + 4), "text-anchor": "end", "fill": "#52606d"], text: tickText(tick))
        }
        // X ticks: every point up to 24 points, then every k-th.
        let every = max(1, Int((Double(labels.count) / 24).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            let px = x(index)
            let ly = C.top + plotHeight + 14
            svg.add("line", ["x1": f(px), "y1": f(C.top + plotHeight), "x2": f(px), "y2": f(C.top + plotHeight + 5), "stroke": "#9aa5b1"])
            svg.add(
                "text", ["x": f(px), "y": f(ly), "text-anchor": "end", "fill": "#52606d", "transform": "rotate(-35 \(f(px)) \(f(ly)))"],
                text: label)
        }
        svg.add("rect", ["x": f(C.left), "y": f(C.top), "width": f(plotWidth), "height": f(plotHeight), "fill": "none", "stroke": "#9aa5b1"])
        svg.add("text", ["x": f(C.left + plotWidth / 2), "y": f(C.height - 12), "text-anchor": "middle", "fill": "#1f2933"], text: xTitle)
        let yMid = f(C.top + plotHeight / 2)
        svg.add(
            "text", ["x": "18", "y": yMid, "text-anchor": "middle", "fill": "#1f2933", "transform": "rotate(-90 18 \(yMid))"], text: yTitle)

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
                segments[segments.count - 1].append("\(f(x(point))),\(f(y(value)))")
                if markers {
                    svg.add(
                        "circle", ["cx": f(x(point)), "cy": f(y(value)), "r": "3.5", "fill": color],
                        children: SVGChart.title("\(line.name) at \(labels[point]): \(exact(value))"))
                }
            }
            for segment in segments where segment.count > 1 {
                svg.add("polyline", ["points": segment.joined(separator: " "), "fill": "none", "stroke": color, "stroke-width": "2"])
            }
            // Legend entry in the right margin.
            let ly = C.top + 14 + Double(index) * 20
            let lx = C.left + plotWidth + 16
            svg.add("line", ["x1": f(lx), "y1": f(ly - 4), "x2": f(lx + 22), "y2": f(ly - 4), "stroke": color, "stroke-width": "2.5"])
            svg.add("text", ["x": f(lx + 28), "y": f(ly), "fill": "#1f2933"], text: line.name)
        }
        return svg.finished()
    }

    /// Ticks share one prefix chosen from the axis top, with as many decimals as the step needs:
    /// `0 FLOP, 1 TFLOP, 2 TFLOP…`, `0 ms, 2.5 ms, 5.0 ms…`.
    private func tickFormatter(_ scale: LinearScale) -> (Double) -> String {
        let prefixes: [(Double, String)] = unit == "s"
            ? [(1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")]
            : [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")]
        let (factor, prefix) = prefixes.first { scale.top >= $0.0 } ?? prefixes[prefixes.count - 1]
        // Fewest decimals that show the step exactly (2.5 needs one, 0.02 two).
        let scaled = scale.step / factor
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
}

extension SweepResult {
    /// The four sweep charts: forward FLOPs (tensor core vs CUDA core), forward I/O bytes,
    /// activation memory, and the forward time lower bound on every GPU.
    /// File names are `sweep-<dimension>-<quantity>.svg`.
    /// - Parameter xTitle: the x-axis title; `dimension.axisTitle` by default.
    public func charts(xTitle: String? = nil) -> [SweepChart] {
        let labels = rows.map(\.label)
        let prefix = "sweep-\(dimension.rawValue)"
        let xTitle = xTitle ?? dimension.axisTitle
        let model = (rows.first?.workload.model ?? .deepseekOCR).displayName
        let what = stages == [.vision] ? "\(model) vision stack" : "\(model) " + stages.map(\.rawValue).joined(separator: " + ")
        let scope = "\(what), \(precision.rawValue), by \(dimension.rawValue)"
        return [
            SweepChart(
                fileName: "\(prefix)-flops.svg", title: "Forward FLOPs: tensor core vs CUDA core (\(scope))",
                xTitle: xTitle, yTitle: "forward FLOP", labels: labels,
                series: [
                    .init(name: "tensor core", values: rows.map { Double($0.forward.tensorCoreFLOPs) }),
                    .init(name: "CUDA core", values: rows.map { Double($0.forward.cudaCoreFLOPs) }),
                ],
                unit: "FLOP"),
            SweepChart(
                fileName: "\(prefix)-io-bytes.svg", title: "Forward I/O bytes (\(scope))",
                xTitle: xTitle, yTitle: "DRAM bytes moved (forward)", labels: labels,
                series: [.init(name: "forward I/O", values: rows.map { Double($0.forward.ioBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-activation-memory.svg", title: "Peak activation memory (\(scope))",
                xTitle: xTitle, yTitle: "inference activation bytes", labels: labels,
                series: [.init(name: "activations", values: rows.map { Double($0.activationBytes) })],
                unit: "B"),
            SweepChart(
                fileName: "\(prefix)-time-lower-bound.svg", title: "Forward time lower bound per GPU (\(scope))",
                xTitle: xTitle, yTitle: "seconds (roofline lower bound)", labels: labels,
                series: gpus.enumerated().map { index, gpu in
                    let values = rows.map { $0.timeLowerBoundSeconds[index] }
                    let missing = !rows.isEmpty && values.allSatisfy { $0 == nil }
                    return .init(name: missing ? "\(gpu.id) (no \(precision.rawValue) roof)" : gpu.id, values: values)
                },
                unit: "s"),
        ]
    }
}
