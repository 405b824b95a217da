import ModelMeter

/// `Qwen2MLP` (`qwen2_model.model.model.layers.N.mlp`): SwiGLU without biases,
/// `down_proj(act_fn(gate_proj(x)) · up_proj(x))`, 896 → 4864 → 896. The same computation as the
/// decoder's `DeepseekV2MLP`, whose terms it reuses; `act_fn` is a SiLU module priced inside.
///
/// ```
/// gate_proj, up_proj  2·B·S·D·F each     SiLU 4·B·S·F, gate·up B·S·F (CUDA)     down_proj 2·B·S·F·D
/// ```
public struct Qwen2MLP: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "Qwen2MLP", vendorFile: "transformers/models/qwen2/modeling_qwen2.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2MLP"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: false,
        build: { a in try Qwen2MLP(shape: .encoder(images: a["batch"], positions: a["tokens"])) },
        referenceModules: [], referenceLayer: { run in try Qwen2MLP(shape: run.decoderShape()) })

    private let body: DeepseekV2MLP

    public init(shape: DecoderShape, configuration: Qwen2EncoderConfiguration = .deepEncoderV2) throws {
        body = try DeepseekV2MLP(
            shape: shape, hiddenSize: configuration.hiddenSize, intermediateSize: configuration.intermediateSize)
    }

    public var symbols: [Symbol] { body.symbols }
    /// The body's steps with its SiLU term moved into the `act_fn` module transformers declares.
    public var steps: [Step] {
        body.steps.map { step in
            guard case let .term(term) = step, term.name == "SiLU" else { return step }
            return .child(Child("act_fn", SiLU(term, className: "SiLU")))
        }
    }
}
