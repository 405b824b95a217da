import Foundation
import ModelMeter


/// One page job as a serving system runs it: `B` pages (the workload's batch) go through the
/// vision stack together, their prompts are prefilled together, and `N` output tokens are
/// decoded for each of them, one step per token, against a cache that grows by one position
/// per step.
///
/// ```
/// prompt positions   P = image positions + prompt text tokens
/// decode steps       L = P, P + 1, …, P + N − 1 cached positions (N steps, one per output token)
/// limit              P + N ≤ max_position_embeddings (8192)
/// ```
public struct PageWorkload: Sendable {
    /// A dense page of text: about 1,000 output tokens (a full A4 page of prose in Markdown).
    public static let defaultOutputTokens = 1000

    /// Mode, crops, batch (concurrent pages), kernel, and the prompt text (`decoder.promptTextTokens`).
    public let workload: Workload
    /// Output tokens generated per page, `N`.
    public let outputTokens: Int
    /// Positions `lm_head` runs on in prefill: the last only (serving engines such as vLLM, the
    /// default here) or every position (the Hugging Face forward).
    public let prefillLogits: LogitPositions
    public let precision: Precision

    public init(
        workload: Workload, outputTokens: Int = PageWorkload.defaultOutputTokens,
        prefillLogits: LogitPositions = .last, precision: Precision = .bf16
    ) throws {
        try ModelMeterError.requirePositive(outputTokens, "output tokens", in: "page")
        let prompt = workload.visionTokensPerPage + workload.decoder.promptTextTokens
        let limit = workload.decoder.configuration.maxPositions
        guard prompt < limit, outputTokens <= limit - prompt else {
            throw ModelMeterError.invalidShape(
                layer: "page", what: "output tokens",
                reason: "prompt \(prompt) + output \(outputTokens) positions exceed the decoder's limit of \(limit) "
                    + "(max_position_embeddings); at most \(max(0, limit - prompt)) output tokens fit after this prompt")
        }
        self.workload = workload
        self.outputTokens = outputTokens
        self.prefillLogits = prefillLogits
        self.precision = precision
    }

    /// Prompt positions per sequence, `P`: the page's image positions (newlines and separator
    /// included) plus the prompt's text tokens.
    public var promptTokens: Int { workload.visionTokensPerPage + workload.decoder.promptTextTokens }
    /// Concurrent pages, `B`.
    public var batch: Int { workload.batch }
    /// Positions each sequence holds in the cache after the last step: `P + N`.
    public var finalPositions: Int { promptTokens + outputTokens }
}
