import ModelMeter

/// `DeepseekV2RMSNorm` (`model.layers.N.input_layernorm`, `post_attention_layernorm`,
/// `model.norm`): `w · x · rsqrt(mean(x²) + ε)` over the last dimension, computed in fp32.
///
/// ```
/// RMSNorm (CUDA core)  forward 4·B·S·D (per-element cost table), weight D
/// ```
/// Saved for backward: `pow` and `x·rstd` keep x in fp32 (the input itself at fp32, the
/// `.to(float32)` copy otherwise), `rsqrt` its output rstd (fp32, one per row) and `w·n` the
/// normalised n cast back to the storage precision:
/// `T·D·e + 4·T·D + 4·T` bytes, T = B·S.
/// The input is kept here, not by the residual add that also reads it (adds keep nothing).
public struct DeepseekV2RMSNorm: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2RMSNorm", vendorFile: "modeling_deepseekv2.py")
    /// `DeepseekV2RMSNorm`, or the name of a family's RMSNorm that computes the same (`Qwen2RMSNorm`, `LlamaRMSNorm`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: false,
        build: { a in try DeepseekV2RMSNorm(shape: DecoderShape(a)) },
        referenceModules: ["norm.DeepseekV2RMSNorm"],
        referenceLayer: { run in try DeepseekV2RMSNorm(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol

    public init(
        shape: DecoderShape, hiddenSize: Int = DeepseekV2Configuration.deepSeekOCR.hiddenSize,
        className: String = "DeepseekV2RMSNorm"
    ) throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: className)
        try self.init(shape: shape, width: Symbol("D", hiddenSize, "hidden width"), className: className)
    }

    /// An RMSNorm over `width` (MLA's latent norms normalise `kv_lora_rank` or `q_lora_rank` values).
    public init(shape: DecoderShape, width: Symbol, className: String) throws {
        try ModelMeterError.requirePositive(width.value, "normalized width", in: className)
        self.shape = shape
        typeName = className
        hidden = width
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden] }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [hidden.value])] }

    public var steps: [Step] {
        let rows = shape.rows
        return [.term(CostTerm.elementwise("RMSNorm", .rmsNorm, elements: rows * hidden, weightElements: hidden.formula)
            .saving(
                rows * hidden, fixedWidthBytes: 4 * rows * hidden + 4 * rows,
                tensors: "input x in fp32 (its .to(float32) copy below fp32), rstd per row (fp32), normalised x"))]
    }
}
