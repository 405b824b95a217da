import DeepSeekOCR
import Foundation
import ModelMeter

/// Builds the view of `templates/comparison.md.mustache`, "DeepSeek-OCR vs DeepSeek-OCR 2": image
/// positions for common page sizes, what one page costs per stage in each model on the report's
/// GPU, and pages per day on every catalog GPU. Both models run the report's precision, attention
/// kernel and `PageWorkload`'s default output length, one page at a time (B = 1).
struct ComparisonPageBuilder {
    /// Page sizes in pixels: A4 at 200 dpi, US letter at 150 dpi and at 72 dpi.
    static let pages: [(name: String, size: String)] = [
        ("A4, 200 dpi", "1654x2339"), ("US letter, 150 dpi", "1275x1650"), ("US letter, 72 dpi", "612x792"),
    ]
    static let models: [OCRModel] = [.deepseekOCR, .deepseekOCR2]

    let report: ModelReport

    /// One page of `size` in `model`'s crop mode, B = 1.
    func page(_ size: String, _ model: OCRModel) throws -> PageWorkload {
        let base = try Workload(
            mode: model.description.pageMode, batch: 1, kernel: report.workload.kernel, samKernel: report.workload.samKernel,
            clipKernel: report.workload.clipKernel
        ).running(model)
        let page = try PageWorkload(workload: base, precision: report.precision)
        return try page.withPage(try PageSize(parsing: size))
    }

    func view() throws -> [String: Any] {
        var tokens: [[String: Any]] = []
        for (name, size) in Self.pages {
            let first = try page(size, .deepseekOCR), second = try page(size, .deepseekOCR2)
            tokens.append([
                "page": "\(name), \(size.replacingOccurrences(of: "x", with: "×"))",
                "gridFirst": first.workload.hasLocalView ? first.workload.crops?.description ?? "" : "none",
                "first": Format.count(first.workload.visionTokensPerPage),
                "gridSecond": second.workload.hasLocalView ? second.workload.crops?.description ?? "" : "none",
                "second": Format.count(second.workload.visionTokensPerPage),
            ])
        }
        let a4 = Self.pages[0].size
        var stages: [[String: Any]] = []
        var gpus: [[String: Any]] = []
        for model in Self.models {
            let page = try page(a4, model)
            let result = try PageCostEvaluator(for: page).result(page, gpu: report.gpu)
            let total = result.batchSeconds
            func share(_ stage: ModelStage) -> String {
                "\(Format.seconds(result.stage(stage).seconds)) (\(String(format: "%.0f", 100 * result.stage(stage).seconds / total)) %)"
            }
            stages.append([
                "model": model.displayName,
                "prompt": Format.count(page.promptTokens),
                "visionFLOPs": Format.flops(result.stage(.vision).cost.tensorCoreFLOPs),
                "prefillFLOPs": Format.flops(result.stage(.prefill).cost.tensorCoreFLOPs),
                "vision": share(.vision), "prefill": share(.prefill), "decode": share(.decode),
                "perPage": Format.seconds(result.secondsPerPage),
                "peak": Format.bytes(result.peakMemoryBytes),
            ])
        }
        for gpu in GPUCatalog.all {
            var row: [String: Any] = ["gpu": Markup.escape(gpu.name, for: .markdown)]
            for (key, model) in zip(["first", "second"], Self.models) {
                let page = try page(a4, model)
                let result = try PageCostEvaluator(for: page).result(page, gpu: gpu)
                row[key] = Format.count(Int(result.pagesPerDay))
            }
            gpus.append(row)
        }
        return [
            "title": "DeepSeek-OCR vs DeepSeek-OCR 2",
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "outputTokens": Format.count(PageWorkload.defaultOutputTokens),
            "tokens": tokens,
            "stages": stages,
            "gpus": gpus,
        ]
    }
}
