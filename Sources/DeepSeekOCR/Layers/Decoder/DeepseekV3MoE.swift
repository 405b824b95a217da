import ModelMeter

/// `DeepseekV3MoE` (`model.layers.N.mlp` from `first_k_dense_replace` on; `transformers` 5.25's
/// `DeepseekV2Moe` computes the same): the router (`gate`) picks `k` experts per token, the
/// routed experts (`experts`, one module of 3-D weights) run and combine them, and the shared
/// experts (`shared_experts`, one SwiGLU of width `n_shared_experts · moe_intermediate_size`) run
/// on every token: `y = experts(x, gate(x)) + shared_experts(x)`.
///
/// ```
/// gate            2·T·D·E                          (DeepseekV2TopkRouter / DeepseekV3TopkRouter)
/// experts         6·T·k·D·F                        (DeepseekV2Experts)
/// shared_experts  6·T·D·Fs                         (a SwiGLU MLP)
/// routed + shared T·D (CUDA)
/// ```
public struct DeepseekV3MoE: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "DeepseekV3MoE", vendorFile: "transformers/models/deepseek_v3/modeling_deepseek_v3.py",
        knowledgeBase: ConfigDecoder.knowledgeBase)
    /// `DeepseekV3MoE` or `DeepseekV2Moe`.
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    public let shape: DecoderShape
    public let hidden: Symbol
    public let gate: any Layer
    public let experts: DeepseekV2Experts
    public let sharedExperts: DeepseekV2MLP

    /// The MoE block of `family` (`deepseek_v2` or `deepseek_v3`) with `mixture`'s sizes.
    public init(shape: DecoderShape, hiddenSize: Int, mixture: MixtureConfig, family: DecoderFamily) throws {
        self.shape = shape
        let v3 = family == .deepseekV3
        typeName = v3 ? "DeepseekV3MoE" : "DeepseekV2Moe"
        hidden = Symbol("D", hiddenSize, "hidden width")
        gate = v3
            ? try DeepseekV3TopkRouter(shape: shape, hiddenSize: hiddenSize, mixture: mixture)
            : try DeepseekV2TopkRouter(shape: shape, hiddenSize: hiddenSize, mixture: mixture)
        experts = try DeepseekV2Experts(
            shape: shape, hiddenSize: hiddenSize, mixture: mixture, className: family.classPrefix + "Experts")
        let sharedWidth = try ModelMeterError.checkedProduct(
            mixture.sharedExperts, mixture.expertIntermediateSize, "n_shared_experts · moe_intermediate_size")
        // The router keeps the input X; the shared experts read the same storage.
        sharedExperts = try DeepseekV2MLP(
            shape: shape, hiddenSize: hiddenSize, intermediateSize: sharedWidth, inputAlreadySaved: true,
            className: family.classPrefix + "MLP", activationModule: true)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, experts.experts, experts.topK, experts.intermediate] }

    /// The input stays live for the shared experts while the routed experts run.
    public var heldActivationElements: Formula { shape.rows * hidden }

    public var steps: [Step] {
        [
            .child(Child("gate", gate)),
            .child(Child("experts", experts)),
            .child(Child("shared_experts", sharedExperts)),
            .term(.elementwise("routed + shared", .add, elements: shape.rows * hidden)),
        ]
    }
}
