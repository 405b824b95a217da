import Foundation

/// Every stage read from one path (a file, or a folder of them).
public struct MeasuredProfile: Sendable {
    /// The path the profile was read from.
    public let path: String
    public let stages: [MeasuredStage]
    /// GPU the profile ran on, when the files say (`env.json`, the harness's provenance).
    public let gpu: String?

    public init(path: String, stages: [MeasuredStage], gpu: String?) {
        self.path = path
        self.stages = stages
        self.gpu = gpu
    }

    /// Reads `path`: an Nsight Systems `summary_cuda_gpu_kern_sum.csv` (or a folder with the
    /// seed runner's `nsys/per-stage/<stage>/` layout), an Nsight Compute `all_metrics_long.csv`,
    /// a PyTorch profiler Chrome trace, or a `modelmeter.measure/1` harness file; a folder is
    /// searched for all of them. Paths in the result are as given, joined with what was found.
    public static func read(_ path: String) throws -> MeasuredProfile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelMeterError.malformedValue(what: "measured profile path", value: path, expected: "an existing file or folder")
        }
        var files: [String] = []
        if isDirectory.boolValue {
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw ModelMeterError.malformedValue(what: "measured profile folder", value: path, expected: "a readable folder")
            }
            var entries = 0
            for case let relative as String in walker {
                entries += 1
                guard entries <= maximumFolderEntries else {
                    throw ModelMeterError.malformedValue(
                        what: "measured profile folder", value: path,
                        expected: "at most \(maximumFolderEntries) entries under it (a run's report folder, not a whole disk)")
                }
                let name = (relative as NSString).lastPathComponent
                if name == "summary_cuda_gpu_kern_sum.csv" || name == "all_metrics_long.csv" || name.hasSuffix(".json")
                    || name.hasSuffix(".json.gz") {
                    files.append((path as NSString).appendingPathComponent(relative))
                }
            }
            files.sort()
        } else {
            files = [path]
        }
        var stages: [MeasuredStage] = []
        var gpu: String?
        for file in files {
            let name = (file as NSString).lastPathComponent
            if name == "summary_cuda_gpu_kern_sum.csv" || (name.hasSuffix(".csv") && !isDirectory.boolValue && name != "all_metrics_long.csv") {
                let stage = try NsysLayout.stage(file)
                if stage.name == "all-stage" && isDirectory.boolValue { continue }
                stages.append(stage)
                gpu = gpu ?? NsysLayout.gpu(near: file)
            } else if name == "all_metrics_long.csv" {
                stages.append(try NcuMetrics.stage(file))
                gpu = gpu ?? NsysLayout.gpu(near: file)
            } else if name.hasSuffix(".json") || name.hasSuffix(".json.gz") {
                let data = name.hasSuffix(".gz") ? try gunzip(file) : try readData(file)
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    if isDirectory.boolValue { continue }
                    throw ModelMeterError.malformedValue(what: "JSON file", value: file, expected: "a JSON object")
                }
                if object["schema"] as? String == HarnessFile.schema {
                    let harness = try HarnessFile.stages(object, file: file)
                    stages += harness.stages
                    gpu = gpu ?? harness.gpu
                } else if object["traceEvents"] != nil {
                    stages += try ChromeTrace.stages(object, file: file)
                } else if !isDirectory.boolValue {
                    throw ModelMeterError.malformedValue(
                        what: "JSON file", value: file, expected: "a modelmeter.measure/1 harness file or a Chrome trace with traceEvents")
                }
            }
        }
        for stage in stages { try checkTotals(stage) }
        // Names stay unique (a harness run and its Chrome trace share one): later ones name their file.
        var seen: [String: Int] = [:]
        stages = stages.map { stage in
            seen[stage.name, default: 0] += 1
            guard seen[stage.name]! > 1 else { return stage }
            return MeasuredStage(
                name: stage.name + " (" + (stage.file as NSString).lastPathComponent + ")", modelStage: stage.modelStage, file: stage.file,
                calls: stage.calls, kernels: stage.kernels, settings: stage.settings, wallSecondsPerCall: stage.wallSecondsPerCall,
                wallSource: stage.wallSource, runtime: stage.runtime)
        }
        guard !stages.isEmpty else {
            throw ModelMeterError.malformedValue(
                what: "measured profile", value: path,
                expected: "summary_cuda_gpu_kern_sum.csv, all_metrics_long.csv, a Chrome trace or a modelmeter.measure/1 JSON file")
        }
        return MeasuredProfile(path: path, stages: stages, gpu: gpu)
    }

    /// The largest measured file read, and the most a gzip file may expand to: 256 MiB (a
    /// Chrome trace of a whole page is tens of MB; parsing one of this size takes a few GB).
    public static let maximumBytes = 1 << 28
    /// The most entries a `--measured` folder may hold below it (files and folders counted).
    public static let maximumFolderEntries = 100_000
    /// The largest total GPU time (ns) and launch count of one stage: 2⁵³, so every sum of a
    /// file's kernels stays an exact integer and an exact double (2⁵³ ns is 104 days).
    public static let maximumCount = 1 << 53

    /// The bytes of a regular file of at most ``maximumBytes`` (size checked before reading,
    /// and the read itself bounded, so `/dev/zero` or a sparse 2 GB file cost nothing).
    static func readData(_ file: String) throws -> Data {
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a readable file")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a regular file")
        }
        guard info.st_size <= maximumBytes else {
            throw ModelMeterError.malformedValue(
                what: "file", value: file, expected: "at most \(maximumBytes) bytes (it has \(info.st_size))")
        }
        guard let handle = FileHandle(forReadingAtPath: file), let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "a readable file")
        }
        try? handle.close()
        guard data.count <= maximumBytes else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "at most \(maximumBytes) bytes")
        }
        return data
    }

    /// `value · scale` as whole nanoseconds or counts: finite, ≥ 0 and at most ``maximumCount``.
    static func wholeNumber(_ value: Double, scale: Double = 1, _ what: String, _ file: String) throws -> Int {
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, scaled >= 0, scaled <= Double(maximumCount) else {
            throw ModelMeterError.malformedValue(
                what: "\(what) in \(file)", value: "\(value)", expected: "a finite number ≥ 0 whose total stays at most 2⁵³ ns or launches")
        }
        return Int(scaled)
    }

    /// `a + b` for totals of a file, refused past ``maximumCount``.
    static func total(_ a: Int, _ b: Int, _ what: String, _ file: String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow, sum <= maximumCount else {
            throw ModelMeterError.malformedValue(
                what: "\(what) in \(file)", value: "more than 2⁵³", expected: "a total of at most \(maximumCount) (2⁵³, exact as a double)")
        }
        return sum
    }

    /// Every stage's kernel time and launches summed with checks, so later sums cannot overflow.
    static func checkTotals(_ stage: MeasuredStage) throws {
        var nanoseconds = 0, instances = 0
        for kernel in stage.kernels {
            nanoseconds = try total(nanoseconds, kernel.nanoseconds, "total kernel time (ns) of stage \(stage.name)", stage.file)
            instances = try total(instances, kernel.instances, "total kernel launches of stage \(stage.name)", stage.file)
        }
    }

    /// The decompressed bytes of a gzip file (`gzip -dc`).
    static func gunzip(_ file: String) throws -> Data {
        _ = try readData(file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", "--", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw ModelMeterError.malformedValue(what: "gzip file", value: file, expected: "gzip on the PATH to read it")
        }
        // Read at most maximumBytes + 1: a small file expanding without end is stopped there.
        var data = Data()
        while data.count <= maximumBytes, let chunk = try? pipe.fileHandleForReading.read(upToCount: 1 << 20), !chunk.isEmpty {
            data.append(chunk)
        }
        guard data.count <= maximumBytes else {
            try? pipe.fileHandleForReading.close()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ModelMeterError.malformedValue(
                what: "gzip file", value: file, expected: "at most \(maximumBytes) bytes once decompressed")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ModelMeterError.malformedValue(what: "gzip file", value: file, expected: "a readable gzip stream")
        }
        return data
    }

    static func readText(_ file: String) throws -> String {
        guard let text = String(data: try readData(file), encoding: .utf8) else {
            throw ModelMeterError.malformedValue(what: "file", value: file, expected: "UTF-8 text")
        }
        return text
    }
}
