import ArgumentParser
import Foundation
import ModelMeter

/// A command whose stdout is a string it returns, so tests can capture it without redirecting
/// the process's stdout: `run()` prints `execute()`.
protocol TextCommand: ParsableCommand {
    /// Performs the command's side effects (files written) and returns what it prints on stdout.
    func execute() throws -> String
}

extension TextCommand {
    func run() throws {
        let text = try execute()
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

/// A command-line mistake that is not a bad value of one layer or workload (conflicting
/// options, an option that does not apply): one line, printed as `Error: <description>`.
struct CommandLineError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Checks a `--format` value against the formats a command accepts (case-insensitive).
func checkedFormat(_ format: String, accepted: [String]) throws -> String {
    let lowered = format.lowercased()
    guard accepted.contains(lowered) else {
        throw ModelMeterError.unknownName(kind: "format", name: format, accepted: accepted)
    }
    return lowered
}

/// Writes a report to stdout (returned as text) or, atomically, to a file.
enum OutputFile {
    /// Returns `text` for stdout when `path` is nil; otherwise writes it to `path` and returns "".
    static func write(_ text: String, to path: String?) throws -> String {
        guard let path else { return text }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelMeterError.malformedValue(what: "output file", value: path, expected: "a writable path")
        }
        return ""
    }

    /// Writes every file into `folder` (created when missing). Each file is written to a
    /// temporary name and renamed, so no partial file is ever left; files of this call already
    /// written are removed again if a later one fails.
    static func writeAll(_ files: [(name: String, text: String)], to folder: String) throws {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ModelMeterError.malformedValue(what: "chart folder", value: folder, expected: "a folder, not a file")
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ModelMeterError.malformedValue(what: "chart folder", value: folder, expected: "a folder that can be created and written")
        }
        guard manager.isWritableFile(atPath: url.path) else {
            throw ModelMeterError.malformedValue(what: "chart folder", value: folder, expected: "a writable folder")
        }
        var written: [URL] = []
        for file in files {
            let target = url.appendingPathComponent(file.name)
            do {
                try Data(file.text.utf8).write(to: target, options: .atomic)
                written.append(target)
            } catch {
                for done in written { try? manager.removeItem(at: done) }
                throw ModelMeterError.malformedValue(what: "chart file", value: target.path, expected: "a writable path")
            }
        }
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
func alignedColumns(_ rows: [[String]], indent: String = "  ") -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
        }
        return indent + cells.joined(separator: "  ")
    }
}
