import Foundation
import ModelMeter

/// A log–log roofline chart as standalone SVG: the tensor-core and CUDA-core roofs, the
/// memory-bandwidth slope, both ridge points, and one labelled point per kernel or
/// configuration. Each point (with its label) links to where it is explained; labels sit beside
/// their points where they collide with nothing, else the point is numbered and the right
/// margin lists the numbers with their configurations.
struct RooflineChart {
    struct Point {
        let label: String
        let point: RooflinePoint
        /// Where the point is explained (`op-Attention.html#global-view-…`); nil for no link.
        var href: String? = nil
    }

    let gpu: GPUSpec
    let precision: Precision
    let points: [Point]
    /// The chart's heading; empty for the default.
    var title = ""
    /// `false` for a small chart (a layer page's few configurations).
    var large = true

    private var width: Double { large ? 1000 : 720 }
    private var height: Double { large ? 560 : 420 }
    private var right: Double { large ? 330 : 270 }
    private let left = 70.0, top = 40.0, bottom = 56.0
    /// Decades shown on x (FLOP/B): a decade around the points, the ridge included, at least three.
    private var xDecades: (Double, Double) {
        let values = points.map(\.point.arithmeticIntensity).filter { $0 > 0 }
        let ridge = gpu.memoryBandwidthGBps > 0 ? ((try? gpu.tensorCorePeak(for: precision).teraFLOPS) ?? 0) * 1e3 / gpu.memoryBandwidthGBps : 100
        let low = min(floor(log10(values.min() ?? 1)) - (values.isEmpty ? 1 : 0), floor(log10(max(ridge, 1))) - 1)
        let high = max(ceil(log10(values.max() ?? 1000)), ceil(log10(max(ridge, 1)))) + 1
        return (min(max(low, -2), high - 3), high)
    }

    /// Decades shown on y (FLOP/s): from a decade below the lowest point to the tensor-core roof.
    private var yDecades: (Double, Double) {
        let peak = ((try? gpu.tensorCorePeak(for: precision).teraFLOPS) ?? 1000) * 1e12
        let high = ceil(log10(peak) + 0.15)
        let values = points.map(\.point.attainableFLOPS).filter { $0 > 0 }
        let low = floor(log10(values.min() ?? 1e11)) - 1
        return (min(low, high - 2), high)
    }

    private func x(_ intensity: Double) -> Double {
        let clamped = min(max(intensity, pow(10, xDecades.0)), pow(10, xDecades.1))
        return left + (log10(clamped) - xDecades.0) / (xDecades.1 - xDecades.0) * (width - left - right)
    }

    private func y(_ flops: Double) -> Double {
        let clamped = min(max(flops, pow(10, yDecades.0)), pow(10, yDecades.1))
        return height - bottom - (log10(clamped) - yDecades.0) / (yDecades.1 - yDecades.0) * (height - top - bottom)
    }

    private func f(_ value: Double) -> String { SVGChart.number(value) }

