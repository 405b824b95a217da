import DeepSeekOCR
import Foundation
import ModelMeter

/// Builds the view of `templates/page-cost.md.mustache`: what a page costs end to end for the
/// report's workload and GPU, the A4-scan question on several GPUs, a stacked per-stage chart
/// per mode, the serving curve on the A100-40GB, and the authors' claims beside our bounds.
struct PageCostPageBuilder {
    static let stagesChartFile = "page-cost-stages.svg"
    static let servingChartFile = "page-cost-serving.svg"
    /// The GPU of the authors' claims.
    static let claimsGPU = GPUCatalog.a100SXM40GB
    /// "200k+ pages per day" on one A100-40G (paper), "~2500 tokens/s" on an A100-40G with vLLM (README).
    static let claimedPagesPerDay = 200_000.0
    static let claimedTokensPerSecond = 2_500.0
    static let a4 = "1654x2339"

    let report: ModelReport
    /// The runtime profiles whose forecasts stand beside the bounds (`context/measurements/fits/`).
    let profiles: [(profile: RuntimeProfile, file: String)]

    /// The page job of the report's workload with the default output length.
    func basePage() throws -> PageWorkload {
        try PageWorkload(workload: report.workload, precision: report.precision)
    }

    func view() throws -> (view: [String: Any], charts: [String: String]) {
        let page = try basePage()
        let evaluator = PageCostEvaluator(for: page)
        let result = try evaluator.result(page, gpu: report.gpu)
        var view: [String: Any] = [
            "title": "What a page costs",
            "page": page.label,
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "attention": page.workload.kernel.rawValue,
            "batch": "\(page.batch)",
            "visionTokens": Format.count(page.workload.visionTokensPerPage),
            "promptText": Format.count(page.workload.decoder.promptTextTokens),
            "prompt": Format.count(page.promptTokens),
            "outputTokens": Format.count(page.outputTokens),
            "finalPositions": Format.count(page.finalPositions),
            "kvPerToken": Format.count(result.cost.kvBytesPerToken),
            "stagesChart": Self.stagesChartFile,
            "servingChart": Self.servingChartFile,
            "claimsGPU": Markup.escape(Self.claimsGPU.name, for: .markdown),
        ]
        view["stages"] = try result.stages.map { try Self.stageRow($0, result) }
        view["picker"] = GPUPagesBuilder.picker(current: nil)
        view.merge(try GPUPagesBuilder.decodeSplitView(
            PageBreakdownView(breakdown: try PageModuleBreakdown(result)), batchSteps: try GPUPagesBuilder.batchSteps(page))) { $1 }
        view["decodeBytes"] = Format.code(PageReport.decodeSumLine(result, \.ioBytes, unit: SIUnits.bytes))
        view["decodeFLOPs"] = Format.code(PageReport.decodeSumLine(result, \.tensorCoreFLOPs, unit: SIUnits.flops))
        view["decodeTime"] = Format.code(try Self.decodeTimeLine(result))
        let forecast = try ForecastColumns(profiles: profiles, page: page, gpu: report.gpu, evaluator: evaluator)
        view["totals"] = forecast.headline(Self.totalsLines(result))
        view.merge(forecast.view()) { $1 }
        view["memory"] = Format.code(memoryLine(result))

        // The A4 scan on several GPUs, one page at a time.
        let a4 = try page.withBatch(1).withMode(page.workload.model.description.pageMode).withPage(try PageSize(parsing: Self.a4))
        let a4GPUs = [GPUCatalog.rtx5090, GPUCatalog.h100SXM, GPUCatalog.a100SXM40GB, GPUCatalog.h200]
        view["a4Tokens"] = Format.count(a4.promptTokens)
        view["a4Grid"] = a4.workload.crops?.description ?? ""
        view["cropSide"] = "\(a4.workload.imageSize)"
        view["baseSide"] = "\(a4.workload.baseSize)"
        let model = report.workload.model.description
        view["modelName"] = model.name
        view["visionEncoders"] = model.visionEncoders
        view["viewsOfAPage"] = model.viewsOfAPage
        view["imagePositionsInclude"] = model.imagePositionsInclude
        view["throughputClaims"] = model.throughputClaims
        view["claimedPages"] = model.claimedPages
        view["a4"] = try a4GPUs.map { gpu in resultRow(try evaluator.result(a4, gpu: gpu), label: Markup.escape(gpu.name, for: .markdown)) }

        // Per mode, one page on the report's GPU: the stacked chart.
        var modePages = try page.workload.model.modes.map { try page.withBatch(1).withMode($0) }
        modePages.append(a4)
        let modeResults = try modePages.map { try evaluator.result($0, gpu: report.gpu) }
        view["modes"] = modeResults.map { resultRow($0, label: $0.page.label) }
        let stacked = StackedBarChart(
            title: "Time lower bound per page by stage, \(report.gpu.name), B = 1, N = \(page.outputTokens)",
            labels: modeResults.map { $0.page.label.replacingOccurrences(of: " (page \(Self.a4))", with: " A4") },
            stackNames: ModelStage.allCases.map(\.rawValue),
            values: modeResults.map { r in ModelStage.allCases.map { r.stage($0).seconds } })

        // Serving on the claims GPU.
        let serving = try ServingAnalysis(page: page.withBatch(1), gpu: Self.claimsGPU, evaluator: evaluator)
        view["largestBatch"] = Format.count(serving.largestBatch)
        view["serving"] = serving.curve.map { r in
            resultRow(r, label: "\(r.page.batch)").merging([
                "latency": Format.seconds(r.batchSeconds),
                "peak": Format.bytes(r.peakMemoryBytes),
                "stage": r.cost.stageMemoryBytes.max { $0.value < $1.value }.map { $0.key.rawValue } ?? "",
            ]) { $1 }
        }
        if let b = serving.decodeComputeBoundBatch {
            view["decodeRegime"] = "the first decode step becomes compute-bound at B = \(b)"
        } else {
            view["decodeRegime"] = String(
                format: "decode never leaves the memory roof: even at B = %ld (memory ignored) the first step's intensity is %.1f FLOP/byte, below the ridge point of %.1f FLOP/byte",
                ServingAnalysis.largestBatchSearched, serving.decodeIntensityAtLargestSearched, serving.ridgePoint)
        }
        let curve = LineChart(
            title: "Serving \(page.label) on the \(Self.claimsGPU.name): throughput vs latency as B grows",
            xTitle: "batch latency T (s)", yTitle: "pages per day (upper bound)",
            points: serving.curve.map { ($0.batchSeconds, $0.pagesPerDay, "B=\($0.page.batch)") }, yTick: LineChart.count)

        view["claims"] = try claimRows(page: page, evaluator: evaluator)
        return (view, [Self.stagesChartFile: stacked.svg(), Self.servingChartFile: curve.svg()])
    }

