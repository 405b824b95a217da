import Foundation
import Testing
import ModelMeter
import DeepSeekOCR
import LiterateReport

/// The hand-written hint docs and the layer types point at each other, and every doc has the
/// sections templates rely on.
@Suite("Hint docs")
struct KnowledgeBaseTests {
    /// Every model's layer types, each once (SAM and the decoder are shared).
    static let allDocs: [LayerDoc] = OCRModel.allCases.flatMap { $0.description.layerDocs }
        .reduce(into: [LayerDoc]()) { docs, doc in if !docs.contains(doc) { docs.append(doc) } }

    @Test("each layer type of every model names an existing hint doc with the required sections", arguments: allDocs)
    func layerHasDoc(doc: LayerDoc) throws {
        #expect(doc.hintDoc == "\(doc.knowledgeBase)/ops/op-\(doc.vendorClass).md")
        let hint = try HintDocument.load(root: TestProject.root, path: doc.hintDoc)
        #expect(hint.title == doc.vendorClass)
        for section in HintDocument.requiredSections {
            #expect(!hint.section(section).isEmpty, "\(doc.hintDoc): '\(section)' is empty")
        }
        #expect(hint.section("Internals").contains("```mermaid"), "\(doc.hintDoc) has no Mermaid diagram")
    }

    @Test("every op doc belongs to a layer type")
    func docHasLayer() throws {
        let folder = TestProject.root.appendingPathComponent(SiteGenerator.opsFolder)
        let docs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        let layers = SiteGenerator.layerDocs.map { "op-\($0.vendorClass).md" }.sorted()
        #expect(docs == layers)
        #expect(layers.count == Set(layers).count)
    }

    @Test("layer types carry their doc metadata")
    func metadata() throws {
        let decoder = try DecoderShape.prefill(batch: 1, tokens: 4)
        let layers: [any Layer] = [
            try Attention(batch: 1, height: 14, width: 14, relativePositionInputSize: (14, 14)),
            try Block(batch: 1, height: 14, width: 14, windowSize: 14),
            try MLPBlock(batch: 1, tokens: 4),
            try LayerNorm2d(batch: 1, height: 2, width: 2),
            try PatchEmbed(batch: 1, imageSize: 32),
            try ImageEncoderViT(batch: 1, imageSize: 256),
            try CLIPVisionEmbeddings(batch: 1, patchGrid: 4),
            try NoTPAttention(batch: 1, tokens: 17),
            try NoTPFeedForward(batch: 1, tokens: 17),
            try NoTPTransformerBlock(batch: 1, tokens: 17),
            try NoTPTransformer(batch: 1, tokens: 17),
            try VitModel(batch: 1, patchGrid: 4),
            try MlpProjector(batch: 1, tokens: 16),
            try LlamaAttention(shape: decoder),
            try LlamaRotaryEmbedding(shape: decoder),
            try DeepseekV2RMSNorm(shape: decoder),
            try DeepseekV2MLP(shape: decoder, hiddenSize: 1280, intermediateSize: 6848),
            try MoEGate(shape: decoder),
            try DeepseekV2MoE(shape: decoder),
            try DeepseekV2DecoderLayer(shape: decoder, index: 0),
            try DeepseekV2Model(shape: decoder),
            try DeepseekV2ForCausalLM(shape: decoder),
        ]
        #expect(layers.compactMap(\.doc) == SiteGenerator.layerDocs)
        for layer in layers { #expect(layer.doc?.vendorClass == layer.typeName) }
    }

    @Test("relative links in the README, conventions and op docs resolve to pages")
    func linksResolve() throws {
        var pages = [SiteGenerator.readmePath: "index", SiteGenerator.conventionsPath: "conventions"]
        for doc in SiteGenerator.layerDocs { pages[doc.hintDoc] = "op-\(doc.vendorClass)" }
        let links = LinkMap(pages: pages)
        for path in pages.keys.sorted() {
            let text = try String(contentsOf: TestProject.root.appendingPathComponent(path), encoding: .utf8)
            _ = try links.rewrite(text, source: path)
        }
    }

    @Test("a missing section, a misplaced section and a missing title are errors")
    func sectionRules() {
        let all = HintDocument.requiredSections.map { "## \($0)\n\ntext\n" }.joined(separator: "\n")
        #expect(throws: Never.self) { try HintDocument(path: "x.md", text: "# X\n\n" + all) }
        #expect(throws: SiteError(file: "x.md", line: 1, "missing '# Title' heading")) {
            try HintDocument(path: "x.md", text: all)
        }
        let withoutMemory = all.replacingOccurrences(of: "## Memory\n", with: "")
        #expect(throws: SiteError(file: "x.md", "missing required section '## Memory'")) {
            try HintDocument(path: "x.md", text: "# X\n" + withoutMemory)
        }
        let swapped = "# X\n" + all.replacingOccurrences(of: "## Definition", with: "## TMP")
            .replacingOccurrences(of: "## Internals", with: "## Definition").replacingOccurrences(of: "## TMP", with: "## Internals")
        #expect(throws: SiteError.self) { try HintDocument(path: "x.md", text: swapped) }
    }

    @Test("placeholders resolve outside code and fail loudly when unknown")
    func placeholders() throws {
        let text = "FLOPs: [[forward.tensorCoreFLOPs]] and `[[literal]]`\n```\n[[inside fence]]\n```"
        let resolved = try Placeholders.resolve(text, values: ["forward.tensorCoreFLOPs": "14.50 GFLOP"], file: "d.md")
        #expect(resolved == "FLOPs: 14.50 GFLOP and `[[literal]]`\n```\n[[inside fence]]\n```")
        #expect(throws: SiteError.self) { try Placeholders.resolve("line\n[[nope]]", values: [:], file: "d.md") }
    }
}
