import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// `modelmeter list layers|modes|gpus`: what the other commands accept.
struct ListCommand: TextCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the layer types, resolution modes or catalog GPUs.")

    static let subjects = ["layers", "modes", "gpus"]

    @Argument(help: "What to list: layers, modes or gpus.")
    var subject: String

    @Option(help: "With layers: a decoder's config.json; lists the classes of the module tree transformers 5.23 builds from it.")
    var model: String?

    func execute() throws -> String {
        let rows: [[String]]
        if let model {
            guard subject.lowercased() == "layers" else {
                throw CommandLineError("--model \(model) applies to list layers, not list \(subject)")
            }
            let decoder = try ConfigDecoder(path: model)
            rows = [["class", "instances", "parameters each", "first path", "vendor file"]] + (try decoder.classes()).map {
                [$0.typeName, "\($0.paths.count)", "\($0.parameters)", $0.paths[0].isEmpty ? "(root)" : $0.paths[0], decoder.vendorFile]
            }
            return alignedColumns(rows, indent: "").joined(separator: "\n") + "\n"
        }
        switch subject.lowercased() {
        case "layers":
            rows = [["layer", "hint doc", "vendor file", "explain keys"]] + DeepSeekOCRModel.layers.map {
                [$0.name, $0.doc.hintDoc, $0.doc.vendorFile, $0.acceptedKeys.joined(separator: ",")]
            }
        case "modes":
            rows = [["mode", "base", "image", "crops", "vision tokens per page"]] + (try VisionMode.allCases.map(Self.modeRow))
        case "gpus":
            rows = [["id", "name", "bf16 tensor-core roof", "accumulate", "CUDA-core roof", "bandwidth", "memory", "source"]]
                + GPUCatalog.all.map { gpu in
                    let bf16 = gpu.tensorCorePeaks["bf16"]
                    return [
                        gpu.id, gpu.name, bf16.map { "\(Self.number($0.teraFLOPS)) TFLOPS" } ?? "none", bf16?.accumulate ?? "",
                        "\(Self.number(gpu.cudaCorePeak.teraFLOPS)) TFLOPS", "\(Self.number(gpu.memoryBandwidthGBps)) GB/s",
                        "\(Self.number(gpu.memoryGB)) GB", gpu.source,
                    ]
                }
        default:
            throw ModelMeterError.unknownName(kind: "list subject", name: subject, accepted: Self.subjects)
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
