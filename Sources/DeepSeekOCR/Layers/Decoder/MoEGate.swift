import ModelMeter

/// `MoEGate` (`model.layers.N.mlp.gate`): router logits `x·Wᵀ` (computed in fp32), softmax
/// over the `E` experts, greedy top-`k`; the top-k weights are used as they are
/// (`norm_topk_prob` false, scaling 1.0). The auxiliary loss runs in training only.
///
/// ```
/// router logits (tensor core)  2·B·S·D·E      softmax 5·B·S·E (CUDA)      top-k: reads B·S·E, writes 2·B·S·k
/// ```
/// Saved for backward (training), T = B·S: the input X (`T·D·e`; below fp32 the vendor's
/// `.type(float32)` copy is kept instead, 4·T·D B, not counted), the fp32 scores (`4·T·E` B), the
/// top-k indices (int64, `8·T·k` B) and, for the sequence auxiliary loss, the per-sequence
/// expert counts `ce` that multiply the mean scores (fp32 `[B, E]`, `4·B·E` B). The `· 1.0`
/// scaling and `· α` keep nothing.
public struct MoEGate: Layer {
    public static let documentation = LayerDoc(vendorClass: "MoEGate", vendorFile: "modeling_deepseekv2.py")
    public let typeName = "MoEGate"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters, takesKernel: false,
        build: { a in try MoEGate(shape: DecoderShape(a)) },
        referenceModules: ["moe.MoEGate"],
        referenceLayer: { run in try MoEGate(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol
    public let experts: Symbol
    public let topK: Symbol

    public init(shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR) throws {
        try configuration.validate()
        self.shape = shape
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        experts = Symbol("E", configuration.routedExperts, "routed experts")
        topK = Symbol("k", configuration.expertsPerToken, "experts per token (top-k)")
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, experts, topK] }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [experts.value, hidden.value])] }

    public var steps: [Step] {
        let rows = shape.rows
        return [
            .term(.matmul(
                "router logits", m: rows, k: hidden.formula, n: experts.formula,
                weightElements: experts * hidden, inputNeedsGradient: true)),
            // softmax(dtype=float32) on fp32 logits: the kept scores are fp32 at any storage precision.
            .term(CostTerm.elementwise("router softmax", .softmax, elements: rows * experts)
                .saving(.zero, fixedWidthBytes: 4 * rows * experts, tensors: "scores (fp32)")),
            .term(CostTerm.dataMovement("top-k selection", reads: rows * experts, writes: 2 * rows * topK)
                .saving(
                    .zero, fixedWidthBytes: 8 * rows * topK + 4 * shape.batch * experts,
                    tensors: "top-k indices (int64); the auxiliary loss's expert counts ce [B, E] (fp32)")),
        ]
    }
}
