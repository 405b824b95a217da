import Foundation
import Testing
import ModelMeter
@testable import DeepSeekOCR

/// `modelmeter report --format json`: the document decodes and lists every module of the
/// vendor tree as PyTorch's `named_modules()` would, with its numbers.
@Suite("JSON report")
struct ReportJSONTests {
    /// The vendor tree of one view, written out by hand from the vendor source (not from our code).
    static func expectedViewPaths() -> Set<String> {
        var paths: Set<String> = ["sam_model", "sam_model.patch_embed", "sam_model.patch_embed.proj", "sam_model.blocks"]
        for block in 0..<12 {
            let b = "sam_model.blocks.\(block)"
            paths.formUnion([b, "\(b).norm1", "\(b).attn", "\(b).attn.qkv", "\(b).attn.proj", "\(b).norm2",
                             "\(b).mlp", "\(b).mlp.lin1", "\(b).mlp.act", "\(b).mlp.lin2"])
        }
        paths.formUnion(["sam_model.neck", "sam_model.neck.0", "sam_model.neck.1", "sam_model.neck.2", "sam_model.neck.3",
                         "sam_model.net_2", "sam_model.net_3"])
        paths.formUnion(["vision_model", "vision_model.embeddings", "vision_model.embeddings.patch_embedding",
                         "vision_model.embeddings.position_embedding", "vision_model.pre_layrnorm",
                         "vision_model.transformer", "vision_model.transformer.layers"])
        for layer in 0..<24 {
            let l = "vision_model.transformer.layers.\(layer)"
            paths.formUnion([l, "\(l).self_attn", "\(l).self_attn.qkv_proj", "\(l).self_attn.out_proj",
                             "\(l).mlp", "\(l).mlp.fc1", "\(l).mlp.fc2", "\(l).layer_norm1", "\(l).layer_norm2"])
        }
        paths.formUnion(["projector", "projector.layers"])
        return paths
    }

    static func decode(_ report: ModelReport) throws -> [String: Any] {
        let text = try report.json().rendered()
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the hand-written tree has 356 modules per view")
    func treeSize() {
        // sam: 1 + 2 + 1 + 12·10 + 5 + 2 = 131; clip: 7 + 24·9 = 223; projector 2 → 356.
        #expect(Self.expectedViewPaths().count == 131 + 223 + 2)
    }

    @Test("single-view modes list exactly the vendor tree", arguments: [VisionMode.tiny, .small, .base, .large])
    func singleView(mode: VisionMode) throws {
        let json = try Self.decode(try ModelReport(workload: try Workload(mode: mode)))
        let modules = try #require(json["modules"] as? [String: Any])
        #expect(Set(modules.keys) == Self.expectedViewPaths())
    }

    @Test("gundam lists the tree once per view, prefixed global/ and local/")
    func gundam() throws {
        let json = try Self.decode(try ModelReport(workload: try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 3, heightTiles: 2))))
        let modules = try #require(json["modules"] as? [String: Any])
        let expected = Set(Self.expectedViewPaths().flatMap { ["global/\($0)", "local/\($0)"] })
        #expect(Set(modules.keys) == expected)
        let workload = try #require(json["workload"] as? [String: Any])
        // Tokens: global 16·17 = 272, local (2·10)·(3·10 + 1) = 620, separator 1 → 893.
        #expect(workload["visionTokensPerPage"] as? Int == 893)
        #expect(workload["crops"] as? String == "3x2")
    }

    @Test("every module entry carries the contract fields with exact integers")
    func entryShape() throws {
        let json = try Self.decode(try ModelReport(workload: try Workload.standard()))
        let modules = try #require(json["modules"] as? [String: [String: Any]])
        let qkv = try #require(modules["global/sam_model.blocks.2.attn.qkv"])
        #expect(qkv["type"] as? String == "Linear")
        // 768·2304 + 2304 = 1,771,776 parameters.
        #expect(qkv["parameters"] as? Int == 1_771_776)
        let forward = try #require(qkv["forward"] as? [String: Any])
        // 2·1·4096·768·2304 = 14,495,514,624.
        #expect(forward["tensorCoreFLOPs"] as? Int == 14_495_514_624)
        let memory = try #require(qkv["memory"] as? [String: Any])
        #expect(memory["kvCacheBytes"] as? Int == 0)
        #expect(memory["weightBytes"] as? Int == 1_771_776 * 2)
        for key in ["tensorCoreFLOPs", "cudaCoreFLOPs", "ioBytes"] {
            #expect((qkv["backward"] as? [String: Any])?[key] is Int)
        }
        // Local view: 4 crops of 640 stacked on the batch: blocks.2 is global attention on 40×40.
        let local = try #require(modules["local/sam_model.blocks.2.attn.qkv"]?["forward"] as? [String: Any])
        // 2·(4·1600)·768·2304 = 22,649,241,600.
        #expect(local["tensorCoreFLOPs"] as? Int == 22_649_241_600)
    }

    @Test("totals count shared weights once")
    func totals() throws {
        let json = try Self.decode(try ModelReport(workload: try Workload.standard()))
        let totals = try #require(json["totals"] as? [String: Any])
        // SAM 95,569,152 + CLIP 303,177,728 + projector 2,622,720 (reference data)
        // + image_newline and view_seperator 2·1280 = 401,372,160.
        #expect(totals["parameters"] as? Int == 401_372_160)
    }
}
