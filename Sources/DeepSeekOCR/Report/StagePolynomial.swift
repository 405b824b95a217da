import ModelMeter

/// One stage of one shape, evaluated once in polynomial arithmetic (see `Sweep`). Variables:
/// `x₀` pages (every `B` is `value at one page · x₀`), `x₁` distinct experts touched `E_t`, and
/// for decoder stages `x₂` new positions `S` and `x₃` cached positions `L`.
struct StagePolynomial: Sendable {
    let stage: ModelStage
    let totals: Totals<PolynomialArithmetic>
    let configuration: DeepseekV2Configuration

    /// Totals above this go to the exact evaluator instead, which names the formula that overflows.
    static let fastPathLimit = Int.max / 64

    static func arithmetic(for stage: ModelStage) -> PolynomialArithmetic {
        let decoder = stage != .vision
        return PolynomialArithmetic { symbol in
            switch symbol.name {
            case "B": return Polynomial(variable: 0, coefficient: symbol.value)
            case "E_t": return Polynomial(variable: 1)
            case "S" where decoder: return Polynomial(variable: 2)
            case "L" where decoder: return Polynomial(variable: 3)
            default: return nil
            }
        }
    }

    init(
        stage: ModelStage, workload: Workload, precision: Precision, cache: EvaluationCache<PolynomialArithmetic>? = nil
    ) throws {
        try self.init(
            stage: stage, onePage: try StageReport.model(stage, workload: try workload.withBatch(1)),
            configuration: workload.decoder.configuration, precision: precision, cache: cache)
    }

    /// `onePage`: the stage's model built for one page (decoder stages: any `S`, and `L` ≥ 1 for
    /// a decode step, so that `L` stays in its formulas).
    init(
        stage: ModelStage, onePage: any Layer, configuration: DeepseekV2Configuration, precision: Precision,
        cache: EvaluationCache<PolynomialArithmetic>? = nil
    ) throws {
        self.stage = stage
        // Vision views are shared across shapes through the cache; decoder stages vary by variables.
        let arithmetic = Self.arithmetic(for: stage)
        let evaluation = try onePage.evaluate(in: arithmetic, precision: precision, cache: stage == .vision ? cache : nil)
        totals = evaluation.totals
        routedWeightReads = try evaluation.sum(of: \.forwardWeightReads, in: arithmetic) { $0 is RoutedExperts }
        self.configuration = configuration
    }

    /// Weight bytes read inside `RoutedExperts` subtrees (the routed experts' share of `forwardWeightReads`).
    let routedWeightReads: Polynomial

    /// The variables at a point: pages, distinct experts touched, new and cached positions.
    func variables(batch: Int, positions: Int, cached: Int) -> [Int]? {
        let (tokens, overflow) = batch.multipliedReportingOverflow(by: positions)
        guard !overflow else { return nil }
        return [batch, RoutedExperts.touchedExpertCount(configuration: configuration, tokens: tokens), positions, cached]
    }

    /// `polynomial` at `variables`, when it stays well inside 64 bits.
    static func exact(_ polynomial: Polynomial, at variables: [Int]) -> Int? {
        polynomial.value(at: variables).flatMap { $0 <= fastPathLimit ? $0 : nil }
    }

    /// The highest power of the cached length `L` in the forward costs and weight reads.
    var degreeInCachedLength: Int {
        let polynomials = [totals.forwardTensorCore, totals.forwardCUDACore, totals.forwardIO, totals.forwardWeightReads, routedWeightReads]
        return polynomials.flatMap { $0.terms.map { ($0.monomial >> 24) & 0xff } }.max() ?? 0
    }

    /// The stage's exact totals for `workload`; nil near 64-bit overflow. Forward, backward,
    /// activation, weight and KV-cache figures are exact at any batch; the training save-set
    /// bytes are not (SAM's qkv reshape is a view at one image and a copy at more, a rule no
    /// polynomial in `B` states), so sweeps do not report them.
    func metrics(for workload: Workload) -> LayerMetrics? {
        metrics(
            batch: workload.batch, positions: stage == .prefill ? workload.prefillTokens : 1,
            cached: stage == .decode ? workload.decodeContext : 0)
    }

    /// The stage's exact totals for `batch` sequences of `positions` new and `cached` cached positions.
    func metrics(batch: Int, positions: Int, cached: Int) -> LayerMetrics? {
        guard let variables = variables(batch: batch, positions: positions, cached: cached) else { return nil }
        func exact(_ polynomial: Polynomial) -> Int? { Self.exact(polynomial, at: variables) }
        return totals.metrics(value: exact) { candidates in
            // The peak's value is its largest candidate's.
            var largest = 0
            for candidate in candidates {
                guard let value = exact(candidate) else { return nil }
                largest = max(largest, value)
            }
            return largest
        }
    }
}
