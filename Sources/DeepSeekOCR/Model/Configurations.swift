import ModelMeter

/// SAM ViT-B image encoder settings as DeepSeek-OCR builds it (`build_sam_vit_b`).
public struct SAMConfiguration: Sendable, Hashable {
    public var embedDim = 768
    public var depth = 12
    public var heads = 12
    public var mlpDim = 3072
    public var patchSize = 16
    public var inChannels = 3
    public var windowSize = 14
    public var globalAttentionIndexes: Set<Int> = [2, 5, 8, 11]
    /// Token grid of pretraining (1024/16): `pos_embed` and global rel-pos tables are sized for it.
    public var pretrainGrid = 64
    public var neckChannels = 256
    public var net2Channels = 512
    public var net3Channels = 1024

    public init() {}
    public static let vitB = SAMConfiguration()
}

/// CLIP-L/14 body settings (`vit_model_cfg` in the vendor code).
public struct CLIPConfiguration: Sendable, Hashable {
    public var hiddenSize = 1024
    public var layers = 24
    public var heads = 16
    public var ffnHiddenSize = 4096
    public var imageSize = 224
    public var patchSize = 14
    public var channels = 3

    public init() {}
    public static let large = CLIPConfiguration()

    /// These settings with `explain` overrides applied (`dim`, `heads`, `hidden`, `layers`).
    public func overriding(_ values: [String: Int]) -> CLIPConfiguration {
        var configuration = self
        if let dim = values["dim"] { configuration.hiddenSize = dim }
        if let heads = values["heads"] { configuration.heads = heads }
        if let hidden = values["hidden"] { configuration.ffnHiddenSize = hidden }
        if let layers = values["layers"] { configuration.layers = layers }
        return configuration
    }

    /// Side of the position table's patch grid: 224/14 = 16 (257 = 16² + 1 rows).
    public var positionGrid: Int { imageSize / patchSize }
}

/// DeepSeek-OCR's language decoder (`DeepseekV2Config` from the model's `config.json`):
/// plain multi-head attention (`use_mla` false), layer 0 dense, layers 1–11 mixture of experts.
public struct DeepseekV2Configuration: Sendable, Hashable {
    public var hiddenSize = 1280
    public var layers = 12
    public var heads = 10
    public var keyValueHeads = 10
    /// Dense SwiGLU width (`intermediate_size`, layer 0).
    public var intermediateSize = 6848
    /// One routed expert's SwiGLU width (`moe_intermediate_size`).
    public var expertIntermediateSize = 896
    public var routedExperts = 64
    /// Shared experts, fused into one MLP of width `sharedExperts × expertIntermediateSize`.
    public var sharedExperts = 2
    /// Routed experts each token runs (`num_experts_per_tok`).
    public var expertsPerToken = 6
    /// Layers before the first MoE layer (`first_k_dense_replace`).
    public var firstDenseLayers = 1
    public var vocabularySize = 129_280
    /// Position limit for prompt plus output (`max_position_embeddings`).
    public var maxPositions = 8192

    public init() {}
    public static let deepSeekOCR = DeepseekV2Configuration()

    /// Width of one attention head: `hidden_size / num_attention_heads` (128).
    public var headDim: Int { hiddenSize / heads }
    /// Width of the fused shared-expert MLP: `n_shared_experts · moe_intermediate_size` (1792).
    public var sharedIntermediateSize: Int { sharedExperts * expertIntermediateSize }

    /// KV-cache elements per token over all layers: `2 · layers · kv_heads · head_dim` (30,720;
    /// 61,440 B in bf16).
    public var kvCacheElementsPerToken: Int { 2 * layers * keyValueHeads * headDim }

    /// Throws unless every size is positive, heads divide the width and top-k fits the experts.
    public func validate() throws {
        let sizes = [
            (hiddenSize, "hidden_size"), (layers, "num_hidden_layers"), (heads, "num_attention_heads"),
            (keyValueHeads, "num_key_value_heads"), (intermediateSize, "intermediate_size"),
            (expertIntermediateSize, "moe_intermediate_size"), (routedExperts, "n_routed_experts"),
            (sharedExperts, "n_shared_experts"), (expertsPerToken, "num_experts_per_tok"),
            (vocabularySize, "vocab_size"), (maxPositions, "max_position_embeddings"),
        ]
        for (value, what) in sizes { try ModelMeterError.requirePositive(value, what, in: "DeepseekV2Config") }
        try ModelMeterError.requireDivides(heads, "num_attention_heads", hiddenSize, "hidden_size", in: "DeepseekV2Config")
        guard keyValueHeads == heads else {
            throw ModelMeterError.invalidShape(
                layer: "DeepseekV2Config", what: "num_key_value_heads",
                reason: "\(keyValueHeads) differs from num_attention_heads \(heads); only plain multi-head attention is modelled")
        }
        guard expertsPerToken <= routedExperts else {
            throw ModelMeterError.invalidShape(
                layer: "DeepseekV2Config", what: "num_experts_per_tok",
                reason: "\(expertsPerToken) exceeds n_routed_experts \(routedExperts)")
        }
        guard (0...layers).contains(firstDenseLayers) else {
            throw ModelMeterError.invalidShape(
                layer: "DeepseekV2Config", what: "first_k_dense_replace",
                reason: "\(firstDenseLayers) is outside 0…\(layers)")
        }
    }
}

extension DeepseekV2Configuration {
    /// DeepSeek-OCR's decoder cut to its first `count` layers (the reference's two-layer stack).
    public static func layers(_ count: Int) -> DeepseekV2Configuration {
        var configuration = DeepseekV2Configuration.deepSeekOCR
        configuration.layers = count
        return configuration
    }
}
