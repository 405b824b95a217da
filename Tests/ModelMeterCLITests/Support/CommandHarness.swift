import Foundation
import Testing
@testable import ModelMeterCommands

/// Runs commands in process, the way swift-argument-parser's own tests do: parse with
/// `parseAsRoot`, run, and capture what the command would print.
enum CommandHarness {
    /// stdout of `modelmeter <arguments>`; throws what the command throws.
    static func output(_ arguments: [String]) throws -> String {
        let command = try ModelMeterCommand.parseAsRoot(arguments)
        guard let textCommand = command as? any TextCommand else {
            throw HarnessError("\(type(of: command)) does not return its output")
        }
        return try textCommand.execute()
    }

    /// The one line `modelmeter <arguments>` prints on stderr, or nil when it succeeds.
    static func errorLine(_ arguments: [String]) -> String? {
        do {
            _ = try output(arguments)
            return nil
        } catch {
            return ModelMeterCommand.errorLine(for: error)
        }
    }

    /// The package root (holds Package.swift, context/, templates/).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh, empty folder under the system temporary directory.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelmeter-cli-tests-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Names of the entries of a folder, sorted.
    static func contents(of folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }
}

/// Arguments and the exact one-line error they must produce.
struct BadInput: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let message: String
    var testDescription: String { arguments.joined(separator: " ") }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Expected outputs kept as files in `Golden/` next to the tests. `RECORD_GOLDEN=1 swift test …`
/// rewrites them; review every change by hand before committing it.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    static func check(_ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appendingPathComponent(name)
        if recording {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url, options: .atomic)
            } catch {
                Issue.record("cannot record golden \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden file Golden/\(name); record it with RECORD_GOLDEN=1 and review it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  expected: \($0.element.1)\n  actual:   \($0.element.0)" }
                ?? "line counts differ: expected \(expectedLines.count), actual \(actualLines.count)"
            Issue.record("output differs from Golden/\(name) at \(where_)", sourceLocation: sourceLocation)
        }
    }
}

/// Runs the built `modelmeter` executable as a subprocess.
enum Executable {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
    }

    /// The binary next to the test bundle (any scratch path), else `MODELMETER_BINARY`, else
    /// `.build*/debug/modelmeter` under the package root.
    static let url: URL? = {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["MODELMETER_BINARY"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        for executable in [Bundle.main.executableURL, URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                           URL(fileURLWithPath: CommandLine.arguments[0])].compactMap({ $0 }) {
            var folder = executable.deletingLastPathComponent()
            // macOS bundles: …/ModelMeterPackageTests.xctest/Contents/MacOS/…
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("modelmeter"))
                folder = folder.deletingLastPathComponent()
            }
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("modelmeter"))
        }
        for scratch in [".build", ".build-cli"] {
            candidates.append(CommandHarness.packageRoot.appendingPathComponent("\(scratch)/debug/modelmeter"))
        }
        return candidates.first { manager.isExecutableFile(atPath: $0.path) }
    }()

    static func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        guard let url else {
            Issue.record("modelmeter binary not found next to the tests; build it (swift build --build-tests) or set MODELMETER_BINARY",
                         sourceLocation: sourceLocation)
            throw HarnessError("no modelmeter binary")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = CommandHarness.packageRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
