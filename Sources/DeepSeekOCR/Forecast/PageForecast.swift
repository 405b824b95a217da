import Foundation
import ModelMeter

extension PageCostEvaluator {
    /// The kernels of one vision call of `batch` pages (every view and the projector).
    public func visionKernels(mode: VisionMode, crops: CropGrid?, batch: Int) throws -> [ModelKernel] {
        try Workload(
            mode: mode, crops: crops, batch: batch, kernel: kernel, projectorType: projectorType,
            samKernel: samKernel, clipKernel: clipKernel
        ).running(model).visionModel().evaluate(precision: precision).kernels(precision: precision)
    }

    /// The kernels of one prefill of `tokens` positions for `batch` sequences.
    public func prefillKernels(batch: Int, tokens: Int) throws -> [ModelKernel] {
        try DeepseekV2ForCausalLM(
            shape: .prefill(batch: batch, tokens: tokens), configuration: configuration, kernel: kernel, logits: prefillLogits
        ).evaluate(precision: precision).kernels(precision: precision)
    }

    /// The kernels of one decode step of `batch` sequences against `context` cached positions.
    public func decodeKernels(batch: Int, context: Int) throws -> [ModelKernel] {
        try DeepseekV2ForCausalLM(
            shape: .decode(batch: batch, context: context), configuration: configuration, kernel: kernel, logits: .last
        ).evaluate(precision: precision).kernels(precision: precision)
    }

    /// `Σ_{i=0}^{n−1} t(L₀ + i)` for the forecast of decode steps: each kernel's cost is affine
    /// in the cached length (read off the steps at `L₀` and `L₀ + 1`), its time the forecast
    /// formula at each step.
    public func decodeForecastSeconds(
        batch: Int, from start: Int, steps: Int, profile: RuntimeProfile, gpu: GPUSpec
    ) throws -> Double {
        let first = try decodeKernels(batch: batch, context: start)
        let next = try decodeKernels(batch: batch, context: start + 1)
        guard first.count == next.count, zip(first, next).allSatisfy({ $0.term == $1.term && $0.path == $1.path }) else {
            throw ModelMeterError.invalidShape(layer: "page", what: "decode step", reason: "its kernels change with the cache length")
        }
        let roofs = try KernelRoofs(gpu: gpu, precision: precision)
        var total = 0.0
        for (a, b) in zip(first, next) {
            let slope = b.cost - a.cost
            for i in 0..<steps {
                let cost = try AffinePassCost(intercept: a.cost, slope: slope).at(i)
                total += Double(a.count) * profile.seconds(a, cost: cost, roofs: roofs)
            }
        }
        return total + Double(steps) * profile.hostSeconds(sequences: batch)
    }
}

/// A page job's forecast under a runtime profile, beside its bound (``PageResult``).
///
/// ```
/// stage        Σ_calls (Σ_k count_k·t_k + t_step (+ B·t_seq for prefill and decode)),   t_k = max(F/(P·e_c), B/(BW·e_b)) + m·t_launch
/// T            vision + prefill + decode       (all B pages)
/// per page     T / B      pages per day 86,400·B / T      output tokens/s B·N / T
/// ```
public struct PageForecast: Sendable {
    public let profile: RuntimeProfile
    /// The profile's file, named in every output.
    public let profileFile: String
    public let visionSeconds: Double
    public let prefillSeconds: Double
    public let decodeSeconds: Double
    public let batch: Int
    public let outputTokens: Int

    public init(page: PageWorkload, gpu: GPUSpec, profile: RuntimeProfile, profileFile: String, evaluator: PageCostEvaluator) throws {
        self.profile = profile
        self.profileFile = profileFile
        let w = page.workload
        visionSeconds = try profile.kernelSeconds(
            try evaluator.visionKernels(mode: w.mode, crops: w.crops, batch: page.batch), gpu: gpu,
            precision: page.precision) + profile.stepHostSeconds
        prefillSeconds = try profile.kernelSeconds(
            try evaluator.prefillKernels(batch: page.batch, tokens: page.promptTokens), gpu: gpu, precision: page.precision)
            + profile.hostSeconds(sequences: page.batch)
        decodeSeconds = try evaluator.decodeForecastSeconds(
            batch: page.batch, from: page.promptTokens, steps: page.outputTokens, profile: profile, gpu: gpu)
        batch = page.batch
        outputTokens = page.outputTokens
    }

    /// `T`: the three stages.
    public var batchSeconds: Double { visionSeconds + prefillSeconds + decodeSeconds }
    public var secondsPerPage: Double { batchSeconds / Double(batch) }
    public var pagesPerDay: Double { 86_400 / secondsPerPage }
    public var outputTokensPerSecond: Double { Double(batch * outputTokens) / batchSeconds }
    /// Mean decode step: `T_decode / N`.
    public var decodeSecondsPerStep: Double { decodeSeconds / Double(outputTokens) }

    /// The `forecast` object of `page --format json`: the bound's keys, forecast values.
    public func json() -> JSONValue {
        .object([
            ("kind", .string("forecast")),
            ("runtime", .string(profile.name)),
            ("profile", .string(profileFile)),
            ("formula", .string("per kernel max(F/(peak*e_c), bytes/(bandwidth*e_b)) + m*t_launch, plus t_step per call")),
            ("launchSeconds", .double(profile.launchSeconds)),
            ("stepHostSeconds", .double(profile.stepHostSeconds)),
            ("sequenceHostSeconds", .double(profile.sequenceHostSeconds)),
            ("batchSeconds", .double(batchSeconds)),
            ("secondsPerPage", .double(secondsPerPage)),
            ("pagesPerDay", .double(pagesPerDay)),
            ("outputTokensPerSecond", .double(outputTokensPerSecond)),
            ("decodeSecondsPerStep", .double(decodeSecondsPerStep)),
            ("stages", .object([
                ("vision", .object([("seconds", .double(visionSeconds))])),
                ("prefill", .object([("seconds", .double(prefillSeconds))])),
                ("decode", .object([("seconds", .double(decodeSeconds))])),
            ])),
        ])
    }

    /// Lines for `page`'s text output.
    public func text(bound: PageResult) -> String {
        var lines = ["forecast (\(profile.name), constants fitted in \(profileFile)) beside the bound (a lower bound):"]
        var rows = [["stage", "forecast", "bound"]]
        for (stage, seconds) in [(ModelStage.vision, visionSeconds), (.prefill, prefillSeconds), (.decode, decodeSeconds)] {
            rows.append([stage.rawValue, SIUnits.seconds(seconds), SIUnits.seconds(bound.stage(stage).seconds)])
        }
        lines += PageReport.alignedRows(rows)
        lines.append(String(
            format: "  per page: forecast %@, %.0f pages/day, %.0f output tokens/s; bound %@, %.0f pages/day",
            SIUnits.seconds(secondsPerPage), pagesPerDay, outputTokensPerSecond, SIUnits.seconds(bound.secondsPerPage), bound.pagesPerDay))
        lines.append("  decode step (mean over \(outputTokens)): forecast \(SIUnits.seconds(decodeSecondsPerStep)), bound \(SIUnits.seconds(bound.stage(.decode).seconds / Double(outputTokens)))")
        return lines.joined(separator: "\n") + "\n"
    }
}
