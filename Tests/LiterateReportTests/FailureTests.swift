import Foundation
import Testing
import DeepSeekOCR
import LiterateReport

/// A failed regeneration names the input and leaves the previous output untouched.
@Suite("Regeneration failures")
struct FailureTests {
    /// Generates a good site into `output`, breaks the scratch project with `damage`, and
    /// expects the next generation to fail with a message containing `expected`.
    func expectFailure(_ name: String, containing expected: [String], damage: (URL) throws -> Void) throws {
        let project = try TestProject.scratchCopy(name)
        let output = project.appendingPathComponent("output")
        let report = try TestProject.standardReport()
        let written = try SiteGenerator(root: project).generate(report: report, output: output)
        let before = try TestProject.snapshot(output)
        // Every page and chart, plus the site's ownership marker.
        #expect(written.count == TestProject.expectedSiteFileCount)
        #expect(before.count == written.count + 1 && before[".modelmeter-site"] != nil)
        try damage(project)
        var message = ""
        do {
            try SiteGenerator(root: project).generate(report: report, output: output)
        } catch {
            message = String(describing: error)
        }
        for fragment in expected {
            #expect(message.contains(fragment), "message '\(message)' lacks '\(fragment)'")
        }
        #expect(!message.contains("\n"), "the error is one line")
        #expect(try TestProject.snapshot(output) == before, "output/ changed after a failed regeneration")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".output") }
        #expect(leftovers.isEmpty, "staging folders left behind: \(leftovers)")
        try? FileManager.default.removeItem(at: project)
    }

    private func edit(_ project: URL, _ path: String, _ change: (String) -> String) throws {
        let url = project.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        try change(text).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func templateSyntaxError() throws {
        // An unclosed section on line 3 of the layer template.
        try expectFailure("syntax", containing: ["templates/layer.md.mustache", "syntax error"]) { project in
            try edit(project, "templates/layer.md.mustache") { $0.replacingOccurrences(of: "# {{title}}", with: "# {{#title}}") }
        }
    }

    @Test func templateUnknownPlaceholder() throws {
        try expectFailure("placeholder", containing: ["templates/summary.md.mustache:3", "unresolved placeholder '{{flops}}'"]) { project in
            try edit(project, "templates/summary.md.mustache") { $0.replacingOccurrences(of: "{{% CONTENT_TYPE: TEXT}}\n# {{title}}", with: "{{% CONTENT_TYPE: TEXT}}\n# {{title}}\n{{flops}}") }
        }
    }

    @Test func templateUnknownPartial() throws {
        try expectFailure("partial", containing: ["templates/page.html.mustache", "unknown template 'nostyle'"]) { project in
            try edit(project, "templates/page.html.mustache") { $0.replacingOccurrences(of: "{{> style}}", with: "{{> nostyle}}") }
        }
    }

    @Test func missingHintDoc() throws {
        try expectFailure("missing-doc", containing: ["context/hints/dsocr-kb/ops/op-Block.md", "missing"]) { project in
            try FileManager.default.removeItem(at: project.appendingPathComponent("context/hints/dsocr-kb/ops/op-Block.md"))
        }
    }

    @Test func hintDocWithoutLayer() throws {
        try expectFailure("orphan-doc", containing: ["op-Orphan.md", "no layer type"]) { project in
            try "# Orphan\n".write(to: project.appendingPathComponent("context/hints/dsocr-kb/ops/op-Orphan.md"), atomically: true, encoding: .utf8)
        }
    }

    @Test func missingSection() throws {
        try expectFailure("section", containing: ["op-MLPBlock.md", "missing required section '## Memory'"]) { project in
            try edit(project, "context/hints/dsocr-kb/ops/op-MLPBlock.md") { $0.replacingOccurrences(of: "\n## Memory\n", with: "\n### Memory (demoted)\n") }
        }
    }

    @Test func deadLink() throws {
        try expectFailure("link", containing: ["op-LayerNorm2d.md", "dead relative link 'op-Nowhere.md'"]) { project in
            try edit(project, "context/hints/dsocr-kb/ops/op-LayerNorm2d.md") { $0 + "\nSee [nowhere](op-Nowhere.md).\n" }
        }
    }

    @Test func unknownDocPlaceholder() throws {
        try expectFailure("doc-placeholder", containing: ["op-PatchEmbed.md", "unknown placeholder '[[forward.nonsense]]'"]) { project in
            try edit(project, "context/hints/dsocr-kb/ops/op-PatchEmbed.md") { $0.replacingOccurrences(of: "## Memory\n", with: "## Memory\n\nCosts [[forward.nonsense]].\n") }
        }
    }

    @Test func unwritableOutput() throws {
        let blocker = try TestProject.temporaryFolder("unwritable").appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        // The output's parent is a regular file: nothing can be created below it.
        #expect(throws: SiteError.self) {
            try SiteGenerator(root: TestProject.root).generate(
                report: try TestProject.standardReport(), output: blocker.appendingPathComponent("output"))
        }
        #expect(try Data(contentsOf: blocker) == Data("x".utf8))
    }

    @Test("raw HTML in a hint doc is dropped by default, kept on request, <script> never")
    func rawHTMLPolicy() throws {
        let project = try TestProject.scratchCopy("raw-html")
        try edit(project, "context/hints/dsocr-kb/ops/op-MLPBlock.md") {
            $0.replacingOccurrences(of: "## Memory\n", with: "## Memory\n\n<div class=\"marker\">raw block</div>\n\n<script>alert(1)</script>\n")
        }
        let report = try TestProject.standardReport()
        func page(_ allow: Bool) throws -> String {
            let files = try SiteGenerator(root: project, allowRawHTML: allow).render(report: report)
            return files.first { $0.path == "html/op-MLPBlock.html" }.map { TestProject.text($0.data) } ?? ""
        }
        let safe = try page(false)
        #expect(!safe.contains("<div class=\"marker\">"))
        #expect(!safe.contains("<script"))
        let allowed = try page(true)
        #expect(allowed.contains("<div class=\"marker\">raw block</div>"))
        #expect(!allowed.contains("<script"))
        try? FileManager.default.removeItem(at: project)
    }
}
