import ModelMeter

/// How multi-head latent attention is run.
public enum LatentAttentionMode: String, CaseIterable, Sendable {
    /// `transformers` 5.25: cache the latent, expand every cached position through `kv_b_proj`
    /// on every call, attend per head (the path FlopCounterMode checks).
    case naive
    /// Serving engines (vLLM, SGLang, DeepSeek's inference code): `kv_b_proj` absorbed into the
    /// query and output sides, attention run in the latent space against the cache as it is.
    case absorbed

    public static func named(_ text: String) throws -> LatentAttentionMode {
        guard let mode = LatentAttentionMode(rawValue: text.lowercased()) else {
            throw ModelMeterError.unknownName(kind: "MLA mode", name: text, accepted: allCases.map(\.rawValue))
        }
        return mode
    }
}

/// `DeepseekV2Attention` (`model.layers.N.self_attn`, also `DeepseekV3Attention`): multi-head
/// latent attention. Keys and values are compressed into one `r`-wide latent per position
/// (`kv_a_proj_with_mqa`, normalised by `kv_a_layernorm`) plus one shared `dr`-wide rotary key;
/// the cache keeps those `r + dr` values per position and layer.
///
/// Symbols: T = B·S new rows, Sk = L + S keys, h heads, dn/dr/dv no-position, rotary and value
/// head widths, r = kv_lora_rank, rq = q_lora_rank.
/// ```
/// q_proj                 2·T·D·h·(dn+dr)          (or q_a_proj 2·T·D·rq, q_a_layernorm, q_b_proj 2·T·rq·h·(dn+dr))
/// kv_a_proj_with_mqa     2·T·D·(r+dr)
/// naive (transformers):
///   kv_b_proj            2·B·Sk·r·h·(dn+dv)        every cached position re-expanded every call
///   scores, P·V          2·B·h·S·Sk·(dn+dr), 2·B·h·S·Sk·dv
/// absorbed (serving):
///   kv_b_proj            2·T·h·dn·r + 2·T·h·r·dv   W_UK into the queries, W_UV onto the output
///   cat(q_latent, q_pe)  T·h·(r+dr) elements copied   the kernel's query tensor
///   scores, P·V          2·B·h·S·Sk·(r+dr), 2·B·h·S·Sk·r   against the one latent head
/// o_proj                 2·T·h·dv·D
/// cache kept             B·(L+S)·(r+dr) elements
/// ```
/// Counted versus executed: FlopCounterMode sees the naive path; the absorbed one trades the
/// per-step expansion for wider scores, so it wins in decode (S = 1, large L) and loses in prefill.
public struct DeepseekV2Attention: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "DeepseekV2Attention", vendorFile: "transformers/models/deepseek_v2/modeling_deepseek_v2.py",
        knowledgeBase: ConfigDecoder.knowledgeBase)
    /// `DeepseekV2Attention` or `DeepseekV3Attention` (the same computation).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    public let shape: DecoderShape
    public let mode: LatentAttentionMode
    public let kernel: AttentionKernel
    public let hidden: Symbol
    public let heads: Symbol
    public let latentRank: Symbol
    public let noPositionDim: Symbol
    public let ropeDim: Symbol
    public let valueDim: Symbol
    public let queryRank: Symbol?
    private let queryPath: [(name: String, layer: any Layer)]
    private let latentProjection: Linear
    private let latentNorm: DeepseekV2RMSNorm
    private let expansion: any Layer
    private let outputProjection: Linear

    public init(
        shape: DecoderShape, hiddenSize: Int, heads: Int, sizes: LatentAttentionConfig, bias: Bool = false,
        mode: LatentAttentionMode = .naive, kernel: AttentionKernel = .eager, className: String = "DeepseekV2Attention",
        normClassName: String = "DeepseekV2RMSNorm"
    ) throws {
        self.shape = shape
        self.mode = mode
        self.kernel = kernel
        typeName = className
        hidden = Symbol("D", hiddenSize, "hidden width")
        self.heads = Symbol("h", heads, "attention heads")
        latentRank = Symbol("r", sizes.latentRank, "kv_lora_rank: the cached latent's width")
        noPositionDim = Symbol("dn", sizes.noPositionHeadDim, "qk_nope_head_dim")
        ropeDim = Symbol("dr", sizes.ropeHeadDim, "qk_rope_head_dim (one rotary key shared by the heads)")
        valueDim = Symbol("dv", sizes.valueHeadDim, "v_head_dim")
        queryRank = sizes.queryRank.map { Symbol("rq", $0, "q_lora_rank") }
        let rows = shape.rows
        let queryWidth = self.heads * (noPositionDim + ropeDim)
        if let queryRank {
            queryPath = [
                ("q_a_proj", try Linear("q_a", tokens: rows, inFeatures: hidden.formula, outFeatures: queryRank.formula, bias: bias)),
                ("q_a_layernorm", try DeepseekV2RMSNorm(shape: shape, width: queryRank, className: normClassName)),
                ("q_b_proj", try Linear("q_b", tokens: rows, inFeatures: queryRank.formula, outFeatures: queryWidth, bias: false)),
            ]
        } else {
            queryPath = [("q_proj", try Linear("q", tokens: rows, inFeatures: hidden.formula, outFeatures: queryWidth, bias: false))]
        }
        // kv_a_proj_with_mqa and q's first projection read the same input storage: kept once.
        latentProjection = try Linear(
            "kv_a", tokens: rows, inFeatures: hidden.formula, outFeatures: latentRank + ropeDim, bias: bias,
            inputAlreadySaved: true)
        latentNorm = try DeepseekV2RMSNorm(shape: shape, width: latentRank, className: normClassName)
        let expandedWidth = self.heads * (noPositionDim + valueDim)
        switch mode {
        case .naive:
            expansion = try Linear(
                "kv_b", tokens: shape.batch * shape.keys, inFeatures: latentRank.formula, outFeatures: expandedWidth, bias: false)
        case .absorbed:
            expansion = AbsorbedLatentProjection(
                rows: rows, heads: self.heads, latentRank: latentRank, noPositionDim: noPositionDim, valueDim: valueDim)
        }
        outputProjection = try Linear(
            "o", tokens: rows, inFeatures: self.heads * valueDim, outFeatures: hidden.formula, bias: bias)
    }

    public var symbols: [Symbol] {
        shape.symbols + [hidden, heads] + [queryRank].compactMap { $0 } + [latentRank, noPositionDim, ropeDim, valueDim]
    }

    /// The latent and the rotary key of every position held after the call: `B·(L + S)·(r + dr)`.
    public var kvCacheElements: Formula { shape.batch * shape.keys * (latentRank + ropeDim) }

    public var steps: [Step] {
        let (rows, keys, batch) = (shape.rows, shape.keys, shape.batch.formula)
        let latentWidth = latentRank + ropeDim
        var steps: [Step] = queryPath.map { .child(Child($0.name, $0.layer)) } + [
            .child(Child("kv_a_proj_with_mqa", latentProjection)),
            .child(Child("kv_a_layernorm", latentNorm)),
            .term(CostTerm.elementwise(
                "RoPE on q_pe and k_pe", .rotary, elements: rows * (heads.formula + 1) * ropeDim,
                weightElements: 2 * rows * ropeDim)
                .saving(2 * rows * ropeDim, tensors: "cos and sin")),
            .term(.dataMovement("latent cache append", reads: rows * latentWidth, writes: rows * latentWidth)),
        ]
        var core: ScaledDotProductAttention
        switch mode {
        case .naive:
            let keyWidth = noPositionDim + ropeDim
            steps += [
                .term(.dataMovement("cat(q_nope, q_pe)", reads: rows * heads * keyWidth, writes: rows * heads * keyWidth)),
                .child(Child("kv_b_proj", expansion)),
                // k_nope and the shared k_pe copied into a new [B, h, Sk, dn + dr] key tensor.
                .term(.dataMovement(
                    "keys = [k_nope | k_pe]", reads: batch * keys * heads * noPositionDim + batch * keys * ropeDim,
                    writes: batch * heads * keys * keyWidth)),
            ]
            core = ScaledDotProductAttention(
                batch: batch, heads: heads.formula, tokens: shape.tokens.formula, keyTokens: keys,
                headDim: keyWidth, hasMask: false, causalMask: true, kernel: kernel)
            core.valueHeadDim = valueDim.formula
        case .absorbed:
            steps += [
                .child(Child("kv_b_proj", expansion)),
                // The latent queries meet the rotary ones in one [T, h, r + dr] tensor for the
                // kernel, which reads the cache as stored, [latent | k_pe] (vLLM's decode path).
                .term(.dataMovement("cat(q_latent, q_pe)", reads: rows * heads * latentWidth, writes: rows * heads * latentWidth)),
            ]
            core = ScaledDotProductAttention(
                batch: batch, heads: heads.formula, tokens: shape.tokens.formula, keyTokens: keys,
                headDim: latentWidth, hasMask: false, causalMask: true, kernel: kernel)
            core.keyValueHeads = .one
            core.valueHeadDim = latentRank.formula
        }
        core.scalesScoresAfterMatmul = true
        core.softmaxInFP32 = true
        let output = rows * heads * valueDim
        return steps + core.terms.map(Step.term) + [
            .term(.dataMovement("heads to [B, S, h·dv] (contiguous)", reads: output, writes: output)),
            .child(Child("o_proj", outputProjection)),
        ]
    }
}

