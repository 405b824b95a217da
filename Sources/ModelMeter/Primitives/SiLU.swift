/// `nn.SiLU` as a module of its own: `x·σ(x)` per element, CUDA-core work only (4 FLOPs per
/// element by the per-element cost table). `className` is what the vendor's tree calls it:
/// `SiLU` (`mlp.act_fn` in DeepEncoder V2's Qwen2) or `SiLUActivation` (`ACT2FN["silu"]`, the
/// `act_fn` child of transformers 5.25's MLPs and experts). Saved for backward (`silu`): its input,
/// unless an earlier op already keeps that storage.
public struct SiLU: Layer {
    public let typeName: String
    /// The term it runs, named as the enclosing module names it (`SiLU`, `routed SiLU`).
    public let term: CostTerm

    public init(_ term: CostTerm, className: String) {
        self.term = term
        typeName = className
    }

    /// SiLU over `elements` values, its term named `termName`.
    public init(_ termName: String = "SiLU", elements: Formula, className: String) {
        self.init(.elementwise(termName, .silu, elements: elements), className: className)
    }

    /// The symbols of its element count.
    public var symbols: [Symbol] { term.forwardFLOPs.symbols }
    public var steps: [Step] { [.term(term)] }
}
