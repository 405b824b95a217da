import Foundation

/// The seed runner's Nsight Systems layout: `nsys/per-stage/<stage>/nsys/summary_cuda_gpu_kern_sum.csv`
/// beside `<stage>/config.yaml` (mode, `max_new_tokens`) and `stakeholder_summary.md` (wall times).
public enum NsysLayout {
    /// Reads one kernel summary; the stage is the folder above `nsys/`.
    public static func stage(_ file: String) throws -> MeasuredStage {
        let text = try MeasuredProfile.readText(file)
        let records = try CSV.records(text, file: file, required: ["Total Time (ns)", "Instances", "Name"])
        let kernels = try records.map { r in
            MeasuredKernel(
                name: r["Name"] ?? "", instances: try CSV.int(r["Instances"], "Instances", file),
                nanoseconds: try CSV.int(r["Total Time (ns)"], "Total Time (ns)", file))
        }
        let nsysFolder = (file as NSString).deletingLastPathComponent
        let stageFolder = (nsysFolder as NSString).deletingLastPathComponent
        let name = (stageFolder as NSString).lastPathComponent
        let config = (try? MeasuredProfile.readText((stageFolder as NSString).appendingPathComponent("config.yaml"))) ?? ""
        let yaml = YAMLScalars(config)
        var settings = MeasuredSettings(batch: 1, precision: yaml["dtype"])
        if let base = yaml["base_size"], let image = yaml["image_size"], let crop = yaml["crop_mode"] {
            settings.mode = VisionModeName.named(base: base, image: image, crop: crop == "true")
        }
        if yaml["use_flash_attn"] == "true" { settings.attention = "sdpa" }
        let known = ["sam", "clip", "projector", "prefill", "decode"]
        var calls = 1
        var wall: Double?
        var wallSource: String?
        if name == "decode" {
            calls = try CSV.int(yaml["max_new_tokens"], "max_new_tokens", stageFolder + "/config.yaml")
            guard calls > 0 else {
                throw ModelMeterError.malformedValue(what: "max_new_tokens", value: "0", expected: "a positive count")
            }
            // The whole-run capture's stakeholder summary holds the decode wall time of every page;
            // the per-stage one is a fallback.
            let candidates = [
                (((stageFolder as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("all-stage/stakeholder_summary.md"),
                (stageFolder as NSString).appendingPathComponent("stakeholder_summary.md"),
            ]
            for candidate in candidates {
                if let text = try? MeasuredProfile.readText(candidate), let ms = summaryMean(text, row: "Decode ms"),
                   let tokens = summaryMean(text, row: "Tokens"), tokens > 0, ms > 0, (ms / tokens).isFinite {
                    wall = ms * 1e-3 / tokens
                    wallSource = candidate
                    break
                }
            }
        }
        return MeasuredStage(
            name: name, modelStage: name == "prefill" ? "vision+prefill" : (known.contains(name) ? name : nil), file: file, calls: calls, kernels: kernels, settings: settings,
            wallSecondsPerCall: wall, wallSource: wallSource, runtime: "hf-eager")
    }

    /// The mean column of a stakeholder summary's `|row|mean|std|` line.
    static func summaryMean(_ text: String, row: String) -> Double? {
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, cells[0] == row, let value = Double(cells[1]) { return value }
        }
        return nil
    }

    /// The GPU named by an `env.json` in the file's stage folder, if any.
    static func gpu(near file: String) -> String? {
        var folder = (file as NSString).deletingLastPathComponent
        for _ in 0..<3 {
            let candidate = (folder as NSString).appendingPathComponent("env.json")
            if let data = try? MeasuredProfile.readData(candidate),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let gpu = object["gpu"] as? String {
                return gpu
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