    /// One stage of a page job: its costs and its time bound with the formula and values.
    static func stageRow(_ stage: PageStageResult, _ result: PageResult) throws -> [String: Any] {
        let gpu = result.gpu
        let peak = try gpu.tensorCorePeak(for: result.page.precision)
        let formula: String
        if stage.stage == .decode {
            formula = "Σ over N steps of max(compute, memory): see below"
        } else {
            formula = String(
                format: "max(%ld / %.4ge12 + %ld / %.4ge12, %ld / %.4ge9)", stage.cost.tensorCoreFLOPs, peak.teraFLOPS,
                stage.cost.cudaCoreFLOPs, gpu.cudaCorePeak.teraFLOPS, stage.cost.ioBytes, gpu.memoryBandwidthGBps)
        }
        return [
            "stage": stage.stage.rawValue,
            "calls": Format.count(stage.calls),
            "tensorCore": Format.flops(stage.cost.tensorCoreFLOPs),
            "cudaCore": Format.flops(stage.cost.cudaCoreFLOPs),
            "bytes": Format.bytes(stage.cost.ioBytes),
            "weights": Format.bytes(stage.weightReads.totalBytes),
            "kv": Format.bytes(stage.cacheReadBytes),
            "activations": Format.bytes(stage.activationBytes),
            "formula": Format.code(formula),
            "time": Format.seconds(stage.seconds),
            "bound": stage.stage == .decode
                ? "\(stage.boundBy.rawValue) (\(stage.memoryBoundCalls) of \(stage.calls) steps memory-bound)" : stage.boundBy.rawValue,
        ]
    }

    /// `Σ max(C, M) = N·M(L₀) + M_Δ·N(N−1)/2 = …` (the memory-bound run) plus the compute-bound run.
    static func decodeTimeLine(_ result: PageResult) throws -> String {
        let time = try DecodeTime(cost: result.cost, gpu: result.gpu)
        let n = result.page.outputTokens
        var text = String(
            format: "C(L) = %.6g s + %.6g s·(L − L₀), M(L) = %.6g s + %.6g s·(L − L₀); ",
            time.computeSeconds.first, time.computeSeconds.slope, time.memorySeconds.first, time.memorySeconds.slope)
        if time.computeBoundSteps == 0 {
            text += String(
                format: "all %ld steps memory-bound: N·M(L₀) + M_Δ·N(N−1)/2 = %ld·%.6g + %.6g·%ld = %.6g s",
                n, n, time.memorySeconds.first, time.memorySeconds.slope, AffinePassCost.triangle(n), time.seconds)
        } else if time.memoryBoundSteps == 0 {
            text += String(
                format: "all %ld steps compute-bound: N·C(L₀) + C_Δ·N(N−1)/2 = %ld·%.6g + %.6g·%ld = %.6g s",
                n, n, time.computeSeconds.first, time.computeSeconds.slope, AffinePassCost.triangle(n), time.seconds)
        } else {
            text += String(
                format: "%ld steps memory-bound, %ld compute-bound, each run an arithmetic series: %.6g s",
                time.memoryBoundSteps, time.computeBoundSteps, time.seconds)
        }
        return text
    }

