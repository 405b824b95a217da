import Foundation
import DeepSeekOCR
import ModelMeter
import LiterateReport

/// The real project tree, and scratch copies of it for tests that break things on purpose.
enum TestProject {
    /// The package root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The default workload's report (dsocr-standard-v1 on the RTX 5090, bf16).
    static func standardReport() throws -> ModelReport { try ModelReport(workload: try Workload.standard(), stages: ModelStage.allCases) }

    /// Files of the standard site: pages (index, summary, page-cost, glossary, verification,
    /// conventions, measured vs predicted, one per layer type, one page cost per catalog GPU) and charts (a roofline per
    /// stage: sam_model, vision_model, projector, prefill, decode; one per layer page; 2 sweeps × 4;
    /// the page-cost stage and serving charts; the front page's two share bars; per GPU two share
    /// bars and the time-against-tokens line; the measured scatter; a module tree per layer type with children) in kb/ and html/, plus report.json and report.csv at
    /// the top and in kb/ and html/.
    static var expectedSiteFileCount: Int {
        // index, summary, page-cost, glossary, measured, verification, conventions, models; one per layer type and per catalog GPU
        let pages = 8 + DeepSeekOCRModel.layers.count + GPUCatalog.all.count
        // A module-tree diagram for each documented type that has child modules.
        let report = try! standardReport()
        let trees = Set(report.instancesWithRoots.filter { $0.layer.doc != nil && !$0.layer.children.isEmpty }.map(\.layer.typeName)).count
        // + the page-cost stage and serving charts, the front page's two share bars, three per GPU, the measured scatter
        let charts = 5 + DeepSeekOCRModel.layers.count + 2 * 4 + 2 + 2 + 3 * GPUCatalog.all.count + trees + 1
        return 2 * (pages + charts) + 2 * 3
    }

    /// A fresh temporary folder.
    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelmeter-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the project's `context/` and `templates/` to modify.
    static func scratchCopy(_ name: String) throws -> URL {
        let folder = try temporaryFolder(name)
        for item in ["context", "templates"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        return folder
    }

    /// Every file under `folder` with its bytes, keyed by relative path.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
}
