import DeepSeekOCR
import Foundation
import ModelMeter

/// The forecast of a page under each committed runtime profile (`context/measurements/fits/`),
/// shown beside the bound: one column per profile in a headline table and in the stage table,
/// the forecast formula once with the values that gave the page's figure, and where each
/// profile's constants were measured. Every figure comes from ``PageForecast``, the evaluator
/// `modelmeter page --runtime` uses.
struct ForecastColumns {
    let forecasts: [(forecast: PageForecast, file: String)]
    let page: PageWorkload
    let gpu: GPUSpec

    init(profiles: [(profile: RuntimeProfile, file: String)], page: PageWorkload, gpu: GPUSpec, evaluator: PageCostEvaluator) throws {
        self.page = page
        self.gpu = gpu
        forecasts = try profiles.map { profile, file in
            (try PageForecast(page: page, gpu: gpu, profile: profile, profileFile: file, evaluator: evaluator), file)
        }
    }

    /// The label of a profile's column: `forecast, vllm`.
    static func label(_ profile: RuntimeProfile) -> String { "forecast, \(profile.name)" }

    /// Column heads, one per profile.
    var heads: [[String: String]] {
        forecasts.map { ["name": Markup.escape(Self.label($0.forecast.profile), for: .markdown)] }
    }

    /// The forecast of a headline row (`PageCostPageBuilder.totalsLines`'s `key`) under `forecast`.
    static func value(_ key: String, _ forecast: PageForecast) -> String? {
        switch key {
        case "batchSeconds": return Format.seconds(forecast.batchSeconds)
        case "secondsPerPage": return Format.seconds(forecast.secondsPerPage)
        case "pagesPerDay": return Format.count(Int(forecast.pagesPerDay))
        case "outputTokensPerSecond": return Format.count(Int(forecast.outputTokensPerSecond))
        default: return nil
        }
    }

    /// `rows` with a `forecasts` list (one cell per profile) added to each.
    func headline(_ rows: [[String: String]]) -> [[String: Any]] {
        rows.map { row in
            var merged: [String: Any] = row
            merged["forecasts"] = forecasts.map { entry in ["value": row["key"].flatMap { Self.value($0, entry.forecast) } ?? "—"] }
            return merged
        }
    }

    /// A stage's forecast seconds under `forecast`.
    static func seconds(_ stage: ModelStage, _ forecast: PageForecast) -> Double {
        switch stage {
        case .vision: return forecast.visionSeconds
        case .prefill: return forecast.prefillSeconds
        case .decode: return forecast.decodeSeconds
        }
    }

    /// One cell per profile for `stage`.
    func stageCells(_ stage: ModelStage) -> [[String: String]] {
        forecasts.map { ["value": Format.seconds(Self.seconds(stage, $0.forecast))] }
    }

    /// Host seconds of a stage under `profile`: `t_step` for vision, `t_step + B·t_seq` per
    /// prefill call and per decode step (as ``PageForecast`` adds them).
    func hostSeconds(_ stage: ModelStage, _ profile: RuntimeProfile) -> Double {
        switch stage {
        case .vision: return profile.stepHostSeconds
        case .prefill: return profile.hostSeconds(sequences: page.batch)
        case .decode: return Double(page.outputTokens) * profile.hostSeconds(sequences: page.batch)
        }
    }

    /// The forecast formula, once: per kernel and per call.
    var formula: String {
        Format.code("t_k = max(F_tc/(P_tc·e_c) + F_cuda/(P_cuda·e_c), bytes/(BW·e_b)) + launches·m·t_launch")
            + " for each kernel of the model (a cost term of the evaluator, its class GEMM, GEMV, attention, …), a call "
            + Format.code("Σ_k count_k·t_k + t_step (+ B·t_seq for prefill and each decode step)")
            + ", decode summed step by step as the cache grows, "
            + Format.code("T = vision + prefill + decode") + ", per page " + Format.code("T / B")
    }

    /// One line per profile: the page's seconds with the values that produced them.
    var values: [[String: String]] {
        let roofs = try? KernelRoofs(gpu: gpu, precision: page.precision)
        let peaks = roofs.map {
            String(format: "P_tc = %g TFLOP/s, P_cuda = %g TFLOP/s, BW = %g GB/s", $0.tensorCore / 1e12, $0.cudaCore / 1e12, $0.bandwidth / 1e9)
        } ?? ""
        return forecasts.map { forecast, file in
            let profile = forecast.profile
            let stages = ModelStage.allCases.map { stage -> String in
                let total = Self.seconds(stage, forecast)
                let host = hostSeconds(stage, profile)
                return "\(stage.rawValue) (\(String(format: "%.6g", total - host)) + \(String(format: "%.6g", host)))"
            }
            let host = String(format: "t_step = %.6g s, t_seq = %.6g s, B = %ld, N = %ld", profile.stepHostSeconds, profile.sequenceHostSeconds, page.batch, page.outputTokens)
            let classes = profile.efficiencies.keys.sorted().map { key -> String in
                let e = profile.efficiencies[key]!
                return String(format: "%@ e_c %.3g, e_b %.3g, m %.3g, t_launch %.3g µs", key, e.compute, e.bandwidth, e.kernelsPerModelKernel, e.launchSeconds * 1e6)
            }.joined(separator: "; ")
            let line = "T = (Σ t_k + host) per stage = \(stages.joined(separator: " + ")) = \(String(format: "%.6g", forecast.batchSeconds)) s; "
                + "T / B = \(String(format: "%.6g", forecast.secondsPerPage)) s"
            return [
                "name": Markup.escape(Self.label(profile), for: .markdown),
                "line": Format.code(line),
                "constants": Format.code("\(peaks); \(host); experts \(profile.loopsOverExperts ? "looped (E_t launches)" : "grouped"); \(classes)"),
                "file": Markup.escape(file, for: .markdown),
            ]
        }
    }

    /// Where each profile's constants were measured: its description, its file and the fitted
    /// points' labels and sources, all from the profile file.
    var provenance: [[String: String]] {
        forecasts.map { forecast, file in
            let profile = forecast.profile
            let fitted = profile.points.filter(\.fitted).map { "\($0.label) (\($0.source))" }
            return [
                "name": Markup.escape(Self.label(profile), for: .markdown),
                "file": Markup.escape(file, for: .markdown),
                "description": Markup.escape(profile.description, for: .markdown),
                "fitted": Markup.escape(fitted.joined(separator: "; "), for: .markdown),
                "heldOut": { n in "\(n) measurement\(n == 1 ? "" : "s")" }(profile.points.filter { !$0.fitted }.count),
            ]
        }
    }

    /// The keys the templates read.
    func view() -> [String: Any] {
        [
            "forecastHeads": heads,
            "forecastFormula": formula,
            "forecastValues": values,
            "forecastSources": provenance,
        ]
    }
}
