import Ccmark

/// Options that control how Markdown is parsed and rendered to HTML.
///
/// Most options map one-to-one onto cmark's `CMARK_OPT_*` flags; ``headingAnchors``
/// is handled by this module. The default (`[]`) is cmark's safe mode: raw HTML in
/// the Markdown is replaced by `<!-- raw HTML omitted -->`.
public struct RenderOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// No options: safe rendering (raw HTML omitted), no heading ids.
    public static let `default`: RenderOptions = []

    /// Adds `data-sourcepos` attributes to block elements (`CMARK_OPT_SOURCEPOS`).
    public static let sourcePos = RenderOptions(rawValue: CMARK_OPT_SOURCEPOS)

    /// Renders soft line breaks as `<br />` (`CMARK_OPT_HARDBREAKS`).
    public static let hardBreaks = RenderOptions(rawValue: CMARK_OPT_HARDBREAKS)

    /// Lets raw HTML and dangerous URLs through (`CMARK_OPT_UNSAFE`).
    ///
    /// The output still passes ``HTMLSanitizer``'s allow-list: no scripts, event handlers,
    /// script-capable URLs or embedded documents.
    public static let unsafe = RenderOptions(rawValue: CMARK_OPT_UNSAFE)

    /// Renders soft line breaks as spaces (`CMARK_OPT_NOBREAKS`).
    public static let noBreaks = RenderOptions(rawValue: CMARK_OPT_NOBREAKS)

    /// Converts straight quotes, `--` and `...` to typographic punctuation (`CMARK_OPT_SMART`).
    public static let smart = RenderOptions(rawValue: CMARK_OPT_SMART)

    /// Replaces invalid UTF-8 with U+FFFD (`CMARK_OPT_VALIDATE_UTF8`).
    ///
    /// Swift strings are always valid UTF-8, so this is accepted for completeness only.
    public static let validateUTF8 = RenderOptions(rawValue: CMARK_OPT_VALIDATE_UTF8)

    /// Adds `id` attributes derived from the heading text to `<h1>`…`<h6>`.
    ///
    /// See ``CommonMark/slug(for:)`` for how an id is formed; repeated ids get
    /// `-1`, `-2`, … appended in document order.
    public static let headingAnchors = RenderOptions(rawValue: 1 << 30)

    /// The subset of bits that cmark itself understands.
    var cmarkFlags: Int32 {
        rawValue & (CMARK_OPT_SOURCEPOS | CMARK_OPT_HARDBREAKS | CMARK_OPT_UNSAFE
            | CMARK_OPT_NOBREAKS | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8)
    }
}
