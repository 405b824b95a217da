import Foundation
import Testing
import ModelMeter
import DeepSeekOCR
import LiterateReport

/// The knowledge base of a `config.json` decoder (`report --model CONFIG.json --output DIR`) and
/// the "models side by side" page it shares with DeepSeek-OCR's site.
@Suite("config.json decoder site")
struct ConfigSiteTests {
    static func report(_ name: String, tokens: Int = 1024, context: Int = 1024) throws -> DecoderReport {
        let decoder = try ConfigDecoder(path: TestProject.root.appendingPathComponent("context/models/\(name).json").path)
        let workload = DecoderWorkload(batch: 1, prefillTokens: tokens, decodeContext: context, kernel: .sdpa)
        return try DecoderReport(decoder: decoder, workload: workload, gpu: GPUCatalog.defaultGPU, precision: .bf16, stages: [.prefill, .decode])
    }

    static func page(_ files: [(path: String, data: Data)], _ path: String) throws -> String {
        try #require(files.first { $0.path == path }.map { TestProject.text($0.data) }, "\(path) missing")
    }

    @Test("Llama-3.2-1B's site: index, summary, models, conventions and a page per documented class, in kb/ and html/")
    func llamaFiles() throws {
        let files = try SiteGenerator(root: TestProject.root).render(decoderReport: try Self.report("llama-3.2-1b"))
        // The classes of LlamaForCausalLM that compute a documented layer (list layers --model shows the
        // tree: Embedding, ModuleList, Linear and SiLUActivation have no page).
        let classes = ["LlamaAttention", "LlamaRotaryEmbedding", "LlamaRMSNorm", "LlamaMLP", "LlamaDecoderLayer", "LlamaModel", "LlamaForCausalLM"]
        // Module trees for the classes with children: all but the rotary table and the norm.
        let trees = ["LlamaAttention", "LlamaMLP", "LlamaDecoderLayer", "LlamaModel", "LlamaForCausalLM"]
        var expected = Set(["report.json", "kb/report.json", "html/report.json"])
        for folder in ["kb", "html"] {
            let suffix = folder == "kb" ? "md" : "html"
            for page in ["index", "summary", "models", "conventions"] + classes.map({ "op-\($0)" }) { expected.insert("\(folder)/\(page).\(suffix)") }
            for chart in classes.map({ "roofline-op-\($0).svg" }) + trees.map({ "tree-op-\($0).svg" })
                + ["roofline-stage-prefill.svg", "roofline-stage-decode.svg"] { expected.insert("\(folder)/\(chart)") }
        }
        #expect(Set(files.map(\.path)) == expected)
        #expect(files.count == expected.count)
    }

    @Test("LlamaAttention's page carries Llama-3.2-1B's grouped-query sizes")
    func llamaAttentionPage() throws {
        let files = try SiteGenerator(root: TestProject.root).render(decoderReport: try Self.report("llama-3.2-1b"))
        let page = try Self.page(files, "kb/op-LlamaAttention.md")
        // q_proj and o_proj 2048·2048 = 4,194,304 each; k_proj and v_proj 2048·(8 heads·64) = 1,048,576 each:
        // 2·4,194,304 + 2·1,048,576 = 10,485,760 parameters.
        #expect(page.contains("10,485,760"))
        // The prefill's cache: K and V of S = 1024 positions, 8 KV heads of 64: 2·1·1024·8·64 = 1,048,576 elements.
        #expect(page.contains("| 1,048,576 × 2 |"))
        // Its notes come from the shared LlamaAttention doc, and its links stay on this site.
        #expect(page.contains("hand-written notes from `context/hints/dsocr-kb/ops/op-LlamaAttention.md`"))
        #expect(page.contains("(op-LlamaRotaryEmbedding.md)"))
        let index = try Self.page(files, "kb/index.md")
        // 16 layers · 2 (K, V) · 8 KV heads · 64 · 2 bytes = 32,768 B per token.
        #expect(index.contains("| 32.77 kB |"))
        #expect(index.contains("[LlamaMLP](op-LlamaMLP.md) (as DeepseekV2MLP)"))
    }

