import ModelMeter

/// Which positions the language-model head turns into logits.
public enum LogitPositions: String, CaseIterable, Sendable {
    /// Every position, as the Hugging Face forward does (`lm_head(hidden_states)`).
    case all
    /// The last position of each sequence only, as serving engines (vLLM) do.
    case last
}

/// `DeepseekV2ForCausalLM`: the decoder `model` plus the untied `lm_head` (`D → V`, no bias).
/// DeepSeek-OCR's `DeepseekOCRForCausalLM` is this class with the vision stack beside `model`,
/// so module paths (`model.layers.1.mlp.gate`, `lm_head`) are the same.
///
/// ```
/// lm_head  2·B·P·D·V   P = S positions (all, default) or 1 (last)
/// ```
public struct DeepseekV2ForCausalLM: Layer {
    public static let documentation = LayerDoc(vendorClass: "DeepseekV2ForCausalLM", vendorFile: "modeling_deepseekv2.py")
    /// `DeepseekV2ForCausalLM`, or a family's (`Qwen2ForCausalLM`, `LlamaForCausalLM`, …).
    public let typeName: String
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: DecoderShape.recipeParameters + [.init("layers", 12, "decoder layers", largest: LayerRecipe.largestLayerCount), .init("last-only", 0, "1: lm_head on the last position only")], takesKernel: true,
        build: { a in try DeepseekV2ForCausalLM(
                shape: DecoderShape(a), configuration: .layers(a["layers"]), kernel: a.kernel,
                logits: a["last-only"] == 0 ? .all : .last) },
        referenceModules: ["stack.DeepseekV2ForCausalLM.2layers", "head.lm_head"],
        referenceLayer: { run in
            let model = try DeepseekV2ForCausalLM(shape: run.decoderShape(), configuration: .layers(2), kernel: run.kernel)
            // The head alone was measured on every position of the run's input.
            return run.module == "head.lm_head" ? try model.moduleInstance(at: "lm_head").layer : model
        })

    public let shape: DecoderShape
    /// DeepSeek-OCR's decoder settings; nil for a decoder read from a `config.json`.
    public private(set) var configuration: DeepseekV2Configuration?
    public let logits: LogitPositions
    public let model: DeepseekV2Model
    private let lmHead: Linear
    /// `tie_word_embeddings`: lm_head's weight is `embed_tokens`' (counted once, in the model).
    public let tiedEmbeddings: Bool

    public init(
        shape: DecoderShape, configuration: DeepseekV2Configuration = .deepSeekOCR, kernel: AttentionKernel = .sdpa,
        logits: LogitPositions = .all
    ) throws {
        try configuration.validate()
        let positions = shape.cached.value + shape.tokens.value
        guard positions <= configuration.maxPositions else {
            throw ModelMeterError.invalidShape(
                layer: "DeepseekV2ForCausalLM", what: "sequence length",
                reason: "L + S = \(positions) exceeds max_position_embeddings \(configuration.maxPositions)")
        }
        try self.init(
            shape: shape, model: try DeepseekV2Model(shape: shape, configuration: configuration, kernel: kernel),
            logits: logits)
        self.configuration = configuration
    }

    /// `model` with an lm_head (`tiedEmbeddings`: sharing the embedding's weight), named `className`.
    public init(
        shape: DecoderShape, model: DeepseekV2Model, tiedEmbeddings: Bool = false, logits: LogitPositions = .all,
        className: String = "DeepseekV2ForCausalLM"
    ) throws {
        self.shape = shape
        configuration = nil
        self.logits = logits
        self.model = model
        self.tiedEmbeddings = tiedEmbeddings
        typeName = className
        let rows = logits == .all ? shape.rows : shape.batch.formula
        lmHead = try Linear(
            "lm_head", tokens: rows, inFeatures: model.hidden.formula, outFeatures: model.vocabulary.formula, bias: false)
    }

    public var symbols: [Symbol] { model.symbols }

    public var steps: [Step] {
        [.child(Child("model", model)), .child(Child("lm_head", lmHead, ownsParameters: !tiedEmbeddings))]
    }
}
