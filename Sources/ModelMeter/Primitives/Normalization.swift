/// `nn.LayerNorm(C)` over the last dimension of `rows` vectors.
///
/// ```
/// LayerNorm (CUDA core)  forward 8·rows·C  (per-element cost table); weights 2·C
/// ```
/// Saved for backward (`native_layer_norm`): the input x (`rows·C`, unless an earlier op
/// already keeps it) and the per-row mean and rstd, fp32 whatever the storage precision:
/// `2·rows·4` bytes.
public struct LayerNorm: Layer {
    public let typeName = "LayerNorm"
    public let termName: String
    public let rows: Formula
    public let width: Formula
    /// True when autograd already keeps the input's storage for an earlier op: counted there.
    public let inputAlreadySaved: Bool
    private let widthCount: Int

    public init(_ termName: String, rows: Formula, width: Formula, inputAlreadySaved: Bool = false) throws {
        self.termName = termName
        self.rows = rows
        self.width = width
        self.inputAlreadySaved = inputAlreadySaved
        widthCount = try ModelMeterError.requirePositive(width.evaluate(), "normalized width", in: "LayerNorm \(termName)")
        try ModelMeterError.requirePositive(rows.evaluate(), "row count", in: "LayerNorm \(termName)")
    }

    public var symbols: [Symbol] { (rows * width).symbols }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("weight", [widthCount]), ParameterTensor("bias", [widthCount])]
    }

    public var steps: [Step] { terms.map(Step.term) }

    /// The cost terms, in execution order.
    public var terms: [CostTerm] {
        [CostTerm.elementwise(termName, .layerNorm, elements: rows * width, weightElements: 2 * width).saving(
            inputAlreadySaved ? .zero : rows * width, fixedWidthBytes: 2 * 4 * rows,
            tensors: (inputAlreadySaved ? "" : "input x; ") + "mean and rstd per row (fp32)")]
    }
}

/// `nn.GELU()` (exact, erf form) as a module over `elements` values. Saved for backward
/// (`gelu`): its input, unless an earlier op already keeps that storage.
public struct GELU: Layer {
    public let typeName = "GELU"
    public let termName: String
    public let elements: Formula
    /// True when autograd already keeps the input's storage for an earlier op: counted there.
    public let inputAlreadySaved: Bool

    public init(_ termName: String = "GELU", elements: Formula, inputAlreadySaved: Bool = false) {
        self.termName = termName
        self.elements = elements
        self.inputAlreadySaved = inputAlreadySaved
    }

    public var symbols: [Symbol] { elements.symbols }
    public var steps: [Step] { terms.map(Step.term) }

    /// The cost terms, in execution order.
    public var terms: [CostTerm] {
        let term = CostTerm.elementwise(termName, .gelu, elements: elements)
        return [inputAlreadySaved ? term.saving(.zero, tensors: "input x (kept by an earlier op, counted there)") : term]
    }
}

/// `nn.Embedding(rows, width)` looked up `lookups` times: a gather, memory traffic only.
public struct Embedding: Layer {
    public let typeName = "Embedding"
    public let termName: String
    public let rows: Int
    public let width: Formula
    public let lookups: Formula
    private let widthCount: Int

    public init(_ termName: String, rows: Int, width: Formula, lookups: Formula) throws {
        self.termName = termName
        self.rows = try ModelMeterError.requirePositive(rows, "num_embeddings", in: "Embedding")
        self.width = width
        self.lookups = lookups
        widthCount = try ModelMeterError.requirePositive(width.evaluate(), "embedding_dim", in: "Embedding")
    }

    public var symbols: [Symbol] { (lookups * width).symbols }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [rows, widthCount])] }
    public var steps: [Step] { terms.map(Step.term) }

    /// The cost terms, in execution order.
    /// Saved for backward (`embedding`): the int64 indices, `8·lookups` bytes.
    public var terms: [CostTerm] {
        [CostTerm(
            name: termName, unit: .memoryOnly, forwardFLOPs: .zero, backwardFLOPs: .zero,
            forwardTraffic: Traffic(weightReads: lookups * width, writes: lookups * width),
            backwardTraffic: Traffic(activationReads: lookups * width, writes: lookups * width),
            savedFixedWidthBytes: 8 * lookups, savedTensors: "indices (int64)")]
    }
}

/// `nn.ModuleList` / `nn.Sequential`: a container whose costs are its children's.
public struct ModuleContainer: Layer {
    public let typeName: String
    public let steps: [Step]

    public init(_ typeName: String, _ children: [Child]) {
        self.typeName = typeName
        self.steps = children.map(Step.child)
    }

    public var symbols: [Symbol] { [] }
}
