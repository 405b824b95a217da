import Foundation
import ModelMeter
import Testing
@testable import DeepSeekOCR

/// `PageCropping` against worked examples of the vendor's `count_tiles` /
/// `find_closest_aspect_ratio`, every choice argued by hand below.
///
/// Vision tokens (Gundam, base 1024, crops of 640): global 16·17 + 1 = 273, each crop row adds
/// 10 token rows of (w·10 + 1) tokens, so a w×h grid has 273 + (h·10)·(w·10 + 1) tokens.
@Suite struct PageCroppingTests {
    @Test func candidatesAreOrderedByCountThenWidth() throws {
        // n = 2: 1x2 2x1; n = 3: 1x3 3x1; n = 4: 1x4 2x2 4x1; n = 5: 1x5 5x1; n = 6: 1x6 2x3 3x2 6x1.
        let grids = try PageCropping.candidateGrids(minimumCrops: 2, maximumCrops: 6).map(\.description)
        #expect(grids == ["1x2", "2x1", "1x3", "3x1", "1x4", "2x2", "4x1", "1x5", "5x1", "1x6", "2x3", "3x2", "6x1"])
        // 1…9 adds 1x1 (n = 1), n = 7 (1x7 7x1), n = 8 (1x8 2x4 4x2 8x1), n = 9 (1x9 3x3 9x1): 13 + 1 + 2 + 4 + 3 = 23.
        #expect(try PageCropping.candidateGrids(minimumCrops: 1, maximumCrops: 9).count == 23)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let width: Int, height: Int, minimum: Int, maximum: Int
        let grid: String
        let tokens: Int
        var testDescription: String { "\(width)x\(height) [\(minimum)…\(maximum)] → \(grid)" }
    }

    static let cases: [Case] = [
        // A4 at 200 dpi: aspect 1654/2339 = 0.70714. |0.70714 − 1/2| = 0.20714, |0.70714 − 1| = 0.29286,
        // |0.70714 − 2/3| = 0.04047; 1/3, 1/4, 1/5, 1/6 and every landscape grid are further → 2x3.
        // Tokens 273 + (3·10)·(2·10 + 1) = 273 + 630 = 903.
        Case(width: 1654, height: 2339, minimum: 2, maximum: 6, grid: "2x3", tokens: 903),
        // Up to 9 crops adds 2/4 = 0.5 (0.20714), 3/3 = 1 (0.29286), 1/7…1/9: 2/3 still wins → 2x3.
        Case(width: 1654, height: 2339, minimum: 2, maximum: 9, grid: "2x3", tokens: 903),
        // 1920×1080: aspect 1.77778. 2/1: 0.22222; 3/2: 0.27778; 3/1: 1.22222 → 2x1.
        // Tokens 273 + (1·10)·(2·10 + 1) = 273 + 210 = 483.
        Case(width: 1920, height: 1080, minimum: 2, maximum: 6, grid: "2x1", tokens: 483),
        // Up to 9: 4/2 = 2.0 ties 2/1 exactly (diff 0.22222 both); area 1920·1080 = 2,073,600 >
        // 0.5·640²·8 = 1,638,400 → the later 4x2 replaces 2x1. Tokens 273 + 20·41 = 273 + 820 = 1093.
        Case(width: 1920, height: 1080, minimum: 2, maximum: 9, grid: "4x2", tokens: 1093),
        // 1300×650: aspect exactly 2. 2x1 has diff 0; 4x2 ties at 0 but 1300·650 = 845,000 is not
        // > 1,638,400 → 2x1 stays. Tokens 483.
        Case(width: 1300, height: 650, minimum: 2, maximum: 9, grid: "2x1", tokens: 483),
        // Both sides ≤ 640 → no crops (1x1, only the global view): 273 tokens.
        Case(width: 640, height: 640, minimum: 2, maximum: 6, grid: "1x1", tokens: 273),
        Case(width: 600, height: 400, minimum: 2, maximum: 6, grid: "1x1", tokens: 273),
        // 641×100: aspect 6.41. 6/1: 0.41; 5/1: 1.41 → 6x1. Tokens 273 + 10·61 = 883.
        Case(width: 641, height: 100, minimum: 2, maximum: 6, grid: "6x1", tokens: 883),
        // 1000×3000: aspect 1/3 exactly as a double; 1x3 has diff 0 and nothing later ties
        // (2x6 needs 12 crops) → 1x3. Tokens 273 + 30·11 = 603.
        Case(width: 1000, height: 3000, minimum: 2, maximum: 9, grid: "1x3", tokens: 603),
        // Square 700×700 with min 1: 1x1 diff 0; 2x2 ties but 490,000 ≤ 0.5·640²·4 = 819,200 → 1x1.
        Case(width: 700, height: 700, minimum: 1, maximum: 9, grid: "1x1", tokens: 273),
        // 1400×1400: 1,960,000 > 819,200 → 2x2; > 0.5·640²·9 = 1,843,200 → 3x3.
        // Tokens 273 + 30·31 = 1203.
        Case(width: 1400, height: 1400, minimum: 1, maximum: 9, grid: "3x3", tokens: 1203),
    ]

