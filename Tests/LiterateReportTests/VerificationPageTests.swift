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
        // Every one of the 38 reference runs carries saved_for_backward_fp32, and every one agrees exactly.
        #expect(text.contains("**38 of 38** runs agree exactly and **38 of 38** within 1 %"))
        // SAM global attention at 640 (reference: activation 163,046,400 B + input 4,915,200 B).
        #expect(text.contains("| `sam.Attention.global/img640_b1` | eager | 167,961,600 | 167,961,600 | 0 | 0.00 % |"))
        // CLIP's embeddings: only the 257 int64 position indices, 2,056 B.
        #expect(text.contains("| `clip.CLIPVisionEmbeddings/img640_b1` | sdpa | 2,056 | 2,056 | 0 | 0.00 % |"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") && $0.contains(" % | ") }
        #expect(rows.count == 38)
    }
}
