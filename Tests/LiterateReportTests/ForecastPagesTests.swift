import Foundation
import Testing
import DeepSeekOCR
import ModelMeter
import LiterateReport

/// The front page, the page-cost page and the per-GPU pages show each runtime profile's
/// forecast beside the bound. The expected figures come from `PageForecast` and the committed
/// profile files, the API behind `modelmeter page --format json --runtime …`, never from the page.
@Suite("Forecast beside the bound on the page pages")
struct ForecastPagesTests {
    /// The committed profile of `runtime` and its file as the site names it.
    static func profile(_ runtime: String) throws -> (profile: RuntimeProfile, file: String) {
        let path = try ProfileFit.profilePath(root: TestProject.root.path, runtime: runtime)
        return (try RuntimeProfile.load(path), "\(ProfileFit.fitsFolder)/\(runtime).json")
    }

    static func forecast(_ runtime: String, page: PageWorkload, gpu: GPUSpec) throws -> PageForecast {
        let (profile, file) = try profile(runtime)
        return try PageForecast(page: page, gpu: gpu, profile: profile, profileFile: file, evaluator: PageCostEvaluator(for: page))
    }

    /// The headline cells `| what | bound | hf-eager | vllm |` for one quantity.
    static func row(_ what: String, bound: String, _ forecasts: [String]) -> String {
        "| \(what) | \(bound) | " + forecasts.joined(separator: " | ") + " |"
    }

