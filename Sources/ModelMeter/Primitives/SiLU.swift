/// `nn.SiLU` as a module of its own (`mlp.act_fn` in transformers' Qwen2): `x·σ(x)` per element,
/// CUDA-core work only (4 FLOPs per element by the per-element cost table).
public struct SiLU: Layer {
    public let typeName = "SiLU"
    /// The term it runs, named as the enclosing MLP names it (`SiLU`).
    public let term: CostTerm

    public init(_ term: CostTerm) { self.term = term }

    public var symbols: [Symbol] { [] }
    public var steps: [Step] { [.term(term)] }
}
