import ModelMeter

/// A decoder read from a `config.json`, built as `transformers` 5.25 builds its `…ForCausalLM`:
/// the module tree (paths as `named_modules()` prints them) with DeepSeek-OCR's decoder layers
/// where the computation is the same (RMSNorm, SwiGLU MLP, grouped-query `LlamaAttention`, the
/// pre-norm decoder layer, model and head, each under the family's class name) and the latent
/// attention, routers, 3-D experts and MoE block `transformers` adds for DeepSeek-V2/V3.
public struct ConfigDecoder: Sendable {
    /// Where the hint docs of the classes `transformers` adds (MLA, routers, experts) live.
    public static let knowledgeBase = "context/hints/decoders-kb"

    public let config: DecoderConfig
    /// How latent attention runs (`deepseek_v2`/`deepseek_v3` only).
    public let latentMode: LatentAttentionMode

    public init(config: DecoderConfig, latentMode: LatentAttentionMode = .naive) {
        self.config = config
        self.latentMode = latentMode
    }

    /// Reads and checks `path`.
    public init(path: String, latentMode: LatentAttentionMode = .naive) throws {
        self.init(config: try DecoderConfig.load(path: path), latentMode: latentMode)
    }

    /// The `…ForCausalLM` for one call of `shape` (a prefill or a decode step).
    public func model(
        shape: DecoderShape, kernel: AttentionKernel = .eager, logits: LogitPositions = .all
    ) throws -> DeepseekV2ForCausalLM {
        let positions = try ModelMeterError.checkedSum(shape.cached.value, shape.tokens.value, "L + S")
        guard positions <= config.maxPositions else {
            throw ModelMeterError.invalidShape(
                layer: config.source, what: "sequence length",
                reason: "L + S = \(positions) exceeds max_position_embeddings \(config.maxPositions)")
        }
        let prefix = config.family.classPrefix
        let rotaryWidth = config.latent?.ropeHeadDim ?? config.headDim
        let model = try DeepseekV2Model(
            shape: shape, hiddenSize: config.hiddenSize, vocabularySize: config.vocabularySize,
            layers: try layerRuns(shape: shape, kernel: kernel), kernel: kernel,
            rotary: try LlamaRotaryEmbedding(
                shape: shape, headDim: rotaryWidth, anglesByMatmul: false, className: prefix + "RotaryEmbedding"),
            className: prefix + "Model", normClassName: prefix + "RMSNorm", masks: eagerMasks)
        return try DeepseekV2ForCausalLM(
            shape: shape, model: model, tiedEmbeddings: config.tiedEmbeddings, logits: logits,
            className: prefix + "ForCausalLM")
    }

    /// The masks `transformers` 5.25 builds on the eager path. Mistral builds one, sliding when the
    /// config has a window; qwen2 always builds the full-attention mask (sized by its first full
    /// layer's cache, or by layer 0's when every layer slides) and a sliding one when any layer slides.
    public var eagerMasks: [EagerMask] {
        let windows = config.slidingWindows
        guard let window = windows.compactMap({ $0 }).first else { return [.causal] }
        if config.family == .mistral { return [.slidingWindow(window)] }
        let full = windows.contains { $0 == nil } ? EagerMask.causal : EagerMask(name: EagerMask.causal.name, window: windows[0])
        return [full, .slidingWindow(window)]
    }

    /// Consecutive layers that compute the same (dense or MoE, same window) as one run of copies.
    private func layerRuns(shape: DecoderShape, kernel: AttentionKernel) throws -> [Child] {
        var runs: [Child] = []
        var first = 0
        while first < config.layers {
            let kind = (config.isMixture(layer: first), config.slidingWindows[first])
            var end = first + 1
            while end < config.layers, config.isMixture(layer: end) == kind.0, config.slidingWindows[end] == kind.1 { end += 1 }
            runs.append(Child(indices: first, count: end - first, try layer(first, shape: shape, kernel: kernel)))
            first = end
        }
        return runs
    }

