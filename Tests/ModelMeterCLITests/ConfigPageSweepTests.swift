import Foundation
import Testing
@testable import ModelMeterCommands

/// `page --model CONFIG.json` (a text-only job: prefill of --prompt-tokens, then --output-tokens
/// decode steps) and `sweep --model CONFIG.json` (batch or prompt length).
@Suite struct ConfigPageSweepTests {
    static func config(_ name: String) -> String {
        CommandHarness.packageRoot.appendingPathComponent("tools/reference/configs/\(name).json").path
    }
    static let llama = CommandHarness.packageRoot.appendingPathComponent("context/models/llama-3.2-1b.json").path

    static func object(_ arguments: [String]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(try CommandHarness.output(arguments).utf8)) as? [String: Any])
    }

    static func int(_ value: Any?, _ keys: String...) -> Int? {
        var value = value
        for key in keys { value = (value as? [String: Any])?[key] }
        return (value as? NSNumber)?.intValue
    }

    @Test("the decode steps of a page add up to the decode steps report prints one by one, across a sliding window's edge")
    func decodeSumMatchesSteps() throws {
        // tiny-mistral-window: sliding_window 16, so steps at L = 10 … 21 cross the window's edge.
        let path = Self.config("tiny-mistral-window")
        let page = try Self.object(["page", "--model", path, "--prompt-tokens", "10", "--output-tokens", "12", "--batch", "2",
                                    "--attention", "eager", "--format", "json"])
        var expected = [0, 0, 0]
        for cached in 10...21 {
            let report = try Self.object(["report", "--model", path, "--format", "json", "--stage", "decode", "--context", "\(cached)",
                                          "--batch", "2", "--attention", "eager", "--logits", "last"])
            let forward = (report["stages"] as? [String: Any])?["decode"]
            expected[0] += try #require(Self.int(forward, "forward", "tensorCoreFLOPs"))
            expected[1] += try #require(Self.int(forward, "forward", "cudaCoreFLOPs"))
            expected[2] += try #require(Self.int(forward, "forward", "ioBytes"))
        }
        let decode = page["decode"]
        #expect([Self.int(decode, "forward", "tensorCoreFLOPs"), Self.int(decode, "forward", "cudaCoreFLOPs"),
                 Self.int(decode, "forward", "ioBytes")] == expected.map { Optional($0) })
        #expect(Self.int(decode, "steps") == 12)
    }

    @Test("a text-only page of Llama-3.2-1B holds B·(P + N) positions of 32,768 bytes each at its end")
    func llamaPage() throws {
        let page = try Self.object(["page", "--model", Self.llama, "--prompt-tokens", "5", "--output-tokens", "3", "--batch", "2", "--format", "json"])
        // 16 layers · 2 (K, V) · 8 KV heads · 64 · 2 bytes = 32,768 B per position; 2·(5 + 3) = 16 positions.
        #expect(Self.int(page["memory"], "kvCacheBytes") == 16 * 32_768)
        // Weights once: 1,235,814,400 parameters (lm_head tied) · 2 bytes.
        #expect(Self.int(page["memory"], "weightBytes") == 2_471_628_800)
        let text = try CommandHarness.output(["page", "--model", Self.llama, "--output-tokens", "3"])
        #expect(text.hasPrefix("llama-3.2-1b.json on NVIDIA GeForce RTX 5090, bf16: B = 1, prompt P = 10, N = 3 output tokens"))
    }

    @Test("sweep --model: one row per batch or prompt length, the cache of L + 1 positions after the decode step")
    func sweep() throws {
        let csv = try CommandHarness.output(["sweep", "--model", Self.llama, "--over", "tokens", "--values", "16,32", "--stage", "decode", "--gpu", "h200"])
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 3)
        let header = rows[0]
        let kv = try #require(header.firstIndex(of: "kv_cache_bytes"))
        // After a step at L = 16 the cache holds 17 positions of 32,768 bytes; at L = 32, 33.
        #expect(rows[1][kv] == "\(17 * 32_768)" && rows[2][kv] == "\(33 * 32_768)")
        #expect(header.last == "time_lower_bound_seconds_h200")
        // A dense decoder's prefill (every position's logits) is linear in the batch: B = 2 costs twice B = 1.
        let batch = try CommandHarness.output(["sweep", "--model", Self.llama, "--over", "batch", "--values", "1,2", "--tokens", "8", "--stage", "prefill", "--gpu", "h200"])
        let batchRows = batch.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let flops = try #require(batchRows[0].firstIndex(of: "forward_tensor_core_flops"))
        #expect(Int(batchRows[2][flops]) == Int(batchRows[1][flops]).map { 2 * $0 })
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["page", "--model", llama, "--page", "1000x1000"],
                 message: "Error: --page 1000x1000 needs an image; --model \(llama) is a text-only decoder (no vision stage)"),
        BadInput(arguments: ["page", "--model", llama, "--crops", "2x2"],
                 message: "Error: --crops 2x2 needs an image; --model \(llama) is a text-only decoder (no vision stage)"),
        BadInput(arguments: ["page", "--model", llama, "--mode", "tiny"],
                 message: "Error: --mode tiny needs an image; --model \(llama) is a text-only decoder (no vision stage)"),
        BadInput(arguments: ["page", "--model", llama, "--format", "csv"],
                 message: "Error: --format csv applies to DeepSeek-OCR pages; --model \(llama) prints text or json"),
        BadInput(arguments: ["page", "--model", llama, "--tokens", "5"],
                 message: "Error: --tokens does not apply to page: the prompt is --prompt-tokens positions"),
        BadInput(arguments: ["page", "--model", llama, "--prompt-tokens", "131000", "--output-tokens", "1000"],
                 message: "Error: llama-3.2-1b.json: invalid P + N: 131000 + 1000 = 132000 exceeds max_position_embeddings 131072"),
        BadInput(arguments: ["sweep", "--model", llama, "--over", "crops"],
                 message: "Error: --over crops needs an image; --model \(llama) sweeps over batch or tokens"),
        BadInput(arguments: ["sweep", "--model", llama, "--over", "batch", "--crops", "2x2"],
                 message: "Error: --crops 2x2 needs an image; --model \(llama) is a text-only decoder (no vision stage)"),
        BadInput(arguments: ["sweep", "--model", llama, "--over", "tokens", "--tokens", "8"],
                 message: "Error: --over tokens sets S and L = S per point; drop --tokens and --context"),
    ]

    @Test("options that need an image end with one Error: line", arguments: badInputs)
    func errors(input: BadInput) {
        #expect(CommandHarness.errorLine(input.arguments) == input.message)
    }
}