    @Test(arguments: cases) func vendorGrid(_ c: Case) throws {
        let page = try PageSize(width: c.width, height: c.height)
        let grid = try PageCropping.grid(for: page, minimumCrops: c.minimum, maximumCrops: c.maximum)
        #expect(grid.description == c.grid)
        #expect(try Workload(mode: .gundam, crops: grid).visionTokensPerPage == c.tokens)
    }

    @Test func parsingPageSizes() throws {
        let page = try PageSize(parsing: "1654X2339")
        #expect(page.width == 1654 && page.height == 2339)
        for text in ["1654x", "x2339", "axb", "1654x2339x3", "1654*2339", "", "16.5x20"] {
            #expect(throws: ModelMeterError.malformedValue(
                what: "page size", value: text, expected: "WIDTHxHEIGHT in whole pixels, e.g. 1654x2339")) {
                try PageSize(parsing: text)
            }
        }
        #expect(throws: ModelMeterError.invalidShape(layer: "page 0x100", what: "width", reason: "0 is not positive")) {
            try PageSize(parsing: "0x100")
        }
        #expect(throws: ModelMeterError.invalidShape(layer: "page 100x-5", what: "height", reason: "-5 is not positive")) {
            try PageSize(parsing: "100x-5")
        }
    }

    @Test func cropRangeLimits() throws {
        let a4 = try PageSize(width: 1654, height: 2339)
        #expect(throws: ModelMeterError.invalidShape(
            layer: "crop range", what: "maximum crops",
            reason: "10 is outside the accepted 1…9 (the vendor allows at most 9 crops)")) {
            try PageCropping.grid(for: a4, minimumCrops: 2, maximumCrops: 10)
        }
        #expect(throws: ModelMeterError.invalidShape(
            layer: "crop range", what: "minimum crops", reason: "0 is outside the accepted 1…9")) {
            try PageCropping.grid(for: a4, minimumCrops: 0, maximumCrops: 6)
        }
        #expect(throws: ModelMeterError.invalidShape(
            layer: "crop range", what: "minimum crops", reason: "5 exceeds the maximum 4; accepted: minimum ≤ maximum")) {
            try PageCropping.grid(for: a4, minimumCrops: 5, maximumCrops: 4)
        }
    }

    @Test func absurdPageRefusedBeforeItsArea() throws {
        // 4e9·4e9 = 1.6e19 would pass Int.max ≈ 9.22e18; a side past 65,535 is refused first.
        #expect(throws: ModelMeterError.invalidShape(
            layer: "page 4000000000x4000000000", what: "width",
            reason: "4000000000 is more than 65535, the largest width that works (pixels per side of the largest JPEG or WebP page)")) {
            _ = try PageSize(width: 4_000_000_000, height: 4_000_000_000)
        }
        // The largest page: 65,535² = 4,294,836,225 pixels, aspect 1 → 2x2 (|1 − 2/2| = 0).
        #expect(try PageCropping.grid(for: try PageSize(width: 65_535, height: 65_535)).description == "2x2")
    }

    @Test func reportUsesThePageGrid() throws {
        // A4 → 2x3 → 903 tokens (see `cases`).
        let json = try CommandHarness.output(["report", "--format", "json", "--page", "1654x2339"])
        #expect(json.contains("\"crops\": \"2x3\""))
        #expect(json.contains("\"visionTokensPerPage\": 903"))
        // Up to 9 crops, 1920×1080 → 4x2 → 1093 tokens; the local view runs batch 2·8 = 16 crops.
        let landscape = try CommandHarness.output(
            ["report", "--format", "json", "--page", "1920x1080", "--max-crops", "9", "--batch", "2"])
        #expect(landscape.contains("\"crops\": \"4x2\""))
        #expect(landscape.contains("\"visionTokensPerPage\": 1093"))
        #expect(landscape.contains("\"batch\": 16"))
        // A page within 640×640: global view only, 273 tokens, no crops.
        let small = try CommandHarness.output(["report", "--format", "json", "--page", "600x400"])
        #expect(small.contains("\"crops\": null"))
        #expect(small.contains("\"visionTokensPerPage\": 273"))
    }
}
