import ModelMeter

/// The vendor's `MlpProjector` variants DeepSeek-OCR can be configured with.
public enum ProjectorType: Sendable, Hashable {
    /// `nn.Identity()`.
    case identity
    /// One `Linear(input_dim → n_embed)`: what DeepSeek-OCR ships.
    case linear
    /// `Linear(input_dim → n_embed)` then `(GELU, Linear(n_embed → n_embed))` × (depth − 1).
    case mlpGELU(depth: Int)
    /// Pad the token grid to a multiple of `ratio`, unfold `ratio × ratio` neighbourhoods into
    /// `input_dim·ratio²` features, then `Linear → (GELU, Linear) × (depth − 2) → GELU → Linear`
    /// with hidden width `n_embed·mlpRatio`.
    case downsampleMLPGELU(depth: Int, ratio: Int, mlpRatio: Int)

    /// Linear layers of the MLP variants (`depth`); nil for identity and linear.
    public var depth: Int? {
        switch self {
        case .identity, .linear: return nil
        case let .mlpGELU(depth), let .downsampleMLPGELU(depth, _, _): return depth
        }
    }

    /// The vendor's `projector_type` string.
    public var vendorName: String {
        switch self {
        case .identity: return "identity"
        case .linear: return "linear"
        case .mlpGELU: return "mlp_gelu"
        case .downsampleMLPGELU: return "downsample_mlp_gelu"
        }
    }
}

/// The vision→language bridge (`projector`): maps `[B, T, 2048]` concatenated CLIP+SAM
/// features to `[B, T', 1280]` decoder embeddings.
///
/// ```
/// linear:     projection 2·B·T·Din·Dout        bias add B·T·Dout (CUDA)
/// mlp_gelu:   layer 1 2·B·T·Din·Dout, then per extra layer GELU + 2·B·T·Dout·Dout
/// ```
public struct MlpProjector: Layer {
    public static let documentation = LayerDoc(vendorClass: "MlpProjector", vendorFile: "deepencoder/build_linear.py")
    public let typeName = "MlpProjector"
    public var doc: LayerDoc? { Self.documentation }

    /// How `explain` builds this layer and which reference runs verify it.
    public static let recipe = recipe(inputDim: 2048, inputSource: defaultInputSource)

    /// DeepSeek-OCR's projector input: the two encoders' features side by side.
    public static let defaultInputSource = "CLIP 1024 + SAM 1024"

    /// The recipe for a projector fed `inputDim`-wide tokens from `inputSource` (DeepSeek-OCR 2:
    /// the Qwen2 encoder's 896).
    public static func recipe(inputDim: Int, inputSource: String) -> LayerRecipe { LayerRecipe(
        doc: MlpProjector.documentation,
        parameters: [
            .init("batch", 1, "images"), .init("tokens", 256, "tokens per image"),
            .init("input-dim", inputDim, "input width (\(inputSource))"), .init("output-dim", 1280, "decoder width n_embed"),
        ],
        takesKernel: false,
        build: { a in
            try MlpProjector(
                batch: a["batch"], tokens: a["tokens"], inputDim: a["input-dim"], outputDim: a["output-dim"], inputSource: inputSource)
        },
        referenceModules: ["proj.MlpProjector.linear"],
        referenceLayer: { run in
            let shape = run.inputShapes.first ?? []
            return try MlpProjector(batch: shape[0], tokens: shape[1], inputDim: shape[2])
        }) }

    public let projectorType: ProjectorType
    public let batch: Symbol
    public let tokens: Symbol
    public let inputDim: Symbol
    public let outputDim: Symbol
    private let downsample: (tokensOut: Symbol, grid: Symbol, paddedGrid: Symbol, ratio: Symbol)?
    private let layers: any Layer

