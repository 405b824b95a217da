import DeepSeekOCR
import Foundation
import ModelMeter

/// The view pieces that show where a page job's time goes on one GPU: the headline, the split
/// by stage and the split by module class, each a chart, a table and its formula. The front
/// page and the per-GPU page-cost pages share them.
struct PageBreakdownView {
    let breakdown: PageModuleBreakdown
    /// The forecast under each runtime profile, shown beside every bound when present.
    var forecast: ForecastColumns? = nil
    var result: PageResult { breakdown.result }

    /// `share` of `whole` as `12.3 %`.
    static func share(_ part: Double, of whole: Double) -> String {
        whole > 0 ? String(format: "%.1f %%", 100 * part / whole) : "0.0 %"
    }

    /// Headline rows: time per page, pages per day, output tokens per second (roofline floor),
    /// each with the forecast of every profile.
    var headline: [[String: Any]] {
        let rows = PageCostPageBuilder.totalsLines(result).filter { $0["key"] != "batchSeconds" }
        return forecast?.headline(rows) ?? rows
    }

    /// The keys `templates/page-breakdown.mustache` reads, with the charts' files.
    func view(stageFile: String, classFile: String) throws -> [String: Any] {
        let page = result.page
        var view: [String: Any] = [
            "gpu": Markup.escape(result.gpu.name, for: .markdown),
            "precision": page.precision.rawValue,
            "page": page.label,
            "batch": Format.count(page.batch),
            "outputTokens": Format.count(page.outputTokens),
            "prompt": Format.count(page.promptTokens),
            "visionTokens": Format.count(page.workload.visionTokensPerPage),
            "promptText": Format.count(page.workload.decoder.promptTextTokens),
            "headline": headline,
            "decodeShare": decodeShare,
            "topDecode": topDecodeClasses,
            "stages": try stageRows(),
            "batchSeconds": Format.seconds(result.batchSeconds),
            "classes": classRows,
            "stagesChart": stageFile,
            "classesChart": classFile,
            "logitsNote": "",
        ]
        if let forecast { view.merge(forecast.view()) { $1 } }
        return view
    }

    /// `T_decode / T`.
    var decodeShare: String { Self.share(result.stage(.decode).seconds, of: result.batchSeconds) }

    /// One row per stage and the page row: calls, time, share of `T`, formula with values.
    func stageRows() throws -> [[String: Any]] {
        try result.stages.map { stage in
            var row = try PageCostPageBuilder.stageRow(stage, result)
            row["share"] = Self.share(stage.seconds, of: result.batchSeconds)
            if stage.stage == .decode { row["formula"] = Format.code(try PageCostPageBuilder.decodeTimeLine(result)) }
            row["forecasts"] = forecast?.stageCells(stage.stage) ?? []
            return row
        }
    }

    /// One row per module class, largest page time first: its time in each stage, on the page,
    /// its share of the page and of decode.
    var classRows: [[String: String]] {
        let decodeSeconds = result.stage(.decode).seconds
        return breakdown.classesByTime.map { moduleClass in
            func time(_ stage: ModelStage) -> String {
                breakdown.seconds[stage]?[moduleClass].map(Format.seconds) ?? "—"
            }
            return [
                "class": moduleClass.rawValue,
                "members": moduleClass.members(in: result.page.workload.model),
                "vision": time(.vision),
                "prefill": time(.prefill),
                "decode": time(.decode),
                "page": Format.seconds(breakdown.pageSeconds(moduleClass)),
                "share": Self.share(breakdown.pageSeconds(moduleClass), of: result.batchSeconds),
                "decodeShare": breakdown.seconds[.decode]?[moduleClass].map { Self.share($0, of: decodeSeconds) } ?? "—",
            ]
        }
    }

    /// "MoE routed experts 51.2 %, lm_head 27.9 % and attention 16.9 %": the largest three of decode.
    var topDecodeClasses: String {
        let decode = breakdown.seconds[.decode] ?? [:]
        let total = result.stage(.decode).seconds
        let named = breakdown.decodeClassesByTime.prefix(3).map { "**\($0.rawValue)** \(Self.share(decode[$0] ?? 0, of: total))" }
        guard named.count > 1 else { return named.joined() }
        return named.dropLast().joined(separator: ", ") + " and " + named.last!
    }

    /// The two share bars: the page by stage and by module class.
    func charts(stageFile: String, classFile: String) -> [String: String] {
        let page = result.page
        let what = "\(result.gpu.name), B = \(page.batch), N = \(page.outputTokens)"
        let stages = ShareBarChart(
            title: "A page by stage (bound), \(what)",
            parts: result.stages.map { ($0.stage.rawValue, $0.seconds) })
        let classes = ShareBarChart(
            title: "A page by module class (bound), \(what)",
            parts: breakdown.classesByTime.map { ($0.rawValue, breakdown.pageSeconds($0)) })
        return [stageFile: stages.svg(), classFile: classes.svg()]
    }

    /// One decode step split by class at each cache length in `cached`: each class's share of the step.
    func decodeStepRows(at cached: [Int]) throws -> (bounds: [String], rows: [[String: Any]]) {
        let steps = try cached.map { try breakdown.decodeStepSeconds(at: $0) }
        let totals = steps.map { $0.seconds.values.reduce(0, +) }
        let rows: [[String: Any]] = breakdown.decodeClassesByTime.map { moduleClass in
            [
                "class": moduleClass.rawValue,
                "cells": zip(steps, totals).map { step, total in
                    ["time": Format.seconds(step.seconds[moduleClass] ?? 0), "share": Self.share(step.seconds[moduleClass] ?? 0, of: total)]
                },
            ]
        }
        return (zip(steps, totals).map { "\(Format.seconds($1)), \($0.bound.rawValue)" }, rows)
    }
}
