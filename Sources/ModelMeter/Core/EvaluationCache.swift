/// Evaluations kept by `Layer.evaluationKey` for one arithmetic and precision (a sweep's).
public final class EvaluationCache<Arithmetic: CostArithmetic>: @unchecked Sendable {
    private var entries: [String: Evaluation<Arithmetic>] = [:]
    public init() {}
    subscript(key: String) -> Evaluation<Arithmetic>? {
        get { entries[key] }
        set { entries[key] = newValue }
    }
}
