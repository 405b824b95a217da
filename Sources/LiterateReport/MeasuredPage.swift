import DeepSeekOCR
import Foundation
import ModelMeter

/// Builds the view of `templates/measured.md.mustache`: every measured point of the runtime
/// profiles beside its bound and forecast, a log-log scatter of both against the measurement,
/// and the fitted constants with the data they came from.
struct MeasuredPageBuilder {
    /// The profiles as committed (`context/measurements/fits/`), with the files they came from.
    let profiles: [(profile: RuntimeProfile, file: String)]

    static let chartFile = "measured-vs-predicted.svg"

    init(root: URL) throws {
        profiles = try Self.loadProfiles(root: root)
    }

    init(profiles: [(profile: RuntimeProfile, file: String)]) {
        self.profiles = profiles
    }

    /// Every committed profile, read once for the pages that show a forecast.
    static func loadProfiles(root: URL) throws -> [(profile: RuntimeProfile, file: String)] {
        try RuntimeProfile.names.map { name in
            let path = try ProfileFit.profilePath(root: root.path, runtime: name)
            do {
                return (try RuntimeProfile.load(path), "\(ProfileFit.fitsFolder)/\(name).json")
            } catch let error as ModelMeterError {
                throw SiteError(file: "\(ProfileFit.fitsFolder)/\(name).json", error.description)
            }
        }
    }

    /// A point as a time: seconds as measured; rates become seconds per unit (`1/rate`, and
    /// `86,400/(pages/day)` seconds per page).
    static func seconds(_ value: Double, unit: String) -> Double {
        switch unit {
        case "pages/day": return 86_400 / value
        case "tokens/s": return 1 / value
        default: return value
        }
    }

    static func figure(_ value: Double, unit: String) -> String {
        switch unit {
        case "s": return SIUnits.seconds(value)
        default: return SIUnits.grouped(Int(value.rounded())) + " " + unit
        }
    }

    func view() -> (view: [String: Any], chart: String) {
        var rows: [[String: Any]] = []
        var sources: [String] = []
        var scatter: [(measured: Double, bound: Double, forecast: Double, fitted: Bool)] = []
        for (profile, _) in profiles {
            for p in profile.points {
                let rate = p.unit != "s"
                // For a rate the bound is an upper limit; as a time it is a lower one.
                let boundRatio = rate ? p.measured / p.bound : p.bound / p.measured
                if !sources.contains(p.source) { sources.append(p.source) }
                let sourceIndex = sources.firstIndex(of: p.source)! + 1
                rows.append([
                    "runtime": profile.name,
                    "label": Markup.escape(p.label, for: .markdown),
                    "source": "S\(sourceIndex)",
                    "measured": Self.figure(p.measured, unit: p.unit),
                    "bound": Self.figure(p.bound, unit: p.unit),
                    "forecast": Self.figure(p.forecast, unit: p.unit),
                    "boundRatio": String(format: "%.2f", boundRatio),
                    "error": String(format: "%+.1f %%", 100 * p.relativeError),
                    "use": p.fitted ? "fitted" : "held out",
                ])
                scatter.append((
                    Self.seconds(p.measured, unit: p.unit), Self.seconds(p.bound, unit: p.unit), Self.seconds(p.forecast, unit: p.unit),
                    p.fitted))
            }
        }
        let held = profiles.flatMap { $0.profile.points.filter { !$0.fitted } }
        let worstHeld = held.map { abs($0.relativeError) }.max() ?? 0
        let constants: [[String: Any]] = profiles.flatMap { profile, file in
            profile.efficiencies.keys.sorted().compactMap { key -> [String: Any]? in
                guard let e = profile.efficiencies[key], let c = KernelClass.allCases.first(where: { $0.key == key }) else { return nil }
                return [
                    "runtime": profile.name, "file": file, "class": c.rawValue, "key": key,
                    "compute": String(format: "%.3f", e.compute), "bandwidth": String(format: "%.3f", e.bandwidth),
                    "m": String(format: "%.2f", e.kernelsPerModelKernel), "launch": SIUnits.seconds(e.launchSeconds),
                    "source": Markup.escape(e.source, for: .markdown),
                ]
            }
        }
        let runtimes: [[String: Any]] = profiles.map { profile, file in
            var serving = ""
            if let s = profile.serving {
                serving = "max \(s.maxSequences) sequences, \(Int((s.memoryUtilization * 100).rounded())) % of memory, encoder budget \(s.encoderBudgetTokens) image positions (\(Markup.escape(s.source, for: .markdown)))"
            }
            return [
                "name": profile.name, "file": file, "description": Markup.escape(profile.description, for: .markdown),
                "step": SIUnits.seconds(profile.stepHostSeconds), "stepSource": Markup.escape(profile.stepHostSource, for: .markdown),
                "sequence": SIUnits.seconds(profile.sequenceHostSeconds),
                "sequenceSource": Markup.escape(profile.sequenceHostSource.isEmpty ? "none fitted" : profile.sequenceHostSource, for: .markdown),
                "launch": SIUnits.seconds(profile.launchSeconds), "launchSource": Markup.escape(profile.launchSource, for: .markdown),
                "serving": serving, "hasServing": !serving.isEmpty,
            ]
        }
        let view: [String: Any] = [
            "title": "Measured vs predicted",
            "rows": rows,
            "sources": sources.enumerated().map { ["id": "S\($0.offset + 1)", "text": Markup.escape($0.element, for: .markdown)] },
            "constants": constants,
            "runtimes": runtimes,
            "chart": Self.chartFile,
            "points": rows.count,
            "heldOut": held.count,
            "worstHeldOut": String(format: "%.0f %%", 100 * worstHeld),
        ]
        return (view, Self.scatterSVG(scatter))
    }

