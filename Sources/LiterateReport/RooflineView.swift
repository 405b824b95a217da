import ModelMeter

/// Rows of the roofline box: each quantity with its rule, the rule with values, and the result.
enum RooflineView {
    static func rows(_ pass: PassCost, _ point: RooflinePoint, gpu: GPUSpec, precision: Precision) throws -> [RuleRow] {
        let tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        let cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        let bandwidth = Format.bandwidth(gpu.memoryBandwidthGBps)
        let tc = Format.flops(pass.tensorCoreFLOPs), cuda = Format.flops(pass.cudaCoreFLOPs)
        let flops = Format.flops(pass.totalFLOPs), bytes = Format.bytes(pass.ioBytes)
        let compute = Format.seconds(point.computeSeconds), memory = Format.seconds(point.memorySeconds)
        let bound = point.bound == .memory ? "\(memory) ≥ \(compute)" : "\(compute) > \(memory)"
        func row(_ what: String, _ rule: String, _ values: String, _ value: String) -> RuleRow {
            RuleRow(what: what, rule: rule, values: values, value: value)
        }
        return [
            row("arithmetic intensity", "FLOPs / bytes", "\(flops) / \(bytes)", Format.intensity(point.arithmeticIntensity)),
            row("ridge point (tensor cores, \(precision.rawValue))", "tensor-core peak / bandwidth",
                "\(Format.throughput(tensorPeak)) / \(bandwidth)", Format.intensity(point.ridgePoint)),
            row("ridge point (CUDA cores, FP32)", "CUDA-core peak / bandwidth",
                "\(Format.throughput(cudaPeak)) / \(bandwidth)", Format.intensity(point.cudaRidgePoint)),
            row("tensor-core time", "tensor-core FLOPs / tensor-core peak", "\(tc) / \(Format.throughput(tensorPeak))",
                Format.seconds(point.tensorCoreSeconds)),
            row("CUDA-core time", "CUDA-core FLOPs / CUDA-core peak", "\(cuda) / \(Format.throughput(cudaPeak))",
                Format.seconds(point.cudaCoreSeconds)),
            row("compute time", "tensor-core time + CUDA-core time",
                "\(Format.seconds(point.tensorCoreSeconds)) + \(Format.seconds(point.cudaCoreSeconds))", compute),
            row("memory time", "bytes / bandwidth", "\(bytes) / \(bandwidth)", memory),
            row("time lower bound", "max(compute time, memory time)", "max(\(compute), \(memory))",
                "**\(Format.seconds(point.timeLowerBoundSeconds))**"),
            row("attainable throughput", "FLOPs / time lower bound",
                "\(flops) / \(Format.seconds(point.timeLowerBoundSeconds))", Format.throughput(point.attainableFLOPS)),
            row("bound by", "the larger of compute and memory time", bound, "**\(point.bound.rawValue)**"),
        ]
    }
}
