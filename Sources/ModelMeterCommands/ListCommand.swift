import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// `modelmeter list layers|modes|gpus`: what the other commands accept.
struct ListCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the layer types, resolution modes, catalog GPUs, or config.json decoders side by side (models).")

    @Argument(help: "What to list.")
    var subject: ListSubject

    @Option(help: """
        A decoder's config.json. list layers --model X: the classes of the module tree transformers 5.25 \
        builds from it (or, with deepseek-ocr-2, that model's layer types); list models --model A --model B …: \
        the models side by side with DeepSeek-OCR's decoder.
        """)
    var model: [String] = []

    @Option(parsing: .unconditional, help: "With list models: prefill positions (default 1024).")
    var tokens: Int = 1024

    @Option(parsing: .unconditional, help: "With list models: cached positions of the decode step (default 1024).")
    var context: Int = 1024

    @Option(help: "With list models: naive (transformers) or absorbed latent attention for deepseek_v2/v3 configs.")
    var mla: LatentAttentionMode = .naive

    @OptionGroup var hardware: HardwareOptions

    func execute() throws -> String {
        let rows: [[String]]
        if !model.isEmpty, subject != .models {
            guard subject == .layers, let model = model.first, self.model.count == 1 else {
                throw CommandLineError("--model applies to list layers (one config) and list models, not list \(subject.rawValue)")
            }
            if let ocrModel = OCRModel(rawValue: model.lowercased()) {
                return Self.layerTable(ocrModel.description)
            }
            let decoder = try ConfigDecoder(path: model)
            rows = [["class", "instances", "parameters each", "first path", "vendor file"]] + (try decoder.classes()).map {
                [$0.typeName, "\($0.paths.count)", "\($0.parameters)", $0.paths[0].isEmpty ? "(root)" : $0.paths[0], decoder.vendorFile]
            }
            return alignedColumns(rows, indent: "").joined(separator: "\n") + "\n"
        }
        switch subject {
        case .models:
            let (gpu, precision) = try hardware.checked()
            let entries = [DecoderComparison.Entry.deepSeekOCR(kernel: .sdpa)]
                + (try model.map { path in
                    DecoderComparison.Entry.config(
                        try ConfigDecoder(path: path, latentMode: mla), kernel: .sdpa)
                })
            return try DecoderComparison(
                entries: entries, gpu: gpu, precision: precision,
                prefillTokens: try ModelMeterError.requirePositive(tokens, "--tokens", in: "list models"),
                context: try ModelMeterError.requirePositive(context, "--context", in: "list models")).markdown
        case .layers:
            return Self.layerTable(OCRModel.deepseekOCR.description)
        case .modes:
            rows = [["mode", "base", "image", "crops", "vision tokens per page"]] + (try VisionMode.allCases.map(Self.modeRow))
        case .gpus:
            rows = [["id", "name", "bf16 tensor-core roof", "accumulate", "CUDA-core roof", "bandwidth", "memory", "source"]]
                + GPUCatalog.all.map { gpu in
                    let bf16 = gpu.tensorCorePeaks["bf16"]
                    return [
                        gpu.id, gpu.name, bf16.map { "\(Self.number($0.teraFLOPS)) TFLOPS" } ?? "none", bf16?.accumulate ?? "",
                        "\(Self.number(gpu.cudaCorePeak.teraFLOPS)) TFLOPS", "\(Self.number(gpu.memoryBandwidthGBps)) GB/s",
                        "\(Self.number(gpu.memoryGB)) GB", gpu.source,
                    ]
                }
        }
        return alignedColumns(rows, indent: "").joined(separator: "\n") + "\n"
    }

    /// The layer types of `description`: hint doc, vendor file and `explain` keys of each.
    private static func layerTable(_ description: any ModelDescription.Type) -> String {
        let rows = [["layer", "hint doc", "vendor file", "explain keys"]] + description.layers.map {
            [$0.name, $0.doc.hintDoc, $0.doc.vendorFile, $0.acceptedKeys.joined(separator: ",")]
        }
        return alignedColumns(rows, indent: "").joined(separator: "\n") + "\n"
    }

    /// Tokens as the vendor builds them: global `q·(q + 1) + 1` with `q = ⌈base/64⌉`, plus
    /// `(h·q₂)·(w·q₂ + 1)` for a w×h crop grid.
    private static func modeRow(_ mode: VisionMode) throws -> [String] {
        let q = (mode.baseSize / 16 + 3) / 4
        let global = "\(q)·\(q + 1) + 1"
        guard mode.cropMode else {
            return [mode.rawValue, "\(mode.baseSize)", "\(mode.imageSize)", "none", "\(try Workload(mode: mode).visionTokensPerPage) = \(global)"]
        }
        let q2 = (mode.imageSize / 16 + 3) / 4
        let standard = try Workload(mode: mode)
        return [
            mode.rawValue, "\(mode.baseSize)", "\(mode.imageSize)", "w×h (default \(standard.crops?.description ?? ""))",
            "\(global) + (h·\(q2))·(w·\(q2) + 1); \(standard.visionTokensPerPage) at \(standard.crops?.description ?? "")",
        ]
    }

    /// `209.5`, `1792`: shortest form, no trailing `.0`.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
