import Foundation
import Testing
import CommonMark
import LiterateReport

/// Seeded random hint docs built from hostile fragments, through parsing, placeholder
/// resolution, link rewriting and HTML rendering: no crash, no hang, every error names a line
/// of the file that holds what it complains about, and no script-capable HTML comes out.
@Suite("Hint-doc fuzzing")
struct HintDocFuzzTests {
    static let cases = 3_000
    static let path = "context/hints/dsocr-kb/ops/op-Block.md"

    static let fragments: [String] = [
        "word", "text ", " ", "Block", "é", "😀", "\u{FEFF}", "\t", "\r", "\u{0}", "\u{202E}",
        "[[", "]]", "[[forward.tensorCoreFLOPs]]", "[[ forward.tensorCoreFLOPs ]]", "[[bogus]]", "[[]]", "[", "]",
        "`", "``", "](", ")", "[link](op-Block.md)", "[up](../conventions.md#x)", "[bad](op-Nowhere.md)",
        "[ext](https://example.com)", "[js](javascript:alert(1))", "![img](data:text/html,x)",
        "|", " | ", "|---|---|", "| a | b |", ":--", "--:", "\\", "*", "_", "<", ">", "&", "&#58;", "&colon;", "&#x6A;",
        "<script>alert(1)</script>", "<SCRIPT>", "</script>", "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">", "<a href='jav&#x61;script:x'>", "<A HREF=\"&#106;avascript:x\">", "</a>",
        "<iframe src=//x>", "<svg onload=alert(1)>", "<math>", "<!--", "-->", "<!-->", "<style>", "</style>",
        "<base href=//x>", "<meta http-equiv=refresh content=0>", "<form>", "<div class=ok>", "</div>",
        "<details open>", "<p title=\"a>b\" onclick=x>", "<img src=\"data:image/png;base64,AA==\">", "<?x ?>",
        "<![CDATA[", "]]>", "<a href=\"x\"", "<p style=\"text-align: right\">", "<td style='color:red'>",
        // Pieces of script URLs spelled with references (no `;`, leading zeros, named), and of
        // attribute values that hold a tag end.
        "<a href=\"", "<a href=", "\">x</a>", "javascript", "java", "script", "avascript", ":", "&#58", "&#0000058",
        "&#x3a", "&#X3A;", "&#106", "&#0000106;", "&Tab;", "&NewLine;", "&#9", "&#x0A", "&#0", "&amp", "&ampx",
        "<img src=\"x\" title=\"", "<img src=\"x\" alt='", "/>", "\" onerror=alert(1)", "'><iframe srcdoc=x>",
    ]
    static let lineStarts = [
        "", "", "", "# ", "## ", "### ", "```", "~~~", "```mermaid", "    ", "> ", "- ", "1. ", "| ",
    ] + HintDocument.requiredSections.map { "## \($0)" }

