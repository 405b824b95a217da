/// Finds computed figures typed by hand into hint-doc prose: an intensity, a time, a
/// throughput or a FLOP count written as a literal (`around 1 FLOP/byte`, `~117 FLOP/byte`,
/// `509 µs`) instead of a `[[placeholder]]`. Such a number drifts from the model the moment a
/// shape, a workload or the GPU changes, so the build rejects it.
///
/// Allowed: placeholders, text in code spans and fenced blocks, and an inline derivation whose
/// result follows `=` (`C/2 = 384 FLOP/byte`): the reader sees where it comes from.
public enum HintFigures {
    /// One hand-typed figure.
    public struct Figure: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let text: String
        public let problem: String
        public var description: String { "line \(line): '\(text)' \(problem)" }
    }

    /// Units of computed quantities, longest first so `FLOP/byte` wins over `FLOP`.
    static let units = [
        "FLOP/byte", "FLOP/B", "FLOP/s", "PFLOPS", "TFLOPS", "GFLOPS", "PFLOP", "TFLOP", "GFLOP", "MFLOP", "kFLOP",
        "µs", "ms", "ns",
    ]

    /// Every literal figure in `text` (a hint doc), with its line number.
    public static func find(in text: String) -> [Figure] {
        var figures: [Figure] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence { continue }
            figures += scan(String(line), line: index + 1)
        }
        return figures
    }

    /// Throws for the first literal figure, naming the file and line.
    public static func check(_ text: String, file: String) throws {
        if let figure = find(in: text).first {
            throw SiteError(
                file: file, line: figure.line,
                "'\(figure.text)' \(figure.problem); write a [[placeholder]] (e.g. [[roofline.intensity]], [[gpu.ridge]]) or show its derivation ('… = value')")
        }
    }

    /// Checks the hint doc at `root/path`.
    public static func check(root: URL, path: String) throws {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            throw SiteError(file: path, "hint doc is missing or unreadable")
        }
        try check(String(decoding: data, as: UTF8.self), file: path)
    }

    private static func scan(_ line: String, line number: Int) -> [Figure] {
        var figures: [Figure] = []
        let characters = Array(line)
        var inCode = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "`" {
                inCode.toggle()
                index += 1
                continue
            }
            if !inCode, character == "]", index + 1 < characters.count, characters[index + 1] == "]" {
                // A placeholder already carries its unit: `[[roofline.intensity]] FLOP/byte` says it twice.
                let after = String(characters[(index + 2)...]).drop(while: { $0 == " " })
                if let unit = units.first(where: { after.hasPrefix($0) }) {
                    figures.append(Figure(line: number, text: "]] \(unit)", problem: "repeats the unit its placeholder already prints"))
                }
                index += 2
                continue
            }
            guard !inCode, character.isNumber, index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == ".") else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end].isNumber || characters[end] == "," || characters[end] == "." { end += 1 }
            let digits = String(characters[index..<end]).trimmingCharacters(in: CharacterSet(charactersIn: ",."))
            let rest = String(characters[end...])
            let afterSpace = rest.hasPrefix(" ") ? String(rest.dropFirst()) : rest
            if let unit = units.first(where: { afterSpace.hasPrefix($0) }),
               !afterSpace.dropFirst(unit.count).first.map({ $0.isLetter }).orFalse {
                let before = String(characters[..<index]).trimmingCharacters(in: .whitespaces)
                if !before.hasSuffix("=") {
                    figures.append(Figure(line: number, text: "\(digits) \(unit)", problem: "is a computed figure typed by hand"))
                }
            }
            index = end
        }
        return figures
    }
}

extension Optional where Wrapped == Bool {
    fileprivate var orFalse: Bool { self ?? false }
}

import Foundation
