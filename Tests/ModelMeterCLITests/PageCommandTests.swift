import Foundation
import Testing
@testable import ModelMeterCommands

/// `modelmeter page`: the machine interface outside checks rely on, sweeps, and one-line errors.
@Suite struct PageCommandTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let text = try CommandHarness.output(["page", "--format", "json"] + arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the A4 scan on the RTX 5090, H100 SXM and A100 40GB", arguments: ["rtx5090", "h100-sxm", "a100-40gb"])
    func a4Scan(gpu: String) throws {
        let object = try Self.json(["--page", "1654x2339", "--output-tokens", "1000", "--batch", "2", "--gpu", gpu])
        // 903 image positions (16·17 + 1 + 30·21) + 10 prompt text tokens.
        #expect(object["promptTokens"] as? Int == 913)
        // Two sequences of 913 + 1000 positions, 61,440 B each.
        #expect(object["kvCacheBytes"] as? Int == 2 * 1913 * 61_440)
        let stages = try #require(object["stages"] as? [String: [String: Any]])
        #expect(Set(stages.keys) == ["vision", "prefill", "decode"])
        var total = 0.0
        for stage in stages.values {
            let seconds = try #require(stage["seconds"] as? Double)
            #expect(seconds > 0)
            #expect(stage["tensorCoreFLOPs"] as? Int ?? 0 > 0)
            #expect(stage["ioBytes"] as? Int ?? 0 > 0)
            #expect(stage["boundBy"] is String)
            total += seconds
        }
        #expect(stages["decode"]?["boundBy"] as? String == "memory bandwidth")
        let perPage = try #require(object["secondsPerPage"] as? Double)
        #expect(abs(perPage - total / 2) <= 1e-12 * total)
        #expect(abs((object["pagesPerDay"] as? Double ?? 0) - 86_400 / perPage) <= 1e-6)
        #expect(abs((object["outputTokensPerSecond"] as? Double ?? 0) - 2000 / total) <= 1e-9)
        #expect(object["peakMemoryBytes"] as? Int ?? 0 > 2 * 2_934_734_080)
    }

    @Test("text: a per-stage breakdown with the closed form beside the decode numbers")
    func text() throws {
        let text = try CommandHarness.output(["page", "--mode", "base", "--output-tokens", "10"])
        for fragment in ["vision", "prefill", "decode", "N·c(L₀) + Δ·N(N−1)/2 = 10·", "·45 = ", "pages/day", "P = 273 image + 10 text = 283"] {
            #expect(text.contains(fragment), "\(fragment)")
        }
    }

    @Test("sweep over output tokens: decode time grows, vision and prefill do not")
    func sweepOutputTokens() throws {
        let csv = try CommandHarness.output(["page", "--sweep", "output-tokens", "--values", "250,500,1000,2000", "--format", "csv", "--mode", "base"])
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 4)
        #expect(rows.map { $0[5] } == ["250", "500", "1000", "2000"])
        #expect(Set(rows.map { $0[6] }).count == 1)
        let decode = rows.map { Double($0[8]) ?? 0 }
        #expect(decode == decode.sorted() && decode[0] > 0)
        // The cache grows by 61,440 B per token: (283 + N)·61,440.
        #expect(rows.map { Int($0[12]) } == [250, 500, 1000, 2000].map { (283 + $0) * 61_440 })
    }

    @Test("sweep over GPUs and batches")
    func sweepGPUsAndBatches() throws {
        let gpus = try CommandHarness.output(["page", "--sweep", "gpu", "--values", "rtx5090,a100-40gb,h200", "--format", "csv"])
        #expect(gpus.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] } == ["rtx5090", "a100-40gb", "h200"])
        let batches = try CommandHarness.output(["page", "--sweep", "batch", "--values", "1,2,4", "--format", "json"])
        #expect(batches.contains("\"sweep\": \"batch\""))
    }

    @Test("serving analysis: largest batch and the curve")
    func serving() throws {
        let object = try Self.json(["--gpu", "a100-40gb", "--serving"])
        let serving = try #require(object["serving"] as? [String: Any])
        let largest = try #require(serving["largestBatch"] as? Int)
        let curve = try #require(serving["curve"] as? [[String: Any]])
        #expect(curve.last?["batch"] as? Int == largest)
        #expect(curve.allSatisfy { ($0["peakMemoryBytes"] as? Int ?? .max) <= 40_000_000_000 })
        let throughput = curve.compactMap { $0["pagesPerDay"] as? Double }
        #expect(throughput == throughput.sorted())
    }

    static let badCases: [ExecutableErrorTests.Case] = [
        .init(arguments: ["page", "--output-tokens", "0"], fragments: ["output tokens", "0 is not positive"]),
        .init(arguments: ["page", "--output-tokens", "-5"], fragments: ["output tokens", "-5 is not positive"]),
        // 913 prompt positions + 7280 = 8193 > 8192; at most 8192 − 913 = 7279 fit.
        .init(arguments: ["page", "--page", "1654x2339", "--output-tokens", "7280"], fragments: ["8192", "at most 7279 output tokens"]),
        .init(arguments: ["page", "--batch", "500", "--gpu", "a100-40gb"], fragments: ["batch", "500 pages need", "A100 SXM4 40GB has 40.00 GB", "at most"]),
        .init(arguments: ["page", "--batch", "0"], fragments: ["batch", "0 is not positive"]),
        .init(arguments: ["page", "--sweep", "colour", "--values", "1"], fragments: ["'colour'", "'--sweep <sweep>'", "one of 'output-tokens', 'batch', 'gpu', 'page' or 'mode'"], status: 64),
        .init(arguments: ["page", "--sweep", "batch"], fragments: ["--sweep batch needs --values"]),
        .init(arguments: ["page", "--sweep", "output-tokens", "--values", "100,lots"], fragments: ["'lots'", "a whole number"]),
        .init(arguments: ["page", "--prefill-logits", "some"], fragments: ["'some'", "'--prefill-logits <prefill-logits>'", "one of 'all' and 'last'"], status: 64),
        .init(arguments: ["page", "--tokens", "5"], fragments: ["--tokens does not apply to page"]),
        .init(arguments: ["page", "--format", "yaml"], fragments: ["'yaml'", "one of 'text', 'json' or 'csv'"], status: 64),
        .init(arguments: ["page", "--gpu", "v100"], fragments: ["'v100'", "a100-40gb, h200"]),
    ]

    @Test(arguments: badCases) func badInput(_ c: ExecutableErrorTests.Case) throws {
        ExecutableErrorTests.expectOneLineFailure(try Executable.run(c.arguments), c)
    }
}
