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
    /// Backward FLOPs; nil for inference-only runs (decode steps).
    public let backwardFLOPs: Int?
    /// Decoder runs: the `[B, S, …]` shape of `input_ids` or `hidden_states`.
    public let decoderInput: [Int]?
    /// Decoder runs: positions already in the KV cache (0 without a cache).
    public let cachedTokens: Int
    /// Bytes autograd saved for backward (CPU, fp32): activations plus the module's input when
    /// an op keeps it (`saved_for_backward_fp32`: `activation_bytes + input_bytes_referenced`;
    /// parameters excluded); -1 when the run does not say (inference-only runs).
    public let savedForBackwardBytes: Int

    public var description: String { key }

    /// Whether the run measured a vision module (SAM, CLIP, projector), not the decoder: its
    /// module key starts at one of DeepSeek-OCR's vision roots, the model these runs measured.
    public var isVisionModule: Bool { DeepSeekOCRModel.visionReferencePrefixes.contains { module.hasPrefix($0) } }

    private static func decoderInput(_ run: [String: Any]) -> [Int]? {
        guard let input = run["input_inference"] as? [String: Any] else { return nil }
        let tensor = (input["input_ids"] ?? input["hidden_states"]) as? [String: Any]
        return tensor?["shape"] as? [Int]
    }

    private static func cachedTokens(_ run: [String: Any]) -> Int {
        let cache = (run["input_inference"] as? [String: Any])?["cache"] as? [String: Any]
        return (cache?["seq_len_per_layer"] as? [Int])?.first ?? 0
    }

    /// Where the project keeps the reference data, relative to its root: the vision modules'
    /// and the decoder's measurements.
    public static let relativePaths = [visionReferencePath, decoderReferencePath]
    /// DeepSeek-OCR's vision modules (SAM, CLIP, projector).
    public static let visionReferencePath = "context/reference/flopcounter-reference.json"
    /// The decoder's modules (shared by both models).
    public static let decoderReferencePath = "context/reference/decoder-reference.json"

    /// Every run of every reference file under `root`, each file's runs sorted by name.
    public static func loadAll(root: URL) throws -> [ReferenceRun] {
        try relativePaths.flatMap { try load(from: root.appendingPathComponent($0)) }
    }

    /// Every run of the reference files that verify `model`, each file's runs sorted by name.
    public static func loadAll(root: URL, for model: any ModelDescription.Type) throws -> [ReferenceRun] {
        try model.referenceFiles.flatMap { try load(from: root.appendingPathComponent($0)) }
    }

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
                  let fwd = run["fwd_inference"] as? [String: Any]
            else { return nil }
            let bwd = run["bwd"] as? [String: Any]
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
                backwardFLOPs: bwd?["flops_total"] as? Int,
                decoderInput: Self.decoderInput(run), cachedTokens: Self.cachedTokens(run),
                savedForBackwardBytes: (run["saved_for_backward_fp32"] as? [String: Any]).map {
                    ($0["activation_bytes"] as? Int ?? 0) + ($0["input_bytes_referenced"] as? Int ?? 0)
                } ?? -1)
        }
    }

    /// The attention kernel the measurement took: CPU autograd ran SAM's masked attention on
    /// the math path (our `eager`) and CLIP's unmasked attention on a fused kernel (`sdpa`); the
    /// decoder's `LlamaAttention` ran its eager path.
    public var kernel: AttentionKernel { module.hasPrefix("clip.") ? .sdpa : .eager }

    /// The analytic layer for this run: built by the model description's layer type that lists
    /// this run's module.
    public func makeLayer() throws -> any Layer {
        guard let recipe = DeepSeekOCRModel.layers.first(where: { $0.referenceModules.contains(module) }) else {
            throw ModelMeterError.unknownName(
                kind: "reference module", name: module, accepted: DeepSeekOCRModel.layers.flatMap(\.referenceModules))
        }
        return try recipe.referenceLayer(self)
    }

    /// Traced submodules our tree reports one for one: every entry but the run's own total and
    /// single routed experts (`mlp.experts.N`), whose counts follow the random routing; their sum
    /// is checked through the enclosing MoE.
    public var comparableSubmodules: [String: Int] {
        forwardBySubmodule.filter { path, _ in !path.isEmpty && !path.contains(".experts.") && !path.hasPrefix("experts.") }
    }

    /// The decoder call a decoder run measured: batch and new positions from its input, cached
    /// positions from the `DynamicCache` it was given.
    public func decoderShape() throws -> DecoderShape {
        guard let shape = decoderInput, shape.count >= 2 else {
            throw ModelMeterError.malformedValue(what: "reference run", value: key, expected: "a decoder input shape")
        }
        return try DecoderShape(batch: shape[0], newTokens: shape[1], cachedTokens: cachedTokens)
    }
}
