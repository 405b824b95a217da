import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// DeepSeek-OCR 2 against FlopCounterMode runs of the vendor's vLLM vision modules
/// (`context/reference/dsocr2-reference.json`, measured by `tools/reference/dsocr2_reference.py`).
/// The model was fitted on `local_b2` and `global_b1`; `local_b3` and `global_b2` were measured
/// afterwards and checked without change, and `global_b3`, `local_b4` and `local_b6` (six crops:
/// the 2×3 grid of an A4 page) later still.
@Suite("DeepSeek-OCR 2")
struct DeepSeekOCR2Tests {
    struct View: CustomStringConvertible, Sendable {
        let key: String
        let modules: [String: (type: String, parameters: Int, flops: Int)]
        var description: String { key }
        /// `global` or `local`, and the images in the view.
        var prefix: String { String(key.split(separator: "_")[0]) }
        var images: Int { Int(key.split(separator: "_b")[1]) ?? 0 }
    }

    static let views: [View] = {
        let url = ProjectFiles.root.appendingPathComponent("context/reference/dsocr2-reference.json")
        guard let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let views = root["views"] as? [String: [String: Any]]
        else { return [] }
        return views.keys.sorted().map { key in
            var modules: [String: (String, Int, Int)] = [:]
            for (path, entry) in (views[key]?["modules"] as? [String: [String: Any]]) ?? [:] {
                modules[path] = (entry["class"] as? String ?? "", entry["parameters"] as? Int ?? -1, entry["forwardFLOPs"] as? Int ?? -1)
            }
            return View(key: key, modules: modules)
        }
    }()

    /// The report whose `prefix/` view holds `images` images: the global view runs one image per
    /// page, the local view every crop of the page (a `1×n` grid gives n).
    static func report(_ view: View) throws -> [String: ModuleInstance] {
        let global = view.prefix == "global"
        let workload = try Workload(
            mode: .gundam, crops: try CropGrid(widthTiles: 1, heightTiles: global ? 2 : view.images), batch: global ? view.images : 1
        ).running(.deepseekOCR2)
        let report = try ModelReport(workload: workload)
        var modules: [String: ModuleInstance] = [:]
        for instance in report.modules where instance.path.hasPrefix(view.prefix + "/") {
            modules[String(instance.path.dropFirst(view.prefix.count + 1))] = instance
        }
        return modules
    }

    @Test("reference data holds the fitted and the unfitted views") func loaded() {
        #expect(Self.views.map(\.key) == ["global_b1", "global_b2", "global_b3", "local_b2", "local_b3", "local_b4", "local_b6"])
    }

    /// Every `named_modules()` path, with its class, parameters and forward FLOPs. `ModuleList`s are
    /// never called, so FlopCounterMode books nothing to them; ours carry their children's sum.
    @Test("every module path, class, parameter count and forward tensor-core FLOPs", arguments: views)
    func modules(view: View) throws {
        let ours = try Self.report(view)
        #expect(Set(ours.keys) == Set(view.modules.keys))
        for (path, measured) in view.modules {
            let instance = try #require(ours[path], "\(view.key): no module at \(path)")
            #expect(instance.layer.typeName == measured.type, "\(view.key) \(path)")
            #expect(instance.metrics.parameters == measured.parameters, "\(view.key) \(path)")
            if measured.type != "ModuleList" {
                #expect(instance.metrics.forward.tensorCoreFLOPs == measured.flops, "\(view.key) \(path)")
            }
        }
    }

    @Test("image positions per page: 257 + 144 per crop; none below 768 on both sides")
    func tokensPerPage() throws {
        func tokens(_ page: String, _ model: OCRModel) throws -> Int {
            let size = try PageSize(parsing: page)
            let grid = try PageCropping.grid(for: size, cropSide: model.imageSize(.gundam))
            return try Workload(mode: .gundam, crops: grid, page: size).running(model).visionTokensPerPage
        }
        // A4 1654×2339, letter 1275×1650 and 612×792 are portrait, aspect 0.71, 0.77, 0.77: the 2×3
        // grid. DeepSeek-OCR 2: 16·16 + 1 + (3·12)·(2·12) = 1,121; DeepSeek-OCR: 16·17 + 1 + (3·10)·(2·10 + 1) = 903.
        for page in ["1654x2339", "1275x1650", "612x792"] {
            #expect(try tokens(page, .deepseekOCR2) == 1_121)
            #expect(try tokens(page, .deepseekOCR) == 903)
        }
        // 1920×1080 (aspect 1.78 → 2×1): 257 + 24·12 = 545. 1000×1000 (2×2): 257 + 24·24 = 833.
        #expect(try tokens("1920x1080", .deepseekOCR2) == 545)
        #expect(try tokens("1000x1000", .deepseekOCR2) == 833)
        // 768×768 and 640×480 stay within 768: the global view and its separator only, 257.
        #expect(try tokens("768x768", .deepseekOCR2) == 257)
        #expect(try tokens("640x480", .deepseekOCR2) == 257)
    }

