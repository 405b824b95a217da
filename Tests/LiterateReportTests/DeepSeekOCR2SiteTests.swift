import Foundation
import Testing
import ModelMeter
import DeepSeekOCR
import LiterateReport

/// DeepSeek-OCR 2's own site: its description's layer docs (SAM and decoder shared, the Qwen2
/// encoder its own), rendered from `context/hints/dsocr2-kb`.
@Suite("DeepSeek-OCR 2 site")
struct DeepSeekOCR2SiteTests {
    @Test("the Qwen2 encoder's docs are DeepSeek-OCR 2's own; SAM's and the decoder's are shared")
    func docFolders() {
        for doc in DeepSeekOCR2Model.layerDocs {
            let own = DeepSeekOCR2Model.encoderLayers.contains { $0.doc == doc }
            #expect(doc.knowledgeBase == (own ? "context/hints/dsocr2-kb" : "context/hints/dsocr-kb"), "\(doc.vendorClass)")
        }
    }

    @Test("the site has a page per layer type of DeepSeek-OCR 2 and none of CLIP's; every cost term is named in its doc")
    func site() throws {
        let workload = try Workload(mode: .gundam, crops: try CropGrid(widthTiles: 2, heightTiles: 3)).running(.deepseekOCR2)
        let report = try ModelReport(workload: workload, stages: ModelStage.allCases)
        let files = try SiteGenerator(root: TestProject.root).render(report: report)
        let pages = Set(files.map(\.path).filter { $0.hasPrefix("kb/op-") && $0.hasSuffix(".md") })
        #expect(pages == Set(DeepSeekOCR2Model.layerDocs.map { "kb/op-\($0.vendorClass).md" }))
        let index = try #require(files.first { $0.path == "kb/index.md" }.map { TestProject.text($0.data) })
        #expect(index.contains("DeepSeek-OCR 2"))
        // The pages that describe the model describe this one: no CLIP, 768 crops, its own name.
        func page(_ path: String) throws -> String {
            try #require(files.first { $0.path == path }.map { TestProject.text($0.data) }, "\(path)")
        }
        for path in ["kb/index.md", "kb/page-cost.md", "kb/summary.md", "kb/glossary.md", "html/index.html"] {
            #expect(!(try page(path)).contains("CLIP"), "\(path) names CLIP")
            #expect(!(try page(path)).contains("640×640"), "\(path) names DeepSeek-OCR's crops")
        }
        #expect(index.contains("What it costs DeepSeek-OCR 2 to read one page"))
        #expect(index.contains("SAM (`sam_model`), the Qwen2 encoder (`qwen2_model`) and the projector"))
        let pageCost = try page("kb/page-cost.md")
        #expect(pageCost.contains("read by DeepSeek-OCR 2 on"))
        // A4 (1654×2339) in 768 crops: 2×3, 16·16 + 1 + 6·144 = 1,121 image positions + 10 prompt text tokens.
        #expect(pageCost.contains("cut into a 2x3 grid of 768×768 crops plus the 1024×1024 global view: `P = 1,131`"))
        #expect(try page("kb/glossary.md").contains("no newline tokens"))
        #expect(try page("kb/summary.md").contains("no image-newline tokens"))
        #expect(try page("kb/conventions.md").contains("DeepSeek-OCR 2 runs no CLIP"))
        #expect(try page("html/index.html").contains("ModelMeter · DeepSeek-OCR 2</a>"))
        // Layer pages link their neighbours on this site only, and a shared page says where its prose differs.
        let sam = try page("kb/op-ImageEncoderViT.md")
        #expect(sam.contains("next: [Qwen2Decoder2Encoder](op-Qwen2Decoder2Encoder.md)"))
        #expect(sam.contains("`net_3` outputs 896 channels"))
        let sitePages = Set(files.map(\.path).filter { $0.hasPrefix("kb/") && $0.hasSuffix(".md") }.map { String($0.dropFirst(3)) })
        for file in files where file.path.hasPrefix("kb/op-") && file.path.hasSuffix(".md") {
            let text = TestProject.text(file.data)
            for line in text.split(separator: "\n") where line.hasPrefix("← previous:") || line.hasPrefix("next:") {
                for target in line.split(separator: "(").dropFirst().map({ String($0.prefix { $0 != ")" }) }) {
                    #expect(sitePages.contains(target), "\(file.path) links \(target)")
                }
            }
        }
        #expect(try page("kb/op-Qwen2SdpaAttention.md").contains("← previous: [Qwen2DecoderLayer](op-Qwen2DecoderLayer.md)"))
        // Verification: OCR 2's own views (477 named_modules() paths each in the reference file),
        // then the shared decoder's runs; none of DeepSeek-OCR's vision runs.
        let verification = try page("kb/verification.md")
        for view in ["global_b1", "global_b2", "global_b3", "local_b2", "local_b3", "local_b4", "local_b6"] {
            #expect(verification.contains("| `\(view)` |") && verification.contains(" | 0 | 477/477 |"), "\(view)")
        }
        // Seven measured views × 477 paths = 3,339.
        #expect(verification.contains("**3,339 of 3,339** paths agree exactly"))
        #expect(verification.contains("`attn.LlamaAttention/prefill_s273_b1`"))
        #expect(!verification.contains("sam.Attention") && !verification.contains("clip."))
        // Every own term of the encoder's layers appears in its doc's Cost model table.
        for recipe in DeepSeekOCR2Model.encoderLayers {
            let hint = try HintDocument.load(root: TestProject.root, path: recipe.doc.hintDoc)
            let costModel = hint.section("Cost model")
            let instance = try #require(report.modules.first { $0.layer.typeName == recipe.name && !$0.layer.ownTerms.isEmpty }
                ?? report.modules.first { $0.layer.typeName == recipe.name })
            for term in instance.layer.ownTerms {
                #expect(costModel.contains("| \(term.name) |"), "\(recipe.name): term '\(term.name)' is not in its doc")
            }
        }
    }
}