    /// Decoder layer `index`.
    public func layer(_ index: Int, shape: DecoderShape, kernel: AttentionKernel) throws -> DeepseekV2DecoderLayer {
        let prefix = config.family.classPrefix
        let attention: any Layer
        if let latent = config.latent {
            attention = try DeepseekV2Attention(
                shape: shape, hiddenSize: config.hiddenSize, heads: config.heads, sizes: latent,
                bias: config.queryKeyValueBias, mode: latentMode, kernel: kernel, className: prefix + "Attention",
                normClassName: prefix + "RMSNorm")
        } else {
            let sizes = GroupedQueryAttentionSizes(
                hiddenSize: config.hiddenSize, heads: config.heads, keyValueHeads: config.keyValueHeads,
                headDim: config.headDim, queryKeyValueBias: config.queryKeyValueBias, outputBias: config.outputBias,
                slidingWindow: config.slidingWindows[index])
            attention = try LlamaAttention(shape: shape, sizes: sizes, kernel: kernel, className: prefix + "Attention")
        }
        let mlp: any Layer
        var routed = 0
        if let mixture = config.mixture, config.isMixture(layer: index) {
            mlp = try DeepseekV3MoE(shape: shape, hiddenSize: config.hiddenSize, mixture: mixture, family: config.family)
            routed = mixture.routedExperts
        } else {
            mlp = try DeepseekV2MLP(
                shape: shape, hiddenSize: config.hiddenSize, intermediateSize: config.intermediateSize,
                className: prefix + "MLP", bias: config.mlpBias, activationModule: true)
        }
        return try DeepseekV2DecoderLayer(
            shape: shape, hiddenSize: config.hiddenSize, routedExperts: routed, attention: attention, mlp: mlp,
            className: prefix + "DecoderLayer", normClassName: prefix + "RMSNorm")
    }
}

extension ConfigDecoder {
    /// The transformers source file of the family (`transformers/models/qwen2/modeling_qwen2.py`).
    public var vendorFile: String {
        let folder = config.family.rawValue
        return "transformers/models/\(folder)/modeling_\(folder).py"
    }

    /// The classes of the module tree in order of first appearance, each with its instances
    /// (paths) at a one-position prefill; the root (`…ForCausalLM`) first, at path "".
    public func classes() throws -> [(typeName: String, paths: [String], parameters: Int)] {
        let model = try self.model(shape: .prefill(batch: 1, tokens: 1))
        var order: [String] = [model.typeName]
        var found: [String: (paths: [String], parameters: Int)] = [model.typeName: ([""], try model.metrics().parameters)]
        for instance in try model.moduleInstances() {
            let name = instance.layer.typeName
            if found[name] == nil { order.append(name) }
            found[name, default: ([], instance.metrics.parameters)].paths.append(instance.path)
        }
        return order.map { ($0, found[$0]!.paths, found[$0]!.parameters) }
    }

    /// How `explain` builds one module of this decoder: `name` is a `named_modules()` path
    /// (`model.layers.3.self_attn`) or a class (its first instance); the keys are the decoder shape's.
    public func recipe(for name: String) throws -> LayerRecipe {
        let classes = try classes()
        let path: String
        let typeName: String
        if let match = classes.first(where: { $0.paths.contains(name) }) {
            (path, typeName) = (name, match.typeName)
        } else if let match = classes.first(where: { $0.typeName.lowercased() == name.lowercased() }) {
            (path, typeName) = (match.paths[0], match.typeName)
        } else {
            throw ModelMeterError.unknownName(
                kind: "module path or class of \(config.source)", name: name, accepted: classes.map(\.typeName))
        }
        let decoder = self
        return LayerRecipe(
            doc: LayerDoc(vendorClass: typeName, vendorFile: vendorFile, knowledgeBase: Self.knowledgeBase), parameters: DecoderShape.recipeParameters,
            takesKernel: true,
            build: { a in
                let model = try decoder.model(shape: DecoderShape(a), kernel: a.kernel)
                return path.isEmpty ? model : try model.moduleInstance(at: path).layer
            },
            referenceModules: [],
            referenceLayer: { _ in
                throw ModelMeterError.invalidShape(
                    layer: typeName, what: "reference", reason: "config.json decoders are checked by decoder_reference.py runs")
            })
    }
}
