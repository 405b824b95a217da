import CommonMark
import DeepSeekOCR
import ModelMeter

/// Builds the view of `templates/layer.md.mustache` for one layer type.
struct LayerPageBuilder {
    let report: any ModuleReport
    let directory: ConfigurationDirectory

    init(report: any ModuleReport, docs: [LayerDoc]) {
        self.report = report
        directory = ConfigurationDirectory(docs: docs, report: report)
    }

    func view(for occurrence: LayerOccurrence, hint: HintDocument, links: LinkMap) throws -> [String: Any] {
        let primary = occurrence.configurations[0]
        let values = try placeholderValues(occurrence)
        func prose(_ section: String) throws -> String {
            let text = try Placeholders.resolve(
                hint.section(section), values: values, file: hint.path, firstLine: hint.line(ofSection: section))
            return try links.rewrite(text, source: hint.path, firstLine: hint.line(ofSection: section))
        }
        let configurations = try occurrence.configurations.map {
            try LayerConfigurationView($0, report: report, directory: directory).mustache
        }
        let glance: [[String: Any]] = try occurrence.configurations.map { configuration in
            let forward = configuration.metrics.forward
            let point = try report.roofline(forward)
            return [
                "name": configuration.name, "anchor": configuration.anchor,
                "flops": Format.flops(forward.totalFLOPs), "bytes": Format.bytes(forward.ioBytes),
                "intensity": Format.intensity(point.arithmeticIntensity),
                "time": Format.seconds(point.timeLowerBoundSeconds), "bound": point.bound.rawValue,
            ]
        }
        return [
            "title": occurrence.doc.vendorClass,
            "vendorClass": occurrence.doc.vendorClass,
            "vendorFile": occurrence.doc.vendorFile,
            "hintDoc": occurrence.doc.hintDoc,
            "instanceCount": Format.count(occurrence.configurations.reduce(0) { $0 + $1.paths.count }),
            "configurationCount": Format.count(occurrence.configurations.count),
            "parameters": Format.count(primary.metrics.parameters),
            "workload": report.workloadSummary,
            "gpu": Markup.escape(report.gpu.name, for: .markdown),
            "precision": report.precision.rawValue,
            "preamble": try Placeholders.resolve(hint.preamble, values: values, file: hint.path, firstLine: hint.preambleLine),
            "whatItIs": try prose("What it is"),
            "definition": try prose("Definition"),
            "internals": try prose("Internals"),
            "costModel": try prose("Cost model"),
            "memory": try prose("Memory"),
            "performance": try prose("Performance on the GPU"),
            "related": try prose("Related modules"),
            "references": try prose("References"),
            "glance": glance,
            "rooflineChart": RooflineOverview.layerChartFile(occurrence.doc),
            "configurations": configurations,
        ]
    }

    /// `[[key]]` values for hint-doc prose: the primary configuration's numbers, plus every
    /// configuration symbol (primary first).
    func placeholderValues(_ occurrence: LayerOccurrence) throws -> [String: String] {
        let primary = occurrence.configurations[0]
        let m = primary.metrics
        let point = try report.roofline(m.forward)
        var values: [String: String] = [
            "parameters": Format.count(m.parameters),
            "forward.tensorCoreFLOPs": Format.flops(m.forward.tensorCoreFLOPs),
            "forward.cudaCoreFLOPs": Format.flops(m.forward.cudaCoreFLOPs),
            "forward.ioBytes": Format.bytes(m.forward.ioBytes),
            "backward.tensorCoreFLOPs": Format.flops(m.backward.tensorCoreFLOPs),
            "backward.cudaCoreFLOPs": Format.flops(m.backward.cudaCoreFLOPs),
            "backward.ioBytes": Format.bytes(m.backward.ioBytes),
            "memory.weightBytes": Format.bytes(m.memory.weightBytes),
            "memory.activationBytes": Format.bytes(m.memory.activationBytes),
            "memory.kvCacheBytes": Format.bytes(m.memory.kvCacheBytes),
            "roofline.intensity": Format.intensity(point.arithmeticIntensity),
            "roofline.bound": point.bound.rawValue,
            "roofline.timeLowerBound": Format.seconds(point.timeLowerBoundSeconds),
            "gpu.name": Markup.escape(report.gpu.name, for: .markdown),
            "gpu.ridge": Format.intensity(point.ridgePoint),
            "gpu.tensorPeak": Format.throughput(try report.gpu.tensorCorePeak(for: report.precision).teraFLOPS * 1e12),
            "gpu.bandwidth": Format.bandwidth(report.gpu.memoryBandwidthGBps),
        ]
        for configuration in occurrence.configurations {
            for symbol in configuration.layer.symbols where values["config.\(symbol.name)"] == nil {
                values["config.\(symbol.name)"] = Format.count(symbol.value)
            }
        }
        return values
    }
}
