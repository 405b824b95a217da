import ModelMeter
import DeepSeekOCR

/// Builds the view of `templates/verification.md.mustache`: our counts next to the traced
/// FlopCounterMode counts for every reference run the project carries, and our fp32 training
/// activation bytes next to the bytes autograd saved for backward.
struct VerificationPageBuilder {
    let runs: [ReferenceRun]
    /// The whole vision tree's measured views and our tree for each, where the model has them
    /// (DeepSeek-OCR 2); DeepSeek-OCR's vision modules are among `runs`.
    var visionTree: (path: String, views: [(view: VisionTreeView, layer: any Layer)])? = nil

    /// One row per measured view: our totals beside the trace's and the paths that agree.
    private func viewRows() throws -> (rows: [[String: Any]], matched: Int, total: Int, extra: Int) {
        var rows: [[String: Any]] = []
        var matched = 0, total = 0, extra = 0
        for (view, layer) in visionTree?.views ?? [] {
            let comparison = try view.compare(with: layer)
            matched += comparison.matchedPaths
            total += comparison.totalPaths
            extra += comparison.extraPaths.count
            rows.append([
                "view": view.key, "images": "\(view.batch)", "side": "\(view.side)",
                "parameters": Format.count(comparison.parameters),
                "parametersTraced": Format.count(comparison.parametersTraced),
                "parametersDelta": Format.count(comparison.parameters - comparison.parametersTraced),
                "forward": Format.count(comparison.forwardFLOPs),
                "forwardTraced": Format.count(comparison.forwardFLOPsTraced),
                "forwardDelta": Format.count(comparison.forwardFLOPs - comparison.forwardFLOPsTraced),
                "paths": "\(comparison.matchedPaths)/\(comparison.totalPaths)",
            ])
        }
        return (rows, matched, total, extra)
    }

    func view() throws -> [String: Any] {
        var rows: [[String: Any]] = []
        var savedRows: [[String: Any]] = []
        var checks = 0
        var matches = 0
        var savedChecks = 0
        var savedExact = 0
        var savedWithinOnePercent = 0
        var worstSavedRatio = 0.0
        for run in runs {
            // One evaluation gives both the totals and every submodule's numbers.
            let evaluated = try run.makeLayer().evaluate()
            let metrics = evaluated.metrics
            // Every training run (vision and decoder prefill); decode steps ran under no_grad and saved nothing.
            if run.savedForBackwardBytes >= 0 {
                // The reference measured fp32 on CPU: compare our fp32 figure.
                let ours = try run.makeLayer().metrics(precision: .fp32).memory.trainingActivationBytes
                let delta = ours - run.savedForBackwardBytes
                let ratio = run.savedForBackwardBytes == 0
                    ? (delta == 0 ? 0 : .infinity) : Double(abs(delta)) / Double(run.savedForBackwardBytes)
                savedChecks += 1
                if delta == 0 { savedExact += 1 }
                if ratio <= 0.01 { savedWithinOnePercent += 1 }
                worstSavedRatio = max(worstSavedRatio, ratio)
                savedRows.append([
                    "run": "`\(run.key)`",
                    "kernel": run.kernel.rawValue,
                    "ours": Format.count(ours),
                    "traced": Format.count(run.savedForBackwardBytes),
                    "delta": Format.count(delta),
                    "percent": String(format: "%.2f %%", ratio * 100),
                    "note": SavedSetNotes.note(for: run.module, kernel: run.kernel, delta: delta),
                ])
            }
            var submoduleMatches = 0
            let instances = evaluated.moduleInstances()
            let compared = run.comparableSubmodules
            for (path, traced) in compared {
                if instances.first(where: { $0.path == path })?.metrics.forward.tensorCoreFLOPs == traced { submoduleMatches += 1 }
            }
            let submodules = compared.count
            var pairs = [(metrics.parameters, run.parameters), (metrics.forward.tensorCoreFLOPs, run.forwardFLOPs)]
            if let backward = run.backwardFLOPs { pairs.append((metrics.backward.tensorCoreFLOPs, backward)) }
            checks += pairs.count + submodules
            matches += pairs.filter { $0.0 == $0.1 }.count + submoduleMatches
            rows.append([
                "run": "`\(run.key)`",
                "kernel": run.kernel.rawValue,
                "parameters": Format.count(metrics.parameters),
                "parametersDelta": Format.count(metrics.parameters - run.parameters),
                "forward": Format.count(metrics.forward.tensorCoreFLOPs),
                "forwardTraced": Format.count(run.forwardFLOPs),
                "forwardDelta": Format.count(metrics.forward.tensorCoreFLOPs - run.forwardFLOPs),
                "backward": Format.count(metrics.backward.tensorCoreFLOPs),
                "backwardTraced": run.backwardFLOPs.map(Format.count) ?? "not measured",
                "backwardDelta": run.backwardFLOPs.map { Format.count(metrics.backward.tensorCoreFLOPs - $0) } ?? "—",
                "submodules": "\(submoduleMatches)/\(submodules)",
                "cudaCore": Format.flops(metrics.forward.cudaCoreFLOPs),
            ])
        }
        let views = try viewRows()
        return [
            "visionTree": visionTree != nil,
            "visionTreePath": visionTree?.path ?? "",
            "decoderReferencePath": ReferenceRun.decoderReferencePath,
            "viewRows": views.rows,
            "viewMatched": Format.count(views.matched),
            "viewTotal": Format.count(views.total),
            "viewAllMatch": views.matched == views.total && views.extra == 0,
            "title": "Verification against FlopCounterMode",
            "runCount": Format.count(runs.count),
            "checks": Format.count(checks),
            "matches": Format.count(matches),
            "allMatch": matches == checks,
            "rows": rows,
            "savedRows": savedRows,
            "savedChecks": Format.count(savedChecks),
            "savedExact": Format.count(savedExact),
            "savedWithinOnePercent": Format.count(savedWithinOnePercent),
            "savedWorst": String(format: "%.2f %%", worstSavedRatio * 100),
            "savedAllExact": savedExact == savedChecks,
        ]
    }
}
