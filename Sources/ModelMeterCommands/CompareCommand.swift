import ArgumentParser
import DeepSeekOCR
import LiterateReport
import Foundation
import ModelMeter

/// `modelmeter compare`: measured kernel profiles beside the model's bound and forecast.
struct CompareCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Measured GPU-kernel profiles beside the model's bound and forecast, stage by stage and kernel class by kernel class.",
        discussion: """
        --measured reads an Nsight Systems summary_cuda_gpu_kern_sum.csv (or a folder in the seed runner's \
        nsys/per-stage/<stage>/ layout with config.yaml), an Nsight Compute all_metrics_long.csv, a PyTorch \
        profiler Chrome trace (kernels inside record_function ranges named vision, sam, clip, projector, \
        prefill, decode) or a modelmeter.measure/1 harness file; a folder is searched for all of them. \
        The bound is a roofline lower bound; the forecast uses the runtime profile's fitted constants \
        (context/measurements/fits/<runtime>.json under --root). Settings a file does not state (crops, \
        prompt length) are assumed and listed.
        """)

    @Option(help: "Measured profile: a file or a folder of them.")
    var measured: String

    @Option(help: "Runtime profile of the forecast.")
    var runtime: RuntimeName = .hfEager

    @Option(help: "Project root holding context/measurements/fits/ (default: the current folder).")
    var root: String = "."

    @Option(help: "GPU from the catalog (default: the GPU the files name).")
    var gpu: String?

    @Option(help: "JSON file describing a GPU the catalog lacks (conflicts with --gpu).")
    var gpuSpec: String?

    @Option(help: "Output format.")
    var format: TextOrJSON = .text

    func execute() throws -> String {
        if let gpu, let gpuSpec { throw CommandLineError("--gpu \(gpu) and --gpu-spec \(gpuSpec) conflict: give one of them") }
        let profilePath = try ProfileFit.profilePath(root: root, runtime: runtime.description)
        let profile = try RuntimeProfile.load(profilePath)
        let measuredProfile = try MeasuredProfile.read(measured)
        let spec: GPUSpec
        if let gpuSpec {
            spec = try GPUSpecFile.load(path: gpuSpec)
        } else if let gpu {
            spec = try GPUCatalog.named(gpu)
        } else {
            spec = try ProfileFit.harnessGPU(measuredProfile.gpu)
        }
        var rows: [(MeasuredStage, StageComparison?)] = []
        for stage in measuredProfile.stages {
            rows.append((stage, try StageComparison(stage, gpu: spec, profile: profile)))
        }
        switch format {
        case .json:
            return JSONValue.object([
                ("tool", .string("modelmeter compare")),
                ("measured", .string(measured)),
                ("gpu", .string(spec.id)),
                ("gpuNamedByFiles", measuredProfile.gpu.map { .string($0) } ?? .null),
                ("runtime", .string(profile.name)),
                ("profile", .string(profilePath)),
                ("conventions", .object([
                    ("measuredKernelSeconds", .string("sum of the file's kernel durations over all its calls")),
                    ("boundSeconds", .string("roofline lower bound of the same calls: max(FLOPs/peak, bytes/bandwidth) per model call")),
                    ("forecastSeconds", .string("forecast kernel time of the same calls: per kernel max(F/(peak*e_c), bytes/(bandwidth*e_b)) + t_launch")),
                ])),
                ("stages", .object(rows.map { stage, comparison in
                    if let comparison { return (stage.name, comparison.json()) }
                    return (stage.name, .object([
                        ("file", .string(stage.file)),
                        ("modelStage", .null),
                        ("measuredKernelSeconds", .double(stage.kernelSeconds)),
                        ("measuredKernelNanoseconds", .int(stage.kernelNanoseconds)),
                        ("measuredKernelCount", .int(stage.kernelCount)),
                        ("kernelClasses", .object(classesOnly(stage))),
                    ]))
                })),
            ]).rendered() + "\n"
        case .text:
            return rows.map { text($0, $1, gpu: spec, profile: profile, profilePath: profilePath) }.joined(separator: "\n")
        }
    }

    private func classesOnly(_ stage: MeasuredStage) -> [(String, JSONValue)] {
        let classes = stage.byClass()
        return KernelClass.allCases.compactMap { c in
            guard let m = classes[c] else { return nil }
            let throughputs = stage.kernels.filter { $0.kernelClass == c }.compactMap(\.reportedBytesPerSecond)
            return (c.key, .object([
                ("class", .string(c.rawValue)),
                ("measuredCount", .int(m.instances)),
                ("measuredSeconds", .double(Double(m.nanoseconds) * 1e-9)),
                ("reportedGBpsMean", throughputs.isEmpty ? .null : .double(throughputs.reduce(0, +) / Double(throughputs.count) / 1e9)),
            ]))
        }
    }

    private func text(_ stage: MeasuredStage, _ c: StageComparison?, gpu: GPUSpec, profile: RuntimeProfile, profilePath: String) -> String {
        var lines = ["\(stage.name): \(stage.file)"]
        lines.append("  measured GPU-kernel time \(SIUnits.seconds(stage.kernelSeconds)) over \(stage.calls) call(s), \(stage.kernelCount) kernels (file sum)")
        guard let c else {
            for (k, m) in stage.byClass().sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }) {
                lines.append("  \(k.rawValue): \(m.instances) kernels, \(SIUnits.seconds(Double(m.nanoseconds) * 1e-9))")
            }
            lines.append("  (no model stage: single profiled kernel instances)")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("  model: \(c.workloadLabel) on \(gpu.name)" + (c.decodeContext.map { ", decode step at L = \($0) (mean over the steps)" } ?? "")
            + (c.assumptions.isEmpty ? "" : "; assumed: " + c.assumptions.joined(separator: "; ")))
        lines.append(String(
            format: "  bound (roofline lower bound) %@ (bound/measured %.2f); forecast (%@, %@) %@ (forecast/measured %.2f, error %+.1f%%)",
            SIUnits.seconds(c.boundSeconds), c.boundSeconds / c.measuredKernelSeconds, profile.name, profilePath,
            SIUnits.seconds(c.forecastSeconds), c.forecastSeconds / c.measuredKernelSeconds, 100 * (c.forecastSeconds / c.measuredKernelSeconds - 1)))
        if let wall = stage.wallSecondsPerCall {
            lines.append(String(
                format: "  wall per call: measured %@ (%@), forecast %@ (error %+.1f%%)", SIUnits.seconds(wall), stage.wallSource ?? stage.file,
                SIUnits.seconds(c.forecastWallSecondsPerCall), 100 * (c.forecastWallSecondsPerCall / wall - 1)))
        }
        var table = [["class", "measured/call", "model/call (launches)", "measured time", "bound", "forecast", "TFLOP/s", "GB/s", "% of roof"]]
        let calls = Double(stage.calls)
        for k in c.classes {
            let seconds = Double(k.measuredNanoseconds) * 1e-9
            table.append([
                k.kernelClass.rawValue, String(format: "%.1f", Double(k.measuredInstances) / calls),
                "\(k.modelKernelsPerCall) (\(k.modelLaunchesPerCall))",
                SIUnits.seconds(seconds), SIUnits.seconds(k.boundSecondsPerCall * calls), SIUnits.seconds(k.forecastSecondsPerCall * calls),
                seconds > 0 ? String(format: "%.2f", Double(k.modelCost.totalFLOPs) * calls / seconds / 1e12) : "–",
                seconds > 0 ? String(format: "%.0f", Double(k.modelCost.ioBytes) * calls / seconds / 1e9) : "–",
                seconds > 0 ? String(format: "%.0f%%", 100 * k.boundSecondsPerCall * calls / seconds) : "–",
            ])
        }
        lines += PageReport.alignedRows(table)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `modelmeter fit`: refits the runtime profiles from the committed measurements.
