import ModelMeter
import DeepSeekOCR

/// Builds the view of `templates/index.md.mustache`: the reader's front page. It leads with a
/// page: its time, pages per day and tokens per second on the report's GPU (roofline floor),
/// where that time goes by stage and by module class, then the model's facts and where to read on.
struct IndexPageBuilder {
    static let stagesChartFile = "index-page-stages.svg"
    static let classesChartFile = "index-page-classes.svg"

    let report: ModelReport
    /// The runtime profiles whose forecasts stand beside the bounds (`context/measurements/fits/`).
    let profiles: [(profile: RuntimeProfile, file: String)]

    func view(title: String, readme: String, layers: [[String: String]]) throws -> (view: [String: Any], charts: [String: String]) {
        let page = try PageWorkload(workload: report.workload, precision: report.precision)
        let evaluator = PageCostEvaluator(for: page)
        let result = try evaluator.result(page, gpu: report.gpu)
        let breakdown = PageBreakdownView(
            breakdown: try PageModuleBreakdown(result),
            forecast: try ForecastColumns(profiles: profiles, page: page, gpu: report.gpu, evaluator: evaluator))
        let totals = report.totals
        var view = try breakdown.view(stageFile: Self.stagesChartFile, classFile: Self.classesChartFile)
        view.merge([
            "title": title,
            "modelName": report.workload.model.description.name,
            "readme": readme,
            "parameters": Format.count(totals.parameters),
            "weightBytes": Format.bytes(result.cost.weightBytes),
            "kvCacheBytes": Format.bytes(result.cost.kvCacheBytes),
            "finalPositions": Format.count(page.finalPositions),
            "peakBytes": Format.bytes(result.peakMemoryBytes),
            "layers": layers,
        ]) { $1 }
        // Logits: the page prices prefill as a server runs it; the per-call pages as Hugging Face does.
        let prefillFLOPs = result.stage(.prefill).cost.totalFLOPs
        if let summaryPrefill = report.stage(.prefill), report.workload.decoder.logits != page.prefillLogits {
            view["logitsNote"] = "The model summary and the layer pages price the Hugging Face forward, which runs `lm_head` on "
                + "\(report.workload.decoder.logits == .all ? "every prompt position" : "the last position only"): its prefill is "
                + "\(Format.flops(summaryPrefill.totals.forward.totalFLOPs)) of \(Format.count(report.workload.prefillTokens)) positions "
                + "against \(Format.flops(prefillFLOPs)) here."
        }
        return (view, breakdown.charts(stageFile: Self.stagesChartFile, classFile: Self.classesChartFile))
    }
}
