import ArgumentParser
import DeepSeekOCR
import ModelMeter

/// A command-line option with a fixed set of values, named by their raw values and matched
/// case-insensitively (`--mode GUNDAM`). swift-argument-parser parses it and lists the values
/// in `--help`; a bad value is one line naming the option, the value and the accepted ones:
/// `Error: The value 'huge' is invalid for '--mode <mode>'. Please provide one of 'tiny', …`
/// (see ``ModelMeterCommand/errorLine(for:)``).
protocol OptionChoice: ExpressibleByArgument, CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension OptionChoice {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    public var defaultValueDescription: String { rawValue }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension VisionMode: ExpressibleByArgument, OptionChoice {}
extension AttentionKernel: ExpressibleByArgument, OptionChoice {}
extension Precision: ExpressibleByArgument, OptionChoice {}
extension LogitPositions: ExpressibleByArgument, OptionChoice {}
extension LatentAttentionMode: ExpressibleByArgument, OptionChoice {}
extension PageSweepDimension: ExpressibleByArgument, OptionChoice {}
extension Sweep.Dimension: ExpressibleByArgument, OptionChoice {}

/// `--stage`: one stage of the model, or `all` of them.
enum StageChoice: String, OptionChoice {
    case vision, prefill, decode, all

    /// The stages this choice sums, in the model's order.
    var stages: [ModelStage] {
        switch self {
        case .vision: return [.vision]
        case .prefill: return [.prefill]
        case .decode: return [.decode]
        case .all: return ModelStage.allCases
        }
    }
}

/// `--projector`: the vision-to-decoder projector (`--projector-depth` sets the MLP's depth).
enum ProjectorChoice: String, OptionChoice {
    case linear
    case mlpGELU = "mlp_gelu"
}

/// `report --format`: one report instead of the site.
enum ReportFormat: String, OptionChoice {
    case json, csv, md, html
}

/// `page --format`.
enum PageFormat: String, OptionChoice {
    case text, json, csv
}

/// `sweep --over`: resolution, crops and batch for DeepSeek-OCR; batch and tokens for a
/// `config.json` decoder.
enum SweepAxis: String, OptionChoice {
    case resolution, crops, batch, tokens
}

/// `sweep --format`.
enum TableFormat: String, OptionChoice {
    case csv, json
}

/// `explain --format` and `compare --format`.
enum TextOrJSON: String, OptionChoice {
    case text, json
}

/// `list <subject>`: what the other commands accept.
enum ListSubject: String, OptionChoice {
    case layers, modes, gpus, models
}

/// `--runtime`: a fitted runtime profile, one of ``RuntimeProfile/names`` (the list the profile
/// files are named by, so the option and the files never disagree).
struct RuntimeName: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    let description: String

    /// `hf-eager`: Hugging Face transformers in eager mode, `compare`'s default.
    static let hfEager = RuntimeName("hf-eager")

    private init(_ name: String) { description = name }

    init?(argument: String) {
        let lowered = argument.lowercased()
        guard RuntimeProfile.names.contains(lowered) else { return nil }
        description = lowered
    }

    var defaultValueDescription: String { description }
    static var allValueStrings: [String] { RuntimeProfile.names }
}
