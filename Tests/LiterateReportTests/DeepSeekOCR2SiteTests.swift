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
