import ModelMeter

/// `CustomQwen2ModelInner` (`qwen2_model.model.model`): transformers' `Qwen2Model` with its token
/// embedding deleted and `_update_causal_mask` replaced by DeepEncoder V2's mixed mask. It builds
/// the mask, the rotary table once, runs the 24 layers over all `S = 2N` positions and applies
/// the final `norm` to every position (the caller keeps only the last N rows).
///
/// The mask `[B, 1, S, S]` is built by a Python loop per image: a full fill with the dtype's
/// minimum, one block write for visual×visual, then two row writes per query row (visual
/// columns, then queries 0…i), and a `stack`:
/// ```
/// mask build   writes B·S² (fill) + B·(N² + N² + N(N+1)/2) (allowed entries) + B·S² (stack), reads B·S²
/// ```
/// That is about 2N + 2 small kernels per image; they move little data but each pays a launch
/// and a host round trip, which no FLOP or byte count shows.
public struct CustomQwen2ModelInner: Layer {
    public static let documentation = LayerDoc(vendorClass: "CustomQwen2ModelInner", vendorFile: "deepencoderv2/qwen2_d2e.py", knowledgeBase: DeepSeekOCR2Model.knowledgeBase)
    public let typeName = "CustomQwen2ModelInner"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer (a global view's 512 positions by default).
    public static let recipe = LayerRecipe(
        doc: documentation, parameters: Qwen2EncoderConfiguration.recipeParameters, takesKernel: true,
        build: { a in try CustomQwen2ModelInner(shape: .encoder(images: a["batch"], positions: a["tokens"]), kernel: a.kernel) },
        referenceModules: [], referenceLayer: { run in try CustomQwen2ModelInner(shape: run.decoderShape()) })

    public let shape: DecoderShape
    public let hidden: Symbol
    /// Visual tokens per image, `N = S/2` (as many queries follow them).
    public let visualTokens: Symbol
    private let layers: ModuleContainer
    private let norm: Qwen2RMSNorm
    private let rotary: Qwen2RotaryEmbedding

    public init(
        shape: DecoderShape, configuration: Qwen2EncoderConfiguration = .deepEncoderV2, kernel: AttentionKernel = .sdpa
    ) throws {
        try configuration.validate()
        guard shape.tokens.value % 2 == 0 else {
            throw ModelMeterError.invalidShape(
                layer: "CustomQwen2ModelInner", what: "positions",
                reason: "\(shape.tokens.value) is odd; the encoder runs N visual tokens then N queries")
        }
        self.shape = shape
        hidden = Symbol("D", configuration.hiddenSize, "hidden width")
        visualTokens = Symbol("N", shape.tokens.value / 2, "visual tokens per image (as many queries follow)")
        let layer = try Qwen2DecoderLayer(shape: shape, configuration: configuration, kernel: kernel)
        layers = ModuleContainer("ModuleList", [Child(indices: 0, count: configuration.layers, layer)])
        norm = try Qwen2RMSNorm(shape: shape, hiddenSize: configuration.hiddenSize)
        rotary = try Qwen2RotaryEmbedding(positions: shape.tokens.value, called: true, headDim: configuration.headDim)
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, visualTokens, allowedEntries, hidden] }

    /// Mask entries set to 0 per image: `A = N² + N² + N(N+1)/2` (visual rows, query rows' visual
    /// columns, the causal triangle among queries).
    public var allowedEntries: Symbol {
        let n = visualTokens.value
        return Symbol("A", 2 * n * n + n * (n + 1) / 2, "allowed mask entries per image, 2N² + N(N+1)/2")
    }

    public var steps: [Step] {
        let b = shape.batch.formula
        let square = b * .power(shape.tokens.formula, 2)
        let allowed = b * allowedEntries
        return [
            .term(.dataMovement("mixed mask build (fill, block and row writes, stack)", reads: square, writes: 2 * square + allowed)
                .withoutGradient),
            .child(Child("rotary_emb", rotary)),
            .child(Child("layers", layers)),
            .child(Child("norm", norm)),
        ]
    }
}
