import Foundation
import ModelMeter

/// One kernel class of a measured stage beside the model's kernels of the same class.
public struct ClassComparison: Sendable {
    public let kernelClass: KernelClass
    /// Measured launches and GPU time over the file.
    public let measuredInstances: Int
    public let measuredNanoseconds: Int
    /// The model's kernels of this class per call, their FLOPs and bytes per call.
    public let modelKernelsPerCall: Int
    /// Launches of those kernels under the runtime (a looped term once per item).
    public let modelLaunchesPerCall: Int
    public let modelCost: PassCost
    /// Roofline time of the class's kernels per call (each at its own roof), and the forecast.
    public let boundSecondsPerCall: Double
    public let forecastSecondsPerCall: Double
}

/// A measured stage beside the model's prediction for the same calls.
///
/// ```
/// bound      calls × max(F_call/P, B_call/BW)   (one roofline per model call, as `page` prices it)
/// forecast   calls × Σ_k count_k·(max(F_k/(P·e_c), B_k/(BW·e_b)) + m·t_launch)   (kernel time, no host time)
/// wall       forecast + calls × (t_step + B·t_seq for prefill and decode)
/// achieved   model FLOPs / measured seconds, model bytes / measured seconds; % of roof = bound / measured
/// ```
public struct StageComparison: Sendable {
    public let measured: MeasuredStage
    public let gpu: GPUSpec
    public let profile: RuntimeProfile
    /// The workload the model was priced at, and what of it was assumed (not stated by the file).
    public let workload: Workload
    public let assumptions: [String]
    /// Cached positions of the decode step priced (the mean over the file's steps), if decode.
    public let decodeContext: Int?
    public let modelKernels: [ModelKernel]
    public let boundSecondsPerCall: Double
    public let forecastKernelSecondsPerCall: Double
    public let classes: [ClassComparison]

    public var calls: Int { measured.calls }
    public var measuredKernelSeconds: Double { measured.kernelSeconds }
    public var boundSeconds: Double { boundSecondsPerCall * Double(calls) }
    public var forecastSeconds: Double { forecastKernelSecondsPerCall * Double(calls) }
    /// Wall time per call: kernel forecast plus `t_step` (and `B·t_seq` for prefill and decode).
    public var forecastWallSecondsPerCall: Double {
        let sequences = ["prefill", "decode"].contains(measured.modelStage ?? "") ? workload.batch : 0
        return forecastKernelSecondsPerCall + profile.hostSeconds(sequences: sequences)
    }
    public var modelKernelsPerCall: Int { modelKernels.reduce(0) { $0 + $1.count } }

    /// Prices `measured` with the model; nil when the stage names no model stage (an Nsight
    /// Compute sample of single kernels).
    public init?(
        _ measured: MeasuredStage, gpu: GPUSpec, profile: RuntimeProfile, base: Workload? = nil
    ) throws {
        guard let stage = measured.modelStage else { return nil }
        self.measured = measured
        self.gpu = gpu
        self.profile = profile
        var assumptions: [String] = []
        let s = measured.settings
        let mode = try VisionMode.named(s.mode ?? base?.mode.rawValue ?? "gundam")
        if s.mode == nil { assumptions.append("mode \(mode.rawValue)") }
        var crops: CropGrid?
        if mode.cropMode {
            crops = try CropGrid(parsing: s.crops ?? base?.crops?.description ?? "2x2")
            if s.crops == nil { assumptions.append("crops \(crops!.description) (the file does not say which page ran first)") }
        }
        let kernel = try AttentionKernel.named(s.attention ?? "sdpa")
        if s.attention == nil { assumptions.append("attention sdpa") }
        let batch = s.batch ?? 1
        let precision = try Precision.named(s.precision ?? "bf16")
        workload = try Workload(mode: mode, crops: crops, batch: batch, kernel: kernel)
        // The Hugging Face forward runs lm_head on every prompt position; vLLM on the last.
        let logits: LogitPositions = profile.name == "vllm" ? .last : .all
        let evaluator = PageCostEvaluator(
            kernel: kernel, projectorType: workload.projectorType, configuration: workload.decoder.configuration,
            precision: precision, prefillLogits: logits, samKernel: kernel, clipKernel: kernel)
        let prompt = s.tokens ?? workload.prefillTokens
        // A file's tokens and context meet the limits of --tokens and --context.
        try WorkloadLimits.checkPositions(prompt, "tokens of \(measured.name)", allowZero: false, largest: WorkloadLimits.positions)
        if s.tokens == nil && (stage == "prefill" || stage == "vision+prefill" || stage == "decode") {
            assumptions.append("prompt \(prompt) positions (image + \(workload.decoder.promptTextTokens) text)")
        }
        let viewCrops = workload.hasLocalView ? crops : nil
        let firstView = workload.hasLocalView ? "local/" : (mode.cropMode ? "global/" : "")
        func vision() throws -> [ModelKernel] { try evaluator.visionKernels(mode: mode, crops: viewCrops, batch: batch) }
        func subtree(_ name: String) throws -> [ModelKernel] {
            try vision().filter { $0.path.hasPrefix(firstView + name + ".") || $0.path == firstView + name + "." }
        }
        var calls: [[ModelKernel]] = []
        var context: Int?
        switch stage {
        case "sam": calls = [try subtree("sam_model")]
        case "clip": calls = [try subtree("vision_model")]
        case "projector": calls = [try subtree("projector")]
        case "vision": calls = [try vision()]
        case "prefill": calls = [try evaluator.prefillKernels(batch: batch, tokens: prompt)]
        case "vision+prefill": calls = [try vision(), try evaluator.prefillKernels(batch: batch, tokens: prompt)]
        case "decode":
            let mean = s.context ?? prompt + (measured.calls - 1) / 2
            try WorkloadLimits.checkPositions(
                mean, "decode context of \(measured.name)", allowZero: true, largest: WorkloadLimits.positions - 1)
            context = mean
            calls = [try evaluator.decodeKernels(batch: batch, context: mean)]
        default:
            return nil
        }
        if ["sam", "clip", "projector"].contains(stage) && workload.hasLocalView {
            assumptions.append("\(stage) is the first call, on the local crops")
        }
        self.assumptions = assumptions
        decodeContext = context
        let kernels = calls.flatMap { $0 }
        modelKernels = kernels
        let roofs = try KernelRoofs(gpu: gpu, precision: precision)
        boundSecondsPerCall = try calls.reduce(0) { total, call in
            let cost = call.map { $0.count * $0.cost }.sum()
            return total + (try RooflinePoint(cost: cost, gpu: gpu, precision: precision)).timeLowerBoundSeconds
        }
        forecastKernelSecondsPerCall = try profile.kernelSeconds(kernels, gpu: gpu, precision: precision)
        let measuredClasses = measured.byClass()
        classes = KernelClass.allCases.compactMap { c in
            let model = kernels.filter { $0.kernelClass == c }
            let m = measuredClasses[c] ?? (0, 0)
            guard !model.isEmpty || m.instances > 0 else { return nil }
            var cost = PassCost.zero
            var bound = 0.0, forecast = 0.0
            for k in model {
                cost += k.count * k.cost
                bound += Double(k.count) * max(roofs.computeSeconds(k.cost), roofs.memorySeconds(k.cost))
                forecast += Double(k.count) * profile.seconds(k, cost: k.cost, roofs: roofs)
            }
            return ClassComparison(
                kernelClass: c, measuredInstances: m.instances, measuredNanoseconds: m.nanoseconds,
                modelKernelsPerCall: model.reduce(0) { $0 + $1.count },
                modelLaunchesPerCall: model.reduce(0) { $0 + $1.count * profile.launches($1) }, modelCost: cost, boundSecondsPerCall: bound,
                forecastSecondsPerCall: forecast)
        }
    }

