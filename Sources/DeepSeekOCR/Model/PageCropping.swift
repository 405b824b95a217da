import ModelMeter

/// A page (image) size in pixels, as the vendor's preprocessing sees it (`image.size`).
public struct PageSize: Sendable, Hashable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    /// Throws `invalidShape` unless both sides are in `1…WorkloadLimits.pageSide` (65,535).
    public init(width: Int, height: Int) throws {
        for (side, name) in [(width, "width"), (height, "height")] {
            try ModelMeterError.requirePositive(side, name, in: "page \(width)x\(height)")
            try ModelMeterError.requireAtMost(
                side, WorkloadLimits.pageSide, name, in: "page \(width)x\(height)",
                because: "pixels per side of the largest JPEG or WebP page")
        }
        self.width = width
        self.height = height
    }

    /// Parses `WIDTHxHEIGHT` in pixels (e.g. `1654x2339`, an A4 page at 200 dpi).
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else {
            throw ModelMeterError.malformedValue(
                what: "page size", value: text, expected: "WIDTHxHEIGHT in whole pixels, e.g. 1654x2339")
        }
        try self.init(width: width, height: height)
    }

    public var description: String { "\(width)x\(height)" }
}

/// The crop grid DeepSeek-OCR's dynamic preprocessing picks for a page (Gundam mode).
///
/// A Swift port of `count_tiles` / `find_closest_aspect_ratio` in the vendor's
/// `process/image_process.py` (`dynamic_preprocess` runs the same selection):
///
/// ```
/// if width ≤ 640 and height ≤ 640:   grid = 1×1 (no local crops; only the global view runs)
/// candidates = {(i, j) : min ≤ i·j ≤ max}            i = width tiles, j = height tiles
/// sorted by i·j (ties by i: our deterministic order; Python's comes from set iteration)
/// best = (1, 1), bestDiff = ∞
/// for (i, j) in candidates:
///     diff = |width/height − i/j|                     (IEEE doubles, as Python computes them)
///     if diff < bestDiff:          best = (i, j), bestDiff = diff
///     else if diff == bestDiff and width·height > 0.5·640²·i·j:   best = (i, j)
/// ```
/// The tie rule prefers the later (larger) grid only when the page has more than half the
/// pixels that grid's crops hold, so small pages are not blown up into many crops.
public enum PageCropping {
    /// Side of one local crop in pixels (`IMAGE_SIZE`; Gundam's `image_size`).
    public static let cropSide = 640

    /// Every grid `(i, j)` with `minimumCrops ≤ i·j ≤ maximumCrops`, ordered by `(i·j, i)`.
    ///
    /// `min 2, max 6` gives 13 grids:
    /// `1x2 2x1 | 1x3 3x1 | 1x4 2x2 4x1 | 1x5 5x1 | 1x6 2x3 3x2 6x1`.
    /// - Throws: `invalidShape` unless `1 ≤ minimumCrops ≤ maximumCrops ≤ 9` (the vendor's limit).
    public static func candidateGrids(minimumCrops: Int, maximumCrops: Int) throws -> [CropGrid] {
        try checkRange(minimumCrops: minimumCrops, maximumCrops: maximumCrops)
        var grids: [CropGrid] = []
        for count in minimumCrops...maximumCrops {
            for widthTiles in 1...count where count % widthTiles == 0 {
                grids.append(try CropGrid(widthTiles: widthTiles, heightTiles: count / widthTiles))
            }
        }
        return grids
    }

    /// The crop grid the vendor's preprocessing picks for `page`.
    ///
    /// Worked example (A4 at 200 dpi, 1654×2339, min 2, max 6): aspect 1654/2339 = 0.7071;
    /// |0.7071 − 1/2| = 0.2071, |0.7071 − 2/2| = 0.2929, |0.7071 − 2/3| = 0.0405 (the smallest;
    /// every other candidate is further) → `2x3`: 2 crops across, 3 down.
    /// - Parameters:
    ///   - page: the page size in pixels.
    ///   - minimumCrops, maximumCrops: the vendor's `MIN_CROPS` (2) and `MAX_CROPS` (6, at most 9).
    ///   - cropSide: side of one crop (640), used by the small-page rule and the tie rule.
    /// - Throws: `invalidShape` for a bad crop range; `overflow` when `width·height` leaves 64 bits.
    public static func grid(
        for page: PageSize, minimumCrops: Int = CropGrid.defaultMinimumCrops,
        maximumCrops: Int = CropGrid.defaultMaximumCrops, cropSide: Int = PageCropping.cropSide
    ) throws -> CropGrid {
        let candidates = try candidateGrids(minimumCrops: minimumCrops, maximumCrops: maximumCrops)
        try ModelMeterError.requirePositive(cropSide, "crop side", in: "page cropping")
        if page.width <= cropSide && page.height <= cropSide {
            return try CropGrid(widthTiles: 1, heightTiles: 1)
        }
        // `area > 0.5·s²·i·j` in exact integers: `2·area > s²·i·j` (Python compares int and float exactly).
        let (area, areaOverflow) = page.width.multipliedReportingOverflow(by: page.height)
        let (twiceArea, twiceOverflow) = area.multipliedReportingOverflow(by: 2)
        let (cropArea, cropOverflow) = cropSide.multipliedReportingOverflow(by: cropSide)
        if areaOverflow || twiceOverflow || cropOverflow {
            throw ModelMeterError.overflow(formula: "page width·height = \(page.width)·\(page.height)")
        }
        let aspect = Double(page.width) / Double(page.height)
        var best = try CropGrid(widthTiles: 1, heightTiles: 1)
        var bestDifference = Double.infinity
        for grid in candidates {
            let difference = abs(aspect - Double(grid.widthTiles) / Double(grid.heightTiles))
            if difference < bestDifference {
                best = grid
                bestDifference = difference
            } else if difference == bestDifference {
                let (gridArea, overflow) = cropArea.multipliedReportingOverflow(by: grid.count)
                if !overflow && twiceArea > gridArea { best = grid }
            }
        }
        return best
    }

    /// Throws unless `1 ≤ minimumCrops ≤ maximumCrops ≤ 9`.
    public static func checkRange(minimumCrops: Int, maximumCrops: Int) throws {
        let limit = CropGrid.largestMaximumCrops
        guard (1...limit).contains(minimumCrops) else {
            throw ModelMeterError.invalidShape(
                layer: "crop range", what: "minimum crops",
                reason: "\(minimumCrops) is outside the accepted 1…\(limit)")
        }
        guard (1...limit).contains(maximumCrops) else {
            throw ModelMeterError.invalidShape(
                layer: "crop range", what: "maximum crops",
                reason: "\(maximumCrops) is outside the accepted 1…\(limit) (the vendor allows at most \(limit) crops)")
        }
        guard minimumCrops <= maximumCrops else {
            throw ModelMeterError.invalidShape(
                layer: "crop range", what: "minimum crops",
                reason: "\(minimumCrops) exceeds the maximum \(maximumCrops); accepted: minimum ≤ maximum")
        }
    }
}
