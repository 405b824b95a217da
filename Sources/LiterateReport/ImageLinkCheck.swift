import Foundation

/// Bounds cmark's link matching before cmark sees the text. cmark 0.30 looks back over every
/// image opener `![` of a paragraph for each `]` that closes a link (image openers are never
/// deactivated), so a paragraph of `o` openers and `c` closing brackets costs `o·c` steps:
/// 100,000 × `![[]()` is 10¹⁰, about 40 s. The sum of `o·c` over a doc's paragraphs (text
/// between blank lines, fences included) is held to ``maximumSteps``.
struct ImageLinkCheck {
    /// 2·10⁷ steps, about 0.1 s at the 4.7 ns per step measured; real hint docs need under 100.
    static let maximumSteps = 20_000_000

    let path: String
    private var openers = 0, closers = 0, steps = 0, paragraphLine = 0

    init(path: String) { self.path = path }

    mutating func visit(_ line: Substring, number: Int) throws {
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
            openers = 0
            closers = 0
            return
        }
        if openers == 0 && closers == 0 { paragraphLine = number }
        var previous: Character = " "
        var lineOpeners = 0, lineClosers = 0
        for character in line {
            if character == "[" && previous == "!" { lineOpeners += 1 }
            if character == "]" { lineClosers += 1 }
            previous = character
        }
        // The paragraph's product grows by what this line adds: (o + Δo)(c + Δc) − o·c.
        steps += lineOpeners * (closers + lineClosers) + openers * lineClosers
        openers += lineOpeners
        closers += lineClosers
        guard steps <= ImageLinkCheck.maximumSteps else {
            throw SiteError(
                file: path, line: paragraphLine,
                "paragraph has \(openers) image openers '![' and \(closers) closing brackets; cmark's link matching would take "
                    + "more than \(ImageLinkCheck.maximumSteps) steps (openers × brackets per paragraph, summed over the doc)")
        }
    }
}
