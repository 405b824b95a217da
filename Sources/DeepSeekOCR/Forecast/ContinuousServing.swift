import Foundation
import ModelMeter

/// Pages served the way engines such as vLLM serve them: the vision stack runs in bounded
/// chunks (an encoder budget of image positions), new pages' vision and prefill interleave with
/// the running batch's decode steps (continuous batching), and the batch is limited by what
/// memory holds beside the weights.
///
/// ```
/// chunk pages      c = max(1, ⌊encoder budget tokens / image positions per page⌋)
/// memory           M = memoryGB·10⁹·utilization
/// batch limit      B = min(max sequences, ⌊(M − W − max(A_vision(c), A_prefill(c))) / (KV(P + N) + a_step)⌋)
/// per page         t = (t_vision(c) + t_prefill(c)) / c + N·t_step(B, L̄) / B,   L̄ = P + ⌊(N − 1)/2⌋
///                  (forecast calls add t_step each, prefill and decode calls B·t_seq)
/// pages per day    86,400 / t          output tokens/s   N / t
/// ```
/// Each sequence spends N steps at caches P … P + N − 1; under continuous batching the batch
/// holds sequences at every point of that range, so a step costs the step at the mean cache L̄
/// (the step cost is affine in L).
public struct ContinuousServing: Sendable {
    public let settings: ServingSettings
    public let gpu: GPUSpec
    public let chunkPages: Int
    public let batch: Int
    /// Bytes: usable memory, weights, the largest chunk's activations, one sequence's KV at the end plus its step activations.
    public let usableBytes: Double
    public let weightBytes: Int
    public let chunkActivationBytes: Int
    public let bytesPerSequence: Int
    public let meanContext: Int
    /// Per page: roofline bound, and the forecast when a profile is given.
    public let boundSecondsPerPage: Double
    public let forecastSecondsPerPage: Double?
    public let outputTokens: Int

    public init(
        page: PageWorkload, gpu: GPUSpec, settings: ServingSettings, evaluator: PageCostEvaluator, profile: RuntimeProfile? = nil
    ) throws {
        self.settings = settings
        self.gpu = gpu
        let w = page.workload
        let crops = w.crops  // a 1×1 grid stays 1×1: the global view alone, as the bound prices it
        let p = page.promptTokens, n = page.outputTokens
        // Settings come from files: the batch limit of --batch, an encoder budget of at most that many pages.
        try settings.validate()
        try WorkloadLimits.checkBatch(settings.maxSequences)
        chunkPages = max(1, settings.encoderBudgetTokens / w.visionTokensPerPage)
        let vision = try evaluator.visionCost(mode: w.mode, crops: crops, batch: chunkPages)
        let prefill = try evaluator.prefillCost(batch: chunkPages, tokens: p)
        let step1 = try evaluator.decodeStep(batch: 1)
        weightBytes = vision.weightBytes + step1.weightBytes
        chunkActivationBytes = max(vision.activationBytes, prefill.activationBytes)
        let kvPerToken = evaluator.configuration.kvCacheElementsPerToken * evaluator.precision.bytesPerElement
        let stepActivation = try evaluator.firstStepActivationBytes(batch: 1, prompt: p)
        bytesPerSequence = (p + n) * kvPerToken + stepActivation
        usableBytes = gpu.memoryGB * 1e9 * settings.memoryUtilization
        let room = usableBytes - Double(weightBytes) - Double(chunkActivationBytes)
        let fit = room > 0 ? Int(room / Double(bytesPerSequence)) : 0
        guard fit >= 1 else {
            throw ModelMeterError.invalidShape(
                layer: "serving", what: "batch",
                reason: "weights \(SIUnits.bytes(weightBytes)) and a \(chunkPages)-page chunk's activations \(SIUnits.bytes(chunkActivationBytes)) leave no room for one sequence in \(SIUnits.bytes(Int(usableBytes)))")
        }
        batch = min(settings.maxSequences, fit)
        meanContext = p + (n - 1) / 2
        outputTokens = n
        let precision = page.precision
        let step = try RooflinePoint(cost: try evaluator.decodeStep(batch: batch).cost.at(meanContext), gpu: gpu, precision: precision)
        let visionBound = try RooflinePoint(cost: vision.forward, gpu: gpu, precision: precision).timeLowerBoundSeconds
        let prefillBound = try RooflinePoint(cost: prefill.forward, gpu: gpu, precision: precision).timeLowerBoundSeconds
        boundSecondsPerPage = (visionBound + prefillBound) / Double(chunkPages) + Double(n) * step.timeLowerBoundSeconds / Double(batch)
        if let profile {
            let visionForecast = try profile.kernelSeconds(
                try evaluator.visionKernels(mode: w.mode, crops: crops, batch: chunkPages), gpu: gpu, precision: precision)
            let prefillForecast = try profile.kernelSeconds(
                try evaluator.prefillKernels(batch: chunkPages, tokens: p), gpu: gpu, precision: precision)
            let stepForecast = try profile.kernelSeconds(
                try evaluator.decodeKernels(batch: batch, context: meanContext), gpu: gpu, precision: precision)
            forecastSecondsPerPage = (visionForecast + prefillForecast + profile.stepHostSeconds + profile.hostSeconds(sequences: chunkPages))
                / Double(chunkPages) + Double(n) * (stepForecast + profile.hostSeconds(sequences: batch)) / Double(batch)
        } else {
            forecastSecondsPerPage = nil
        }
    }