    /// Log-log scatter: x measured seconds, y bound (open circle) and forecast (filled; square
    /// when held out), with the line y = x.
    static func scatterSVG(_ points: [(measured: Double, bound: Double, forecast: Double, fitted: Bool)]) -> String {
        let (width, height, left, right, top, bottom) = (640.0, 480.0, 70.0, 20.0, 20.0, 60.0)
        let values = points.flatMap { [$0.measured, $0.bound, $0.forecast] }.filter { $0 > 0 }
        let low = floor(log10(values.min() ?? 1e-6)), high = ceil(log10(values.max() ?? 1))
        func x(_ v: Double) -> Double { left + (log10(v) - low) / (high - low) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - (log10(v) - low) / (high - low) * (height - top - bottom) }
        let f = SVGChart.number
        var svg = SVGChart(width: width, height: height, attributes: ["role": "img", "aria-label": "forecast and bound against measured time, log-log"])
        svg.add("rect", ["x": "0", "y": "0", "width": "\(Int(width))", "height": "\(Int(height))", "fill": "#fff"])
        var decade = low
        while decade <= high {
            let v = pow(10, decade)
            let label = SIUnits.seconds(v)
            svg.add("line", ["x1": f(x(v)), "y1": f(top), "x2": f(x(v)), "y2": f(height - bottom), "stroke": "#ddd"], lineEnd: false)
            svg.add("line", ["x1": f(left), "y1": f(y(v)), "x2": f(width - right), "y2": f(y(v)), "stroke": "#ddd"], lineEnd: false)
            svg.add("text", ["x": f(x(v)), "y": f(height - bottom + 16), "font-size": "11", "text-anchor": "middle"], text: label, lineEnd: false)
            svg.add("text", ["x": f(left - 6), "y": f(y(v) + 4), "font-size": "11", "text-anchor": "end"], text: label)
            decade += 1
        }
        let lo = pow(10, low), hi = pow(10, high)
        svg.add("line", ["x1": f(x(lo)), "y1": f(y(lo)), "x2": f(x(hi)), "y2": f(y(hi)), "stroke": "#444", "stroke-dasharray": "4 3"])
        svg.add("text", ["x": f(x(hi) - 4), "y": f(y(hi) + 14), "font-size": "11", "text-anchor": "end"], text: "y = x")
        for p in points {
            svg.add("circle", ["cx": f(x(p.measured)), "cy": f(y(p.bound)), "r": "4", "fill": "none", "stroke": "#1f77b4"], lineEnd: false)
            if p.fitted {
                svg.add("circle", ["cx": f(x(p.measured)), "cy": f(y(p.forecast)), "r": "4", "fill": "#d62728"])
            } else {
                svg.add("rect", ["x": f(x(p.measured) - 4), "y": f(y(p.forecast) - 4), "width": "8", "height": "8", "fill": "#ff7f0e"])
            }
        }
        svg.add(
            "text", ["x": f((left + width - right) / 2), "y": f(height - 18), "font-size": "12", "text-anchor": "middle"],
            text: "measured (seconds; rates as seconds per token or page)")
        svg.add(
            "text", ["transform": "translate(16 \(f((top + height - bottom) / 2))) rotate(-90)", "font-size": "12", "text-anchor": "middle"],
            text: "predicted (seconds)")
        let legend = [("#1f77b4", "bound (open circle)"), ("#d62728", "forecast, fitted on"), ("#ff7f0e", "forecast, held out (square)")]
        for (i, (color, text)) in legend.enumerated() {
            let ly = top + 14 + Double(i) * 16
            svg.add("rect", ["x": f(left + 10), "y": f(ly - 8), "width": "8", "height": "8", "fill": color], lineEnd: false)
            svg.add("text", ["x": f(left + 24), "y": f(ly), "font-size": "11"], text: text)
        }
        return svg.finished()
    }
}
