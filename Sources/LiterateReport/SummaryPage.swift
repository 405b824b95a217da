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
        let totals = report.totals
        let total = totals.forward.totalFLOPs
        var rows: [[String: Any]] = []
        var stages: [(name: String, pass: PassCost)] = []
        var views: [[String: Any]] = []
        if let vision = report.stage(.vision) {
            var counted = PassCost()
            for (viewChild, view) in vision.evaluated.children {
                guard let encoder = view.layer as? VisionEncoderView else { continue }
                let prefix = viewChild.name
                let viewName = prefix.isEmpty ? "single view" : "\(prefix) view"
                try collectRows(view, path: prefix.isEmpty ? "" : prefix + "/", calls: 1, depth: 0, total: total, into: &rows)
                for (child, evaluated) in view.children {
                    stages.append(("\(viewName): \(child.name) (\(child.layer.typeName))", evaluated.metrics.forward))
                }
                counted = try counted.adding(view.metrics.forward, times: 1)
                views.append(try stageRow(
                    "\(viewName) (B = \(encoder.batch.value), \(encoder.imageSize.value)×\(encoder.imageSize.value))",
                    view.metrics.forward, total))
            }
            // What the vision stage does outside its views: assembling the decoder's image tokens.
            let assembly = try vision.totals.forward.adding(counted, times: -1)
            if assembly != PassCost() { stages.append(("vision: token assembly (outside the views)", assembly)) }
        }
        for stage in report.stages where stage.stage != .vision {
            let workload = report.workload
            let what = stage.stage == .prefill
                ? "prefill of \(Format.count(workload.prefillTokens)) positions, `lm_head` on \(workload.decoder.logits == .all ? "every position" : "the last")"
                : "one decode step against \(Format.count(workload.decodeContext)) cached positions"
            stages.append(("decoder \(what) (\(stage.model.typeName))", stage.totals.forward))
            try collectRows(stage.evaluated, path: stage.stage.pathPrefix, calls: 1, depth: 0, total: total, into: &rows)
        }
        var stageRows = try stages.map { try stageRow($0.name, $0.pass, total) }
        let stageSeconds = try stages.reduce(0.0) { $0 + (try report.roofline($1.pass)).timeLowerBoundSeconds }
        var totalRow = try stageRow("**total**: the rows above, each stage once", totals.forward, total)
        totalRow["bound"] = "—"
        totalRow["intensity"] = "—"
        totalRow["time"] = "**\(Format.seconds(stageSeconds))** (Σ of the rows)"
        stageRows.append(totalRow)
        return [
            "title": "Model summary",
            "workload": report.workload.summary,
            "visionTokens": Format.count(report.workload.visionTokensPerPage),
            "imagePositionsInclude": report.workload.model.description.imagePositionsInclude,
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
            "stageSeconds": Format.seconds(stageSeconds),
            "stages": stageRows,
            "views": views,
            "classes": try classRows(),
            "rows": rows,
        ]
    }

    /// The decoder stages split by module class: per call, FLOPs, bytes and each class's share
    /// of the call's bound (bytes for a memory-bound call, compute time otherwise).
    private func classRows() throws -> [[String: Any]] {
        let decoderStages = report.stages.filter { $0.stage != .vision }
        let splits = try decoderStages.map { try ModuleClass.split(decoder: $0.evaluated) }
        let bounds = try decoderStages.map { try report.roofline($0.totals.forward).bound }
        return try ModuleClass.allCases.compactMap { moduleClass in
            guard splits.contains(where: { $0[moduleClass] != nil }) else { return nil }
            return [
                "class": moduleClass.rawValue,
                "cells": try zip(zip(decoderStages, splits), bounds).map { pair, bound -> [String: String] in
                    let (stage, split) = pair
                    let pass = split[moduleClass] ?? PassCost()
                    let seconds = try pass.seconds(whenCallIsBoundBy: bound, gpu: report.gpu, precision: report.precision)
                    let stageSeconds = try report.roofline(stage.totals.forward).timeLowerBoundSeconds
                    return [
                        "flops": Format.flops(pass.totalFLOPs), "bytes": Format.bytes(pass.ioBytes),
                        "share": PageBreakdownView.share(seconds, of: stageSeconds),
                    ]
                },
            ]
        }
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
            let pass = metrics.forward * childCalls
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
