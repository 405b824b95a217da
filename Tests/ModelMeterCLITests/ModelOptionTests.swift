import Foundation
import Testing
@testable import ModelMeterCommands

/// `--model deepseek-ocr-2`: the machine interface of report and page for the second model.
@Suite struct ModelOptionTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let text = try CommandHarness.output(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("report keys DeepSeek-OCR 2's vision modules by their vLLM named_modules() paths")
    func reportPaths() throws {
        let object = try Self.json(["report", "--model", "deepseek-ocr-2", "--format", "json", "--page", "1654x2339"])
        let workload = try #require(object["workload"] as? [String: Any])
        // A4 → 2×3 crops of 768: 16·16 + 1 + 6·12·12 = 1,121 image positions.
        #expect(workload["visionTokensPerPage"] as? Int == 1_121)
        #expect(workload["imageSize"] as? Int == 768)
        let modules = try #require(object["modules"] as? [String: [String: Any]])
        for path in ["global/sam_model.blocks.3.attn", "global/projector", "local/qwen2_model.query_768",
                     "local/qwen2_model.model.model.layers.23.mlp.act_fn", "global/qwen2_model.model.model.norm"] {
            #expect(modules[path] != nil, "\(path)")
        }
        let kProj = try #require(modules["local/qwen2_model.model.model.layers.7.self_attn.k_proj"])
        // 896 → 2 K/V heads of 64 with bias: 896·128 + 128.
        #expect(kProj["parameters"] as? Int == 896 * 128 + 128)
        // 6 crops × 2·144 positions, 2·rows·896·128.
        #expect((kProj["forward"] as? [String: Any])?["tensorCoreFLOPs"] as? Int == 2 * 6 * 288 * 896 * 128)
        // The projector reads the 896-wide query outputs: 896·1280 + 1280.
        #expect(modules["global/projector"]?["parameters"] as? Int == 896 * 1280 + 1280)
        #expect(object["model"] as? String == "DeepSeek-OCR 2 vision stack")
    }

    @Test("page gives the same fields for both models; DeepSeek-OCR 2 has 218 more image positions on A4")
    func page() throws {
        let first = try Self.json(["page", "--format", "json", "--page", "1654x2339"])
        let second = try Self.json(["page", "--model", "deepseek-ocr-2", "--format", "json", "--page", "1654x2339"])
        #expect(Set(first.keys) == Set(second.keys))
        // 1,121 + 10 prompt text tokens; DeepSeek-OCR: 903 + 10.
        #expect(second["visionTokensPerPage"] as? Int == 1_121)
        #expect(second["promptTokens"] as? Int == 1_131)
        #expect(first["promptTokens"] as? Int == 913)
        #expect((second["pagesPerDay"] as? Double ?? 0) > 0)
    }

    @Test("explain --model deepseek-ocr-2 builds its layer types at its own shapes")
    func explainSecondModel() throws {
        let attention = try Self.json(["explain", "--model", "deepseek-ocr-2", "Qwen2SdpaAttention", "--format", "json"])
        // The global view: 256 SAM tokens + 256 queries = 512 positions.
        #expect((attention["settings"] as? [String: Any])?["tokens"] as? Int == 512)
        // q 896·896 + 896 = 803,712; k and v 896·128 + 128 = 114,816 each (2 K/V heads of 64);
        // o 896·896 = 802,816 → 1,836,160 (the reference's layers.0.self_attn: 1,836,160).
        #expect(attention["parameters"] as? Int == 896 * 896 + 896 + 2 * (896 * 128 + 128) + 896 * 896)
        #expect(attention["parameters"] as? Int == 1_836_160)
        // q and o 2·512·896·896 each, k and v 2·512·896·128 each, QKᵀ and P·V 2·14·512²·64 each:
        // 2,818,572,288 (the reference's global_b1 self_attn, SDPA on its math path).
        let forward = try #require(attention["forward"] as? [String: Any])
        #expect(forward["tensorCoreFLOPs"] as? Int
            == 2 * (2 * 512 * 896 * 896) + 2 * (2 * 512 * 896 * 128) + 2 * (2 * 14 * 512 * 512 * 64))
        // SAM with net_3 512 → 896: DeepSeek-OCR's 95,569,152 (sam.ImageEncoderViT reference) less
        // 512·(1024 − 896)·3·3 = 589,824 → 94,979,328 (the OCR 2 reference's sam_model).
        let sam = try Self.json(["explain", "--model", "deepseek-ocr-2", "ImageEncoderViT", "--format", "json"])
        #expect(sam["parameters"] as? Int == 95_569_152 - 512 * 128 * 9)
        // The projector reads 896-wide tokens: 896·1280 + 1280 = 1,148,160.
        let projector = try Self.json(["explain", "--model", "DeepSeek-OCR-2", "MlpProjector", "--format", "json"])
        #expect(projector["parameters"] as? Int == 896 * 1280 + 1280)
        // The decoder over the global view's positions: 16·16 + 1 = 257.
        let decoder = try Self.json(["explain", "--model", "deepseek-ocr-2", "LlamaAttention", "--format", "json"])
        #expect((decoder["settings"] as? [String: Any])?["tokens"] as? Int == 16 * 16 + 1)
        // DeepSeek-OCR's default is unchanged: 16·17 + 1 = 273, CLIP + SAM = 2048 wide.
        let first = try Self.json(["explain", "--model", "deepseek-ocr", "MlpProjector", "--format", "json"])
        #expect(first["parameters"] as? Int == 2048 * 1280 + 1280)
    }

    @Test("list layers --model deepseek-ocr-2 lists its own layer types")
    func listSecondModel() throws {
        let lines = try CommandHarness.output(["list", "layers", "--model", "deepseek-ocr-2"]).split(separator: "\n")
        let names = lines.dropFirst().map { String($0.split(separator: " ")[0]) }
        // 6 SAM types, 8 Qwen2 encoder types, the projector, 9 decoder types.
        #expect(names.count == 6 + 8 + 1 + 9)
        #expect(names.contains("Qwen2SdpaAttention") && names.contains("ImageEncoderViT") && names.contains("DeepseekV2MoE"))
        #expect(!names.contains("NoTPAttention") && !names.contains("CLIPVisionEmbeddings"))
        #expect(lines.contains { $0.hasPrefix("Qwen2SdpaAttention") && $0.contains("context/hints/dsocr2-kb/ops/op-Qwen2SdpaAttention.md") })
    }

    @Test("explain --model deepseek-ocr-2 on a DeepSeek-OCR-only layer names that model's layers")
    func explainUnknownLayer() {
        let line = CommandHarness.errorLine(["explain", "--model", "deepseek-ocr-2", "NoTPAttention"])
        #expect(line?.hasPrefix("Error: unknown layer 'NoTPAttention'; accepted: Attention, Block, ") == true)
        #expect(line?.contains("Qwen2SdpaAttention") == true)
        #expect(line?.contains("CLIPVisionEmbeddings") == false)
        #expect(line?.contains("\n") == false)
        #expect(CommandHarness.errorLine(["explain", "--model", "deepseek-ocr-2", "MlpProjector", "--mla", "absorbed"])?
            .hasPrefix("Error: --mla absorbed needs --model CONFIG.json") == true)
    }

    @Test("bad model input ends with one line")
    func errors() {
        #expect(CommandHarness.errorLine(["report", "--model", "gpt", "--format", "json"])
            == "Error: unknown model 'gpt'; accepted: deepseek-ocr, deepseek-ocr-2")
        #expect(CommandHarness.errorLine(["page", "--model", "deepseek-ocr-2", "--mode", "base"])?.hasPrefix("Error: ") == true)
        #expect(CommandHarness.errorLine(["report", "--model", "deepseek-ocr-2", "--projector", "mlp_gelu", "--format", "json"])?
            .contains("linear") == true)
    }
}
