import Foundation
import Testing
import LiterateReport

/// One layer page pinned byte for byte, in Markdown and HTML. Re-record after an intended
/// change with `RECORD_GOLDEN=1 swift test --filter GoldenPageTests`, then review the diff.
///
/// Hand check of the pinned numbers (LayerNorm2d in the global view's neck, B = 1, C = 256,
/// H = W = 64): elements B·C·H·W = 1,048,576; forward 8 FLOP each = 8,388,608 = 8.39 MFLOP;
/// backward 14 each = 14,680,064 = 14.68 MFLOP; forward bytes (read 1,048,576 + 512 weights,
/// write 1,048,576) × 2 = 4,195,328 = 4.20 MB; weights 512 × 2 = 1,024 B.
@Suite("Golden layer page")
struct GoldenPageTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: ["kb/op-LayerNorm2d.md", "html/op-LayerNorm2d.html"])
    func page(path: String) throws {
        let files = try SiteGenerator(root: TestProject.root).render(report: try TestProject.standardReport())
        let rendered = try #require(files.first { $0.path == path }?.data)
        let golden = Self.folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try rendered.write(to: golden)
        }
        let expected = try Data(contentsOf: golden)
        #expect(TestProject.text(rendered) == TestProject.text(expected), "\(path) differs from \(golden.lastPathComponent)")
    }

    @Test("the pinned page carries the hand-checked numbers")
    func handChecked() throws {
        let page = TestProject.text(try Data(contentsOf: Self.folder.appendingPathComponent("op-LayerNorm2d.md")))
        #expect(page.contains("| channel LayerNorm | CUDA core | `8·B·C·H·W` | `8·1·256·64·64` | 8.39 MFLOP |"))
        #expect(page.contains("| channel LayerNorm | CUDA core | `14·B·C·H·W` | `14·1·256·64·64` | 14.68 MFLOP |"))
        #expect(page.contains("| weights | parameters × e | 512 × 2 | 1.02 kB |"))
        #expect(page.contains("4.20 MB"))
    }
}
