import Foundation
import Testing
import DeepSeekOCR
import LiterateReport
import ModelMeter

/// The hint docs of the classes a config.json decoder adds follow the op-doc rules.
@Suite("config.json decoder hint docs")
struct DecoderHintDocTests {
    static let documented = [
        DeepseekV2Attention.documentation, DeepseekV2TopkRouter.documentation, DeepseekV3TopkRouter.documentation,
        DeepseekV2Experts.documentation, DeepseekV3MoE.documentation,
    ]

    @Test("each documented class has its doc with the required sections and a Mermaid diagram", arguments: documented)
    func sections(doc: LayerDoc) throws {
        #expect(doc.hintDoc == "context/hints/decoders-kb/ops/op-\(doc.vendorClass).md")
        let hint = try HintDocument.load(root: TestProject.root, path: doc.hintDoc)
        #expect(hint.title == doc.vendorClass)
        for section in HintDocument.requiredSections {
            #expect(!hint.section(section).isEmpty, "\(doc.hintDoc): '\(section)' is empty")
        }
        #expect(hint.section("Internals").contains("```mermaid"))
    }

    @Test("every doc in the folder belongs to a documented class")
    func noOrphans() throws {
        let folder = TestProject.root.appendingPathComponent(ConfigDecoder.knowledgeBase + "/ops")
        let docs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        #expect(docs == Self.documented.map { "op-\($0.vendorClass).md" }.sorted())
    }
}
