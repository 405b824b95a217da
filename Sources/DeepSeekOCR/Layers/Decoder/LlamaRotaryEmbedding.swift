import ModelMeter

/// `LlamaRotaryEmbedding` (`model.layers.N.self_attn.rotary_emb`), run inside every attention:
/// `freqs = inv_freq ⊗ positions` as a batched matmul, then `cos` and `sin` of `cat(freqs, freqs)`.
/// It runs under `torch.no_grad()`: no backward, nothing saved.
///
/// `transformers` 5.25 computes the table once per call at `model.rotary_emb` and forms the angles
/// by broadcasting (`positions[..., None] · inv_freq`, `B·S·r` multiplies on CUDA cores), so
/// FlopCounterMode counts nothing there (`anglesByMatmul` false).
///
/// ```
/// inv_freq × positions (tensor core)  2·B·r·S      r = d/2 frequencies (FlopCounterMode counts this bmm)
/// cos, sin            (CUDA core)     B·S·d each
/// ```
public struct LlamaRotaryEmbedding: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "LlamaRotaryEmbedding", vendorFile: "transformers/models/llama/modeling_llama.py")
    /// `LlamaRotaryEmbedding`, or a family's (`Qwen2RotaryEmbedding`, `DeepseekV3RotaryEmbedding`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: false,
        build: { a in try LlamaRotaryEmbedding(shape: DecoderShape(a)) },
        referenceModules: [],
        referenceLayer: { run in try LlamaRotaryEmbedding(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let headDim: Symbol
    public let frequencies: Symbol

    /// Whether the angles come from a matmul `inv_freq @ positions` (counted) or a broadcast multiply.
    public let anglesByMatmul: Bool

    public init(
        shape: DecoderShape, headDim: Int = DeepseekV2Configuration.deepSeekOCR.headDim,
        anglesByMatmul: Bool = true, className: String = "LlamaRotaryEmbedding"
    ) throws {
        typeName = className
        self.anglesByMatmul = anglesByMatmul
        try ModelMeterError.requirePositive(headDim, "head_dim", in: "LlamaRotaryEmbedding")
        guard headDim % 2 == 0 else {
            throw ModelMeterError.invalidShape(layer: "LlamaRotaryEmbedding", what: "head_dim", reason: "\(headDim) is odd; RoPE rotates pairs")
        }
        self.shape = shape
        self.headDim = Symbol("d", headDim, "head width (rotary dimension)")
        frequencies = Symbol("r", headDim / 2, "rotary frequencies, d/2")
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, headDim, frequencies] }

    public var steps: [Step] {
        let (b, s) = (shape.batch.formula, shape.tokens.formula)
        let angles = b * s * frequencies
        let table = b * s * headDim
        let terms: [CostTerm] = [
            anglesByMatmul
                ? CostTerm(
                    name: "inv_freq × positions", unit: .tensorCore,
                    forwardFLOPs: 2 * b * frequencies * s, backwardFLOPs: .zero,
                    forwardTraffic: Traffic(activationReads: b * s, weightReads: frequencies.formula, writes: angles),
                    backwardTraffic: .none)
                : .elementwise("positions · inv_freq", .multiply, elements: angles),
            .dataMovement("cat(freqs, freqs)", reads: angles, writes: table),
            .elementwise("cos", .trigonometric, elements: table),
            .elementwise("sin", .trigonometric, elements: table),
        ]
        return terms.map { .term($0.withoutGradient) }
    }
}
