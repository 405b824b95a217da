import Foundation

/// Resolves `[[key]]` placeholders in hint-doc prose from a table of formatted values.
///
/// Placeholders inside fenced code blocks and code spans are left alone; an unknown key is an
/// error naming the file and line.
public enum Placeholders {
    /// Resolves the placeholders of `text`, which starts at line `firstLine` of `file`.
    public static func resolve(_ text: String, values: [String: String], file: String, firstLine: Int = 1) throws -> String {
        var out: [String] = []
        var inFence = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if inFence || !line.contains("[[") {
                out.append(String(line))
                continue
            }
            out.append(try resolveLine(line, values: values, file: file, line: firstLine + index))
        }
        return out.joined(separator: "\n")
    }

    /// One pass over the line's bytes: a backtick toggles code, and `[[key]]` outside code is
    /// replaced. The search for `]]` resumes where the last one ended, so the time is linear.
    private static func resolveLine(_ line: Substring, values: [String: String], file: String, line number: Int) throws -> String {
        let bytes = Array(line.utf8)
        let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), backtick = UInt8(ascii: "`")
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var inCode = false
        var index = 0
        /// The first `]]` at or after `searchedFrom`, or nil when there is none (then none later either).
        var nextClose: Int? = nil
        var searchedFrom = -1
        func closing(after start: Int) -> Int? {
            if searchedFrom >= 0, start >= searchedFrom, nextClose == nil || nextClose! >= start { return nextClose }
            var position = start
            while position + 1 < bytes.count, !(bytes[position] == close && bytes[position + 1] == close) { position += 1 }
            searchedFrom = start
            nextClose = position + 1 < bytes.count ? position : nil
            return nextClose
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == backtick { inCode.toggle() }
            if byte == open, !inCode, index + 1 < bytes.count, bytes[index + 1] == open, let end = closing(after: index + 2) {
                let key = String(decoding: bytes[(index + 2)..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard let value = values[key] else {
                    let shown = key.count > 60 ? String(key.prefix(60)) + "…" : key
                    throw SiteError(file: file, line: number, "unknown placeholder '[[\(shown)]]'; known: \(values.keys.sorted().joined(separator: ", "))")
                }
                result += Array(value.utf8)
                index = end + 2
                continue
            }
            result.append(byte)
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
