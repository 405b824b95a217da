import ModelMeter

/// A text-only job on a `config.json` decoder (`modelmeter page --model CONFIG.json`): `B`
/// sequences, a prefill of `P` prompt positions, then `N` decode steps against `P, P + 1, …,
/// P + N − 1` cached positions. No vision stage.
///
/// ```
/// prefill     one call, S = P
/// decode      Σ_{i=0}^{N−1} step(P + i): each step's cost is piecewise affine in L (affine
///             except where a sliding window stops growing the cache it reads), summed
///             exactly over each affine run: n·c(L₀) + Δ·n(n − 1)/2
/// time        prefill bound + Σ over the steps of max(compute time, memory time)
/// ```
public struct DecoderJob: Sendable {
    public let decoder: ConfigDecoder
    public let batch: Int
    /// `P`: prompt positions per sequence.
    public let promptTokens: Int
    /// `N`: output tokens per sequence, one decode step each.
    public let outputTokens: Int
    public let kernel: AttentionKernel
    public let prefillLogits: LogitPositions
    public let precision: Precision

    public init(
        decoder: ConfigDecoder, batch: Int, promptTokens: Int, outputTokens: Int, kernel: AttentionKernel,
        prefillLogits: LogitPositions = .last, precision: Precision
    ) throws {
        try ModelMeterError.requirePositive(batch, "--batch", in: "page")
        try ModelMeterError.requirePositive(promptTokens, "--prompt-tokens", in: "page --model \(decoder.config.source)")
        try ModelMeterError.requirePositive(outputTokens, "--output-tokens", in: "page")
        let positions = try ModelMeterError.checkedSum(promptTokens, outputTokens, "P + N")
        guard positions <= decoder.config.maxPositions else {
            throw ModelMeterError.invalidShape(
                layer: decoder.config.source, what: "P + N",
                reason: "\(promptTokens) + \(outputTokens) = \(positions) exceeds max_position_embeddings \(decoder.config.maxPositions)")
        }
        self.decoder = decoder
        self.batch = batch
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.kernel = kernel
        self.prefillLogits = prefillLogits
        self.precision = precision
    }

    /// The prefill call.
    public func prefill() throws -> LayerMetrics {
        try decoder.model(shape: .prefill(batch: batch, tokens: promptTokens), kernel: kernel, logits: prefillLogits)
            .metrics(precision: precision)
    }

    /// One decode step against `cached` positions (lm_head on the new position).
    public func step(_ cached: Int) throws -> LayerMetrics {
        try decoder.model(shape: .decode(batch: batch, context: cached), kernel: kernel, logits: .last).metrics(precision: precision)
    }

    /// The decode steps `P … P + N − 1` as runs over which the step cost is affine in `L`, found by
    /// halving: a run `a…b` is affine when `c(a) + (c(a + 1) − c(a))·(b − a) = c(b)` exactly. Every
    /// part of a step is affine in `L` or concave (a window's `min`), so the equality rules out a bend.
    public func decodeRuns() throws -> [(first: Int, steps: Int, cost: AffinePassCost)] {
        var cache: [Int: PassCost] = [:]
        func cost(_ cached: Int) throws -> PassCost {
            if let known = cache[cached] { return known }
            let value = try step(cached).forward
            cache[cached] = value
            return value
        }
        func runs(_ a: Int, _ b: Int) throws -> [(first: Int, steps: Int, cost: AffinePassCost)] {
            let first = try cost(a)
            guard b > a else { return [(a, 1, AffinePassCost(intercept: first, slope: PassCost()))] }
            let slope = try cost(a + 1) - first
            let line = AffinePassCost(intercept: first - (try PassCost.combination(slope, a, .zero, 0, "decode sum")), slope: slope)
            if try line.at(b) == cost(b) { return [(a, b - a + 1, line)] }
            let middle = a + (b - a) / 2
            return try runs(a, middle) + runs(middle + 1, b)
        }
        return try runs(promptTokens, promptTokens + outputTokens - 1)
    }

    /// The job on `gpu`.
    public func result(gpu: GPUSpec) throws -> DecoderJobResult {
        try DecoderJobResult(job: self, gpu: gpu)
    }
}

/// What a `DecoderJob` costs on one GPU: the prefill, the decode steps summed, their roofline
/// times, and the memory the job holds at its end.
public struct DecoderJobResult: Sendable {
    public let job: DecoderJob
    public let gpu: GPUSpec
    public let prefill: PassCost
    public let prefillPoint: RooflinePoint
    /// All `N` decode steps together.
    public let decode: PassCost
    public let decodeSeconds: Double
    public let memoryBoundSteps: Int
    public let firstStep: PassCost
    public let lastStep: PassCost
    /// Weights, and the KV cache after the last step (`B·(P + N)` positions, windows applied).
    public let weightBytes: Int
    public let kvCacheBytes: Int
    /// The larger activation peak of the prefill and the last step.
    public let activationBytes: Int

    public var seconds: Double { prefillPoint.timeLowerBoundSeconds + decodeSeconds }
    /// `B·N / time`.
    public var outputTokensPerSecond: Double { Double(job.batch * job.outputTokens) / seconds }
    public var peakMemoryBytes: Int { weightBytes + kvCacheBytes + activationBytes }
    public var fitsInMemory: Bool { Double(peakMemoryBytes) <= gpu.memoryGB * 1e9 }

