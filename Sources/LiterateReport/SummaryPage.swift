import ModelMeter
import DeepSeekOCR

/// Builds the view of `templates/summary.md.mustache`: every module of the vendor tree (runs
/// of identical siblings collapsed into one row with their call count), stage subtotals per
/// view, totals, and the roofline chart.
struct SummaryPageBuilder {
    let report: ModelReport
    /// Where each documented module's configuration is explained.
    let directory: ConfigurationDirectory

    func view() throws -> [String: Any] {
        let total = report.totals.forward.totalFLOPs
        var rows: [[String: Any]] = []
        var stages: [[String: Any]] = []
        for (viewChild, view) in report.evaluated.children {
            guard let encoder = view.layer as? VisionEncoderView else { continue }
            let prefix = viewChild.name
            let viewName = prefix.isEmpty ? "single view" : "\(prefix) view"
            try collectRows(view, path: prefix.isEmpty ? "" : prefix + "/", calls: 1, depth: 0, total: total, into: &rows)
            for (child, evaluated) in view.children {
                stages.append(try stageRow("\(viewName): \(child.name) (\(child.layer.typeName))", evaluated.metrics.forward, total))
            }
            stages.append(try stageRow(
                "**\(viewName) subtotal** (B = \(encoder.batch.value), \(encoder.imageSize.value)×\(encoder.imageSize.value))",
                view.metrics.forward, total))
        }
        let totals = report.totals
        let point = try report.roofline(totals.forward)
        stages.append(try stageRow("**total** (all views, token assembly)", totals.forward, total))
        return [
            "title": "Model summary",
            "workload": report.workload.summary,
            "visionTokens": Format.count(report.workload.visionTokensPerPage),
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "gpuSource": Markup.escape(report.gpu.source, for: .markdown),
            "precision": report.precision.rawValue,
            "parameters": Format.count(totals.parameters),
            "weightBytes": Format.bytes(totals.memory.weightBytes),
            "activationBytes": Format.bytes(totals.memory.activationBytes),
            "forwardTensorCore": Format.flops(totals.forward.tensorCoreFLOPs),
            "forwardCUDACore": Format.flops(totals.forward.cudaCoreFLOPs),
            "forwardIO": Format.bytes(totals.forward.ioBytes),
            "backwardTensorCore": Format.flops(totals.backward.tensorCoreFLOPs),
            "backwardCUDACore": Format.flops(totals.backward.cudaCoreFLOPs),
            "timeLowerBound": Format.seconds(point.timeLowerBoundSeconds),
            "bound": point.bound.rawValue,
            "stages": stages,
            "rows": rows,
        ]
    }

    private func stageRow(_ name: String, _ pass: PassCost, _ total: Int) throws -> [String: Any] {
        try passColumns(pass, total).merging(["stage": name]) { $1 }
    }

    /// The numeric columns shared by stage rows and module rows.
    private func passColumns(_ pass: PassCost, _ total: Int) throws -> [String: Any] {
        let point = try report.roofline(pass)
        return [
            "tensorCore": Format.flops(pass.tensorCoreFLOPs),
            "cudaCore": Format.flops(pass.cudaCoreFLOPs),
            "share": Format.percent(pass.totalFLOPs, of: total),
            "bytes": Format.bytes(pass.ioBytes),
            "intensity": Format.intensity(pass.arithmeticIntensity),
            "bound": point.bound.rawValue,
            "time": Format.seconds(point.timeLowerBoundSeconds),
        ]
    }

    private func collectRows(_ node: EvaluatedLayer, path: String, calls: Int, depth: Int, total: Int, into rows: inout [[String: Any]]) throws {
        for (child, evaluated) in node.children {
            let childPath = path + (path.isEmpty || path.hasSuffix("/") ? "" : ".") + child.displayName
            let childCalls = calls * child.count
            let metrics = evaluated.metrics
            let pass = PassCost(
                tensorCoreFLOPs: metrics.forward.tensorCoreFLOPs * childCalls,
                cudaCoreFLOPs: metrics.forward.cudaCoreFLOPs * childCalls,
                ioBytes: metrics.forward.ioBytes * childCalls)
            let type = directory.link(to: child.layer).map { "[\(child.layer.typeName)](\($0))" } ?? child.layer.typeName
            let indent = String(repeating: "· ", count: depth)
            rows.append(try passColumns(pass, total).merging([
                "module": "\(indent)`\(childPath)`",
                "type": type,
                "calls": Format.count(childCalls),
            ]) { $1 })
            try collectRows(evaluated, path: childPath, calls: childCalls, depth: depth + 1, total: total, into: &rows)
        }
    }
}
