import DeepSeekOCR
import Foundation
import ModelMeter

/// Builds the view of `templates/glossary.md.mustache`: the words and letters the pages use,
/// with the report GPU's ridge point and the expected touched experts worked out as examples.
struct GlossaryPageBuilder {
    let report: ModelReport

    func view() throws -> [String: Any] {
        let gpu = report.gpu
        let tensor = try gpu.tensorCorePeak(for: report.precision)
        let configuration = report.workload.decoder.configuration
        let experts = configuration.routedExperts, topK = configuration.expertsPerToken
        let touchedAtEight = RoutedExperts.expectedDistinctExperts(experts: experts, perToken: topK, tokens: 8)
        let model = report.workload.model.description
        return [
            "title": "Glossary",
            "cropModeMeaning": model.cropModeMeaning,
            "imagePositionsInclude": model.imagePositionsInclude,
            "visionTokensMeaning": model.visionTokensMeaning,
            "gpu": Markup.escape(gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "tensorPeak": String(format: "%g", tensor.teraFLOPS),
            "bandwidth": Format.bandwidth(gpu.memoryBandwidthGBps),
            "ridge": String(format: "%.1f", tensor.teraFLOPS * 1e12 / (gpu.memoryBandwidthGBps * 1e9)),
            "experts": "\(experts)",
            "topK": "\(topK)",
            "touchedAtEight": String(format: "%.1f", touchedAtEight),
        ]
    }
}
