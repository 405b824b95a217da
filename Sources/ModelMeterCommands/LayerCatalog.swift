import DeepSeekOCR
import Foundation
import ModelMeter

/// How `explain` builds each of the thirteen documented layer types: DeepSeek-OCR's shapes as
/// defaults, and `--set` keys that map onto the constructor parameters.
struct LayerRecipe: Sendable {
    struct Parameter: Sendable {
        let key: String
        let defaultValue: Int
        let meaning: String
        init(_ key: String, _ defaultValue: Int, _ meaning: String) {
            self.key = key
            self.defaultValue = defaultValue
            self.meaning = meaning
        }
    }

    /// Resolved settings: every parameter's value and the attention kernel.
    struct Arguments: Sendable {
        let values: [String: Int]
        let kernel: AttentionKernel
        subscript(key: String) -> Int { values[key] ?? 0 }
    }

    let doc: LayerDoc
    let parameters: [Parameter]
    /// Whether the layer runs attention, so `kernel=sdpa|eager` applies.
    let takesKernel: Bool
    let build: @Sendable (Arguments) throws -> any Layer

    var name: String { doc.vendorClass }

    /// Every key `--set` accepts for this layer, in constructor order.
    var acceptedKeys: [String] { parameters.map(\.key) + (takesKernel ? ["kernel"] : []) }

    /// Largest value `--set` accepts: every constructor multiplies at most two sizes in plain
    /// `Int` arithmetic before its checked formulas take over, and `(2³¹ − 1)²` fits 64 bits.
    static let largestValue = Int(Int32.max)

    /// Applies `key=value` settings over the defaults; one-line errors for unknown keys,
    /// non-integers and values too large for exact counts.
    func arguments(_ settings: [String]) throws -> Arguments {
        var values = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.defaultValue) })
        var kernel = AttentionKernel.sdpa
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw ModelMeterError.malformedValue(what: "--set", value: setting, expected: "key=value, e.g. batch=2")
            }
            let key = setting[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let text = setting[setting.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if key == "kernel" && takesKernel {
                kernel = try parseKernel(text)
                continue
            }
            guard values[key] != nil else {
                throw ModelMeterError.unknownName(kind: "parameter of \(name)", name: key, accepted: acceptedKeys)
            }
            guard let value = Int(text) else {
                throw ModelMeterError.malformedValue(what: "value of \(key)", value: text, expected: "a whole number")
            }
            guard value <= LayerRecipe.largestValue else {
                throw ModelMeterError.invalidShape(
                    layer: name, what: key,
                    reason: "\(value) is too large for exact 64-bit counts; accepted: at most \(LayerRecipe.largestValue)")
            }
            values[key] = value
        }
        return Arguments(values: values, kernel: kernel)
    }

    /// `batch=1 height=64 … kernel=sdpa`.
    func settingsSummary(_ arguments: Arguments) -> String {
        (parameters.map { "\($0.key)=\(arguments[$0.key])" } + (takesKernel ? ["kernel=\(arguments.kernel.rawValue)"] : []))
            .joined(separator: " ")
    }
}

