import ModelMeter
import DeepSeekOCR

/// Builds the view of `templates/verification.md.mustache`: our counts next to the traced
/// FlopCounterMode counts for every reference run the project carries.
struct VerificationPageBuilder {
    let runs: [ReferenceRun]

    func view() throws -> [String: Any] {
        var rows: [[String: Any]] = []
        var checks = 0
        var matches = 0
        for run in runs {
            // One evaluation gives both the totals and every submodule's numbers.
            let evaluated = try run.makeLayer().evaluate()
            let metrics = evaluated.metrics
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
        return [
            "title": "Verification against FlopCounterMode",
            "runCount": Format.count(runs.count),
            "checks": Format.count(checks),
            "matches": Format.count(matches),
            "allMatch": matches == checks,
            "rows": rows,
        ]
    }
}
