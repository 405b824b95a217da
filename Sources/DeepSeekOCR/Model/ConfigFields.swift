import Foundation
import ModelMeter

/// One JSON value of a `config.json`, decoded portably (booleans never read as numbers).
enum ConfigValue: Decodable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([ConfigValue]), object([String: ConfigValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ConfigValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ConfigValue].self)) }
    }

    /// The value as JSON would print it, for error lines.
    var shown: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .double(value): return String(value)
        case let .string(value): return "\"\(value)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Typed reads of a `config.json` object, each failure one `DecoderConfigError` naming the field.
struct ConfigFields {
    let fields: [String: ConfigValue]
    let file: String

    init(_ fields: [String: ConfigValue], file: String) {
        self.fields = fields
        self.file = file
    }

    func error(_ field: String, _ problem: String) -> DecoderConfigError {
        DecoderConfigError(file: file, field: field, problem)
    }

    /// Whether `field` is present with a non-null value.
    func has(_ field: String) -> Bool {
        if case .null? = fields[field] { return false }
        return fields[field] != nil
    }

    /// A positive whole number; missing, null, fractional or non-positive values fail.
    func positive(_ field: String) throws -> Int {
        let value = try whole(field)
        guard value > 0 else { throw error(field, "is \(value); it must be positive") }
        return value
    }

    /// A whole number ≥ 0.
    func count(_ field: String) throws -> Int {
        let value = try whole(field)
        guard value >= 0 else { throw error(field, "is \(value); it must not be negative") }
        return value
    }

    /// A positive whole number, or nil when the field is absent or null.
    func optionalPositive(_ field: String) throws -> Int? {
        has(field) ? try positive(field) : nil
    }

    private func whole(_ field: String) throws -> Int {
        guard has(field) else { throw error(field, "is missing") }
        guard case let .int(value)? = fields[field] else { throw error(field, "is \(shown(field)); expected a whole number") }
        return value
    }

    /// A boolean; `fallback` when absent or null.
    func flag(_ field: String, default fallback: Bool) throws -> Bool {
        guard has(field) else { return fallback }
        guard case let .bool(value)? = fields[field] else { throw error(field, "is \(shown(field)); expected true or false") }
        return value
    }

    /// A string, or nil when absent or null.
    func text(_ field: String) throws -> String? {
        guard has(field) else { return nil }
        guard case let .string(value)? = fields[field] else { throw error(field, "is \(shown(field)); expected a string") }
        return value
    }

    /// The field's value as JSON would print it, for error lines.
    func shown(_ field: String) -> String { fields[field]?.shown ?? "missing" }
}