    func svg() throws -> String {
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = gpu.memoryBandwidthGBps * 1e9
        let ridge = tensorPeak / bandwidth
        let cudaRidge = cudaPeak / bandwidth
        let xMax = pow(10, xDecades.1)
        // The bandwidth slope enters the plot at its left edge or at its floor, whichever is later.
        let xMin = max(pow(10, xDecades.0), pow(10, yDecades.0) / bandwidth)
        var svg = SVGChart(width: width, height: height, attributes: [
            "role": "img", "aria-label": heading, "font-family": "Helvetica, Arial, sans-serif", "font-size": "12",
        ])
        svg.add("rect", ["x": "0", "y": "0", "width": "\(Int(width))", "height": "\(Int(height))", "fill": "#ffffff"])
        svg.add("text", ["x": f(left), "y": "24", "font-size": large ? "15" : "13", "font-weight": "bold", "fill": "#1f2933"], text: heading)
        // Grid and axes.
        for decade in Int(xDecades.0)...Int(xDecades.1) {
            let px = x(pow(10, Double(decade)))
            svg.add("line", ["x1": f(px), "y1": f(top), "x2": f(px), "y2": f(height - bottom), "stroke": "#e4e7eb"])
            svg.add("text", ["x": f(px), "y": f(height - bottom + 18), "text-anchor": "middle", "fill": "#52606d"], text: power(decade))
        }
        for decade in Int(yDecades.0)...Int(yDecades.1) {
            let py = y(pow(10, Double(decade)))
            svg.add("line", ["x1": f(left), "y1": f(py), "x2": f(width - right), "y2": f(py), "stroke": "#e4e7eb"])
            svg.add("text", ["x": f(left - 8), "y": f(py + 4), "text-anchor": "end", "fill": "#52606d"], text: power(decade))
        }
        svg.add("rect", ["x": f(left), "y": f(top), "width": f(width - left - right), "height": f(height - top - bottom), "fill": "none", "stroke": "#9aa5b1"])
        svg.add(
            "text", ["x": f((left + width - right) / 2), "y": f(height - 18), "text-anchor": "middle", "fill": "#1f2933"],
            text: "arithmetic intensity (FLOP/byte, log scale)")
        let middle = f((top + height - bottom) / 2)
        svg.add(
            "text", ["x": "18", "y": middle, "text-anchor": "middle", "fill": "#1f2933", "transform": "rotate(-90 18 \(middle))"],
            text: "attainable FLOP/s (log scale)")

        // Roofs: memory slope up to the tensor-core ridge, then the two flat roofs.
        svg.add("polyline", [
            "points": "\(f(x(xMin))),\(f(y(bandwidth * xMin))) \(f(x(ridge))),\(f(y(tensorPeak))) \(f(x(xMax))),\(f(y(tensorPeak)))",
            "fill": "none", "stroke": "#1f4e8c", "stroke-width": "2.5",
        ])
        svg.add("line", [
            "x1": f(x(cudaRidge)), "y1": f(y(cudaPeak)), "x2": f(x(xMax)), "y2": f(y(cudaPeak)),
            "stroke": "#c05621", "stroke-width": "2", "stroke-dasharray": "6 4",
        ])
        svg.add(
            "text", ["x": f(x(xMax) - 4), "y": f(y(tensorPeak) - 7), "text-anchor": "end", "fill": "#1f4e8c"],
            text: "tensor-core roof \(SIUnits.format(tensorPeak, unit: "FLOP/s", digits: 1))")
        svg.add(
            "text", ["x": f(x(xMax) - 4), "y": f(y(cudaPeak) + 15), "text-anchor": "end", "fill": "#c05621"],
            text: "CUDA-core roof \(SIUnits.format(cudaPeak, unit: "FLOP/s", digits: 1))")
        let labelAt = xMin * 1.6
        let (labelX, labelY) = (f(x(labelAt)), f(y(bandwidth * labelAt) - 8))
        svg.add(
            "text", ["x": labelX, "y": labelY, "fill": "#1f4e8c", "transform": "rotate(-\(f(slopeAngle())) \(labelX) \(labelY))"],
            text: "memory \(Int(gpu.memoryBandwidthGBps)) GB/s")
        for (row, (value, color, name)) in [(ridge, "#1f4e8c", "tensor-core ridge"), (cudaRidge, "#c05621", "CUDA-core ridge")].enumerated() {
            svg.add("line", ["x1": f(x(value)), "y1": f(top), "x2": f(x(value)), "y2": f(height - bottom), "stroke": color, "stroke-dasharray": "2 3"])
            svg.add(
                "text", ["x": f(x(value) + 4), "y": f(height - bottom - 8 - Double(row) * 16), "fill": color],
                text: "\(name) \(String(format: "%.1f", value)) FLOP/byte")
        }

        // Point labels keep clear of the roof and ridge labels.
        let tensorRoof = "tensor-core roof \(SIUnits.format(tensorPeak, unit: "FLOP/s", digits: 1))"
        let cudaRoof = "CUDA-core roof \(SIUnits.format(cudaPeak, unit: "FLOP/s", digits: 1))"
        var reserved = [
            Box(x0: x(xMax) - 4 - textWidth(tensorRoof) * 1.1, y0: y(tensorPeak) - 19, x1: x(xMax), y1: y(tensorPeak) - 3),
            Box(x0: x(xMax) - 4 - textWidth(cudaRoof) * 1.1, y0: y(cudaPeak) + 3, x1: x(xMax), y1: y(cudaPeak) + 19),
        ]
        for (row, (value, name)) in [(ridge, "tensor-core ridge"), (cudaRidge, "CUDA-core ridge")].enumerated() {
            let baseline = height - bottom - 8 - Double(row) * 16
            reserved.append(Box(x0: x(value) + 4, y0: baseline - 12, x1: x(value) + 4 + textWidth(name + " 000.0 FLOP/byte") * 1.1, y1: baseline + 3))
        }
        placePoints(reserved: reserved, into: &svg)
        // Legend, top left of the plot (an empty corner: nothing is compute-bound at low intensity).
        for (row, (color, text)) in [("#2f855a", "tensor-core bound"), ("#c05621", "CUDA-core bound"), ("#b83280", "memory bound")].enumerated() {
            let ly = top + 20 + Double(row) * 18
            svg.add("circle", ["cx": f(left + 16), "cy": f(ly - 4), "r": "5", "fill": color], lineEnd: false)
            svg.add("text", ["x": f(left + 27), "y": f(ly), "fill": "#1f2933"], text: text)
        }
        return svg.finished()
    }

