import DeepSeekOCR
import ModelMeter

extension SiteGenerator {
    /// What a model's site is built from: its description's layer docs and its knowledge base.
    struct SiteModel {
        let docs: [LayerDoc]
        let knowledgeBase: String
        /// Every other model's docs: links to them are kept as text, their pages being on another site.
        let otherDocs: [LayerDoc]
        var readmePath: String { "\(knowledgeBase)/README.md" }
        var opsFolder: String { "\(knowledgeBase)/ops" }

        init(_ model: OCRModel) {
            let description = model.description
            docs = description.layerDocs
            knowledgeBase = description.knowledgeBase
            let own = Set(docs)
            otherDocs = OCRModel.allCases.flatMap { $0.description.layerDocs }.filter { !own.contains($0) }
        }
    }
}
