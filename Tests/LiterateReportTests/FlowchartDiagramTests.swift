import Foundation
import Testing
@testable import LiterateReport

/// The hint docs' Mermaid flowcharts drawn as SVG on the HTML pages.
@Suite("Flowchart diagrams")
struct FlowchartDiagramTests {
    @Test("nodes, quoted labels holding brackets, chains and labelled arrows of every kind")
    func parses() throws {
        let source = """
        flowchart LR
          X["x [B,S,D]"] --> N1["norm"] --> R1(("+"))
          X -->|residual| R1
          Q{"N == 256 ?"} -- yes --> A
          I -. batch size .-> X
          M <--> KV["DynamicCache"]
        """
        let diagram = try #require(FlowchartDiagram(source: source))
        #expect(diagram.order == ["X", "N1", "R1", "Q", "A", "I", "M", "KV"])
        #expect(diagram.labels["X"] == "x [B,S,D]" && diagram.labels["R1"] == "+" && diagram.labels["Q"] == "N == 256 ?")
        #expect(diagram.labels["A"] == nil)
        // x→norm, norm→+ (a chain), x→+ (residual), Q→A (yes), I→X (dashed), M→KV.
        #expect(diagram.edges.count == 6)
        #expect(diagram.edges.map(\.label) == ["", "", "residual", "yes", "batch size", ""])
        #expect(diagram.edges.map(\.dashed) == [false, false, false, false, true, false])
        let svg = diagram.svg()
        // One box per node, the labels escaped, the edge labels drawn.
        #expect(svg.components(separatedBy: "rx=\"5\"").count - 1 == 8)
        #expect(svg.contains(">x [B,S,D]<") && svg.contains(">residual<") && svg.contains(">batch size<"))
    }

    @Test("syntax it does not understand leaves the source on the page")
    func refuses() {
        #expect(FlowchartDiagram(source: "sequenceDiagram\n  A->>B: hi") == nil)
        #expect(FlowchartDiagram(source: "flowchart TD\n  subgraph one\n  A --> B\n  end") == nil)
        let html = "<pre><code class=\"language-mermaid\">sequenceDiagram\n  A-&gt;&gt;B: hi\n</code></pre>"
        #expect(FlowchartDiagram.inline(html) == html)
    }

    @Test("the HTML pages carry no Mermaid source; the Markdown keeps it")
    func noMermaidOnPages() throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        var drawn = 0
        for file in files where file.path.hasPrefix("html/") && file.path.hasSuffix(".html") {
            let html = TestProject.text(file.data)
            #expect(!html.contains("language-mermaid"), "\(file.path) shows Mermaid source")
            drawn += html.components(separatedBy: "<figure class=\"chart diagram\">").count - 1
        }
        let markdownSources = files.filter { $0.path.hasPrefix("kb/") && $0.path.hasSuffix(".md") }
            .reduce(0) { $0 + TestProject.text($1.data).components(separatedBy: "```mermaid").count - 1 }
        #expect(markdownSources > 0 && drawn == markdownSources)
    }
}
