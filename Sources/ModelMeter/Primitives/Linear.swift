/// `nn.Linear(K → N)` applied to M tokens.
///
/// ```
/// projection  (tensor core)  forward 2·M·K·N      backward 2·(2·M·K·N) (dX and dW; dW only if the input needs no grad)
/// bias add    (CUDA core)    forward M·N          backward M·N (bias-gradient reduction)
/// ```
/// The bias add runs in the GEMM epilogue, so it moves no DRAM bytes of its own.
///
/// Saved for backward (`addmm`): the input X, `M·K` elements, unless that storage is already
/// kept by an earlier op (`inputAlreadySaved`, e.g. a fused attention's output); the weight is
/// a parameter, not an activation.
public struct Linear: Layer {
    public let typeName = "Linear"
    /// Prefix of the term names: `QKV` gives "QKV projection" and "QKV bias add".
    public let label: String
    public let tokens: Formula
    public let inFeatures: Formula
    public let outFeatures: Formula
    public let hasBias: Bool
    public let inputNeedsGradient: Bool
    /// True when autograd already keeps the input's storage for an earlier op: counted there.
    public let inputAlreadySaved: Bool
    private let inCount: Int
    private let outCount: Int

    public init(
        _ label: String, tokens: Formula, inFeatures: Formula, outFeatures: Formula,
        bias: Bool = true, inputNeedsGradient: Bool = true, inputAlreadySaved: Bool = false
    ) throws {
        self.label = label
        self.tokens = tokens
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.hasBias = bias
        self.inputNeedsGradient = inputNeedsGradient
        self.inputAlreadySaved = inputAlreadySaved
        inCount = try ModelMeterError.requirePositive(inFeatures.evaluate(), "in_features", in: "Linear \(label)")
        outCount = try ModelMeterError.requirePositive(outFeatures.evaluate(), "out_features", in: "Linear \(label)")
        try ModelMeterError.requirePositive(tokens.evaluate(), "token count", in: "Linear \(label)")
    }

    public var symbols: [Symbol] { (tokens * inFeatures * outFeatures).symbols }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("weight", [outCount, inCount])] + (hasBias ? [ParameterTensor("bias", [outCount])] : [])
    }

    public var steps: [Step] { terms.map(Step.term) }

    /// The cost terms, in execution order.
    public var terms: [CostTerm] {
        let (m, k, n) = (tokens, inFeatures, outFeatures)
        var terms = [CostTerm.matmul(
            named(label, "projection"), m: m, k: k, n: n,
            weightElements: k * n + (hasBias ? n : .zero), inputNeedsGradient: inputNeedsGradient,
            savesInput: !inputAlreadySaved)]
        if hasBias {
            terms.append(CostTerm(
                name: named(label, "bias add"), unit: .cudaCore,
                forwardFLOPs: m * n, backwardFLOPs: m * n,
                forwardTraffic: .none, backwardTraffic: Traffic(activationReads: m * n, writes: n)))
        }
        return terms
    }
}

/// "QKV" + "projection" → "QKV projection"; "" + "projection" → "projection".
func named(_ label: String, _ what: String) -> String {
    label.isEmpty ? what : "\(label) \(what)"
}

extension CostTerm {
    /// A GEMM `[M,K]·[K,N]`: forward `2·M·K·N`; backward dW (and dX when the input needs a
    /// gradient), each as costly as the forward.
    ///
    /// Traffic: forward reads X and the weights, writes Y; backward's dX GEMM reads dY and W and
    /// writes dX, its dW GEMM reads X and dY and writes dW. Saved for backward: X (`M·K`), unless
    /// `savesInput` is false because an earlier op already keeps that storage.
    public static func matmul(
        _ name: String, m: Formula, k: Formula, n: Formula,
        weightElements: Formula, inputNeedsGradient: Bool, savesInput: Bool = true
    ) -> CostTerm {
        let forward = 2 * m * k * n
        let backwardGEMMs = inputNeedsGradient ? 2 : 1
        let inputGradientTraffic = inputNeedsGradient
            ? Traffic(activationReads: m * n, weightReads: k * n, writes: m * k) : .none
        return CostTerm(
            name: name, unit: .tensorCore,
            forwardFLOPs: forward, backwardFLOPs: backwardGEMMs * forward,
            forwardTraffic: Traffic(activationReads: m * k, weightReads: weightElements, writes: m * n),
            backwardTraffic: Traffic(
                activationReads: m * k + m * n + inputGradientTraffic.activationReads,
                weightReads: inputGradientTraffic.weightReads,
                writes: weightElements + inputGradientTraffic.writes),
            savedElements: savesInput ? m * k : .zero,
            savedTensors: savesInput ? "input X" : "input X (kept by an earlier op, counted there)")
    }
}