    /// `T`, `T / B`, pages per day and output tokens per second, each with its formula and values.
    static func totalsLines(_ result: PageResult) -> [[String: String]] {
        let page = result.page
        let seconds = result.stages.map { String(format: "%.6g", $0.seconds) }.joined(separator: " + ")
        return [
            ["what": "batch time T", "key": "batchSeconds", "formula": Format.code("vision + prefill + decode = \(seconds)"), "value": Format.seconds(result.batchSeconds)],
            ["what": "seconds per page", "key": "secondsPerPage", "formula": Format.code(String(format: "T / B = %.6g / %ld", result.batchSeconds, page.batch)), "value": Format.seconds(result.secondsPerPage)],
            ["what": "pages per day", "key": "pagesPerDay", "formula": Format.code(String(format: "86400·B / T = 86400·%ld / %.6g", page.batch, result.batchSeconds)), "value": Format.count(Int(result.pagesPerDay))],
            ["what": "output tokens per second", "key": "outputTokensPerSecond", "formula": Format.code(String(format: "B·N / T = %ld·%ld / %.6g", page.batch, page.outputTokens, result.batchSeconds)), "value": Format.count(Int(result.outputTokensPerSecond))],
        ]
    }

    private func memoryLine(_ result: PageResult) -> String {
        let cost = result.cost
        let page = result.page
        let stages = ModelStage.allCases.map { "\($0.rawValue) \(cost.stageMemoryBytes[$0] ?? 0)" }.joined(separator: ", ")
        return "KV(end) = B·(P + N)·\(cost.kvBytesPerToken) = \(page.batch)·\(page.finalPositions)·\(cost.kvBytesPerToken) = \(cost.kvCacheBytes) B; "
            + "W + A + KV per stage: \(stages) B; peak \(SIUnits.bytes(cost.peakMemoryBytes)) of \(SIUnits.bytes(Int(result.memoryCapacityBytes)))"
    }

    private func resultRow(_ r: PageResult, label: String) -> [String: Any] {
        [
            "label": label,
            "prompt": Format.count(r.page.promptTokens),
            "vision": Format.seconds(r.stage(.vision).seconds),
            "prefill": Format.seconds(r.stage(.prefill).seconds),
            "decode": Format.seconds(r.stage(.decode).seconds),
            "decodeBound": r.stage(.decode).boundBy.rawValue,
            "perPage": Format.seconds(r.secondsPerPage),
            "pagesPerDay": Format.count(Int(r.pagesPerDay)),
            "pagesPerDayFormula": Format.code(String(
                format: "86400·%ld / (%.4g + %.4g + %.4g)", r.page.batch, r.stage(.vision).seconds, r.stage(.prefill).seconds,
                r.stage(.decode).seconds)),
            "tokensPerSecond": Format.count(Int(r.outputTokensPerSecond)),
        ]
    }

    /// Claims beside bounds: each mode at the largest batch that fits on the A100-40GB (and,
    /// for comparison, the H200), N output tokens per page.
    private func claimRows(page: PageWorkload, evaluator: PageCostEvaluator) throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        let model = page.workload.model.description
        let a4 = try page.withBatch(1).withMode(model.pageMode).withPage(try PageSize(parsing: Self.a4))
        let modes = model.pageCostModes
        let pages = try modes.map { try page.withBatch(1).withMode($0) } + [a4]
        for gpu in [Self.claimsGPU, GPUCatalog.h200] {
            for single in pages {
                let batch = try ServingAnalysis.largestBatch(page: single, gpu: gpu, evaluator: evaluator)
                guard batch > 0 else { continue }
                let r = try evaluator.result(try single.withBatch(batch), gpu: gpu)
                let claimed = gpu.id == Self.claimsGPU.id
                func efficiency(_ claim: Double, _ bound: Double) -> String {
                    guard claimed else { return "no published claim" }
                    let share = 100 * claim / bound
                    return share > 100 ? String(format: "%.0f %% (claim beats the bound: the bound is wrong)", share) : String(format: "%.0f %%", share)
                }
                rows.append([
                    "gpu": Markup.escape(gpu.name, for: .markdown),
                    "page": r.page.label,
                    "batch": Format.count(batch),
                    "pagesPerDayFormula": Format.code(String(format: "86400·%ld / %.4g", batch, r.batchSeconds)),
                    "pagesPerDay": Format.count(Int(r.pagesPerDay)),
                    "pagesClaim": claimed ? "200,000+" : "—",
                    "pagesEfficiency": efficiency(Self.claimedPagesPerDay, r.pagesPerDay),
                    "tokensFormula": Format.code(String(format: "%ld·%ld / %.4g", batch, r.page.outputTokens, r.batchSeconds)),
                    "tokensPerSecond": Format.count(Int(r.outputTokensPerSecond)),
                    "tokensClaim": claimed ? "~2,500" : "—",
                    "tokensEfficiency": efficiency(Self.claimedTokensPerSecond, r.outputTokensPerSecond),
                ])
            }
        }
        return rows
    }
}
