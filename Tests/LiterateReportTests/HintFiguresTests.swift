import Foundation
import Testing
import LiterateReport

/// Hand-typed computed figures in hint-doc prose are rejected; placeholders, code and inline
/// derivations are not.
@Suite("Hand-typed figures in hint docs")
struct HintFiguresTests {
    @Test("no hint doc states a computed figure by hand")
    func docsAreClean() throws {
        for doc in SiteGenerator.layerDocs {
            let text = try String(contentsOf: TestProject.root.appendingPathComponent(doc.hintDoc), encoding: .utf8)
            #expect(HintFigures.find(in: text).isEmpty, "\(doc.hintDoc): \(HintFigures.find(in: text))")
        }
    }

    @Test("the old LayerNorm2d sentence is caught: 'around 1 FLOP/byte' and '~117 FLOP/byte'")
    func catchesLiterals() {
        let old = "A layer norm moves at least 4 bytes per element in bf16. Its intensity is around 1 FLOP/byte, two orders of magnitude below the RTX 5090's ~117 FLOP/byte ridge."
        #expect(HintFigures.find(in: old).map(\.text) == ["1 FLOP/byte", "117 FLOP/byte"])
        #expect(HintFigures.find(in: "\nmemory time 509 µs and 1.42 GFLOP").map(\.line) == [2, 2])
        #expect(HintFigures.find(in: "intensity [[roofline.intensity]] FLOP/byte").map(\.text) == ["]] FLOP/byte"])
    }

    @Test("placeholders, code spans, fenced code and derivations pass")
    func allowsDerivations() {
        let text = """
        Intensity approaches C/2 = 384 FLOP/byte; the model says [[roofline.intensity]].
        A `12 µs` code span, 768 channels, 14×14 windows, 96 MB of L2, G2048 labels.
        ```text
        509 µs
        ```
        """
        #expect(HintFigures.find(in: text).isEmpty)
    }

    @Test("the build fails on a hand-typed figure, naming file and line")
    func buildFails() throws {
        let project = try TestProject.scratchCopy("figures")
        defer { try? FileManager.default.removeItem(at: project) }
        let path = "context/hints/dsocr-kb/ops/op-LayerNorm2d.md"
        let url = project.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        try (text + "\nIts intensity is around 1 FLOP/byte.\n").write(to: url, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(throws: SiteError.self) { try SiteGenerator(root: project).render(report: try TestProject.standardReport()) }
        do {
            _ = try SiteGenerator(root: project).render(report: try TestProject.standardReport())
        } catch {
            #expect("\(error)".contains("\(path):\(lines + 1)"), "\(error)")
            #expect("\(error)".contains("1 FLOP/byte"))
        }
    }
}
