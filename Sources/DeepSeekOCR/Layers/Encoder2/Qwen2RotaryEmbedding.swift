import ModelMeter

/// `Qwen2RotaryEmbedding`: the model-level table (`qwen2_model.model.model.rotary_emb`) computed
/// once per encoder call and shared by all 24 layers. Its positions are `cache_position.unsqueeze(0)`,
/// `[1, S]`, so the table is built for one sequence whatever the batch: the `inv_freq ⊗ positions`
/// batched matmul FlopCounterMode counts is `2·r·S` (r = d/2 = 32), then `cos` and `sin` of
/// `[1, S, d]`. Each attention layer also owns a `rotary_emb` that transformers 4.46 never calls
/// when the model passes `position_embeddings` (zero cost there).
///
/// ```
/// inv_freq × positions (tensor core)  2·1·r·S
/// cos, sin             (CUDA core)    S·d each
/// ```
public struct Qwen2RotaryEmbedding: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "Qwen2RotaryEmbedding", vendorFile: "transformers/models/qwen2/modeling_qwen2.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "Qwen2RotaryEmbedding"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: false,
        build: { a in try Qwen2RotaryEmbedding(positions: a["tokens"], called: true) },
        referenceModules: [], referenceLayer: { run in try Qwen2RotaryEmbedding(positions: run.decoderShape().tokens.value, called: true) })

    /// Whether this instance runs (the model-level table) or only exists (each layer's copy).
    public let called: Bool
    private let body: LlamaRotaryEmbedding

    public init(
        positions: Int, called: Bool, headDim: Int = Qwen2EncoderConfiguration.deepEncoderV2.headDim
    ) throws {
        self.called = called
        body = try LlamaRotaryEmbedding(shape: .rotaryTable(positions: positions), headDim: headDim)
    }

    public var symbols: [Symbol] { called ? body.symbols : [] }
    public var steps: [Step] { called ? body.steps : [] }
    public var role: String? { called ? nil : "not called (the model passes position_embeddings)" }
}
