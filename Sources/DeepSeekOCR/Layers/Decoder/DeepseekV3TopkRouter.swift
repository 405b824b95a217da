import ModelMeter

/// `DeepseekV3TopkRouter` (`model.layers.N.mlp.gate`): fp32 router logits, sigmoid scores, the
/// `e_score_correction_bias` buffer added for the choice only (`noaux_tc`: load balancing without
/// an auxiliary loss), group scores as the sum of each group's two best, the top `tg` of `G`
/// groups kept, top-`k` experts among them; the chosen weights are the unbiased sigmoid scores,
/// normalised over the `k` when `norm_topk_prob` and scaled by `routed_scaling_factor`.
///
/// ```
/// router logits (tensor core)  2·T·D·E      T = B·S; the only term FlopCounterMode counts
/// sigmoid       (CUDA core)    T·E          priced with the table's SiLU entry (sigmoid plus one multiply)
/// + bias        (CUDA core)    T·E          the bias is a buffer of E values, not a parameter
/// group limit, top-k            as DeepseekV2TopkRouter, group scores from the top 2 of each group
/// normalise, scale (CUDA core) T·k each (sum and divide when norm_topk_prob)
/// ```
public struct DeepseekV3TopkRouter: Layer {
    public static let documentation = LayerDoc(
        vendorClass: "DeepseekV3TopkRouter", vendorFile: "transformers/models/deepseek_v3/modeling_deepseek_v3.py",
        knowledgeBase: ConfigDecoder.knowledgeBase)
    public let typeName = "DeepseekV3TopkRouter"
    public var doc: LayerDoc? { Self.documentation }

    public let shape: DecoderShape
    public let hidden: Symbol
    public let experts: Symbol
    public let topK: Symbol
    public let groups: Symbol
    public let keptGroups: Symbol
    /// `norm_topk_prob`: the chosen weights are divided by their sum.
    public let normalizesWeights: Bool

    public init(shape: DecoderShape, hiddenSize: Int, mixture: MixtureConfig) throws {
        try ModelMeterError.requirePositive(hiddenSize, "hidden_size", in: "DeepseekV3TopkRouter")
        self.shape = shape
        hidden = Symbol("D", hiddenSize, "hidden width")
        experts = Symbol("E", mixture.routedExperts, "routed experts")
        topK = Symbol("k", mixture.expertsPerToken, "experts per token (top-k)")
        groups = Symbol("G", mixture.groups, "expert groups (n_group)")
        keptGroups = Symbol("tg", mixture.groupsPerToken, "groups kept per token (topk_group)")
        normalizesWeights = mixture.normalizesWeights
    }

    public var symbols: [Symbol] { [shape.batch, shape.tokens, hidden, experts, topK, groups, keptGroups] }
    public var ownParameters: [ParameterTensor] { [ParameterTensor("weight", [experts.value, hidden.value])] }

    public var steps: [Step] {
        let rows = shape.rows
        let scores = rows * experts
        var terms = [
            DeepseekV2TopkRouter.routerLogits(rows: rows, hidden: hidden, experts: experts),
            .elementwise("router sigmoid", .silu, elements: scores),
            .elementwise("+ e_score_correction_bias", .add, elements: scores, weightElements: experts.formula),
        ]
        terms += DeepseekV2TopkRouter.groupLimit(rows: rows, experts: experts, groups: groups, kept: keptGroups, scoresPerGroup: 2)
        terms += [
            DeepseekV2TopkRouter.topKSelection(rows: rows, experts: experts, topK: topK),
        ]
        if normalizesWeights {
            terms += [.elementwise("top-k weight sum", .add, elements: rows * topK),
                      .elementwise("top-k weights ÷ sum", .multiply, elements: rows * topK)]
        }
        terms.append(.elementwise("× routed_scaling_factor", .multiply, elements: rows * topK))
        return terms.map(Step.term)
    }
}