struct FitCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Refit the runtime profiles (context/measurements/fits/*.json) from the measurements under context/measurements/.")

    @Option(help: "Project root holding context/measurements/ (default: the current folder).")
    var root: String = "."

    @Flag(help: "Print the fitted profiles instead of writing them.")
    var dryRun = false

    func execute() throws -> String {
        let profiles = try ProfileFit.fit(root: root)
        // Only profiles are replaced, and all are checked before any is written: any other file is the user's.
        for profile in profiles where !dryRun {
            let path = try ProfileFit.profilePath(root: root, runtime: profile.name)
            guard !FileManager.default.fileExists(atPath: path) || RuntimeProfile.holdsProfile(path) else {
                throw CommandLineError("refusing to replace \(path): it is not a \(RuntimeProfile.schema) file written by modelmeter fit")
            }
        }
        var out = ""
        for profile in profiles {
            let data = try profile.encoded()
            let path = try ProfileFit.profilePath(root: root, runtime: profile.name)
            if dryRun {
                out += String(decoding: data, as: UTF8.self)
            } else {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                do {
                    try FileWriting.replaceFile(atPath: path, contents: data)
                } catch let failure as FileWriting.Failure {
                    throw CommandLineError("cannot write \(path): \(failure.reason)")
                }
                out += "wrote \(path)\n"
            }
            for p in profile.points {
                out += String(
                    format: "  %@ %@: measured %.4g %@, forecast %.4g (error %+.1f%%), bound %.4g\n", p.fitted ? "fit " : "held", p.label,
                    p.measured, p.unit, p.forecast, 100 * p.relativeError, p.bound)
            }
        }
        return out
    }
}
