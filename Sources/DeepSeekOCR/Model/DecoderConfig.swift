import Foundation
import ModelMeter

/// The `model_type`s a `config.json` decoder may name, as `transformers` 5.25 builds them.
public enum DecoderFamily: String, CaseIterable, Sendable {
    case llama, mistral, qwen2
    case deepseekV2 = "deepseek_v2"
    case deepseekV3 = "deepseek_v3"

    /// The transformers class prefix: `Qwen2` gives `Qwen2ForCausalLM`, `Qwen2RMSNorm`, ….
    public var classPrefix: String {
        switch self {
        case .llama: return "Llama"
        case .mistral: return "Mistral"
        case .qwen2: return "Qwen2"
        case .deepseekV2: return "DeepseekV2"
        case .deepseekV3: return "DeepseekV3"
        }
    }
}

/// Multi-head latent attention sizes (`deepseek_v2`, `deepseek_v3`).
public struct LatentAttentionConfig: Sendable, Hashable {
    /// `q_lora_rank`: nil projects queries directly (`q_proj`), else through `q_a_proj`/`q_b_proj`.
    public var queryRank: Int?
    /// `kv_lora_rank`: width of the cached latent.
    public var latentRank: Int
    /// `qk_nope_head_dim`, `qk_rope_head_dim`, `v_head_dim`.
    public var noPositionHeadDim: Int
    public var ropeHeadDim: Int
    public var valueHeadDim: Int
}

/// How a router picks experts (`topk_method`; `deepseek_v3` always runs `noaux_tc`).
public enum ExpertSelection: String, Sendable, Hashable {
    case greedy
    case groupLimitedGreedy = "group_limited_greedy"
    case noAuxTC = "noaux_tc"
}

/// Mixture-of-experts sizes (`deepseek_v2`, `deepseek_v3`).
public struct MixtureConfig: Sendable, Hashable {
    public var routedExperts: Int
    public var sharedExperts: Int
    public var expertsPerToken: Int
    /// `moe_intermediate_size`: one expert's SwiGLU width.
    public var expertIntermediateSize: Int
    /// `first_k_dense_replace`: layers before the first MoE layer.
    public var firstDenseLayers: Int
    public var selection: ExpertSelection
    /// `n_group`, `topk_group` (group-limited selections only; 1 otherwise).
    public var groups: Int
    public var groupsPerToken: Int
    /// `norm_topk_prob` (deepseek_v3's router divides the chosen weights by their sum).
    public var normalizesWeights: Bool
}

/// A decoder read from a Hugging Face `config.json`: the sizes `transformers` 5.25 builds its
/// `…ForCausalLM` from. Fields whose absence `transformers` fills with one default shared by
/// every family (`tie_word_embeddings`, `attention_bias`, `mlp_bias` false; `head_dim` = width /
/// heads) may be missing; every other field the counts depend on must be present.
public struct DecoderConfig: Sendable, Hashable {
    /// Where the configuration came from (the file's name), for errors and reports.
    public var source: String
    public var family: DecoderFamily
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var keyValueHeads: Int
    /// Query/key/value head width (`head_dim`; grouped-query families).
    public var headDim: Int
    /// Dense SwiGLU width (`intermediate_size`).
    public var intermediateSize: Int
    public var tiedEmbeddings: Bool
    /// Bias on q/k/v (`attention_bias`, always true for qwen2) and on o (`attention_bias`, never for qwen2).
    public var queryKeyValueBias: Bool
    public var outputBias: Bool
    public var mlpBias: Bool
    /// Per layer: the sliding window its cache keeps (`W − 1` positions), nil for full attention.
    public var slidingWindows: [Int?]
    public var maxPositions: Int
    public var latent: LatentAttentionConfig?
    public var mixture: MixtureConfig?
    /// RoPE settings that change no FLOP count (`rope_scaling` type), stated as such.
    public var ropeVariant: String

    /// Whether layer `index` runs a mixture of experts.
    public func isMixture(layer index: Int) -> Bool {
        guard let mixture else { return false }
        return index >= mixture.firstDenseLayers
    }

    /// KV-cache elements per token summed over layers (the sliding window not applied):
    /// `2·kv·d` per grouped-query layer, `kv_lora_rank + qk_rope_head_dim` per MLA layer.
    public var kvCacheElementsPerToken: Int {
        let perLayer = latent.map { $0.latentRank + $0.ropeHeadDim } ?? 2 * keyValueHeads * headDim
        return layers * perLayer
    }
}

extension DecoderConfig {
    /// Reads `path`; every problem is one `DecoderConfigError` naming the file and field.
    public static func load(path: String) throws -> DecoderConfig {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DecoderConfigError(file: name, "cannot be read (no such file, or not a readable file)")
        }
        return try parse(data, source: name)
    }

    /// Parses the text of a `config.json`.
    public static func parse(_ data: Data, source: String) throws -> DecoderConfig {
        guard let fields = try? JSONDecoder().decode([String: ConfigValue].self, from: data) else {
            throw DecoderConfigError(file: source, "is not a JSON object")
        }
        return try ConfigFields(fields, file: source).decoderConfig()
    }
}

/// A problem with a `config.json`: one line naming the file and, where there is one, the field.
public struct DecoderConfigError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(file: String, field: String? = nil, _ problem: String) {
        description = "\(file): " + (field.map { "field \($0) " } ?? "") + problem
    }
}