    static func randomDoc(_ random: inout SplitMix64) -> String {
        var lines: [String] = []
        if random.below(4) > 0 { lines.append("# Block") }
        for _ in 0..<random.below(60) {
            var line = lineStarts[random.below(lineStarts.count)]
            if line.hasPrefix("## "), HintDocument.requiredSections.contains(String(line.dropFirst(3))) {
                lines.append(line)
                continue
            }
            for _ in 0..<random.below(9) {
                if random.below(40) == 0 {
                    // A long run of one character: the quadratic traps.
                    line += String(repeating: ["[", "<", "|", "`", "](", "[[", "&"][random.below(7)], count: 1 + random.below(3_000))
                } else {
                    line += fragments[random.below(fragments.count)]
                }
            }
            lines.append(line)
        }
        // Load normalises CRLF the same way.
        return lines.joined(separator: "\n").replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test("a few thousand random hint docs: no crash or hang, errors name the right line, no script-capable HTML")
    func fuzz() throws {
        var random = SplitMix64(seed: 0x13_2026)
        let links = LinkMap(pages: [Self.path: "op-Block", "context/hints/dsocr-kb/conventions.md": "conventions"])
        let values = ["forward.tensorCoreFLOPs": "1.00 GFLOP"]
        var parsed = 0, resolved = 0, errors = 0, rendered = 0, markup = 0, hangs = 0
        var slowest = 0.0
        let clock = ContinuousClock()
        let cpuStart = Self.threadCPUSeconds()
        let elapsed = try clock.measure {
            for index in 0..<Self.cases {
                let caseStart = Self.threadCPUSeconds()
                defer {
                    let seconds = Self.threadCPUSeconds() - caseStart
                    slowest = max(slowest, seconds)
                    if seconds > 5 { hangs += 1 }
                }
                let text = Self.randomDoc(&random)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                func expectLine(_ error: SiteError, contains marker: String?) {
                    guard let line = error.line else { return }
                    #expect(line >= 1 && line <= lines.count, "case \(index): line \(line) of \(lines.count): \(error)")
                    if let marker, line >= 1, line <= lines.count {
                        #expect(lines[line - 1].contains(marker), "case \(index): \(error) points at '\(lines[line - 1].prefix(80))'")
                    }
                }
                let doc: HintDocument
                do {
                    doc = try HintDocument(path: Self.path, text: text, requireSections: random.below(2) == 0)
                    parsed += 1
                } catch let error as SiteError {
                    errors += 1
                    expectLine(error, contains: nil)
                    continue
                }
                var pieces: [(text: String, line: Int)] = [(doc.preamble, doc.preambleLine), (doc.body, doc.bodyLine)]
                for name in doc.sections.keys.sorted() { pieces.append((doc.section(name), doc.line(ofSection: name))) }
                for piece in pieces {
                    do {
                        let prose = try Placeholders.resolve(piece.text, values: values, file: doc.path, firstLine: piece.line)
                        _ = try links.rewrite(prose, source: doc.path, firstLine: piece.line)
                        resolved += 1
                    } catch let error as SiteError {
                        errors += 1
                        expectLine(error, contains: error.problem.contains("placeholder") ? "[[" : "](")
                    }
                }
                // Raw HTML through (cmark's safe mode is cmark's; the allow-list is ours).
                let html = CommonMark.html(from: text, options: [.headingAnchors, .unsafe])
                rendered += 1
                if let problem = Self.scriptCapable(html) {
                    markup += 1
                    Issue.record("case \(index): \(problem.problem) in '\(problem.context)'")
                }
            }
        }
        let cpu = Self.threadCPUSeconds() - cpuStart
        // Crashes end the process, so a finished run had none.
        print("hint-doc fuzzing: \(Self.cases) runs, \(parsed) parsed, \(Self.cases - parsed) refused with a clear error, "
            + "\(errors - (Self.cases - parsed)) placeholder or link errors, \(resolved) sections resolved, "
            + "\(rendered) rendered, 0 crashes, \(hangs) hangs (over 5 s CPU), \(markup) with script-capable markup; "
            + "\(elapsed) wall, \(String(format: "%.1f", cpu)) s CPU, slowest case \(String(format: "%.3f", slowest)) s CPU")
        #expect(markup == 0 && hangs == 0)
        #expect(parsed > Self.cases / 4 && errors > 0, "the generator should reach both paths")
        // Bounded in this thread's CPU time, which other processes on a busy machine do not
        // inflate: about 10 s in a debug build; a quadratic path would take seconds per case.
        #expect(slowest < 5, "a single doc took \(slowest) s of CPU")
        #expect(cpu < 60, "the fuzz run took \(cpu) s of CPU")
    }

    /// CPU time this thread has used, in seconds.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The first script-capable thing in `html`, found by a tag reader of its own, with the tag.
    static func scriptCapable(_ html: String) -> (problem: String, context: String)? {
        var tagStart = 0
        let bytes = Array(html.utf8)
        func context() -> String { String(decoding: bytes[tagStart..<min(bytes.count, tagStart + 120)], as: UTF8.self) }
        guard let problem = firstProblem(bytes, tagStart: &tagStart) else { return nil }
        return (problem, context())
    }

    static func firstProblem(_ bytes: [UInt8], tagStart: inout Int) -> String? {
        let forbidden: Set<String> = ["script", "style", "iframe", "object", "embed", "base", "meta", "link", "form", "svg", "math", "template", "input", "button"]
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 12 || byte == 13 }
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { continue }
            tagStart = index
            if bytes[index + 1] == UInt8(ascii: "!") {
                let rest = String(decoding: bytes[index..<min(bytes.count, index + 200)], as: UTF8.self)
                if !rest.hasPrefix("<!-- raw HTML omitted -->") && !rest.hasPrefix("<!--") { return "markup declaration \(rest.prefix(30))" }
                continue
            }
            var position = index + 1
            if bytes[position] == UInt8(ascii: "/") { position += 1 }
            guard position < bytes.count, isLetter(bytes[position]) else { continue }
            let nameStart = position
            while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: ">"), bytes[position] != UInt8(ascii: "/") { position += 1 }
            let name = String(decoding: bytes[nameStart..<position], as: UTF8.self).lowercased()
            if forbidden.contains(name) { return "element <\(name)>" }
            // Attributes up to the closing `>`, quotes respected.
            while position < bytes.count, bytes[position] != UInt8(ascii: ">") {
                if isSpace(bytes[position]) || bytes[position] == UInt8(ascii: "/") { position += 1; continue }
                let attributeStart = position
                while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: ">"), bytes[position] != UInt8(ascii: "=") { position += 1 }
                let attribute = String(decoding: bytes[attributeStart..<position], as: UTF8.self).lowercased()
                var value = ""
                if position < bytes.count, bytes[position] == UInt8(ascii: "=") {
                    position += 1
                    let quote = position < bytes.count ? bytes[position] : 0
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        let end = bytes[(position + 1)...].firstIndex(of: quote) ?? bytes.count
                        value = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
                        position = min(end + 1, bytes.count)
                    } else {
                        let start = position
                        while position < bytes.count, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: ">") { position += 1 }
                        value = String(decoding: bytes[start..<position], as: UTF8.self)
                    }
                }
                if attribute.hasPrefix("on") { return "handler \(attribute) on <\(name)>" }
                if attribute == "style", !value.lowercased().hasPrefix("text-align") { return "style '\(value)'" }
                if ["href", "src", "cite"].contains(attribute) {
                    let compact = decodedReferences(value).lowercased()
                        .filter { !$0.isWhitespace && !$0.isASCII || ($0.isASCII && $0.asciiValue! > 32) }
                    // A scheme is what comes before a `:` that precedes any `/`, `?` or `#`.
                    let beforePath = compact.prefix { !"/?#".contains($0) }
                    if let colon = beforePath.firstIndex(of: ":") {
                        let scheme = String(beforePath[..<colon])
                        let allowed = ["http", "https", "mailto"].contains(scheme) || (scheme == "data" && compact.hasPrefix("data:image/"))
                        if !allowed { return "scheme \(scheme): \(attribute)=\(value)" }
                    }
                }
            }
            index = position
        }
        return nil
    }
}

