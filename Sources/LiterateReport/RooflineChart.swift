import Foundation
import ModelMeter

/// A log–log roofline chart as standalone SVG: the tensor-core and CUDA-core roofs, the
/// memory-bandwidth slope, both ridge points, and one labelled point per layer.
struct RooflineChart {
    struct Point {
        let label: String
        let point: RooflinePoint
    }

    let gpu: GPUSpec
    let precision: Precision
    let points: [Point]

    private let width = 820.0, height = 520.0
    private let left = 80.0, right = 230.0, top = 40.0, bottom = 60.0
    private let xDecades = (-1.0, 4.0)    // 0.1 … 10⁴ FLOP/B
    private let yDecades = (11.0, 15.0)   // 10¹¹ … 10¹⁵ FLOP/s

    private func x(_ intensity: Double) -> Double {
        let clamped = min(max(intensity, pow(10, xDecades.0)), pow(10, xDecades.1))
        return left + (log10(clamped) - xDecades.0) / (xDecades.1 - xDecades.0) * (width - left - right)
    }

    private func y(_ flops: Double) -> Double {
        let clamped = min(max(flops, pow(10, yDecades.0)), pow(10, yDecades.1))
        return height - bottom - (log10(clamped) - yDecades.0) / (yDecades.1 - yDecades.0) * (height - top - bottom)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    func svg() throws -> String {
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = gpu.memoryBandwidthGBps * 1e9
        let ridge = tensorPeak / bandwidth
        let cudaRidge = cudaPeak / bandwidth
        let xMin = pow(10, xDecades.0), xMax = pow(10, xDecades.1)
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" role="img" aria-label="Roofline of the DeepSeek-OCR vision layers on \(escape(gpu.name))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="#ffffff"/>
        <text x="\(f(left))" y="24" font-size="15" font-weight="bold" fill="#1f2933">Roofline: \(escape(gpu.name)), \(precision.rawValue) (dense, FP32 accumulate where the GPU halves it)</text>

        """
        // Grid and axes.
        for decade in Int(xDecades.0)...Int(xDecades.1) {
            let px = x(pow(10, Double(decade)))
            s += "<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(height - bottom))\" stroke=\"#e4e7eb\"/>\n"
            s += "<text x=\"\(f(px))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\" fill=\"#52606d\">\(power(decade))</text>\n"
        }
        for decade in Int(yDecades.0)...Int(yDecades.1) {
            let py = y(pow(10, Double(decade)))
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(width - right))\" y2=\"\(f(py))\" stroke=\"#e4e7eb\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py + 4))\" text-anchor=\"end\" fill=\"#52606d\">\(power(decade))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(height - top - bottom))\" fill=\"none\" stroke=\"#9aa5b1\"/>\n"
        s += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\" fill=\"#1f2933\">arithmetic intensity (FLOP/byte, log scale)</text>\n"
        s += "<text x=\"18\" y=\"\(f((top + height - bottom) / 2))\" text-anchor=\"middle\" fill=\"#1f2933\" transform=\"rotate(-90 18 \(f((top + height - bottom) / 2)))\">attainable FLOP/s (log scale)</text>\n"

        // Roofs: memory slope up to the tensor-core ridge, then the two flat roofs.
        s += "<polyline points=\"\(f(x(xMin))),\(f(y(bandwidth * xMin))) \(f(x(ridge))),\(f(y(tensorPeak))) \(f(x(xMax))),\(f(y(tensorPeak)))\" fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"2.5\"/>\n"
        s += "<line x1=\"\(f(x(cudaRidge)))\" y1=\"\(f(y(cudaPeak)))\" x2=\"\(f(x(xMax)))\" y2=\"\(f(y(cudaPeak)))\" stroke=\"#c05621\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"
        s += "<text x=\"\(f(x(xMax) - 4))\" y=\"\(f(y(tensorPeak) - 7))\" text-anchor=\"end\" fill=\"#1f4e8c\">tensor-core roof \(SIUnits.format(tensorPeak, unit: "FLOP/s", digits: 1))</text>\n"
        s += "<text x=\"\(f(x(xMax) - 4))\" y=\"\(f(y(cudaPeak) + 15))\" text-anchor=\"end\" fill=\"#c05621\">CUDA-core roof \(SIUnits.format(cudaPeak, unit: "FLOP/s", digits: 1))</text>\n"
        s += "<text x=\"\(f(x(0.3)))\" y=\"\(f(y(bandwidth * 0.3) - 8))\" fill=\"#1f4e8c\" transform=\"rotate(-\(f(slopeAngle())) \(f(x(0.3))) \(f(y(bandwidth * 0.3) - 8)))\">memory \(Int(gpu.memoryBandwidthGBps)) GB/s</text>\n"
        for (row, (value, color, name)) in [(ridge, "#1f4e8c", "tensor-core ridge"), (cudaRidge, "#c05621", "CUDA-core ridge")].enumerated() {
            s += "<line x1=\"\(f(x(value)))\" y1=\"\(f(top))\" x2=\"\(f(x(value)))\" y2=\"\(f(height - bottom))\" stroke=\"\(color)\" stroke-dasharray=\"2 3\"/>\n"
            s += "<text x=\"\(f(x(value) + 4))\" y=\"\(f(height - bottom - 8 - Double(row) * 16))\" fill=\"\(color)\">\(name) \(String(format: "%.1f", value)) FLOP/B</text>\n"
        }

        // One point per layer; labels sit in the right margin, in the points' vertical order,
        // joined to their points by leader lines so clustered points stay readable.
        typealias Placed = (item: Point, px: Double, py: Double)
        let unsorted: [Placed] = points.map { item in
            (item: item, px: x(item.point.arithmeticIntensity), py: y(item.point.attainableFLOPS))
        }
        let placed = unsorted.sorted { (a: Placed, b: Placed) -> Bool in
            a.py == b.py ? a.item.label < b.item.label : a.py < b.py
        }
        let labelX = width - right + 14
        let spacing = 15.0
        var labelY = top + 8
        for (item, px, py) in placed {
            let lowestStart = height - bottom - spacing * Double(placed.count) + spacing
            labelY = max(labelY, min(py, lowestStart))
            let color: String
            switch item.point.bound {
            case .memory: color = "#b83280"
            case .tensorCore: color = "#2f855a"
            case .cudaCore: color = "#c05621"
            }
            s += "<line x1=\"\(f(px))\" y1=\"\(f(py))\" x2=\"\(f(labelX - 3))\" y2=\"\(f(labelY - 4))\" stroke=\"#bcccdc\" stroke-width=\"0.8\"/>\n"
            s += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"4.5\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1\"><title>\(escape(item.label)): \(Format.intensity(item.point.arithmeticIntensity)), \(SIUnits.flopsPerSecond(item.point.attainableFLOPS)), \(item.point.bound.rawValue)</title></circle>\n"
            s += "<text x=\"\(f(labelX))\" y=\"\(f(labelY))\" fill=\"#1f2933\" font-size=\"11\">\(escape(item.label)) (\(String(format: item.point.arithmeticIntensity < 10 ? "%.1f" : "%.0f", item.point.arithmeticIntensity)))</text>\n"
            labelY += spacing
        }
        // Legend, top left of the plot (an empty corner: nothing is compute-bound at low intensity).
        for (row, (color, text)) in [("#2f855a", "tensor-core bound"), ("#c05621", "CUDA-core bound"), ("#b83280", "memory bound")].enumerated() {
            let ly = top + 20 + Double(row) * 18
            s += "<circle cx=\"\(f(left + 16))\" cy=\"\(f(ly - 4))\" r=\"5\" fill=\"\(color)\"/><text x=\"\(f(left + 27))\" y=\"\(f(ly))\" fill=\"#1f2933\">\(text)</text>\n"
        }
        s += "<text x=\"\(f(labelX))\" y=\"\(f(top - 4))\" fill=\"#52606d\" font-size=\"11\">layer (FLOP/B)</text>\n"
        s += "</svg>\n"
        return s
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

    private func escape(_ text: String) -> String { Markup.escape(text) }
}
