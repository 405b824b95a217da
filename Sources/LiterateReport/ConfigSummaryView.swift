import DeepSeekOCR
import Foundation
import ModelMeter

/// The summary page of a config decoder's site: each stage's totals and every documented
/// configuration in it, with the stage rooflines.
struct ConfigSummaryView {
    let report: DecoderReport
    let directory: ConfigurationDirectory

    func view(stageCharts: [RooflineOverview.Chart]) throws -> [String: Any] {
        var stages: [[String: Any]] = []
        for stage in report.stages {
            let point = try report.roofline(stage.totals.forward)
            var rows: [[String: String]] = []
            var seen = Set<String>()
            for instance in report.modules where instance.path.hasPrefix(stage.stage.pathPrefix) && instance.layer.doc != nil {
                let key = instance.layer.typeName + "|" + LayerOccurrence.key(instance.layer)
                guard seen.insert(key).inserted,
                      let occurrence = directory.occurrences[instance.layer.typeName],
                      let configuration = occurrence.configurations.first(where: { LayerOccurrence.key($0.layer) == LayerOccurrence.key(instance.layer) })
                else { continue }
                let paths = configuration.paths.filter { $0.hasPrefix(stage.stage.pathPrefix) }
                let forward = configuration.metrics.forward
                let modulePoint = try report.roofline(forward)
                rows.append([
                    "type": instance.layer.typeName, "page": "op-\(instance.layer.typeName).md#\(configuration.anchor)",
                    "name": configuration.name, "instances": Format.count(paths.count),
                    "flops": Format.flops(forward.totalFLOPs), "bytes": Format.bytes(forward.ioBytes),
                    "time": Format.seconds(modulePoint.timeLowerBoundSeconds), "bound": modulePoint.bound.rawValue,
                ])
            }
            stages.append([
                "stage": stage.stage.rawValue, "root": stage.model.typeName,
                "tensorCore": Format.flops(stage.totals.forward.tensorCoreFLOPs),
                "cudaCore": Format.flops(stage.totals.forward.cudaCoreFLOPs),
                "bytes": Format.bytes(stage.totals.forward.ioBytes),
                "intensity": Format.intensity(point.arithmeticIntensity),
                "time": Format.seconds(point.timeLowerBoundSeconds), "bound": point.bound.rawValue,
                "activations": Format.bytes(stage.totals.memory.activationBytes),
                "kvCache": Format.bytes(stage.totals.memory.kvCacheBytes),
                "rows": rows,
            ])
        }
        return [
            "title": "Model summary",
            "workload": report.workloadSummary,
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "parameters": Format.count(report.totals.parameters),
            "weightBytes": Format.bytes(report.totals.memory.weightBytes),
            "stages": stages,
            "stageCharts": stageCharts.map { ["title": $0.title, "file": $0.file] },
        ]
    }
}
