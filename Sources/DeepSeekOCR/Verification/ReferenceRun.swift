import Foundation
import ModelMeter

/// One measured run from `context/reference/flopcounter-reference.json`: parameter and FLOP
/// counts measured by running the vendor modules under PyTorch's FlopCounterMode (no formula).
public struct ReferenceRun: Sendable, CustomStringConvertible {
    /// Run name, e.g. `sam.Attention.global/img1024_b1`.
    public let key: String
    /// Module key, e.g. `sam.Attention.global`.
    public let module: String
    public let inputShapes: [[Int]]
    public let inputRequiresGrad: [Bool]
    public let parameters: Int
    public let forwardFLOPs: Int
    /// Forward FLOPs per submodule path relative to the module ("" for the module itself).
    public let forwardBySubmodule: [String: Int]
    public let backwardFLOPs: Int
    /// Bytes autograd saved for backward (CPU, fp32): activations plus the module's input when
    /// an op keeps it (`saved_for_backward_fp32`: `activation_bytes + input_bytes_referenced`;
    /// parameters excluded); -1 when the run does not say.
    public let savedForBackwardBytes: Int

    public var description: String { key }

    /// Where the project keeps the reference data, relative to its root.
    public static let relativePath = "context/reference/flopcounter-reference.json"

    /// Every run in the file, sorted by name; throws when the file is missing or malformed.
    public static func load(from url: URL) throws -> [ReferenceRun] {
        guard let data = try? Data(contentsOf: url) else {
            throw ModelMeterError.malformedValue(what: "reference data", value: url.path, expected: "a readable JSON file")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runs = root["runs"] as? [String: [String: Any]],
              let modules = root["modules"] as? [String: [String: Any]]
        else {
            throw ModelMeterError.malformedValue(what: "reference data", value: url.path, expected: "FlopCounterMode runs and modules")
        }
        return runs.keys.sorted().compactMap { key -> ReferenceRun? in
            guard let run = runs[key], let module = run["module"] as? String,
                  let fwd = run["fwd_inference"] as? [String: Any], let bwd = run["bwd"] as? [String: Any]
            else { return nil }
            var bySubmodule: [String: Int] = [:]
            for (path, ops) in (fwd["flops_by_submodule"] as? [String: [String: Int]]) ?? [:] {
                let relative = path.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                bySubmodule[relative] = ops.values.reduce(0, +)
            }
            return ReferenceRun(
                key: key, module: module,
                inputShapes: run["input_shapes"] as? [[Int]] ?? [],
                inputRequiresGrad: run["input_requires_grad"] as? [Bool] ?? [],
                parameters: modules[module]?["params_total"] as? Int ?? -1,
                forwardFLOPs: fwd["flops_total"] as? Int ?? -1,
                forwardBySubmodule: bySubmodule,
                backwardFLOPs: bwd["flops_total"] as? Int ?? -1,
                savedForBackwardBytes: (run["saved_for_backward_fp32"] as? [String: Any]).map {
                    ($0["activation_bytes"] as? Int ?? 0) + ($0["input_bytes_referenced"] as? Int ?? 0)
                } ?? -1)
        }
    }

    /// The attention kernel the measurement took: CPU autograd ran SAM's masked attention on
    /// the math path (our `eager`) and CLIP's unmasked attention on a fused kernel (`sdpa`).
    public var kernel: AttentionKernel { module.hasPrefix("sam.") ? .eager : .sdpa }

    /// The analytic layer for this run, configured from the run's input shapes.
    public func makeLayer() throws -> any Layer {
        let shape = inputShapes.first ?? []
        switch module {
        case "sam.Attention.global":
            return try Attention(batch: shape[0], height: shape[1], width: shape[2], relativePositionInputSize: (64, 64), kernel: kernel)
        case "sam.Attention.windowed":
            return try Attention(batch: shape[0], height: shape[1], width: shape[2], relativePositionInputSize: (14, 14), kernel: kernel)
        case "sam.Block.global":
            return try Block(batch: shape[0], height: shape[1], width: shape[2], windowSize: 0, kernel: kernel)
        case "sam.Block.windowed":
            return try Block(batch: shape[0], height: shape[1], width: shape[2], windowSize: 14, kernel: kernel)
        case "sam.MLPBlock":
            return try MLPBlock(batch: shape[0], tokens: shape[1] * shape[2])
        case "sam.LayerNorm2d":
            return try LayerNorm2d(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3])
        case "sam.PatchEmbed":
            return try PatchEmbed(batch: shape[0], imageSize: shape[2], inputNeedsGradient: inputRequiresGrad.first ?? false)
        case "sam.ImageEncoderViT":
            return try ImageEncoderViT(batch: shape[0], imageSize: shape[2], kernel: kernel)
        case "sam.neck", "sam.net_2", "sam.net_3":
            // Pieces get the tensor they see inside the encoder: find the encoder's image size from the run name.
            let image = key.contains("img1024") ? 1024 : 640
            let encoder = try ImageEncoderViT(batch: shape[0], imageSize: image, kernel: kernel)
            let path = String(module.dropFirst("sam.".count))
            guard let instance = try encoder.moduleInstances().first(where: { $0.path == path }) else {
                throw ModelMeterError.unknownName(kind: "module path", name: path, accepted: [])
            }
            return instance.layer
        case "clip.CLIPVisionEmbeddings":
            return try CLIPVisionEmbeddings(batch: inputShapes[1][0], patchGrid: inputShapes[1][2])
        case "clip.NoTPAttention":
            return try NoTPAttention(batch: shape[0], tokens: shape[1])
        case "clip.NoTPFeedForward":
            return try NoTPFeedForward(batch: shape[0], tokens: shape[1])
        case "clip.NoTPTransformerBlock":
            return try NoTPTransformerBlock(batch: shape[0], tokens: shape[1])
        case "clip.NoTPTransformer":
            return try NoTPTransformer(batch: shape[0], tokens: shape[1])
        case "clip.VitModel":
            return try VitModel(batch: inputShapes[1][0], patchGrid: inputShapes[1][2])
        case "proj.MlpProjector.linear":
            return try MlpProjector(batch: shape[0], tokens: shape[1], inputDim: shape[2])
        default:
            throw ModelMeterError.unknownName(kind: "reference module", name: module, accepted: [])
        }
    }
}