    @Test("front page: bound and both forecasts for the default page, the formula with its values, where the constants were measured")
    func frontPage() throws {
        let report = try TestProject.standardReport()
        let files = Dictionary(uniqueKeysWithValues: try SiteGenerator(root: TestProject.root).render(report: report).map { ($0.path, TestProject.text($0.data)) })
        let page = try PageWorkload(workload: report.workload, precision: report.precision)
        let bound = try PageCostEvaluator(for: page).result(page, gpu: report.gpu)
        let forecasts = try RuntimeProfile.names.map { try Self.forecast($0, page: page, gpu: report.gpu) }
        let index = try #require(files["kb/index.md"])

        #expect(index.contains("| quantity | bound (roofline floor) | forecast, hf-eager | forecast, vllm | formula with values (bound) |"))
        #expect(index.contains(Self.row("seconds per page", bound: "**\(SIUnits.seconds(bound.secondsPerPage))**", forecasts.map { SIUnits.seconds($0.secondsPerPage) })))
        #expect(index.contains(Self.row("pages per day", bound: "**\(SIUnits.grouped(Int(bound.pagesPerDay)))**", forecasts.map { SIUnits.grouped(Int($0.pagesPerDay)) })))
        #expect(index.contains(Self.row(
            "output tokens per second", bound: "**\(SIUnits.grouped(Int(bound.outputTokensPerSecond)))**",
            forecasts.map { SIUnits.grouped(Int($0.outputTokensPerSecond)) })))
        // Per stage: bound, share, then each forecast.
        for (stage, seconds) in [(ModelStage.vision, forecasts.map(\.visionSeconds)), (.prefill, forecasts.map(\.prefillSeconds)), (.decode, forecasts.map(\.decodeSeconds))] {
            let b = bound.stage(stage).seconds
            let share = String(format: "%.1f %%", 100 * b / bound.batchSeconds)
            #expect(index.contains("| \(SIUnits.seconds(b)) | \(share) | " + seconds.map(SIUnits.seconds).joined(separator: " | ") + " | "), "stage \(stage)")
        }

        // The vLLM figures are those of `page --format json --runtime vllm` for the default
        // page: the three stages add up to T, and a real runtime is slower than the floor.
        let vllm = forecasts[1]
        #expect(vllm.profile.name == "vllm")
        #expect(abs(vllm.batchSeconds - (vllm.visionSeconds + vllm.prefillSeconds + vllm.decodeSeconds)) < 1e-12)
        #expect(vllm.secondsPerPage > bound.secondsPerPage && forecasts[0].secondsPerPage > vllm.secondsPerPage)
        guard case let .object(fields) = vllm.json(), case let .double(perPage)? = fields.first(where: { $0.0 == "secondsPerPage" })?.1 else {
            Issue.record("forecast JSON lacks secondsPerPage")
            return
        }
        #expect(index.contains("| seconds per page | **\(SIUnits.seconds(bound.secondsPerPage))** | \(SIUnits.seconds(forecasts[0].secondsPerPage)) | \(SIUnits.seconds(perPage)) |"))

        // The formula once, with the values of this page: each stage's kernel time and host time.
        #expect(index.components(separatedBy: "**Forecast.**").count == 2)
        #expect(index.contains("max(F_tc/(P_tc·e_c) + F_cuda/(P_cuda·e_c), bytes/(BW·e_b)) + launches·m·t_launch"))
        for forecast in forecasts {
            let profile = forecast.profile
            let host = Double(page.outputTokens) * (profile.stepHostSeconds + Double(page.batch) * profile.sequenceHostSeconds)
            let decode = String(format: "decode (%.6g + %.6g)", forecast.decodeSeconds - host, host)
            #expect(index.contains(decode), "\(profile.name): \(decode)")
            #expect(index.contains(String(format: "= %.6g s; T / B = %.6g s", forecast.batchSeconds, forecast.secondsPerPage)))
        }
        // Where the constants were measured: the measured page, each fit file, each fitted point's source.
        #expect(index.contains("[Measured vs predicted](measured.md)"))
        for runtime in RuntimeProfile.names {
            let (profile, file) = try Self.profile(runtime)
            #expect(index.contains("**forecast, \(runtime)** (\(file))"))
            for point in profile.points where point.fitted {
                #expect(index.contains(Markup.escape(point.source, for: .markdown)), "\(runtime): \(point.source)")
            }
        }
        #expect(index.contains("bound (roofline floor)") && index.contains("forecast, vllm"))

        // The page-cost page: the same figures in its headline table.
        let pageCost = try #require(files["kb/page-cost.md"])
        #expect(pageCost.contains(Self.row("batch time T", bound: SIUnits.seconds(bound.batchSeconds), forecasts.map { SIUnits.seconds($0.batchSeconds) })))
        #expect(pageCost.contains(Self.row("pages per day", bound: SIUnits.grouped(Int(bound.pagesPerDay)), forecasts.map { SIUnits.grouped(Int($0.pagesPerDay)) })))
    }

    @Test("per-GPU page: the forecast on that GPU's roofs with the fitted efficiencies, said to be assumed there")
    func gpuPage() throws {
        let report = try TestProject.standardReport()
        let files = Dictionary(uniqueKeysWithValues: try SiteGenerator(root: TestProject.root).render(report: report).map { ($0.path, TestProject.text($0.data)) })
        let page = try PageWorkload(workload: report.workload, precision: report.precision)
        for gpu in [GPUCatalog.h200, GPUCatalog.a100SXM40GB] {
            let text = try #require(files["kb/page-cost-\(gpu.id).md"])
            let bound = try PageCostEvaluator(for: page).result(page, gpu: gpu)
            let forecasts = try RuntimeProfile.names.map { try Self.forecast($0, page: page, gpu: gpu) }
            #expect(text.contains(Self.row("seconds per page", bound: "**\(SIUnits.seconds(bound.secondsPerPage))**", forecasts.map { SIUnits.seconds($0.secondsPerPage) })), "\(gpu.id)")
            #expect(text.contains(Self.row(
                "output tokens per second", bound: "**\(SIUnits.grouped(Int(bound.outputTokensPerSecond)))**",
                forecasts.map { SIUnits.grouped(Int($0.outputTokensPerSecond)) })), "\(gpu.id)")
            // The roofs in the formula's values are this GPU's.
            let roofs = try KernelRoofs(gpu: gpu, precision: page.precision)
            #expect(text.contains(String(format: "BW = %g GB/s", roofs.bandwidth / 1e9)))
            #expect(text.contains("are assumed, not measured, on any other GPU"))
        }
        // A faster GPU gives a faster forecast with the same profile.
        let h200 = try Self.forecast("vllm", page: page, gpu: GPUCatalog.h200)
        let rtx = try Self.forecast("vllm", page: page, gpu: GPUCatalog.rtx5090)
        #expect(h200.secondsPerPage < rtx.secondsPerPage)
    }
}