    private var heading: String {
        title.isEmpty ? "Roofline: \(gpu.name), \(precision.rawValue) (dense, FP32 accumulate where the GPU halves it)" : title
    }

    private func color(_ bound: RooflineBound) -> String {
        switch bound {
        case .memory: return "#b83280"
        case .tensorCore: return "#2f855a"
        case .cudaCore: return "#c05621"
        }
    }

    /// A label's box on screen: `x`…`x + w`, `y - 10`…`y + 3` for a baseline at `y`.
    private struct Box {
        let x0, y0, x1, y1: Double
        func overlaps(_ other: Box) -> Bool { x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1 }
    }

    /// Text width estimate for 11 px Helvetica (average glyph about 0.56 em).
    private func textWidth(_ text: String) -> Double { Double(text.count) * 6.2 }

    /// Points, then labels. Configurations that land on the same spot (within 2 px) are one
    /// point. A lone point whose label fits inside the plot without touching anything is
    /// labelled beside it; every other point gets a number beside it, and the right margin lists
    /// each number with all the configurations it stands for. No leader lines.
    private func placePoints(reserved: [Box], into svg: inout SVGChart) {
        struct Group { var items: [Point]; let px: Double; let py: Double }
        var groups: [Group] = []
        for item in points {
            let px = x(item.point.arithmeticIntensity), py = y(item.point.attainableFLOPS)
            if let index = groups.firstIndex(where: { abs($0.px - px) <= 2 && abs($0.py - py) <= 2 }) {
                groups[index].items.append(item)
            } else {
                groups.append(Group(items: [item], px: px, py: py))
            }
        }
        groups.sort { a, b in a.py == b.py ? a.px < b.px : a.py < b.py }
        let plot = Box(x0: left + 2, y0: top + 2, x1: width - right - 2, y1: height - bottom - 2)
        // Keep the legend corner (top left) free.
        var taken: [Box] = [Box(x0: left, y0: top, x1: left + 150, y1: top + 66)] + reserved
        taken += groups.map { Box(x0: $0.px - 6, y0: $0.py - 6, x1: $0.px + 6, y1: $0.py + 6) }
        /// The first spot around `(px, py)` where a label `w` wide fits inside the plot touching nothing.
        func spot(_ px: Double, _ py: Double, width w: Double, radii: [Double]) -> (x: Double, y: Double, anchor: String)? {
            for r in radii {
                let candidates: [(dx: Double, dy: Double, anchor: String)] = [
                    (r, 4, "start"), (-r, 4, "end"), (r - 2, -r, "start"), (r - 2, r + 8, "start"), (-r + 2, -r, "end"), (-r + 2, r + 8, "end"),
                ]
                for candidate in candidates {
                    let tx = px + candidate.dx, ty = py + candidate.dy
                    let box = candidate.anchor == "start"
                        ? Box(x0: tx, y0: ty - 10, x1: tx + w, y1: ty + 3) : Box(x0: tx - w, y0: ty - 10, x1: tx, y1: ty + 3)
                    guard box.x0 >= plot.x0, box.x1 <= plot.x1, box.y0 >= plot.y0, box.y1 <= plot.y1,
                          !taken.contains(where: { $0.overlaps(box) }) else { continue }
                    taken.append(box)
                    return (tx, ty, candidate.anchor)
                }
            }
            return nil
        }
        var beside: [Int: (x: Double, y: Double, anchor: String)] = [:]
        for (index, group) in groups.enumerated() where group.items.count == 1 {
            // A point in a cluster (another within 24 px) is numbered: a label beside it could
            // be read as its neighbour's.
            let crowded = groups.enumerated().contains { other in
                other.offset != index && hypot(other.element.px - group.px, other.element.py - group.py) < 24
            }
            if !crowded, let place = spot(group.px, group.py, width: textWidth(group.items[0].label), radii: [9]) {
                beside[index] = place
            }
        }
        var number = 0
        var legend: [(number: Int, item: Point)] = []
        for (index, group) in groups.enumerated() {
            let first = group.items[0]
            let p = first.point
            let names = group.items.map(\.label).joined(separator: "; ")
            let tooltip = "\(names): \(Format.intensity(p.arithmeticIntensity)), \(SIUnits.flopsPerSecond(p.attainableFLOPS)), \(Format.seconds(p.timeLowerBoundSeconds)), \(p.bound.rawValue)"
            var label = ""
            if let place = beside[index] {
                label = SVGChart.element(
                    "text", ["x": f(place.x), "y": f(place.y), "text-anchor": place.anchor, "fill": "#1f2933", "font-size": "11"], text: first.label)
            } else {
                number += 1
                legend += group.items.map { (number, $0) }
                let place = spot(group.px, group.py, width: textWidth("\(number)") + 2, radii: [8, 14, 22, 32, 44])
                    ?? (group.px + 8, group.py + 4, "start")
                label = SVGChart.element(
                    "text", ["x": f(place.x), "y": f(place.y), "text-anchor": place.anchor, "fill": "#1f2933", "font-size": "11", "font-weight": "bold"],
                    text: "\(number)")
            }
            let circle = SVGChart.element(
                "circle", ["cx": f(group.px), "cy": f(group.py), "r": "4.5", "fill": color(p.bound), "stroke": "#ffffff", "stroke-width": "1"],
                children: SVGChart.title(tooltip))
            svg.add(written: SVGChart.link(first.href, circle + label) + "\n")
        }
        // The margin list: one line per configuration, under its point's number.
        let labelX = width - right + 14
        let spacing = 15.0
        for (row, entry) in legend.enumerated() {
            let ly = top + 12 + spacing * Double(row)
            let text = SVGChart.element(
                "text", ["x": f(labelX), "y": f(ly), "fill": "#1f2933", "font-size": "11"],
                children: SVGChart.element("tspan", ["font-weight": "bold"], text: "\(entry.number)") + " " + SVGChart.escaped(entry.item.label))
            svg.add(written: SVGChart.link(entry.item.href, text) + "\n")
        }
    }

    /// Angle of the bandwidth line on screen (degrees), so its label follows it.
    private func slopeAngle() -> Double {
        let dx = (width - left - right) / (xDecades.1 - xDecades.0)
        let dy = (height - top - bottom) / (yDecades.1 - yDecades.0)
        return atan2(dy, dx) * 180 / .pi
    }

    /// `10⁻¹`, `10¹⁵`.
    private func power(_ exponent: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return "10" + String(String(exponent).compactMap { digits[$0] })
    }
}
