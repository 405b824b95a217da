import ArgumentParser

/// The `modelmeter` root command: `report` (default), `explain`, `sweep`, `list`.
public struct ModelMeterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "modelmeter",
        abstract: "Closed-form FLOPs, bytes, memory and roofline of the DeepSeek-OCR vision stack.",
        version: "0.1.0",
        subcommands: [ReportCommand.self],
        defaultSubcommand: ReportCommand.self)

    public init() {}
}