/// The thirteen recipes, in the knowledge base's page order.
enum LayerCatalog {
    static let recipes: [LayerRecipe] = [
        LayerRecipe(
            doc: Attention.documentation,
            parameters: [
                .init("batch", 1, "images × windows"), .init("height", 64, "token rows"), .init("width", 64, "token columns"),
                .init("dim", 768, "channels C"), .init("heads", 12, "attention heads"),
                .init("relpos-height", 64, "input_size rows of the rel-pos tables (0 with relpos-width=0: none)"),
                .init("relpos-width", 64, "input_size columns of the rel-pos tables"),
            ],
            takesKernel: true,
            build: { a in
                let relativePosition = a["relpos-height"] == 0 && a["relpos-width"] == 0
                    ? nil : (height: a["relpos-height"], width: a["relpos-width"])
                return try Attention(
                    batch: a["batch"], height: a["height"], width: a["width"], dim: a["dim"], heads: a["heads"],
                    relativePositionInputSize: relativePosition, kernel: a.kernel)
            }),
        LayerRecipe(
            doc: Block.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("height", 64, "token rows"), .init("width", 64, "token columns"),
                .init("dim", 768, "channels C"), .init("heads", 12, "attention heads"), .init("mlp-dim", 3072, "MLP hidden width"),
                .init("window", 14, "window side (0: global attention)"),
                .init("global-height", 64, "rel-pos grid rows of global blocks"),
                .init("global-width", 64, "rel-pos grid columns of global blocks"),
            ],
            takesKernel: true,
            build: { a in
                try Block(
                    batch: a["batch"], height: a["height"], width: a["width"], dim: a["dim"], heads: a["heads"],
                    mlpDim: a["mlp-dim"], windowSize: a["window"],
                    globalInputSize: (a["global-height"], a["global-width"]), kernel: a.kernel)
            }),
        LayerRecipe(
            doc: MLPBlock.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 4096, "tokens per image"), .init("dim", 768, "embedding width"),
                .init("mlp-dim", 3072, "hidden width"),
            ],
            takesKernel: false,
            build: { a in try MLPBlock(batch: a["batch"], tokens: a["tokens"], embeddingDim: a["dim"], mlpDim: a["mlp-dim"]) }),
        LayerRecipe(
            doc: LayerNorm2d.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("channels", 256, "channels normalised over"),
                .init("height", 64, "feature-map height"), .init("width", 64, "feature-map width"),
            ],
            takesKernel: false,
            build: { a in try LayerNorm2d(batch: a["batch"], channels: a["channels"], height: a["height"], width: a["width"]) }),
        LayerRecipe(
            doc: PatchEmbed.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("image", 1024, "image side in pixels"), .init("channels", 3, "image channels"),
                .init("dim", 768, "embedding width"), .init("patch", 16, "patch side = stride"),
            ],
            takesKernel: false,
            build: { a in
                try PatchEmbed(
                    batch: a["batch"], imageSize: a["image"], inChannels: a["channels"], embedDim: a["dim"], patchSize: a["patch"])
            }),
        LayerRecipe(
            doc: ImageEncoderViT.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("image", 1024, "image side in pixels"), .init("dim", 768, "embedding width"),
                .init("depth", 12, "blocks (global at 2, 5, 8, 11)"), .init("heads", 12, "attention heads"),
                .init("mlp-dim", 3072, "MLP hidden width"), .init("window", 14, "window side of windowed blocks"),
                .init("patch", 16, "patch side"),
            ],
            takesKernel: true,
            build: { a in
                try ModelMeterError.requirePositive(a["depth"], "depth", in: "ImageEncoderViT")
                var configuration = SAMConfiguration()
                configuration.embedDim = a["dim"]
                configuration.depth = a["depth"]
                configuration.heads = a["heads"]
                configuration.mlpDim = a["mlp-dim"]
                configuration.windowSize = a["window"]
                configuration.patchSize = a["patch"]
                return try ImageEncoderViT(batch: a["batch"], imageSize: a["image"], configuration: configuration, kernel: a.kernel)
            }),
        LayerRecipe(
            doc: CLIPVisionEmbeddings.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("grid", 16, "SAM feature-map side"), .init("dim", 1024, "hidden width"),
            ],
            takesKernel: false,
            build: { a in try CLIPVisionEmbeddings(batch: a["batch"], patchGrid: a["grid"], configuration: clip(a)) }),
        LayerRecipe(
            doc: NoTPAttention.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
                .init("heads", 16, "attention heads"),
            ],
            takesKernel: true,
            build: { a in
                try NoTPAttention(batch: a["batch"], tokens: a["tokens"], hiddenSize: a["dim"], heads: a["heads"], kernel: a.kernel)
            }),
        LayerRecipe(
            doc: NoTPFeedForward.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
                .init("hidden", 4096, "feed-forward width"),
            ],
            takesKernel: false,
            build: { a in try NoTPFeedForward(batch: a["batch"], tokens: a["tokens"], dim: a["dim"], hiddenDim: a["hidden"]) }),
        LayerRecipe(
            doc: NoTPTransformerBlock.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("dim", 1024, "hidden width"),
                .init("heads", 16, "attention heads"), .init("hidden", 4096, "feed-forward width"),
            ],
            takesKernel: true,
            build: { a in
                try NoTPTransformerBlock(batch: a["batch"], tokens: a["tokens"], configuration: clip(a), kernel: a.kernel)
            }),
        LayerRecipe(
            doc: NoTPTransformer.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 257, "tokens incl. class token"), .init("layers", 24, "transformer layers"),
                .init("dim", 1024, "hidden width"), .init("heads", 16, "attention heads"), .init("hidden", 4096, "feed-forward width"),
            ],
            takesKernel: true,
            build: { a in try NoTPTransformer(batch: a["batch"], tokens: a["tokens"], configuration: clip(a), kernel: a.kernel) }),
        LayerRecipe(
            doc: VitModel.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("grid", 16, "SAM feature-map side (tokens g² + 1)"),
                .init("layers", 24, "transformer layers"), .init("dim", 1024, "hidden width"), .init("heads", 16, "attention heads"),
                .init("hidden", 4096, "feed-forward width"),
            ],
            takesKernel: true,
            build: { a in try VitModel(batch: a["batch"], patchGrid: a["grid"], configuration: clip(a), kernel: a.kernel) }),
        LayerRecipe(
            doc: MlpProjector.documentation,
            parameters: [
                .init("batch", 1, "images"), .init("tokens", 256, "tokens per image"),
                .init("input-dim", 2048, "input width (CLIP 1024 + SAM 1024)"), .init("output-dim", 1280, "decoder width n_embed"),
            ],
            takesKernel: false,
            build: { a in
                try MlpProjector(batch: a["batch"], tokens: a["tokens"], inputDim: a["input-dim"], outputDim: a["output-dim"])
            }),
    ]

    /// CLIP-L settings with the recipe's overrides (keys that a recipe lacks keep CLIP-L's value).
    private static func clip(_ a: LayerRecipe.Arguments) -> CLIPConfiguration {
        var configuration = CLIPConfiguration.large
        if let dim = a.values["dim"] { configuration.hiddenSize = dim }
        if let heads = a.values["heads"] { configuration.heads = heads }
        if let hidden = a.values["hidden"] { configuration.ffnHiddenSize = hidden }
        if let layers = a.values["layers"] { configuration.layers = layers }
        return configuration
    }

    /// The recipe for a layer name, case-insensitively.
    static func recipe(named name: String) throws -> LayerRecipe {
        guard let recipe = recipes.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw ModelMeterError.unknownName(kind: "layer", name: name, accepted: recipes.map(\.name))
        }
        return recipe
    }
}