/// Absorbed MLA's `kv_b_proj`: its weight `[h·(dn + dv), r]` is applied as `W_UK` to the
/// no-position queries (`[T, h, dn] → [T, h, r]`) and as `W_UV` to the latent attention output
/// (`[T, h, r] → [T, h, dv]`), never to the cache.
/// ```
/// absorb W_UK into q   2·T·h·dn·r        W_UV on the output   2·T·h·r·dv
/// ```
struct AbsorbedLatentProjection: Layer {
    let typeName = "Linear"
    let rows: Formula
    let heads: Symbol
    let latentRank: Symbol
    let noPositionDim: Symbol
    let valueDim: Symbol

    var symbols: [Symbol] { (rows * heads * latentRank * noPositionDim * valueDim).symbols }
    var ownParameters: [ParameterTensor] {
        [ParameterTensor("weight", [heads.value * (noPositionDim.value + valueDim.value), latentRank.value])]
    }

    var steps: [Step] {
        let queries = rows * heads
        return [
            .term(.matmul(
                "absorb W_UK into q", m: queries, k: noPositionDim.formula, n: latentRank.formula,
                weightElements: heads * noPositionDim * latentRank, inputNeedsGradient: true)),
            .term(.matmul(
                "W_UV on the latent output", m: queries, k: latentRank.formula, n: valueDim.formula,
                weightElements: heads * valueDim * latentRank, inputNeedsGradient: true)),
        ]
    }
}
