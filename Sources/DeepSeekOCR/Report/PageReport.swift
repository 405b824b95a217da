import Foundation
import ModelMeter

/// The machine and text forms of a page result (`modelmeter page`).
public enum PageReport {
    /// Throws a one-line error when the job's peak memory exceeds the GPU's memory, naming the
    /// stage that needs most and, when known, the largest batch that fits.
    public static func requireFits(_ result: PageResult, largestBatch: Int? = nil) throws {
        guard !result.fitsInMemory else { return }
        let cost = result.cost
        let (stage, bytes) = cost.stageMemoryBytes.max { $0.value < $1.value }!
        var reason = "\(result.page.batch) pages need \(SIUnits.bytes(bytes)) during \(stage.rawValue) "
            + "(weights \(SIUnits.bytes(cost.weightBytes)), KV cache at the end \(SIUnits.bytes(cost.kvCacheBytes))) "
            + "but the \(result.gpu.name) has \(SIUnits.bytes(Int(result.memoryCapacityBytes)))"
        if let largestBatch {
            reason += largestBatch > 0 ? "; at most \(largestBatch) pages fit" : "; not even one page fits"
        }
        throw ModelMeterError.invalidShape(layer: "page", what: "batch", reason: reason)
    }

    static func pass(_ cost: PassCost) -> [(String, JSONValue)] {
        [
            ("tensorCoreFLOPs", .int(cost.tensorCoreFLOPs)),
            ("cudaCoreFLOPs", .int(cost.cudaCoreFLOPs)),
            ("ioBytes", .int(cost.ioBytes)),
        ]
    }

    /// The JSON object of one page result.
    public static func json(_ result: PageResult, extra: [(String, JSONValue)] = []) -> JSONValue {
        let cost = result.cost
        let page = result.page
        let stages: [(String, JSONValue)] = result.stages.map { stage in
            (stage.stage.rawValue, .object([
                ("calls", .int(stage.calls)),
                ("seconds", .double(stage.seconds)),
            ] + pass(stage.cost) + [
                ("arithmeticIntensity", .double(stage.cost.arithmeticIntensity)),
                ("weightReadBytes", .int(stage.weightReads.totalBytes)),
                ("routedExpertWeightReadBytes", .int(stage.weightReads.routedExpertBytes)),
                ("kvCacheReadBytes", .int(stage.cacheReadBytes)),
                ("activationIOBytes", .int(stage.activationBytes)),
                ("boundBy", .string(stage.boundBy.rawValue)),
                ("memoryBoundCalls", .int(stage.memoryBoundCalls)),
                ("memoryBytes", .int(cost.stageMemoryBytes[stage.stage] ?? 0)),
            ]))
        }
        let decode = cost.decodeStep.cost
        return .object(extra + [
            ("tool", .string("modelmeter")),
            ("page", .string(page.label)),
            ("mode", .string(page.workload.mode.rawValue)),
            ("crops", page.workload.hasLocalView ? .string(page.workload.crops?.description ?? "") : .null),
            ("batch", .int(page.batch)),
            ("attention", .string(page.workload.kernel.rawValue)),
            ("precision", .string(page.precision.rawValue)),
            ("prefillLogits", .string(page.prefillLogits.rawValue)),
            ("gpu", .string(result.gpu.id)),
            ("visionTokensPerPage", .int(page.workload.visionTokensPerPage)),
            ("promptTextTokens", .int(page.workload.decoder.promptTextTokens)),
            ("promptTokens", .int(page.promptTokens)),
            ("outputTokens", .int(page.outputTokens)),
            ("finalPositions", .int(page.finalPositions)),
            ("batchSeconds", .double(result.batchSeconds)),
            ("secondsPerPage", .double(result.secondsPerPage)),
            ("pagesPerDay", .double(result.pagesPerDay)),
            ("outputTokensPerSecond", .double(result.outputTokensPerSecond)),
            ("decodeTokensPerSecond", .double(result.decodeTokensPerSecond)),
            ("decodeSecondsPerStep", .double(result.stage(.decode).seconds / Double(page.outputTokens))),
            ("kvCacheBytesPerToken", .int(cost.kvBytesPerToken)),
            ("kvCacheBytes", .int(cost.kvCacheBytes)),
            ("weightBytes", .int(cost.weightBytes)),
            ("peakMemoryBytes", .int(cost.peakMemoryBytes)),
            ("memoryCapacityBytes", .int(Int(result.memoryCapacityBytes))),
            ("stages", .object(stages)),
            ("decodeSum", .object([
                ("formula", .string("N·c(L0) + Δ·N(N−1)/2")),
                ("N", .int(page.outputTokens)),
                ("L0", .int(page.promptTokens)),
                ("firstStep", .object(pass(cost.firstStep))),
                ("slopePerCachedPosition", .object(pass(decode.slope))),
                ("triangle", .int(AffinePassCost.triangle(page.outputTokens))),
            ])),
            ("total", .object(pass(result.totalCost))),
        ])
    }

