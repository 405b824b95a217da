import Testing
@testable import LiterateReport

/// The one SVG writer and the one linear scale every chart uses.
@Suite struct SVGChartTests {
    @Test func scales() {
        // 43.08e12 / 5 = 8.6e12 → residual 8.6 → step 10·10¹²; ⌈43.08 / 10⌉ = 5 → top 50·10¹².
        let large = LinearScale(maximum: 43.08e12)
        #expect(large.step == 10e12 && large.top == 50e12)
        #expect(large.ticks == [0, 10e12, 20e12, 30e12, 40e12, 50e12])
        // 0.0123 / 5 = 0.00246 → residual 2.46 → 2.5·10⁻³ steps; ⌈0.0123 / 0.0025⌉ = 5 → top 0.0125.
        let small = LinearScale(maximum: 0.0123)
        #expect(abs(small.step - 0.0025) < 1e-15 && abs(small.top - 0.0125) < 1e-15)
        // The H200 page-cost tokens chart: 1.10 s / 5 = 0.22 → residual 2.2 → 0.25 s steps, top ⌈4.4⌉ · 0.25 = 1.25 s.
        let seconds = LinearScale(maximum: 1.10)
        #expect(abs(seconds.step - 0.25) < 1e-15 && abs(seconds.top - 1.25) < 1e-15 && seconds.ticks.count == 6)
        // 4.2 / 5 = 0.84 → residual 8.4 → step 1; top ⌈4.2⌉ = 5.
        #expect(scale(4.2) == [1, 5])
        // A maximum on a step multiple keeps it as the top: 30 / 5 = 6 → step 10, top 30.
        #expect(scale(30) == [10, 30])
        #expect(scale(0) == [1, 1])
        #expect(scale(.infinity) == [1, 1])
    }

    /// `[step, top]` of the scale for `maximum`.
    private func scale(_ maximum: Double) -> [Double] {
        let scale = LinearScale(maximum: maximum)
        return [scale.step, scale.top]
    }

    @Test func elementsAreEscapedInOrder() {
        var svg = SVGChart(width: 100, height: 50.5, attributes: ["role": "img", "aria-label": "a \"b\" & <c>"])
        svg.add("text", ["x": SVGChart.number(1.26), "y": "2"], text: "x < y & 'z'")
        svg.add("circle", ["cx": "1", "cy": "2", "r": "3"], children: SVGChart.title("<t>"), lineEnd: false)
        svg.add(written: SVGChart.link("p.html?a=1&b=2", SVGChart.element("rect", ["width": "4"])) + "\n")
        #expect(svg.finished() == """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" width="100" height="50" role="img" aria-label="a &quot;b&quot; &amp; &lt;c&gt;">
            <text x="1.3" y="2">x &lt; y &amp; &#39;z&#39;</text>
            <circle cx="1" cy="2" r="3"><title>&lt;t&gt;</title></circle><a href="p.html?a=1&amp;b=2"><rect width="4"/></a>
            </svg>

            """)
        #expect(SVGChart.link(nil, "<b/>") == "<b/>")
    }
}
