import ModelMeter

/// How `explain` builds a documented layer type: DeepSeek-OCR's shapes as
/// defaults, and `--set` keys that map onto the constructor parameters.
public struct LayerRecipe: Sendable {
    public struct Parameter: Sendable {
        public let key: String
        public let defaultValue: Int
        public let meaning: String
        /// The largest value `--set` accepts for this key.
        public let largest: Int
        public init(_ key: String, _ defaultValue: Int, _ meaning: String, largest: Int = LayerRecipe.largestValue) {
            self.key = key
            self.defaultValue = defaultValue
            self.meaning = meaning
            self.largest = largest
        }
    }

    /// Resolved settings: every parameter's value and the attention kernel.
    public struct Arguments: Sendable {
        public let values: [String: Int]
        public let kernel: AttentionKernel
        public subscript(key: String) -> Int { values[key] ?? 0 }
    }

    public let doc: LayerDoc
    public let parameters: [Parameter]
    /// Whether the layer runs attention, so `kernel=sdpa|eager` applies.
    public let takesKernel: Bool
    public let build: @Sendable (Arguments) throws -> any Layer
    /// Module keys of the reference data (`sam.Attention.global`, `attn.LlamaAttention`) this
    /// type verifies, and how to build the layer a reference run measured.
    public let referenceModules: [String]
    public let referenceLayer: @Sendable (ReferenceRun) throws -> any Layer

    public init(
        doc: LayerDoc, parameters: [Parameter], takesKernel: Bool, build: @escaping @Sendable (Arguments) throws -> any Layer,
        referenceModules: [String], referenceLayer: @escaping @Sendable (ReferenceRun) throws -> any Layer
    ) {
        self.doc = doc
        self.parameters = parameters
        self.takesKernel = takesKernel
        self.build = build
        self.referenceModules = referenceModules
        self.referenceLayer = referenceLayer
    }

    public var name: String { doc.vendorClass }

    /// The same layer type with other default values (another model's shapes), keyed by `--set`
    /// key; keys the recipe does not take are ignored.
    public func withDefaults(_ defaults: [String: Int]) -> LayerRecipe {
        LayerRecipe(
            doc: doc,
            parameters: parameters.map { .init($0.key, defaults[$0.key] ?? $0.defaultValue, $0.meaning, largest: $0.largest) },
            takesKernel: takesKernel, build: build, referenceModules: referenceModules, referenceLayer: referenceLayer)
    }

    /// Every key `--set` accepts for this layer, in constructor order.
    public var acceptedKeys: [String] { parameters.map(\.key) + (takesKernel ? ["kernel"] : []) }

    /// Largest value `--set` accepts: every constructor multiplies at most two sizes in plain
    /// `Int` arithmetic before its checked formulas take over, and `(2³¹ − 1)²` fits 64 bits.
    public static let largestValue = Int(Int32.max)

    /// Largest layer count (`depth`, `layers`): 64, 2⅔ times the deepest stack the vendor ships
    /// (CLIP-L's 24 layers). Builders walk their layers, so the count bounds their work.
    public static let largestLayerCount = 64

    /// Applies `key=value` settings over the defaults; one-line errors for unknown keys,
    /// non-integers and values too large for exact counts.
    public func arguments(_ settings: [String]) throws -> Arguments {
        var values = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.defaultValue) })
        let largest = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.largest) })
        var kernel = AttentionKernel.sdpa
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw ModelMeterError.malformedValue(what: "--set", value: setting, expected: "key=value, e.g. batch=2")
            }
            let key = setting[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let text = setting[setting.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if key == "kernel" && takesKernel {
                kernel = try AttentionKernel.named(text)
                continue
            }
            guard values[key] != nil, let largestValue = largest[key] else {
                throw ModelMeterError.unknownName(kind: "parameter of \(name)", name: key, accepted: acceptedKeys)
            }
            guard let value = Int(text) else {
                throw ModelMeterError.malformedValue(what: "value of \(key)", value: text, expected: "a whole number")
            }
            try ModelMeterError.requireAtMost(
                value, largestValue, key, in: name,
                because: largestValue == LayerRecipe.largestValue
                    ? "a product of two sizes must fit 64 bits" : "2⅔ times the vendor's deepest stack of 24 layers")
            values[key] = value
        }
        return Arguments(values: values, kernel: kernel)
    }

    /// `batch=1 height=64 … kernel=sdpa`.
    public func settingsSummary(_ arguments: Arguments) -> String {
        (parameters.map { "\($0.key)=\(arguments[$0.key])" } + (takesKernel ? ["kernel=\(arguments.kernel.rawValue)"] : []))
            .joined(separator: " ")
    }
}
