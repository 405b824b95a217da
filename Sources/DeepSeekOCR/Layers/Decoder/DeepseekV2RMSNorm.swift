import ModelMeter

/// `DeepseekV2RMSNorm` (`model.layers.N.input_layernorm`, `post_attention_layernorm`,
/// `model.norm`): `w · x · rsqrt(mean(x²) + ε)` over the last dimension, computed in fp32.
///
/// ```
/// RMSNorm (CUDA core)  forward 4·B·S·D (per-element cost table), weight D
/// ```
public struct DeepseekV2RMSNorm: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2RMSNorm", vendorFile: "modeling_deepseekv2.py")
    public let typeName = "DeepseekV2RMSNorm"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: false,
        build: { a in try DeepseekV2RMSNorm(shape: DecoderShape(a)) },
        referenceModules: ["norm.DeepseekV2RMSNorm"],
        referenceLayer: { run in try DeepseekV2RMSNorm(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol

    public init(shape: DecoderShape, hiddenSize: Int = DeepseekV2Configuration.deepSeekOCR.hiddenSize) throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: "DeepseekV2RMSNorm")
        self.shape = shape
        hidden = Symbol("D", hiddenSize, "hidden width")
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden] }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [hidden.value])] }

    public var steps: [Step] {
        [.term(.elementwise("RMSNorm", .rmsNorm, elements: shape.rows * hidden, weightElements: hidden.formula))]
    }
}