    /// `N·c(L₀) + Δ·N(N−1)/2 = 1000·… + …·499500 = …` for one quantity.
    public static func decodeSumLine(_ result: PageResult, _ quantity: KeyPath<PassCost, Int>, unit: (Int) -> String) -> String {
        let cost = result.cost
        let n = result.page.outputTokens
        return "N·c(L₀) + Δ·N(N−1)/2 = \(n)·\(cost.firstStep[keyPath: quantity]) + \(cost.decodeStep.cost.slope[keyPath: quantity])·\(AffinePassCost.triangle(n)) = \(cost.decode[keyPath: quantity]) (\(unit(cost.decode[keyPath: quantity])))"
    }

    /// A short per-stage breakdown.
    public static func text(_ result: PageResult) -> String {
        let page = result.page
        let cost = result.cost
        var lines: [String] = []
        lines.append("\(page.label), batch \(page.batch), \(page.workload.kernel.rawValue), \(page.precision.rawValue) on \(result.gpu.name)")
        lines.append("prompt P = \(page.workload.visionTokensPerPage) image + \(page.workload.decoder.promptTextTokens) text = \(page.promptTokens) positions; "
            + "N = \(page.outputTokens) output tokens; cache at the end P + N = \(page.finalPositions) positions per page")
        var rows: [[String]] = [["stage", "calls", "tensor-core", "CUDA-core", "bytes", "weights read", "KV read", "time (lower bound)", "bound"]]
        for stage in result.stages {
            rows.append([
                stage.stage.rawValue, "\(stage.calls)", SIUnits.flops(stage.cost.tensorCoreFLOPs), SIUnits.flops(stage.cost.cudaCoreFLOPs),
                SIUnits.bytes(stage.cost.ioBytes), SIUnits.bytes(stage.weightReads.totalBytes), SIUnits.bytes(stage.cacheReadBytes),
                SIUnits.seconds(stage.seconds),
                stage.stage == .decode ? "\(stage.boundBy.rawValue) (\(stage.memoryBoundCalls) of \(stage.calls) steps memory-bound)" : stage.boundBy.rawValue,
            ])
        }
        rows.append(["total", "", SIUnits.flops(result.totalCost.tensorCoreFLOPs), SIUnits.flops(result.totalCost.cudaCoreFLOPs),
                     SIUnits.bytes(result.totalCost.ioBytes), "", "", SIUnits.seconds(result.batchSeconds), ""])
        lines += alignedRows(rows)
        lines.append("decode bytes: " + decodeSumLine(result, \.ioBytes, unit: SIUnits.bytes))
        lines.append("decode tensor-core FLOPs: " + decodeSumLine(result, \.tensorCoreFLOPs, unit: SIUnits.flops))
        lines.append(String(
            format: "per page: %@ (T/B); %.0f pages/day; %.0f output tokens/s (%.0f while decoding)",
            SIUnits.seconds(result.secondsPerPage), result.pagesPerDay, result.outputTokensPerSecond, result.decodeTokensPerSecond))
        lines.append("memory: peak \(SIUnits.bytes(cost.peakMemoryBytes)) of \(SIUnits.bytes(Int(result.memoryCapacityBytes))) "
            + "(weights \(SIUnits.bytes(cost.weightBytes)), KV cache at the end \(SIUnits.bytes(cost.kvCacheBytes)) = "
            + "\(page.batch)·\(page.finalPositions)·\(cost.kvBytesPerToken) B)")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func alignedRows(_ rows: [[String]]) -> [String] {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.map { "  " + $0 }
    }
}
