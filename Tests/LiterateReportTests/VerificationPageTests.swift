import Foundation
import Testing
import DeepSeekOCR
import LiterateReport

@Suite("Verification page")
struct VerificationPageTests {
    @Test("training activation bytes stand beside autograd's for every reference run")
    func savedBytesSection() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        let page = try #require(files.first { $0.path == "kb/verification.md" }).data
        let text = TestProject.text(page)
        // The 38 vision runs and the 10 decoder training runs carry saved_for_backward_fp32 (decode
        // steps do not), and every one agrees exactly.
        #expect(text.contains("**48 of 48** runs agree exactly and **48 of 48** within 1 %"))
        // Decoder MoE (reference: activation 48,382,408 B + input 273·1280·4 = 1,397,760 B).
        #expect(text.contains("| `moe.DeepseekV2MoE/prefill_s273_b1` | eager | 49,780,168 | 49,780,168 | 0 | 0.00 % |"))
        // Two-layer stack: activation 116,969,836 B + the int64 token ids 273·8 = 2,184 B.
        #expect(text.contains("| `stack.DeepseekV2ForCausalLM.2layers/prefill_s273_b1` | eager | 116,972,020 | 116,972,020 | 0 | 0.00 % |"))
        // SAM global attention at 640 (reference: activation 163,046,400 B + input 4,915,200 B).
        #expect(text.contains("| `sam.Attention.global/img640_b1` | eager | 167,961,600 | 167,961,600 | 0 | 0.00 % |"))
        // CLIP's embeddings: only the 257 int64 position indices, 2,056 B.
        #expect(text.contains("| `clip.CLIPVisionEmbeddings/img640_b1` | sdpa | 2,056 | 2,056 | 0 | 0.00 % |"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") && $0.contains(" % | ") }
        #expect(rows.count == 48)
    }
}
