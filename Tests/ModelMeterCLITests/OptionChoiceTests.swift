import ArgumentParser
import DeepSeekOCR
import ModelMeter
import Testing
@testable import ModelMeterCommands

/// Options with a fixed value set are typed: parsed once by swift-argument-parser,
/// case-insensitively, with one error line naming the option, the value and every accepted value.
@Suite struct OptionChoiceTests {
    @Test func valuesAreMatchedCaseInsensitively() throws {
        let command = try ModelMeterCommand.parseAsRoot(
            ["report", "--format", "JSON", "--mode", "Base", "--attention", "EAGER", "--precision", "FP16", "--logits", "Last", "--stage", "ALL"])
        let report = try #require(command as? ReportCommand)
        #expect(report.format == .json)
        #expect(report.stage == .all)
        #expect(report.options.mode == .base)
        #expect(report.options.attention == .eager)
        #expect(report.options.logits == .last)
        #expect(report.hardware.precision == .fp16)
    }

    /// `--stage all` is every stage in the model's order; each other value is its own stage.
    @Test func stageChoices() {
        #expect(StageChoice.all.stages == [.vision, .prefill, .decode])
        #expect(StageChoice.vision.stages == [.vision])
        #expect(StageChoice.prefill.stages == [.prefill])
        #expect(StageChoice.decode.stages == [.decode])
    }

    /// `--runtime` accepts exactly the names the profile files carry, in any case.
    @Test func runtimeNamesAreTheProfiles() {
        #expect(RuntimeName.allValueStrings == ["hf-eager", "vllm"])
        #expect(RuntimeName(argument: "VLLM")?.description == "vllm")
        #expect(RuntimeName(argument: "tgi") == nil)
        #expect(RuntimeName.hfEager == RuntimeName(argument: "hf-eager"))
    }

    /// `sweep` takes the shared hardware options: the same names and default as `report`.
    @Test func sweepSharesTheHardwareOptions() throws {
        let command = try ModelMeterCommand.parseAsRoot(
            ["sweep", "--over", "batch", "--gpu", "h200", "--gpu-spec", "spec.json", "--precision", "fp8"])
        let sweep = try #require(command as? SweepCommand)
        #expect(sweep.hardware.gpu == "h200")
        #expect(sweep.hardware.gpuSpec == "spec.json")
        #expect(sweep.hardware.precision == .fp8)
        let plain = try #require(try ModelMeterCommand.parseAsRoot(["sweep", "--over", "batch"]) as? SweepCommand)
        #expect(plain.hardware.precision == .bf16)
    }

    /// Seven values: swift-argument-parser lists them one per line; the error line keeps them on it.
    enum Weekday: String, OptionChoice {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday
    }

    struct WeekdayCommand: ParsableCommand {
        @Option var day: Weekday = .monday
    }

    @Test func longValueListsStayOnOneLine() {
        do {
            _ = try WeekdayCommand.parse(["--day", "someday"])
            Issue.record("someday parsed")
        } catch {
            let line = ModelMeterCommand.errorLine(for: error)
            #expect(!line.contains("\n"))
            #expect(line.hasPrefix("Error: The value 'someday' is invalid for '--day <day>'. Please provide one of the following: "
                + "monday, tuesday, wednesday, thursday, friday, saturday, sunday."))
        }
    }
}
