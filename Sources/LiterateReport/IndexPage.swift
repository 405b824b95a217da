import ModelMeter
import DeepSeekOCR

/// Builds the view of `templates/index.md.mustache`: the reader's front page. What runs, the
/// headline figures, where the time goes stage by stage, and where to read on.
struct IndexPageBuilder {
    let report: ModelReport
    /// Where each documented module's configuration is explained.
    let directory: ConfigurationDirectory

    /// One stage: a top-level module of a view (or of the model when it has no views).
    struct Stage {
        let name: String
        let pass: PassCost
        let point: RooflinePoint
    }

    /// The stages in execution order: for a namespace child (a view such as `global/`), each of
    /// its children; otherwise the child itself.
    func stages() throws -> [Stage] {
        var stages: [Stage] = []
        for (child, evaluated) in report.evaluated.children {
            let members = child.isNamespace ? evaluated.children : [(child, evaluated)]
            let prefix = child.isNamespace && !child.name.isEmpty ? LayerOccurrence.viewName(child.name + "/") + ": " : ""
            for (member, memberEvaluated) in members {
                let pass = memberEvaluated.metrics.forward
                let count = member.count
                let total = PassCost(
                    tensorCoreFLOPs: pass.tensorCoreFLOPs * count, cudaCoreFLOPs: pass.cudaCoreFLOPs * count,
                    ioBytes: pass.ioBytes * count)
                let type = directory.link(to: member.layer).map { "[\(member.layer.typeName)](\($0))" } ?? member.layer.typeName
                stages.append(Stage(
                    name: "\(prefix)\(member.displayName) (\(type))", pass: total,
                    point: try report.roofline(total)))
            }
        }
        return stages
    }

    func view(title: String, readme: String, layers: [[String: String]]) throws -> [String: Any] {
        let totals = report.totals
        let point = try report.roofline(totals.forward)
        let stages = try stages()
        let stageSeconds = stages.reduce(0.0) { $0 + $1.point.timeLowerBoundSeconds }
        let widest = stages.map(\.point.timeLowerBoundSeconds).max() ?? 0
        let stageRows: [[String: Any]] = stages.map { stage in
            let seconds = stage.point.timeLowerBoundSeconds
            let bar = widest > 0 ? Int((24 * seconds / widest).rounded()) : 0
            return [
                "stage": stage.name,
                "time": Format.seconds(seconds),
                "share": stageSeconds > 0 ? String(format: "%.1f %%", 100 * seconds / stageSeconds) : "0.0 %",
                "flops": Format.flops(stage.pass.totalFLOPs),
                "bytes": Format.bytes(stage.pass.ioBytes),
                "bound": stage.point.bound.rawValue,
                "bar": bar > 0 ? String(repeating: "█", count: bar) : "▏",
            ]
        }
        let slowest = stages.max { $0.point.timeLowerBoundSeconds < $1.point.timeLowerBoundSeconds }
        return [
            "title": title,
            "readme": readme,
            "workload": report.workload.summary,
            "visionTokens": Format.count(report.workload.visionTokensPerPage),
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "parameters": Format.count(totals.parameters),
            "weightBytes": Format.bytes(totals.memory.weightBytes),
            "activationBytes": Format.bytes(totals.memory.activationBytes),
            "forwardFLOPs": Format.flops(totals.forward.totalFLOPs),
            "forwardTensorCore": Format.flops(totals.forward.tensorCoreFLOPs),
            "forwardCUDACore": Format.flops(totals.forward.cudaCoreFLOPs),
            "forwardIO": Format.bytes(totals.forward.ioBytes),
            "intensity": Format.intensity(point.arithmeticIntensity),
            "timeLowerBound": Format.seconds(point.timeLowerBoundSeconds),
            "bound": point.bound.rawValue,
            "stageSeconds": Format.seconds(stageSeconds),
            "slowest": slowest.map { $0.name } ?? "",
            "slowestShare": slowest.map { stageSeconds > 0 ? String(format: "%.0f %%", 100 * $0.point.timeLowerBoundSeconds / stageSeconds) : "" } ?? "",
            "stages": stageRows,
            "layers": layers,
        ]
    }
}
