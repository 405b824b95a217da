/// Where a layer type is explained: its hand-written hint doc and the vendor class it models.
public struct LayerDoc: Sendable, Hashable {
    /// The vendor (PyTorch) class name, e.g. `Attention`.
    public let vendorClass: String
    /// The vendor source file that defines the class.
    public let vendorFile: String
    /// The folder of the model's knowledge base that holds the doc, relative to the project root.
    public let knowledgeBase: String
    /// The hint doc, relative to the project root: `<knowledgeBase>/ops/op-<Layer>.md`.
    public var hintDoc: String { "\(knowledgeBase)/ops/op-\(vendorClass).md" }

    public init(vendorClass: String, vendorFile: String, knowledgeBase: String) {
        self.vendorClass = vendorClass
        self.vendorFile = vendorFile
        self.knowledgeBase = knowledgeBase
    }
}

/// A parameter tensor a module owns directly (not through a child module).
public struct ParameterTensor: Sendable, Hashable {
    public let name: String
    public let shape: [Int]
    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
    /// Number of elements, overflow-checked.
    public func count() throws -> Int {
        try Formula.productOf(shape.map { .constant($0) }).evaluate()
    }
}

/// A child module: one attribute (`attn`) or a run of list entries (`blocks.3`, `layers.0…23`).
public struct Child: Sendable {
    /// Attribute name, or for list entries the first index as text.
    public let name: String
    public let layer: any Layer
    /// How many identical copies this entry stands for (list entries `first..<first+count`).
    public let count: Int
    /// For list entries: the first index, so the copies are named `first`, `first+1`, ….
    public let firstIndex: Int?
    /// False when the child reuses parameters counted elsewhere (a second view through the
    /// same encoder): its FLOPs and bytes count, its weights do not count again.
    public let ownsParameters: Bool
    /// A namespace is not a module of its own: it prefixes its modules' paths with `name/`
    /// (the `global/` and `local/` views of crop mode), or with nothing when `name` is empty.
    public let isNamespace: Bool

    private init(
        name: String, layer: any Layer, count: Int, firstIndex: Int?, ownsParameters: Bool, isNamespace: Bool
    ) {
        self.name = name
        self.layer = layer
        self.count = count
        self.firstIndex = firstIndex
        self.ownsParameters = ownsParameters
        self.isNamespace = isNamespace
    }

    /// A single attribute child.
    public init(_ name: String, _ layer: any Layer, ownsParameters: Bool = true) {
        self.init(name: name, layer: layer, count: 1, firstIndex: nil, ownsParameters: ownsParameters, isNamespace: false)
    }

    /// A namespace child: its modules appear under `name/…` and it is not listed itself.
    public init(namespace name: String, _ layer: any Layer, ownsParameters: Bool = true) {
        self.init(name: name, layer: layer, count: 1, firstIndex: nil, ownsParameters: ownsParameters, isNamespace: true)
    }

    /// `count` identical list entries named `firstIndex`, `firstIndex+1`, ….
    public init(indices firstIndex: Int, count: Int, _ layer: any Layer) {
        self.init(
            name: String(firstIndex), layer: layer, count: count, firstIndex: firstIndex, ownsParameters: true,
            isNamespace: false)
    }

    /// Every attribute name this entry expands to (one per copy).
    public var expandedNames: [String] {
        guard let first = firstIndex else { return [name] }
        return (first..<(first + count)).map(String.init)
    }

    /// Name for display: `attn`, `3`, or `0…23` for a run.
    public var displayName: String {
        guard let first = firstIndex, count > 1 else { return name }
        return "\(first)…\(first + count - 1)"
    }
}

/// The Swift port of ModelMeter's `BaseLayer`: a module whose costs follow, in closed form,
/// from its shapes. Layers list their own cost terms and their children; every total
/// (FLOPs, bytes, memory) is a sum over terms and children × multiplicities.
public protocol Layer: Sendable {
    /// The PyTorch class name as `named_modules()` would show it (`Attention`, `Linear`).
    var typeName: String { get }
    /// The configuration symbols the layer's formulas use, with their values.
    var symbols: [Symbol] { get }
    /// Parameter tensors owned directly (not via children).
    var ownParameters: [ParameterTensor] { get }
    /// The forward pass in execution order: the module's own cost terms (functional ops)
    /// interleaved with its child modules.
    var steps: [Step] { get }
    /// Activation elements held live across the children (e.g. a residual shortcut).
    var heldActivationElements: Formula { get }
    /// Key/value cache elements this module itself keeps after the call (not via children):
    /// `2·B·(L + S)·h·d` for a decoder attention, 0 for everything else.
    var kvCacheElements: Formula { get }
    /// Whether the module's parameters receive gradients in training (false for loaded-but-unused weights).
    var parametersReceiveGradients: Bool { get }
    /// The hint doc, for the documented vendor layers; `nil` for PyTorch primitives.
    var doc: LayerDoc? { get }
    /// A key naming everything the layer's costs depend on, so an evaluation may be reused for
    /// an equal layer (a sweep's many shapes share their views); nil: never reused.
    var evaluationKey: String? { get }
    /// A short name for the role this instance plays when instances of one type differ in kind
    /// (`windowed block`, `global-attention block`); modules inside it share the role. `nil` when
    /// shapes alone tell the instances apart.
    var role: String? { get }
}

/// One step of a layer's forward pass: a cost term of its own, or a child module.
public enum Step: Sendable {
    case term(CostTerm)
    case child(Child)
}

extension Layer {
    public var ownParameters: [ParameterTensor] { [] }
    /// The module's own cost terms, in execution order.
    public var ownTerms: [CostTerm] {
        steps.compactMap { if case let .term(term) = $0 { return term } else { return nil } }
    }
    /// The child modules, in execution order.
    public var children: [Child] {
        steps.compactMap { if case let .child(child) = $0 { return child } else { return nil } }
    }
    public var heldActivationElements: Formula { .zero }
    public var kvCacheElements: Formula { .zero }
    public var parametersReceiveGradients: Bool { true }
    public var doc: LayerDoc? { nil }
    public var evaluationKey: String? { nil }
    public var role: String? { nil }
}