    init(job: DecoderJob, gpu: GPUSpec) throws {
        self.job = job
        self.gpu = gpu
        let prefillMetrics = try job.prefill()
        prefill = prefillMetrics.forward
        prefillPoint = try RooflinePoint(cost: prefill, gpu: gpu, precision: job.precision)
        let tensorPeak = try gpu.tensorCorePeak(for: job.precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = gpu.memoryBandwidthGBps * 1e9
        var total = PassCost()
        var seconds = 0.0
        var memoryBound = 0
        for run in try job.decodeRuns() {
            total = try total.adding(try run.cost.sum(from: run.first, steps: run.steps))
            let first = try run.cost.at(run.first), slope = run.cost.slope
            let (c0, cs) = (Double(first.tensorCoreFLOPs) / tensorPeak + Double(first.cudaCoreFLOPs) / cudaPeak,
                            Double(slope.tensorCoreFLOPs) / tensorPeak + Double(slope.cudaCoreFLOPs) / cudaPeak)
            let (m0, ms) = (Double(first.ioBytes) / bandwidth, Double(slope.ioBytes) / bandwidth)
            for i in 0..<run.steps {
                let compute = c0 + cs * Double(i), memory = m0 + ms * Double(i)
                if memory >= compute { memoryBound += 1 }
                seconds += max(compute, memory)
            }
        }
        decode = total
        decodeSeconds = seconds
        memoryBoundSteps = memoryBound
        let last = try job.step(job.promptTokens + job.outputTokens - 1)
        firstStep = try job.step(job.promptTokens).forward
        lastStep = last.forward
        weightBytes = prefillMetrics.memory.weightBytes
        kvCacheBytes = last.memory.kvCacheBytes
        activationBytes = max(prefillMetrics.memory.activationBytes, last.memory.activationBytes)
    }

    /// The result as JSON: the job, each stage's exact totals and bound, memory.
    public func json() -> JSONValue {
        func pass(_ cost: PassCost) -> JSONValue {
            .object([
                ("tensorCoreFLOPs", .int(cost.tensorCoreFLOPs)), ("cudaCoreFLOPs", .int(cost.cudaCoreFLOPs)), ("ioBytes", .int(cost.ioBytes)),
            ])
        }
        return .object([
            ("tool", .string("modelmeter")),
            ("model", .string(job.decoder.config.source)),
            ("timesAre", .string("roofline lower bounds")),
            ("job", .object([
                ("batch", .int(job.batch)), ("promptTokens", .int(job.promptTokens)), ("outputTokens", .int(job.outputTokens)),
                ("attention", .string(job.kernel.rawValue)), ("prefillLogits", .string(job.prefillLogits.rawValue)),
                ("mla", job.decoder.config.latent == nil ? .null : .string(job.decoder.latentMode.rawValue)),
                ("precision", .string(job.precision.rawValue)),
            ])),
            ("gpu", .string(gpu.id)),
            ("prefill", .object([
                ("forward", pass(prefill)), ("seconds", .double(prefillPoint.timeLowerBoundSeconds)),
                ("boundBy", .string(prefillPoint.bound.rawValue)),
            ])),
            ("decode", .object([
                ("steps", .int(job.outputTokens)), ("forward", pass(decode)), ("firstStep", pass(firstStep)), ("lastStep", pass(lastStep)),
                ("seconds", .double(decodeSeconds)), ("memoryBoundSteps", .int(memoryBoundSteps)),
            ])),
            ("seconds", .double(seconds)),
            ("outputTokensPerSecond", .double(outputTokensPerSecond)),
            ("memory", .object([
                ("weightBytes", .int(weightBytes)), ("kvCacheBytes", .int(kvCacheBytes)), ("activationBytes", .int(activationBytes)),
                ("peakBytes", .int(peakMemoryBytes)), ("fitsInMemory", .bool(fitsInMemory)),
            ])),
        ])
    }

    /// A few lines for the terminal.
    public func text() -> String {
        let config = job.decoder.config
        var lines = [
            "\(config.source) on \(gpu.name), \(job.precision.rawValue): B = \(job.batch), prompt P = \(job.promptTokens), "
                + "N = \(job.outputTokens) output tokens, attention \(job.kernel.rawValue) (roofline lower bounds)",
            "  prefill      \(SIUnits.flops(prefill.totalFLOPs)), \(SIUnits.bytes(prefill.ioBytes)): \(SIUnits.seconds(prefillPoint.timeLowerBoundSeconds)) (\(prefillPoint.bound.rawValue))",
            "  decode       \(job.outputTokens) steps, \(SIUnits.flops(decode.totalFLOPs)), \(SIUnits.bytes(decode.ioBytes)): "
                + "\(SIUnits.seconds(decodeSeconds)) (\(memoryBoundSteps) of \(job.outputTokens) steps memory-bound)",
            "  total        \(SIUnits.seconds(seconds)); \(String(format: "%.0f", outputTokensPerSecond)) output tokens/s",
            "  memory       weights \(SIUnits.bytes(weightBytes)) + KV cache \(SIUnits.bytes(kvCacheBytes)) + activations "
                + "\(SIUnits.bytes(activationBytes)) = \(SIUnits.bytes(peakMemoryBytes))"
                + (fitsInMemory ? "" : " (does not fit in \(Int(gpu.memoryGB)) GB)"),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
