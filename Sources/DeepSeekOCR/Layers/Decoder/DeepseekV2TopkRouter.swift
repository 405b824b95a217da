import ModelMeter

/// `DeepseekV2TopkRouter` (`model.layers.N.mlp.gate`, `transformers` 5.25): fp32 router logits
/// `x·Wᵀ`, softmax over the `E` experts, then `greedy` top-`k`, or `group_limited_greedy`: the
/// best score of each of `G` groups, the top `tg` groups kept, top-`k` among their experts.
/// The weights are scaled by `routed_scaling_factor`.
///
/// ```
/// router logits (tensor core)  2·T·D·E          T = B·S; the only term FlopCounterMode counts
/// softmax       (CUDA core)    5·T·E
/// group limit   (memory)       max per group: T·E → T·G; top-tg groups; mask the others: T·E → T·E
/// top-k         (memory)       reads T·E, writes 2·T·k (weights and indices)
/// ```
public struct DeepseekV2TopkRouter: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "DeepseekV2TopkRouter", vendorFile: "transformers/models/deepseek_v2/modeling_deepseek_v2.py",
        knowledgeBase: ConfigDecoder.knowledgeBase)
    public let typeName = "DeepseekV2TopkRouter"
    public var doc: LayerDoc? { Self.documentation }

    public let shape: DecoderShape
    public let hidden: Symbol
    public let experts: Symbol
    public let topK: Symbol
    public let selection: ExpertSelection
    /// `n_group` and `topk_group` for the group-limited selections, else nil.
    public let groups: (all: Symbol, kept: Symbol)?

    public init(shape: DecoderShape, hiddenSize: Int, mixture: MixtureConfig) throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: "DeepseekV2TopkRouter")
        self.shape = shape
        hidden = Symbol("D", hiddenSize, "hidden width")
        experts = Symbol("E", mixture.routedExperts, "routed experts")
        topK = Symbol("k", mixture.expertsPerToken, "experts per token (top-k)")
        selection = mixture.selection
        groups = mixture.selection == .greedy ? nil : (
            Symbol("G", mixture.groups, "expert groups (n_group)"), Symbol("tg", mixture.groupsPerToken, "groups kept per token (topk_group)"))
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, experts, topK] + (groups.map { [$0.all, $0.kept] } ?? []) }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [experts.value, hidden.value])] }

    public var steps: [Step] {
        let rows = shape.rows
        var terms = [Self.routerLogits(rows: rows, hidden: hidden, experts: experts),
                     CostTerm.elementwise("router softmax", .softmax, elements: rows * experts)]
        if let groups { terms += Self.groupLimit(rows: rows, experts: experts, groups: groups.all, kept: groups.kept, scoresPerGroup: 1) }
        terms += [Self.topKSelection(rows: rows, experts: experts, topK: topK),
                  .elementwise("× routed_scaling_factor", .multiply, elements: rows * topK)]
        return terms.map(Step.term)
    }

    /// `F.linear(x.float(), W.float())`: `2·T·D·E`, the router's one counted matmul.
    static func routerLogits(rows: Formula, hidden: Symbol, experts: Symbol) -> CostTerm {
        .matmul("router logits", m: rows, k: hidden.formula, n: experts.formula, weightElements: experts * hidden,
                inputNeedsGradient: true)
    }

    /// Group scores (the best `scoresPerGroup` of each group, summed), the top `tg` groups, and the
    /// experts of the other groups masked out.
    static func groupLimit(rows: Formula, experts: Symbol, groups: Symbol, kept: Symbol, scoresPerGroup: Int) -> [CostTerm] {
        [
            .dataMovement(scoresPerGroup == 1 ? "group scores (max per group)" : "group scores (top-2 per group, summed)",
                          reads: rows * experts, writes: rows * groups),
            .dataMovement("top-tg groups", reads: rows * groups, writes: 2 * rows * kept),
            .dataMovement("mask experts outside the kept groups", reads: rows * experts, writes: rows * experts),
        ]
    }

    /// `torch.topk(scores, k)`: reads `T·E`, writes the weights and indices (`2·T·k`).
    static func topKSelection(rows: Formula, experts: Symbol, topK: Symbol) -> CostTerm {
        .dataMovement("top-k selection", reads: rows * experts, writes: 2 * rows * topK)
    }
}
