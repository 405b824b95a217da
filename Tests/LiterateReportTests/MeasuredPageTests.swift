import Foundation
import Testing
import ModelMeter
@testable import LiterateReport

/// The "Measured vs predicted" page: text from the profile files is escaped, a broken profile
/// is one error naming its file.
@Suite struct MeasuredPageTests {
    /// A scratch project whose hf-eager profile has a hostile label and source.
    static func hostileProject() throws -> URL {
        let folder = try TestProject.temporaryFolder("measured")
        let fits = folder.appendingPathComponent("context/measurements/fits")
        try FileManager.default.createDirectory(at: fits, withIntermediateDirectories: true)
        for name in ["hf-eager", "vllm"] {
            let source = TestProject.root.appendingPathComponent("context/measurements/fits/\(name).json")
            var text = try String(contentsOf: source, encoding: .utf8)
            if name == "hf-eager" {
                text = text.replacingOccurrences(of: "\"label\" : \"clip kernel time", with: "\"label\" : \"<script>alert(1)</script> | clip kernel time")
            }
            try text.write(to: fits.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("labels from the profile files are escaped for Markdown; every point is a row")
    func escaped() throws {
        let root = try Self.hostileProject()
        let builder = try MeasuredPageBuilder(root: root)
        let (view, chart) = builder.view()
        let rows = try #require(view["rows"] as? [[String: Any]])
        let total = builder.profiles.reduce(0) { $0 + $1.profile.points.count }
        #expect(rows.count == total)
        let hostile = try #require(rows.first { ($0["label"] as? String)?.contains("alert") == true })
        let label = try #require(hostile["label"] as? String)
        #expect(!label.contains("<script>"))
        #expect(!label.contains(" | "))
        #expect(chart.hasPrefix("<svg") && chart.contains("y = x"))
    }

    @Test("a missing profile is one error naming its file")
    func missing() throws {
        let folder = try TestProject.temporaryFolder("measured-missing")
        #expect(throws: SiteError.self) { try MeasuredPageBuilder(root: folder) }
    }
}