    /// The JSON object of `compare --format json` for this stage.
    public func json() -> JSONValue {
        let perCall = Double(calls)
        return .object([
            ("file", .string(measured.file)),
            ("modelStage", .string(measured.modelStage ?? "")),
            ("runtime", .string(profile.name)),
            ("gpu", .string(gpu.id)),
            ("calls", .int(calls)),
            ("workload", .string(workloadLabel)),
            ("assumed", .array(assumptions.map { .string($0) })),
            ("decodeContext", decodeContext.map { .int($0) } ?? .null),
            ("measuredKernelSeconds", .double(measuredKernelSeconds)),
            ("measuredKernelNanoseconds", .int(measured.kernelNanoseconds)),
            ("measuredKernelCount", .int(measured.kernelCount)),
            ("measuredWallSecondsPerCall", measured.wallSecondsPerCall.map { .double($0) } ?? .null),
            ("wallSource", measured.wallSource.map { .string($0) } ?? .null),
            ("boundSeconds", .double(boundSeconds)),
            ("forecastSeconds", .double(forecastSeconds)),
            ("forecastWallSecondsPerCall", .double(forecastWallSecondsPerCall)),
            ("boundOverMeasured", .double(boundSeconds / measuredKernelSeconds)),
            ("forecastOverMeasured", .double(forecastSeconds / measuredKernelSeconds)),
            ("modelKernelsPerCall", .int(modelKernelsPerCall)),
            ("measuredKernelsPerCall", .double(Double(measured.kernelCount) / perCall)),
            ("kernelClasses", .object(classes.map { c in
                let seconds = Double(c.measuredNanoseconds) * 1e-9
                return (c.kernelClass.key, .object([
                    ("class", .string(c.kernelClass.rawValue)),
                    ("measuredCountPerCall", .double(Double(c.measuredInstances) / perCall)),
                    ("measuredSeconds", .double(seconds)),
                    ("modelKernelsPerCall", .int(c.modelKernelsPerCall)),
                    ("modelLaunchesPerCall", .int(c.modelLaunchesPerCall)),
                    ("modelFLOPsPerCall", .int(c.modelCost.totalFLOPs)),
                    ("modelBytesPerCall", .int(c.modelCost.ioBytes)),
                    ("achievedTFLOPS", seconds > 0 ? .double(Double(c.modelCost.totalFLOPs) * perCall / seconds / 1e12) : .null),
                    ("achievedGBps", seconds > 0 ? .double(Double(c.modelCost.ioBytes) * perCall / seconds / 1e9) : .null),
                    ("percentOfRoof", seconds > 0 ? .double(100 * c.boundSecondsPerCall * perCall / seconds) : .null),
                    ("boundSeconds", .double(c.boundSecondsPerCall * perCall)),
                    ("forecastSeconds", .double(c.forecastSecondsPerCall * perCall)),
                ]))
            })),
        ])
    }

    public var workloadLabel: String {
        var text = workload.mode.rawValue
        if workload.hasLocalView, let crops = workload.crops { text += " \(crops)" }
        return text + ", batch \(workload.batch)"
    }
}

extension Precision {
    /// Parses `bf16`, `fp16`, `fp32`, `fp8` (and `bfloat16`, `float16`, `float32`).
    static func named(_ text: String) throws -> Precision {
        let aliases = ["bfloat16": "bf16", "float16": "fp16", "half": "fp16", "float32": "fp32", "float": "fp32"]
        let key = aliases[text.lowercased()] ?? text.lowercased()
        guard let precision = Precision(rawValue: key) else {
            throw ModelMeterError.unknownName(kind: "precision", name: text, accepted: Precision.allCases.map(\.rawValue))
        }
        return precision
    }
}
