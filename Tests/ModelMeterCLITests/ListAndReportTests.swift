import Foundation
import DeepSeekOCR
import ModelMeter
import Testing
@testable import ModelMeterCommands

@Suite struct ListTests {
    @Test func modesGolden() throws {
        let text = try CommandHarness.output(["list", "modes"])
        // tiny: q = 512/64 = 8 → 8·9 + 1 = 73; small 10·11 + 1 = 111; base 16·17 + 1 = 273;
        // large 20·21 + 1 = 421; gundam at 2x2: 273 + (2·10)·(2·10 + 1) = 693.
        for fragment in ["73 = 8·9 + 1", "111 = 10·11 + 1", "273 = 16·17 + 1", "421 = 20·21 + 1", "693 at 2x2"] {
            #expect(text.contains(fragment))
        }
        Golden.check(text, matches: "list-modes.txt")
    }

    @Test func layersWithHintDocs() throws {
        let lines = try CommandHarness.output(["list", "layers"]).split(separator: "\n")
        // One line per layer type of the model description under the header.
        #expect(lines.count == 1 + DeepSeekOCRModel.layers.count)
        #expect(lines[1].hasPrefix("Attention "))
        #expect(lines[1].contains("context/hints/dsocr-kb/ops/op-Attention.md"))
        #expect(lines[13].contains("context/hints/dsocr-kb/ops/op-MlpProjector.md"))
        #expect(lines[14].contains("context/hints/dsocr-kb/ops/op-LlamaAttention.md"))
    }

    @Test func gpusWithRoofsAndSources() throws {
        let lines = try CommandHarness.output(["list", "gpus"]).split(separator: "\n")
        #expect(lines.count == 1 + 8)
        // RTX 5090 (gpu-specs.md): bf16 FP32-accumulate 209.5 TFLOPS dense, FP32 104.8, 1792 GB/s.
        let rtx5090 = ExplainTests.cells(lines[1])
        #expect(rtx5090.prefix(7) == ["rtx5090", "NVIDIA GeForce RTX 5090", "209.5 TFLOPS", "FP32", "104.8 TFLOPS", "1792 GB/s", "32 GB"])
        // H100 SXM: 3.35 TB/s per the datasheet (not 3072 or 3400).
        #expect(lines.contains { $0.hasPrefix("h100-sxm ") && $0.contains("3350 GB/s") })
    }

    @Test func unknownSubject() {
        #expect(CommandHarness.errorLine(["list", "tables"])
            == "Error: The value 'tables' is invalid for '<subject>'. Please provide one of 'layers', 'modes', 'gpus' or 'models'. "
                + "See 'modelmeter list --help' for more information.")
    }
}

@Suite struct ReportCommandTests {
    @Test func withoutFormatItRegeneratesTheSite() throws {
        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site")
        let message = try CommandHarness.output(["report", "--output", site.path, "--root", CommandHarness.packageRoot.path])
        #expect(message.hasPrefix("modelmeter: wrote "))
        #expect(message.hasSuffix(" on NVIDIA GeForce RTX 5090\n"))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("kb/summary.md").path))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("html/summary.html").path))
    }

    @Test func singleReportFormats() throws {
        let csv = try CommandHarness.output(["report", "--format", "csv", "--mode", "base"])
        #expect(csv.hasPrefix("path,type,parameters,"))
        // Base: one 1024 view; its tensor-core total is the oracle's 1,139,967,033,344 (see SweepTests).
        #expect(csv.contains("(total),DeepseekOCRModel,401372160,\(SweepTests.view1024),"))

        let folder = try CommandHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("report.json")
        #expect(try CommandHarness.output(["report", "--format", "json", "--file", file.path]) == "")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("\"visionTokensPerPage\": 693"))
    }

    @Test func fileNeedsAFormat() {
        #expect(CommandHarness.errorLine(["report", "--file", "x.json"]) == "Error: --file x.json needs --format (json, csv, md or html)")
    }

    @Test func syntaxErrorsAreOneLine() {
        // swift-argument-parser's own parse errors lose the usage screen but keep the --help hint.
        #expect(CommandHarness.errorLine(["report", "--batch", "abc"])
            == "Error: The value 'abc' is invalid for '--batch <batch>'. See 'modelmeter report --help' for more information.")
    }

    @Test func negativeBatchIsAValueNotAnOption() {
        #expect(CommandHarness.errorLine(["report", "--format", "json", "--batch", "-3"]) == "Error: workload: invalid batch: -3 is not positive")
    }
}
