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

/// One sentence per reference module: what autograd keeps for it and which of those tensors
/// depend on the backend (the CPU fp32 trace versus a GPU run).
enum SavedSetNotes {
    static func note(for module: String, kernel: AttentionKernel, delta: Int) -> String {
        let kept: String
        switch module {
        case "sam.PatchEmbed":
            kept = "the convolution keeps its input, the image, although the image needs no gradient (dW needs it)"
        case "sam.net_2", "sam.net_3":
            kept = "the convolution keeps its input"
        case "sam.LayerNorm2d":
            kept = "the composite ops keep x − u twice, √(var + ε) per pixel and the normalised x, not the input"
        case "sam.neck":
            kept = "conv inputs plus two LayerNorm2d save sets"
        case "sam.MLPBlock":
            kept = "lin1's input, GELU's input and lin2's input"
        case "sam.Attention.global", "sam.Attention.windowed":
            kept = "math path: packed Q, K, V (a view of the projection output when B = 1, a copy otherwise), "
                + "Q·√s, K·√s, P, the einsums' permuted query copies (two when B = 1, one otherwise), "
                + "gathered tables with int64 indices, the copied attention output"
        case "sam.Block.global", "sam.Block.windowed":
            kept = "two LayerNorms (input, fp32 mean and rstd), attention, MLP; window partition and residual adds keep nothing"
        case "sam.ImageEncoderViT":
            kept = "patch_embed, 12 blocks, neck, net_2, net_3; the position-table resize keeps nothing"
        case "clip.CLIPVisionEmbeddings":
            kept = "only the position lookup's int64 indices (257 × 8 B); cat, resize and add keep nothing"
        case "clip.NoTPAttention":
            kept = "fused kernel: packed Q, K, V, the output (shared with out_proj's input) and the fp32 log-sum-exp "
                + "(CPU: [B, h, S]; CUDA's memory-efficient kernel pads S to a multiple of 32)"
        case "clip.NoTPFeedForward":
            kept = "fc1's input, quick_gelu's x and σ(1.702·x), fc2's input"
        case "clip.NoTPTransformerBlock", "clip.NoTPTransformer", "clip.VitModel":
            kept = "LayerNorms, fused attention and feed-forward save sets; each layer's input kept once by its LayerNorm"
        case "proj.MlpProjector.linear":
            kept = "the Linear keeps its input"
        case "norm.DeepseekV2RMSNorm":
            kept = "x in fp32 (the input at fp32), rstd per row (fp32) and the normalised x kept by the weight multiply"
        case "attn.LlamaAttention":
            kept = "eager path: the input (q, k and v projections share it), cos and sin (RoPE keeps the tables, not q or k), "
                + "q and k after RoPE, the fp32 softmax output P (P·V takes the same storage), v, o_proj's contiguous input"
        case "mlp.DeepseekV2MLP.dense":
            kept = "SwiGLU: the input once (gate_proj and up_proj share it), g, silu(g), u and down_proj's input"
        case "moe.MoEGate":
            kept = "the input, fp32 scores, int64 top-k indices and the auxiliary loss's per-sequence expert counts"
        case "moe.DeepseekV2MoE":
            kept = "training path: the gate's set, two boolean masks per expert, the T·k gathered rows and their SwiGLU "
                + "tensors (totals independent of the routing), y and the top-k weights, the shared experts"
        case "layer.DeepseekV2DecoderLayer.dense_idx0", "layer.DeepseekV2DecoderLayer.moe_idx1":
            kept = "two RMSNorms, attention and the MLP or MoE; each branch input is its norm's output; residual adds keep nothing"
        case "embed.embed_tokens":
            kept = "only the int64 token ids (the lookup's indices)"
        case "head.lm_head":
            kept = "the Linear keeps its input"
        case "stack.DeepseekV2ForCausalLM.2layers":
            kept = "token ids, two layers (each layer's input kept by its first RMSNorm), the final RMSNorm and lm_head's input"
        default:
            kept = "the save sets of its pieces"
        }
        let verdict = delta == 0 ? "Exact" : "Differs by \(Format.count(delta)) B"
        return "\(verdict): \(kept)."
    }
}