extension ConfigFields {
    /// The whole configuration, checked as `transformers` 5.25 would build it.
    func decoderConfig() throws -> DecoderConfig {
        guard let typeName = try text("model_type") else { throw error("model_type", "is missing") }
        guard let family = DecoderFamily(rawValue: typeName) else {
            throw error("model_type", "\"\(typeName)\" is not supported; accepted: "
                + DecoderFamily.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let activation = try text("hidden_act"), activation != "silu" {
            throw error("hidden_act", "\"\(activation)\" is not modelled; the SwiGLU MLPs are priced with silu")
        }
        let hidden = try positive("hidden_size")
        let heads = try positive("num_attention_heads")
        let keyValueHeads = try positive("num_key_value_heads")
        guard heads % keyValueHeads == 0 else {
            throw error("num_key_value_heads", "\(keyValueHeads) does not divide num_attention_heads \(heads)")
        }
        let layers = try positive("num_hidden_layers")
        let isQwen = family == .qwen2
        var config = DecoderConfig(
            source: file, family: family, vocabularySize: try positive("vocab_size"), hiddenSize: hidden,
            layers: layers, heads: heads, keyValueHeads: keyValueHeads,
            headDim: try optionalPositive("head_dim") ?? hidden / heads,
            intermediateSize: try positive("intermediate_size"),
            tiedEmbeddings: try flag("tie_word_embeddings", default: false),
            queryKeyValueBias: isQwen ? true : try flag("attention_bias", default: false),
            outputBias: isQwen ? false : try flag("attention_bias", default: false),
            mlpBias: family == .llama ? try flag("mlp_bias", default: false) : false,
            slidingWindows: try slidingWindows(family, layers: layers),
            maxPositions: try positive("max_position_embeddings"), latent: nil, mixture: nil,
            ropeVariant: ropeVariant())
        if !has("head_dim") && family != .deepseekV2 && family != .deepseekV3 {
            try ModelMeterError.requireDivides(heads, "num_attention_heads", hidden, "hidden_size", in: file)
        }
        if family == .deepseekV2 || family == .deepseekV3 {
            try readDeepSeek(into: &config)
        }
        return config
    }

    /// Sliding windows per layer as `transformers` 5.25's `DynamicCache(config=…)` builds its layers:
    /// mistral slides every layer by `sliding_window` (4,096 when absent, none when null);
    /// qwen2 slides layers from `max_window_layers` on when `use_sliding_window` is true.
    private func slidingWindows(_ family: DecoderFamily, layers: Int) throws -> [Int?] {
        switch family {
        case .mistral:
            let window = fields["sliding_window"] == nil ? 4096 : try optionalPositive("sliding_window")
            return Array(repeating: window, count: layers)
        case .qwen2:
            guard try flag("use_sliding_window", default: false) else { return Array(repeating: nil, count: layers) }
            let window = try positive("sliding_window")
            let first = try count("max_window_layers")
            return (0..<layers).map { $0 >= first ? window : nil }
        default:
            return Array(repeating: nil, count: layers)
        }
    }

    private func ropeVariant() -> String {
        var type = "default"
        for field in ["rope_scaling", "rope_parameters"] {
            guard case let .object(scaling)? = fields[field] else { continue }
            for key in ["rope_type", "type"] {
                if case let .string(name)? = scaling[key] { type = name }
            }
        }
        return "\(type) (changes the rotation angles only: no FLOP count moves)"
    }

    /// MLA and mixture-of-experts fields of `deepseek_v2` / `deepseek_v3`.
    private func readDeepSeek(into config: inout DecoderConfig) throws {
        if try !flag("use_mla", default: true) {
            throw error("use_mla", "is false; transformers 5.25's DeepseekV2Attention is latent attention only")
        }
        guard fields.keys.contains("q_lora_rank") else { throw error("q_lora_rank", "is missing (null for a direct q_proj)") }
        let latent = LatentAttentionConfig(
            queryRank: try optionalPositive("q_lora_rank"), latentRank: try positive("kv_lora_rank"),
            noPositionHeadDim: try positive("qk_nope_head_dim"), ropeHeadDim: try positive("qk_rope_head_dim"),
            valueHeadDim: try positive("v_head_dim"))
        guard config.keyValueHeads == config.heads else {
            throw error("num_key_value_heads", "\(config.keyValueHeads) differs from num_attention_heads \(config.heads); "
                + "latent attention expands keys to every head")
        }
        config.latent = latent
        config.headDim = latent.noPositionHeadDim + latent.ropeHeadDim
        let experts = try positive("n_routed_experts")
        let perToken = try positive("num_experts_per_tok")
        guard perToken <= experts else {
            throw error("num_experts_per_tok", "\(perToken) exceeds n_routed_experts \(experts)")
        }
        let dense = try count("first_k_dense_replace")
        if has("moe_layer_freq"), try positive("moe_layer_freq") != 1 {
            throw error("moe_layer_freq", "is \(shown("moe_layer_freq")); transformers 5.25 ignores it (every layer "
                + "from first_k_dense_replace on is MoE), so only 1 is modelled")
        }
        let selection: ExpertSelection
        if config.family == .deepseekV3 {
            selection = .noAuxTC
        } else {
            let method = try text("topk_method") ?? "greedy"
            guard let known = ExpertSelection(rawValue: method), known != .noAuxTC else {
                throw error("topk_method", "\"\(method)\" is not a deepseek_v2 gate; accepted: greedy, group_limited_greedy")
            }
            selection = known
        }
        var groups = 1, groupsPerToken = 1
        if selection != .greedy {
            groups = try positive("n_group")
            groupsPerToken = try positive("topk_group")
            guard experts % groups == 0 else { throw error("n_group", "\(groups) does not divide n_routed_experts \(experts)") }
            guard groupsPerToken <= groups else { throw error("topk_group", "\(groupsPerToken) exceeds n_group \(groups)") }
        }
        config.mixture = MixtureConfig(
            routedExperts: experts, sharedExperts: try positive("n_shared_experts"), expertsPerToken: perToken,
            expertIntermediateSize: try positive("moe_intermediate_size"), firstDenseLayers: min(dense, config.layers),
            selection: selection, groups: groups, groupsPerToken: groupsPerToken,
            normalizesWeights: try flag("norm_topk_prob", default: config.family == .deepseekV3))
    }
}