    /// Model calls per page that each add `t_step`: `2/c` (vision and prefill of a chunk) `+ N/B`.
    public var callsPerPage: Double { 2 / Double(chunkPages) + Double(outputTokens) / Double(batch) }
    /// Sequence-calls per page that each add `t_seq`: its prefill and its N decode steps, `1 + N`.
    public var sequenceCallsPerPage: Double { 1 + Double(outputTokens) }

    public var boundPagesPerDay: Double { 86_400 / boundSecondsPerPage }
    public var boundOutputTokensPerSecond: Double { Double(outputTokens) / boundSecondsPerPage }
    public var forecastPagesPerDay: Double? { forecastSecondsPerPage.map { 86_400 / $0 } }
    public var forecastOutputTokensPerSecond: Double? { forecastSecondsPerPage.map { Double(outputTokens) / $0 } }

    public func json() -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("model", .string("continuous batching: vision in chunks of c pages, decode batch B, step at the mean cache")),
            ("settingsSource", .string(settings.source)),
            ("maxSequences", .int(settings.maxSequences)),
            ("memoryUtilization", .double(settings.memoryUtilization)),
            ("encoderBudgetTokens", .int(settings.encoderBudgetTokens)),
            ("chunkPages", .int(chunkPages)),
            ("batch", .int(batch)),
            ("usableMemoryBytes", .double(usableBytes)),
            ("weightBytes", .int(weightBytes)),
            ("chunkActivationBytes", .int(chunkActivationBytes)),
            ("bytesPerSequence", .int(bytesPerSequence)),
            ("meanContext", .int(meanContext)),
            ("bound", .object([
                ("secondsPerPage", .double(boundSecondsPerPage)),
                ("pagesPerDay", .double(boundPagesPerDay)),
                ("outputTokensPerSecond", .double(boundOutputTokensPerSecond)),
            ])),
        ]
        if let s = forecastSecondsPerPage, let d = forecastPagesPerDay, let t = forecastOutputTokensPerSecond {
            fields.append(("forecast", .object([
                ("secondsPerPage", .double(s)), ("pagesPerDay", .double(d)), ("outputTokensPerSecond", .double(t)),
            ])))
        }
        return .object(fields)
    }

    public func text() -> String {
        var line = "continuous batching (\(settings.source)): vision in chunks of \(chunkPages) pages, batch B = \(batch) "
            + "(max \(settings.maxSequences); memory \(SIUnits.bytes(Int(usableBytes))) − weights \(SIUnits.bytes(weightBytes)) − chunk activations \(SIUnits.bytes(chunkActivationBytes)), \(SIUnits.bytes(bytesPerSequence)) per sequence)\n"
        line += String(format: "  bound: %.0f pages/day, %.0f output tokens/s", boundPagesPerDay, boundOutputTokensPerSecond)
        if let d = forecastPagesPerDay, let t = forecastOutputTokensPerSecond {
            line += String(format: "; forecast: %.0f pages/day, %.0f output tokens/s", d, t)
        }
        return line + "\n"
    }
}
