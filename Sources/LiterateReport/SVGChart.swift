import Foundation
import ModelMeter

/// The one SVG writer of every chart (the site's and `sweep --chart-dir`'s): a document of
/// elements written in order, attributes in the order given, every attribute value and text
/// escaped with `Markup.escape`, coordinates to 0.1 px. The same calls always give the same bytes.
struct SVGChart {
    private(set) var text: String

    /// Opens `<svg xmlns=… viewBox="0 0 W H" width="W" height="H" …>` with `attributes` after the size.
    init(width: Double, height: Double, attributes: KeyValuePairs<String, String> = [:]) {
        let w = Int(width), h = Int(height)
        text = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\""
            + Self.attributeText(attributes) + ">\n"
    }

    /// `value` to one decimal (`12.0`), the precision of every coordinate.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// ` name="value"` for each attribute, values escaped.
    private static func attributeText(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(Markup.escape($0.value))\"" }.joined()
    }

    /// One element as text: `<name …/>`, `<name …>text</name>` (text escaped) or
    /// `<name …>children</name>` (children already written by this writer).
    static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil, children: String? = nil
    ) -> String {
        let open = "<\(name)" + attributeText(attributes)
        if let text { return open + ">" + Markup.escape(text) + "</\(name)>" }
        if let children { return open + ">" + children + "</\(name)>" }
        return open + "/>"
    }

    /// `text` escaped for an element's content, beside elements of this writer (`<tspan>1</tspan> label`).
    static func escaped(_ text: String) -> String { Markup.escape(text) }

    /// A `<title>` tooltip, the child of a mark.
    static func title(_ text: String) -> String { element("title", [:], text: text) }

    /// Appends one element; `lineEnd: false` keeps the next element on the same line.
    mutating func add(
        _ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil, children: String? = nil,
        lineEnd: Bool = true
    ) {
        self.text += Self.element(name, attributes, text: text, children: children) + (lineEnd ? "\n" : "")
    }

    /// Appends elements already written by this writer (a link around a mark and its label).
    mutating func add(written: String) { text += written }

    /// `<a href=…>content</a>`, or `content` alone when `href` is nil.
    static func link(_ href: String?, _ content: String) -> String {
        guard let href else { return content }
        return element("a", ["href": href], children: content)
    }

    /// The document, closed.
    func finished() -> String { text + "</svg>\n" }
}

/// The one linear axis scale of every chart: from 0 to a round top, with a step of 1, 2, 2.5 or
/// 5 × 10ⁿ that gives about five intervals (step = the first of those ≥ maximum / 5).
struct LinearScale: Equatable {
    let step: Double
    let top: Double

    /// A scale for values up to `maximum`; `(1, 1)` when nothing is positive.
    init(maximum: Double) {
        guard maximum > 0, maximum.isFinite else {
            step = 1
            top = 1
            return
        }
        let raw = maximum / 5
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        step = nice * magnitude
        // The top is a whole number of steps; 1e-9 keeps a maximum that is already a multiple
        // (up to rounding) from getting an extra step.
        top = max((maximum / step - 1e-9).rounded(.up), 1) * step
    }

    /// `0, step, 2·step, …, top`.
    var ticks: [Double] { (0...Int((top / step).rounded())).map { Double($0) * step } }
}
