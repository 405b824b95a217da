import Foundation
import Testing
import ModelMeter
import DeepSeekOCR
import LiterateReport

/// DeepSeek-OCR 2's own site: its description's layer docs (SAM and decoder shared, the Qwen2
/// encoder its own), rendered from `context/hints/dsocr2-kb`.
@Suite("DeepSeek-OCR 2 site")
struct DeepSeekOCR2SiteTests {
    @Test("each Qwen2 encoder layer type has its hint doc with the required sections", arguments: DeepSeekOCR2Model.encoderLayers.map(\.doc))
    func layerHasDoc(doc: LayerDoc) throws {
        #expect(doc.hintDoc == "context/hints/dsocr2-kb/ops/op-\(doc.vendorClass).md")
        let hint = try HintDocument.load(root: TestProject.root, path: doc.hintDoc)
        #expect(hint.title == doc.vendorClass)
        for section in HintDocument.requiredSections {
            #expect(!hint.section(section).isEmpty, "\(doc.hintDoc): '\(section)' is empty")
        }
        #expect(hint.section("Internals").contains("```mermaid"), "\(doc.hintDoc) has no Mermaid diagram")
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