    @Test("the encoder attends over 2N positions: 512 for the global view, 288 per crop")
    func encoderPositions() throws {
        // 24 layers × 4·B·h·S²·d with h = 14, d = 64: at S = 512, 24·4·14·512²·64 = 22,548,578,304.
        let global = try Qwen2Decoder2Encoder(batch: 1, featureGrid: 16)
        let attention = try global.moduleInstances().filter { $0.layer is Qwen2SdpaAttention }
        #expect(attention.count == 24)
        let projections = 2 * 512 * 896 * (896 + 128 + 128 + 896)
        #expect(attention.map(\.metrics.forward.tensorCoreFLOPs).reduce(0, +) == 24 * (projections + 4 * 14 * 512 * 512 * 64))
        #expect(throws: ModelMeterError.self) { try Qwen2Decoder2Encoder(batch: 1, featureGrid: 10) }
    }

    @Test("DeepSeek-OCR 2 has one mode and the linear projector only")
    func rejectsOtherModes() throws {
        #expect(throws: ModelMeterError.self) { try Workload(mode: .base).running(.deepseekOCR2) }
        #expect(throws: ModelMeterError.self) { try Workload(mode: .gundam, projectorType: .mlpGELU(depth: 2)).running(.deepseekOCR2) }
        #expect(throws: ModelMeterError.self) { try OCRModel.named("deepseek-ocr-3") }
    }
}

/// The comparison the verification page prints: the model description's vision-tree reference,
/// each view against the tree the description builds for it, path by path.
@Suite("DeepSeek-OCR 2 vision-tree verification")
struct VisionTreeVerificationTests {
    static let source = DeepSeekOCR2Model.visionTreeReference
    static let views: [VisionTreeView] = {
        guard let source else { return [] }
        return (try? VisionTreeView.load(from: ProjectFiles.root.appendingPathComponent(source.path))) ?? []
    }()

    @Test("the description names the reference file and its seven views load; DeepSeek-OCR has none")
    func loaded() {
        #expect(Self.source?.path == "context/reference/dsocr2-reference.json")
        #expect(Self.views.map(\.key) == ["global_b1", "global_b2", "global_b3", "local_b2", "local_b3", "local_b4", "local_b6"])
        #expect(DeepSeekOCRModel.visionTreeReference == nil)
        #expect(DeepSeekOCR2Model.referenceFiles == ["context/reference/decoder-reference.json"])
    }

    @Test("every path of every view matches, and we build no path the vendor lacks", arguments: views)
    func matches(view: VisionTreeView) throws {
        let comparison = try view.compare(with: try #require(Self.source).layer(view))
        #expect(comparison.mismatchedPaths == [])
        #expect(comparison.extraPaths == [])
        #expect(comparison.matchedPaths == view.modules.count)
        // SAM 94,979,328 (ViT-B with net_3 512 → 896) + the Qwen2 encoder 358,256,512 + the
        // projector 896·1280 + 1280 = 1,148,160, as the reference's roots record them.
        #expect(comparison.parametersTraced == 94_979_328 + 358_256_512 + 896 * 1280 + 1280)
        #expect(comparison.parameters == comparison.parametersTraced)
        #expect(comparison.forwardFLOPs == comparison.forwardFLOPsTraced)
    }

    @Test("a path whose class, parameters or FLOPs differ is reported, and so is one the trace lacks")
    func mismatchIsReported() throws {
        let view = try #require(Self.views.first { $0.key == "global_b1" })
        let layer = try #require(Self.source).layer(view)
        var modules = view.modules
        let attention = "qwen2_model.model.model.layers.0.self_attn.k_proj"
        let measured = try #require(modules[attention])
        // One parameter more than 896·128 + 128.
        modules[attention] = .init(type: measured.type, parameters: measured.parameters + 1, forwardFLOPs: measured.forwardFLOPs)
        let projector = try #require(modules["projector"])
        modules["projector"] = .init(type: "MlpProjector", parameters: projector.parameters, forwardFLOPs: projector.forwardFLOPs + 2)
        modules["sam_model.neck.0"] = .init(type: "Linear", parameters: 0, forwardFLOPs: 0)
        modules.removeValue(forKey: "sam_model.net_3")
        let tampered = VisionTreeView(key: view.key, batch: view.batch, side: view.side, modules: modules)
        let comparison = try tampered.compare(with: layer)
        #expect(comparison.mismatchedPaths == ["projector", attention, "sam_model.neck.0"].sorted())
        #expect(comparison.extraPaths == ["sam_model.net_3"])
        #expect(comparison.matchedPaths == comparison.totalPaths - 3)
    }
}

@Suite("Pages without crops")
struct SmallPageTests {
    /// A page within the crop side runs the global view only: its vision stage costs what the
    /// global view costs, not the default 2×2 grid's (the bug this pins: the grid was dropped and
    /// the evaluator fell back to 2×2).
    @Test("a 640x480 page prices the global view alone, in both models", arguments: OCRModel.allCases)
    func globalViewOnly(model: OCRModel) throws {
        let size = try PageSize(parsing: "640x480")
        let grid = try PageCropping.grid(for: size, cropSide: model.imageSize(.gundam))
        #expect(grid.count == 1)
        let workload = try Workload(mode: .gundam, crops: grid, page: size).running(model)
        let page = try PageWorkload(workload: workload)
        let result = try PageCostEvaluator(for: page).cost(page)
        let direct = try ModelReport(workload: workload).totals.forward.tensorCoreFLOPs
        #expect(result.vision.forward.tensorCoreFLOPs == direct)
    }
}
