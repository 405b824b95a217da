import DeepSeekOCR
import Foundation
import ModelMeter

/// Builds `page-cost-<gpu>.md` for every catalog GPU (`templates/gpu.md.mustache`): the report's
/// page on that GPU by stage and by module class, a decode step module by module, time against
/// output tokens and a batch grid. Pre-rendered pages joined by a picker of links: no scripts.
struct GPUPagesBuilder {
    /// Output lengths of the time-against-tokens table (`P + N` stays within 8,192 positions).
    static let outputTokens = [250, 500, 1000, 2000, 4000]
    /// Batches of the grid and of the decode split.
    static let batches = [1, 2, 4, 8, 16, 32, 64, 128]
    static let gridOutputTokens = [500, 1000, 2000]
    static let splitBatches = [1, 8, 32, 128]

    let report: ModelReport
    /// The runtime profiles whose forecasts stand beside the bounds (`context/measurements/fits/`).
    let profiles: [(profile: RuntimeProfile, file: String)]

    static func pageName(_ gpu: GPUSpec) -> String { "page-cost-\(gpu.id)" }

    /// One link per catalog GPU; the current page's GPU in bold instead of a link.
    static func picker(current: GPUSpec?) -> String {
        GPUCatalog.all.map { gpu in
            let name = Markup.escape(gpu.name, for: .markdown)
            return gpu.id == current?.id ? "**\(name)**" : "[\(name)](\(pageName(gpu)).md)"
        }.joined(separator: " · ")
    }

    /// Every GPU's page (name, title, view) and their charts.
    func views() throws -> (pages: [(page: String, title: String, view: [String: Any])], charts: [String: String]) {
        let page = try PageWorkload(workload: report.workload, precision: report.precision)
        let evaluator = PageCostEvaluator(for: page)
        var pages: [(page: String, title: String, view: [String: Any])] = []
        var charts: [String: String] = [:]
        // The GPU-independent splits, evaluated once for every GPU.
        let prefill = try PageModuleBreakdown.prefill(page), decodeStep = try PageModuleBreakdown.decodeStep(page)
        let batchSteps = try Self.batchSteps(page)
        for gpu in GPUCatalog.all {
            let name = Self.pageName(gpu)
            let result = try evaluator.result(page, gpu: gpu)
            let breakdown = PageBreakdownView(
                breakdown: try PageModuleBreakdown(result, prefill: prefill, decodeStep: decodeStep),
                forecast: try ForecastColumns(profiles: profiles, page: page, gpu: gpu, evaluator: evaluator))
            let (stageFile, classFile, tokensFile) = ("\(name)-stages.svg", "\(name)-classes.svg", "\(name)-tokens.svg")
            var view = try breakdown.view(stageFile: stageFile, classFile: classFile)
            charts.merge(breakdown.charts(stageFile: stageFile, classFile: classFile)) { $1 }
            view.merge(try Self.decodeSplitView(breakdown, batchSteps: batchSteps)) { $1 }
            let lengths = try Self.outputTokens.map { try evaluator.result(try page.withOutputTokens($0), gpu: gpu) }
            view["title"] = "A page on the \(Markup.escape(gpu.name, for: .markdown))"
            view["picker"] = Self.picker(current: gpu)
            view["memory"] = Format.bytes(Int(result.memoryCapacityBytes))
            view["bandwidth"] = Format.bandwidth(gpu.memoryBandwidthGBps)
            view["tensorPeak"] = String(format: "%g", try gpu.tensorCorePeak(for: page.precision).teraFLOPS)
            view["tokensChart"] = tokensFile
            view["lengths"] = lengths.map { r in
                [
                    "n": Format.count(r.page.outputTokens), "perPage": Format.seconds(r.secondsPerPage),
                    "decodeShare": PageBreakdownView.share(r.stage(.decode).seconds, of: r.batchSeconds),
                    "pagesPerDay": Format.count(Int(r.pagesPerDay)), "tokensPerSecond": Format.count(Int(r.outputTokensPerSecond)),
                ]
            }
            charts[tokensFile] = LineChart(
                title: "Time per page (bound) against output tokens N, \(gpu.name), B = \(page.batch)",
                xTitle: "output tokens per page N", yTitle: "seconds per page (bound)",
                points: lengths.map { (Double($0.page.outputTokens), $0.secondsPerPage, SIUnits.seconds($0.secondsPerPage)) },
                yTick: LineChart.seconds
            ).svg()
            view["gridTokens"] = Self.gridOutputTokens.map { ["n": Format.count($0)] }
            view["grid"] = try Self.batches.map { batch in
                [
                    "batch": Format.count(batch),
                    "cells": try Self.gridOutputTokens.map { tokens -> [String: String] in
                        let r = try evaluator.result(try page.withOutputTokens(tokens).withBatch(batch), gpu: gpu)
                        guard r.fitsInMemory else { return ["cell": "does not fit (\(Format.bytes(r.peakMemoryBytes)))"] }
                        return ["cell": "\(Format.count(Int(r.pagesPerDay))) / \(Format.count(Int(r.outputTokensPerSecond)))"]
                    },
                ]
            }
            pages.append((name, "Page cost: \(gpu.name)", view))
        }
        return (pages, charts)
    }

    /// A decode step per class for each of `splitBatches`.
    static func batchSteps(_ page: PageWorkload) throws -> [[ModuleClass: AffinePassCost]] {
        try splitBatches.map { try PageModuleBreakdown.decodeStep(try page.withBatch($0)) }
    }

    /// The keys of `templates/decode-split.mustache`: one decode step split by module class at
    /// the first and the last step, and at the first step as the batch grows.
    static func decodeSplitView(_ breakdown: PageBreakdownView, batchSteps: [[ModuleClass: AffinePassCost]]) throws -> [String: Any] {
        let result = breakdown.result
        let page = result.page
        let first = page.promptTokens, last = page.promptTokens + page.outputTokens - 1
        let (bounds, rows) = try breakdown.decodeStepRows(at: [first, last])
        let configuration = page.workload.decoder.configuration
        var batchRows: [[String: Any]] = []
        var batchHeads: [[String: String]] = []
        let steps = try batchSteps.map {
            try PageModuleBreakdown.decodeStepSeconds($0, at: first, gpu: result.gpu, precision: page.precision)
        }
        for (batch, step) in zip(splitBatches, steps) {
            let total = step.seconds.values.reduce(0, +)
            let touched = RoutedExperts.touchedExpertCount(configuration: configuration, tokens: batch)
            batchHeads.append([
                "batch": Format.count(batch), "touched": "\(touched)", "step": Format.seconds(total),
                "perToken": Format.seconds(total / Double(batch)), "bound": step.bound.rawValue,
            ])
        }
        for moduleClass in breakdown.breakdown.decodeClassesByTime {
            batchRows.append([
                "class": moduleClass.rawValue,
                "cells": steps.map { step in
                    ["share": PageBreakdownView.share(step.seconds[moduleClass] ?? 0, of: step.seconds.values.reduce(0, +))]
                },
            ])
        }
        return [
            "firstStep": Format.count(first), "lastStep": Format.count(last),
            "firstBound": bounds[0], "lastBound": bounds[1],
            "stepRows": rows,
            "splitHeads": batchHeads,
            "splitRows": batchRows,
            "experts": "\(configuration.routedExperts)", "topK": "\(configuration.expertsPerToken)",
        ]
    }
}
