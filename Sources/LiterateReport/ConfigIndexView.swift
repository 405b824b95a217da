import DeepSeekOCR
import Foundation
import ModelMeter

/// The front page of a config decoder's site: its configuration values and its prefill and
/// decode step on the report's GPU.
struct ConfigIndexView {
    let report: DecoderReport

    func view() throws -> [String: Any] {
        let config = report.decoder.config
        var fields: [[String: String]] = [
            ["name": "model_type", "value": config.family.rawValue, "meaning": "the class family transformers builds"],
            ["name": "hidden_size", "value": Format.count(config.hiddenSize), "meaning": "`D`, the width of every token's hidden state"],
            ["name": "num_hidden_layers", "value": Format.count(config.layers), "meaning": "decoder layers"],
            ["name": "num_attention_heads", "value": Format.count(config.heads), "meaning": "query heads `h`"],
        ]
        if config.latent == nil {
            fields += [
                ["name": "num_key_value_heads", "value": Format.count(config.keyValueHeads), "meaning": "key/value heads (grouped-query attention when fewer than the query heads)"],
                ["name": "head_dim", "value": Format.count(config.headDim), "meaning": "`d`, one head's width"],
                ["name": "attention_bias", "value": "\(config.queryKeyValueBias)", "meaning": "biases on the q/k/v projections"],
            ]
        }
        fields.append(["name": "intermediate_size", "value": Format.count(config.intermediateSize), "meaning": "width of the dense SwiGLU MLP"])
        fields.append(["name": "vocab_size", "value": Format.count(config.vocabularySize), "meaning": "embedding rows and lm_head outputs"])
        fields.append(["name": "max_position_embeddings", "value": Format.count(config.maxPositions), "meaning": "longest sequence, `L + S` at most"])
        fields.append(["name": "tie_word_embeddings", "value": "\(config.tiedEmbeddings)", "meaning": "lm_head shares the embedding matrix"])
        let windows = Set(config.slidingWindows.compactMap { $0 })
        if !windows.isEmpty {
            let layers = config.slidingWindows.filter { $0 != nil }.count
            fields.append([
                "name": "sliding_window", "value": windows.sorted().map(Format.count).joined(separator: ", "),
                "meaning": "\(layers) of \(config.layers) layers attend over the last `W` positions only"])
        }
        if let latent = config.latent {
            fields += [
                ["name": "q_lora_rank", "value": latent.queryRank.map(Format.count) ?? "null", "meaning": "queries through a low-rank bottleneck (null: direct `q_proj`)"],
                ["name": "kv_lora_rank", "value": Format.count(latent.latentRank), "meaning": "`r`, the cached latent's width"],
                ["name": "qk_nope_head_dim, qk_rope_head_dim", "value": "\(latent.noPositionHeadDim), \(latent.ropeHeadDim)", "meaning": "a head's key width without and with rotary"],
                ["name": "v_head_dim", "value": Format.count(latent.valueHeadDim), "meaning": "a head's value width"],
            ]
        }
        if let mixture = config.mixture {
            fields += [
                ["name": "n_routed_experts, num_experts_per_tok", "value": "\(mixture.routedExperts), \(mixture.expertsPerToken)", "meaning": "`E` experts, `k` per token"],
                ["name": "n_shared_experts", "value": Format.count(mixture.sharedExperts), "meaning": "experts every token runs"],
                ["name": "moe_intermediate_size", "value": Format.count(mixture.expertIntermediateSize), "meaning": "one expert's SwiGLU width"],
                ["name": "first_k_dense_replace", "value": Format.count(mixture.firstDenseLayers), "meaning": "dense layers before the first MoE layer"],
                ["name": "topk_method", "value": mixture.selection.rawValue, "meaning": "how the router picks experts"],
            ]
        }
        let kvBytes = try ModelMeterError.checkedProduct(config.kvCacheElementsPerToken, report.precision.bytesPerElement, "KV bytes per token")
        let perLayer = config.latent.map { "\($0.latentRank) + \($0.ropeHeadDim)" } ?? "2·\(config.keyValueHeads)·\(config.headDim)"
        var headline: [[String: String]] = []
        var stages: [String] = []
        for stage in report.stages {
            let forward = stage.totals.forward
            let point = try report.roofline(forward)
            let tokens = stage.stage == .prefill ? report.workload.batch * (report.workload.prefillTokens ?? 0) : report.workload.batch
            let rate = Double(tokens) / point.timeLowerBoundSeconds
            headline.append([
                "stage": stage.stage == .prefill ? "prefill, S = \(Format.count(report.workload.prefillTokens ?? 0))"
                    : "decode step, L = \(Format.count(report.workload.decodeContext ?? 0))",
                "tensorCore": Format.flops(forward.tensorCoreFLOPs), "cudaCore": Format.flops(forward.cudaCoreFLOPs),
                "bytes": Format.bytes(forward.ioBytes), "intensity": Format.intensity(point.arithmeticIntensity),
                "time": Format.seconds(point.timeLowerBoundSeconds), "bound": point.bound.rawValue,
                "rate": "\(Format.count(Int(rate.rounded(.down)))) tokens/s",
                "rateRule": stage.stage == .prefill ? "B·S / time = \(Format.count(tokens)) / \(Format.seconds(point.timeLowerBoundSeconds))"
                    : "B / time = \(Format.count(tokens)) / \(Format.seconds(point.timeLowerBoundSeconds))",
            ])
            stages.append(stage.stage.rawValue)
        }
        let row = try DecoderComparison(
            entries: [.config(report.decoder, kernel: report.workload.kernel)], gpu: report.gpu, precision: report.precision,
            prefillTokens: 1, context: 1, batches: [1]).rows[0]
        return [
            "title": "\(config.source): knowledge base",
            "source": config.source,
            "family": config.family.rawValue,
            "rootClass": config.family.classPrefix + "ForCausalLM",
            "vendorFile": report.decoder.vendorFile,
            "workload": report.workloadSummary,
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "fields": fields,
            "headline": headline,
            "parameters": Format.count(report.totals.parameters),
            "activeParameters": Format.count(row.activeParameters),
            "weightBytes": Format.bytes(report.totals.memory.weightBytes),
            "kvBytesPerToken": Format.bytes(kvBytes),
            "kvRule": "\(config.layers) layers × (\(perLayer)) elements × \(report.precision.bytesPerElement) B",
            "kvCacheBytes": Format.bytes(report.totals.memory.kvCacheBytes),
        ]
    }
}
