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

    @Test("bad model input ends with one line")
    func errors() {
        #expect(CommandHarness.errorLine(["report", "--model", "gpt", "--format", "json"])
            == "Error: unknown model 'gpt'; accepted: deepseek-ocr, deepseek-ocr-2")
        #expect(CommandHarness.errorLine(["page", "--model", "deepseek-ocr-2", "--mode", "base"])?.hasPrefix("Error: ") == true)
        #expect(CommandHarness.errorLine(["report", "--model", "deepseek-ocr-2", "--projector", "mlp_gelu", "--format", "json"])?
            .contains("linear") == true)
    }
}