    /// `inputSource` says where the `inputDim`-wide tokens come from (the `Din` symbol's meaning).
    public init(
        batch: Int, tokens: Int, inputDim: Int = 2048, outputDim: Int = 1280, type: ProjectorType = .linear,
        inputSource: String = MlpProjector.defaultInputSource
    ) throws {
        let name = "MlpProjector"
        for (value, what) in [(batch, "batch"), (tokens, "tokens"), (inputDim, "input_dim"), (outputDim, "n_embed")] {
            try ModelMeterError.requirePositive(value, what, in: name)
        }
        projectorType = type
        self.batch = Symbol("B", batch, "images")
        self.tokens = Symbol("T", tokens, "tokens per image")
        self.inputDim = Symbol("Din", inputDim, "input width (\(inputSource))")
        self.outputDim = Symbol("Dout", outputDim, "decoder embedding width (n_embed)")
        let rows = self.batch * self.tokens
        let din = self.inputDim.formula, dout = self.outputDim.formula

        switch type {
        case .identity:
            downsample = nil
            layers = ModuleContainer("Identity", [])
        case .linear:
            downsample = nil
            layers = try Linear("", tokens: rows, inFeatures: din, outFeatures: dout)
        case let .mlpGELU(depth):
            try ModelMeterError.requirePositive(depth, "depth", in: name)
            downsample = nil
            var parts = [try Linear("layer 1", tokens: rows, inFeatures: din, outFeatures: dout)] as [any Layer]
            for k in 1..<depth {
                parts.append(GELU("GELU \(k)", elements: rows * dout))
                parts.append(try Linear("layer \(k + 1)", tokens: rows, inFeatures: dout, outFeatures: dout))
            }
            layers = MlpProjector.sequential(parts)
        case let .downsampleMLPGELU(depth, ratio, mlpRatio):
            try ModelMeterError.requirePositive(depth, "depth", in: name)
            try ModelMeterError.requirePositive(ratio, "downsample_ratio", in: name)
            try ModelMeterError.requirePositive(mlpRatio, "mlp_ratio", in: name)
            let side = Int(Double(tokens).squareRoot())
            guard side * side == tokens else {
                throw ModelMeterError.invalidShape(layer: name, what: "tokens", reason: "\(tokens) is not a square grid, which downsampling needs")
            }
            let padded = (side / ratio + (side % ratio > 0 ? 1 : 0)) * ratio
            let out = (padded / ratio) * (padded / ratio)
            let r = Symbol("r", ratio, "downsample ratio")
            let tokensOut = Symbol("T′", out, "tokens after r×r unfold")
            downsample = (tokensOut, Symbol("h", side, "token grid side"), Symbol("hp", padded, "grid padded to a multiple of r"), r)
            let rowsOut = self.batch * tokensOut
            let hidden = Symbol("Dh", try ModelMeterError.checkedProduct(outputDim, mlpRatio, "Dout·mlp_ratio"), "hidden width, Dout·mlp_ratio")
            var parts = [try Linear("layer 1", tokens: rowsOut, inFeatures: din * r * r, outFeatures: hidden.formula)] as [any Layer]
            var k = 1
            for _ in 1..<max(depth - 1, 1) {
                parts.append(GELU("GELU \(k)", elements: rowsOut * hidden))
                k += 1
                parts.append(try Linear("layer \(k)", tokens: rowsOut, inFeatures: hidden.formula, outFeatures: hidden.formula))
            }
            parts.append(GELU("GELU \(k)", elements: rowsOut * hidden))
            parts.append(try Linear("layer \(k + 1)", tokens: rowsOut, inFeatures: hidden.formula, outFeatures: dout))
            layers = MlpProjector.sequential(parts)
        }
    }

    private static func sequential(_ parts: [any Layer]) -> ModuleContainer {
        ModuleContainer("Sequential", parts.enumerated().map { Child(String($0.offset), $0.element) })
    }

    /// Tokens the projector emits per image (T, or T′ after downsampling).
    public var outputTokens: Int { downsample?.tokensOut.value ?? tokens.value }

    public var symbols: [Symbol] {
        [batch, tokens, inputDim, outputDim] + (downsample.map { [$0.grid, $0.paddedGrid, $0.ratio, $0.tokensOut] } ?? [])
    }

    public var steps: [Step] {
        var steps: [Step] = []
        if let d = downsample {
            steps.append(.term(.dataMovement(
                "r×r unfold", reads: batch * tokens * inputDim, writes: batch * d.tokensOut * inputDim * d.ratio * d.ratio)))
        }
        steps.append(.child(Child("layers", layers)))
        return steps
    }
}
