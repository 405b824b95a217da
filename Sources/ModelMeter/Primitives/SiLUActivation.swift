/// `SiLUActivation` (`ACT2FN["silu"]`, the `act_fn` child of transformers' MLPs and experts):
/// `x · sigmoid(x)` over `elements` values, priced by the per-element table (CUDA core).
/// Saved for backward (`silu`): its input, unless an earlier op already keeps that storage.
public struct SiLUActivation: Layer {
    public let typeName = "SiLUActivation"
    public let termName: String
    public let elements: Formula

    public init(_ termName: String = "SiLU", elements: Formula) {
        self.termName = termName
        self.elements = elements
    }

    public var symbols: [Symbol] { elements.symbols }
    public var steps: [Step] { [.term(.elementwise(termName, .silu, elements: elements))] }
}