/// `value` with the character references a browser decodes in an attribute, by this test's
/// own reading of the HTML standard: numeric ones with any digits and an optional `;`, and the
/// named ones that give a scheme's characters (`&colon;`, `&Tab;`, `&NewLine;`, legacy `&amp`).
/// The sanitizer has its own decoder; this one checks it.
func decodedReferences(_ value: String) -> String {
    let named = ["colon;": ":", "Tab;": "\t", "NewLine;": "\n", "amp;": "&", "amp": "&", "sol;": "/", "lpar;": "(", "rpar;": ")"]
    var out = ""
    var rest = Substring(value)
    while let ampersand = rest.firstIndex(of: "&") {
        out += rest[..<ampersand]
        rest = rest[rest.index(after: ampersand)...]
        if rest.first == "#" {
            var digits = rest.dropFirst()
            let hex = digits.first == "x" || digits.first == "X"
            if hex { digits = digits.dropFirst() }
            let number = digits.prefix { hex ? $0.isHexDigit : $0.isASCII && $0.isNumber }
            if let code = UInt32(number.suffix(8), radix: hex ? 16 : 10), !number.isEmpty {
                out += Unicode.Scalar(code).map { String(Character($0)) } ?? "\u{FFFD}"
                rest = digits.dropFirst(number.count)
                if rest.first == ";" { rest = rest.dropFirst() }
                continue
            }
        } else if let name = named.keys.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) {
            let after = rest.dropFirst(name.count).first
            if name.hasSuffix(";") || !(after?.isLetter == true || after?.isNumber == true || after == "=") {
                out += named[name]!
                rest = rest.dropFirst(name.count)
                continue
            }
        }
        out += "&"
    }
    return out + rest
}

extension SplitMix64 {
    /// Uniform in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A small deterministic generator (SplitMix64), so every run repeats the same cases.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