    @Test("DeepSeek-V3's site shows the classes transformers adds with their own docs, the MoE block included")
    func deepseekV3Pages() throws {
        let files = try SiteGenerator(root: TestProject.root).render(decoderReport: try Self.report("deepseek-v3", tokens: 8, context: 8))
        for (page, doc) in [("DeepseekV3Attention", "DeepseekV2Attention"), ("DeepseekV3TopkRouter", "DeepseekV3TopkRouter"),
                            ("DeepseekV3Experts", "DeepseekV2Experts"), ("DeepseekV3MoE", "DeepseekV3MoE")] {
            let text = try Self.page(files, "kb/op-\(page).md")
            #expect(text.contains("hand-written notes from `context/hints/decoders-kb/ops/op-\(doc).md`"), "\(page)")
        }
        // The softmax router of deepseek_v2 is not in this tree: no page, and links to it stay text.
        #expect(!files.contains { $0.path == "kb/op-DeepseekV2TopkRouter.md" })
        #expect(!files.contains { TestProject.text($0.data).contains("op-DeepseekV2TopkRouter.md") })
    }

    @Test("models side by side: KV bytes and parameters per token as derived by hand")
    func modelsPage() throws {
        let files = try SiteGenerator(root: TestProject.root).render(decoderReport: try Self.report("qwen2.5-0.5b", tokens: 16, context: 16))
        let page = try Self.page(files, "kb/models.md")
        // KV bytes per token, bf16: layers · 2 · kv_heads · head_dim · 2 B, or layers · (r + dr) · 2 B for MLA.
        let kv = [
            ("DeepSeek-OCR decoder", "61.44 kB"),    // 12 · 2 · 10 · 128 · 2 = 61,440 (MHA, 1280 wide)
            ("deepseek-v2-lite.json", "31.10 kB"),   // 27 · (512 + 64) · 2 = 31,104
            ("deepseek-v3.json", "70.27 kB"),        // 61 · (512 + 64) · 2 = 70,272
            ("llama-3.2-1b.json", "32.77 kB"),       // 16 · 2 · 8 · 64 · 2 = 32,768
            ("mistral-7b-v0.1.json", "131.07 kB"),   // 32 · 2 · 8 · 128 · 2 = 131,072
            ("qwen2.5-0.5b.json", "12.29 kB"),       // 24 · 2 · 2 · 64 · 2 = 12,288
        ]
        let rows = page.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| model") && !$0.hasPrefix("| column") }
        #expect(rows.prefix(kv.count).map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }.map { [$0[0], $0[3]] }
            == kv.map { [$0.0, $0.1] })
        // Llama-3.2-1B: embeddings 128,256·2048 = 262,668,288 (lm_head tied); per layer q,o 2·2048² + k,v 2·2048·512
        // + MLP 3·2048·8192 + two norms 2·2048 = 60,821,504; 16 layers + final norm 2048 → 1,235,814,400, all active.
        #expect(page.contains("| llama-3.2-1b.json | 1,235,814,400 | 1,235,814,400 | 32.77 kB |"))
        // Qwen2.5-0.5B itself is one of the committed configs: one row in each of the two tables, not two.
        #expect(rows.filter { $0.hasPrefix("| qwen2.5-0.5b.json ") }.count == 2)
    }

    @Test("DeepSeek-OCR's site gains the models page, linked from its index only")
    func deepSeekOCRSite() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        let models = try Self.page(files, "kb/models.md")
        #expect(models.contains("| DeepSeek-OCR decoder |"))
        let linking = files.filter { $0.path.hasSuffix(".md") && TestProject.text($0.data).contains("(models.md)") }.map(\.path)
        #expect(linking == ["kb/index.md"])
        // The navigation of the other pages is unchanged: no page but the index links to models.html.
        let htmlLinking = files.filter { $0.path.hasSuffix(".html") && TestProject.text($0.data).contains("href=\"models.html\"") }.map(\.path)
        #expect(htmlLinking == ["html/index.html"])
    }

    @Test("a config site is refused in a folder modelmeter did not write, and the folder is left as it was")
    func foreignFolder() throws {
        let folder = try TestProject.temporaryFolder("config-site-foreign")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notes = folder.appendingPathComponent("notes.md")
        try Data("mine".utf8).write(to: notes)
        #expect(throws: (any Error).self) {
            try SiteGenerator(root: TestProject.root).generate(decoderReport: try Self.report("llama-3.2-1b", tokens: 4, context: 4), output: folder)
        }
        #expect(try Data(contentsOf: notes) == Data("mine".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.md"])
    }
}
