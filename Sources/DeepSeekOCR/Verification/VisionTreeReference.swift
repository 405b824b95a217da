import Foundation
import ModelMeter

/// One view measured by `tools/reference/dsocr2_reference.py` (`context/reference/dsocr2-reference.json`):
/// DeepSeek-OCR 2's vision modules run forward under FlopCounterMode (no_grad, CPU float32) on
/// `batch` images of `side` pixels, with every `named_modules()` path's class, parameters and
/// forward FLOPs (no formula).
public struct VisionTreeView: Sendable, CustomStringConvertible {
    /// One `named_modules()` entry.
    public struct Module: Sendable {
        /// The vendor class (`Qwen2SdpaAttention`, `ModuleList`).
        public let type: String
        public let parameters: Int
        /// Forward FLOPs of the module with its children, as FlopCounterMode books them.
        public let forwardFLOPs: Int
        /// `ModuleList`s are never called, so FlopCounterMode books them no FLOPs; ours carry
        /// their children's sum. Their classes and parameters still compare.
        public var comparesFLOPs: Bool { type != "ModuleList" }
    }

    /// The run's name, `global_b1` or `local_b2`.
    public let key: String
    /// Images stacked in the view.
    public let batch: Int
    /// Image side in pixels (1024 global, 768 crops).
    public let side: Int
    /// Every measured module by its path under the vision root (`sam_model.blocks.3.attn`).
    public let modules: [String: Module]

    public var description: String { key }

    /// Every view in the file, sorted by name; throws when the file is missing or malformed.
    public static func load(from url: URL) throws -> [VisionTreeView] {
        guard let data = try? Data(contentsOf: url) else {
            throw ModelMeterError.malformedValue(what: "reference data", value: url.path, expected: "a readable JSON file")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let views = root["views"] as? [String: [String: Any]]
        else {
            throw ModelMeterError.malformedValue(what: "reference data", value: url.path, expected: "FlopCounterMode views")
        }
        return try views.keys.sorted().map { key in
            let view = views[key] ?? [:]
            guard let batch = view["batch"] as? Int, let side = view["side"] as? Int,
                  let entries = view["modules"] as? [String: [String: Any]]
            else {
                throw ModelMeterError.malformedValue(
                    what: "reference view", value: key, expected: "batch, side and modules with class, parameters, forwardFLOPs")
            }
            var modules: [String: Module] = [:]
            for (path, entry) in entries {
                guard let type = entry["class"] as? String, let parameters = entry["parameters"] as? Int,
                      let flops = entry["forwardFLOPs"] as? Int
                else {
                    throw ModelMeterError.malformedValue(
                        what: "reference module", value: "\(key) \(path)", expected: "class, parameters and forwardFLOPs")
                }
                modules[path] = Module(type: type, parameters: parameters, forwardFLOPs: flops)
            }
            return VisionTreeView(key: key, batch: batch, side: side, modules: modules)
        }
    }

    /// Our counts for the view beside the measured ones.
    public struct Comparison: Sendable {
        /// Our parameters and forward tensor-core FLOPs summed over the measured roots (the
        /// paths without a dot: `sam_model`, `qwen2_model`, `projector`), and the measured sums.
        public let parameters: Int
        public let parametersTraced: Int
        public let forwardFLOPs: Int
        public let forwardFLOPsTraced: Int
        /// Measured paths whose class, parameters and (for called modules) forward FLOPs equal ours.
        public let matchedPaths: Int
        /// Measured paths, and the paths where ours differ or are missing (sorted), and our paths
        /// the trace lacks.
        public let totalPaths: Int
        public let mismatchedPaths: [String]
        public let extraPaths: [String]
    }

    /// Compares `layer` (the view's module tree, rooted where the vendor's vision attributes are)
    /// path by path with the measurement.
    public func compare(with layer: any Layer) throws -> Comparison {
        var ours: [String: ModuleInstance] = [:]
        for instance in try layer.moduleInstances() { ours[instance.path] = instance }
        var mismatched: [String] = []
        for (path, measured) in modules {
            guard let instance = ours[path], instance.layer.typeName == measured.type,
                  instance.metrics.parameters == measured.parameters,
                  !measured.comparesFLOPs || instance.metrics.forward.tensorCoreFLOPs == measured.forwardFLOPs
            else {
                mismatched.append(path)
                continue
            }
        }
        let roots = modules.keys.filter { !$0.contains(".") }
        func sum(_ value: (ModuleInstance) -> Int) -> Int { roots.compactMap { ours[$0] }.map(value).reduce(0, +) }
        return Comparison(
            parameters: sum(\.metrics.parameters),
            parametersTraced: roots.compactMap { modules[$0]?.parameters }.reduce(0, +),
            forwardFLOPs: sum(\.metrics.forward.tensorCoreFLOPs),
            forwardFLOPsTraced: roots.compactMap { modules[$0]?.forwardFLOPs }.reduce(0, +),
            matchedPaths: modules.count - mismatched.count, totalPaths: modules.count,
            mismatchedPaths: mismatched.sorted(), extraPaths: ours.keys.filter { modules[$0] == nil }.sorted())
    }
}
