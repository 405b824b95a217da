import Foundation
import Testing
import DeepSeekOCR
@testable import LiterateReport

/// `generate(output:)` replaces only a folder that is the site's own, recovers what an
/// interrupted run left, and never leaves the user without an output folder.
@Suite("Output folder safety", .serialized)
struct OutputFolderSafetyTests {
    static let marker = ".modelmeter-site"
    /// A process id no process can have (above Linux's largest pid_max, 2^22).
    static let deadPID = Int32.max - 7

    /// Generates into `output`; returns the error's description, or nil on success.
    func attempt(_ project: URL, _ output: URL, report: ModelReport) -> String? {
        do {
            try SiteGenerator(root: project).generate(report: report, output: output)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test("a folder that is not the site's own is refused and left byte for byte as it was")
    func foreignFoldersRefused() throws {
        let project = try TestProject.scratchCopy("refuse")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default

        let user = project.appendingPathComponent("notes")
        try manager.createDirectory(at: user.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: user.appendingPathComponent("todo.txt"))
        try Data("ref".utf8).write(to: user.appendingPathComponent(".git/HEAD"))

        let site = project.appendingPathComponent("site")
        #expect(attempt(project, site, report: report) == nil)
        try Data("user notes".utf8).write(to: site.appendingPathComponent("kb/notes.md"))

        let legacy = project.appendingPathComponent("legacy")
        try manager.createDirectory(at: legacy.appendingPathComponent("kb/drafts"), withIntermediateDirectories: true)
        try Data("# x".utf8).write(to: legacy.appendingPathComponent("kb/index.md"))

        let projectSnapshot = try TestProject.snapshot(project)
        let cases: [(URL, [String])] = [
            (project, ["refusing", "project root"]),
            // The scratch project's parent: it holds the project root, and when the tests run from
            // a checkout in the same folder (a CI clone under /tmp) the working directory too,
            // which is checked first.
            (project.deletingLastPathComponent(), ["refusing", "containing it"]),
            (URL(fileURLWithPath: "/"), ["refusing", "root /"]),
            (project.appendingPathComponent("context"), ["not empty", "not written by modelmeter", "hints/"]),
            (user, ["not empty", "not written by modelmeter", ".git/"]),
            (site, ["not written by modelmeter", "kb/notes.md"]),
            (legacy, ["not written by modelmeter", "kb/drafts/"]),
        ]
        for (target, fragments) in cases {
            let message = attempt(project, target, report: report) ?? "succeeded"
            for fragment in fragments {
                #expect(message.contains(fragment), "\(target.path): '\(message)' lacks '\(fragment)'")
            }
            #expect(!message.contains("\n"))
        }
        #expect(try TestProject.snapshot(project) == projectSnapshot, "a refused run changed a file")
        #expect(try manager.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("a new, an empty, a marked and an unmarked earlier site are replaced, and the site carries its marker")
    func ownFoldersReplaced() throws {
        let project = try TestProject.scratchCopy("replace")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default
        let fresh = project.appendingPathComponent("fresh/output")
        #expect(attempt(project, fresh, report: report) == nil)
        let site = try TestProject.snapshot(fresh)
        let listed = TestProject.text(try #require(site[Self.marker])).split(separator: "\n").dropFirst().map(String.init)
        #expect(Set(listed) == Set(site.keys).subtracting([Self.marker]), "the marker lists exactly the site's files")

        let empty = project.appendingPathComponent("empty")
        try manager.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(attempt(project, empty, report: report) == nil)
        #expect(try TestProject.snapshot(empty) == site)

        // Marked: replaced again, identical.
        #expect(attempt(project, fresh, report: report) == nil)
        #expect(try TestProject.snapshot(fresh) == site)

        // An earlier version's site (no marker, only kb/, html/, report.json) is recognised.
        let earlier = project.appendingPathComponent("earlier")
        try manager.copyItem(at: fresh, to: earlier)
        try manager.removeItem(at: earlier.appendingPathComponent(Self.marker))
        // Earlier sites had no CSV and no downloads beside the pages.
        for download in ["report.csv", "kb/report.csv", "kb/report.json", "html/report.csv", "html/report.json"] {
            try manager.removeItem(at: earlier.appendingPathComponent(download))
        }
        try Data("old".utf8).write(to: earlier.appendingPathComponent("html/op-Removed.html"))
        #expect(attempt(project, earlier, report: report) == nil)
        #expect(try TestProject.snapshot(earlier) == site)
        #expect(try manager.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }.isEmpty, "no staging or parked folder left")
    }

    @Test("a symbolic link to the output folder is followed: the link stays, its folder gets the new site")
    func symbolicLinks() throws {
        let project = try TestProject.scratchCopy("symlink")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default
        let real = project.appendingPathComponent("real")
        #expect(attempt(project, real, report: report) == nil)
        let site = try TestProject.snapshot(real)
        try manager.removeItem(at: real.appendingPathComponent("report.json"))
        let link = project.appendingPathComponent("link")
        try manager.createSymbolicLink(atPath: link.path, withDestinationPath: "real")
        #expect(attempt(project, link, report: report) == nil)
        #expect(try manager.destinationOfSymbolicLink(atPath: link.path) == "real")
        #expect(try TestProject.snapshot(real) == site)

        // A link to a foreign folder is refused like the folder itself.
        let user = project.appendingPathComponent("user")
        try manager.createDirectory(at: user, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: user.appendingPathComponent("a.txt"))
        let userLink = project.appendingPathComponent("user-link")
        try manager.createSymbolicLink(atPath: userLink.path, withDestinationPath: user.path)
        #expect(attempt(project, userLink, report: report)?.contains("a.txt is not a file of a modelmeter site") == true)
        #expect(try manager.contentsOfDirectory(atPath: user.path) == ["a.txt"])

        // A dangling link is refused with the folder it names.
        let dangling = project.appendingPathComponent("dangling")
        try manager.createSymbolicLink(atPath: dangling.path, withDestinationPath: "nowhere")
        let message = attempt(project, dangling, report: report) ?? ""
        #expect(message.contains("symbolic link to nowhere, which does not exist"), "\(message)")
        #expect(!manager.fileExists(atPath: project.appendingPathComponent("nowhere").path))
    }

    #if os(Linux)
    @Test("on Linux the old and new site trade places in one atomic exchange: no moment without output")
    func atomicExchange() {
        #expect(AtomicOutput.swapsAtomically)
    }
    #endif

    @Test("a run killed between the two renames is recovered by the next, even when that one fails")
    func interruptedSwapRecovered() throws {
        let project = try TestProject.scratchCopy("interrupted")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default
        let output = project.appendingPathComponent("output")
        #expect(attempt(project, output, report: report) == nil)
        let site = try TestProject.snapshot(output)

        // What an older, killed run leaves: the site parked, a partial staging folder, no output.
        let parked = project.appendingPathComponent(".output.old-\(Self.deadPID)-Xq3zT0bLw9Ke")
        try manager.moveItem(at: output, to: parked)
        let staging = project.appendingPathComponent(".output.staging-\(Self.deadPID - 1)-Pm4vR8sYc2Na")
        try manager.createDirectory(at: staging.appendingPathComponent("kb"), withIntermediateDirectories: true)
        try manager.copyItem(at: parked.appendingPathComponent(Self.marker), to: staging.appendingPathComponent(Self.marker))
        try Data("partial".utf8).write(to: staging.appendingPathComponent("kb/index.md"))
        // Leftovers that are not provably the site's, or belong to a running process, stay.
        let foreign = project.appendingPathComponent(".output.old-\(Self.deadPID - 2)")
        try manager.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("x.txt"))
        let live = project.appendingPathComponent(".output.staging-1")
        try manager.createDirectory(at: live, withIntermediateDirectories: true)

        // The next run fails (broken template), yet the user has the previous site back.
        let template = project.appendingPathComponent("templates/index.md.mustache")
        try Data("{{#broken}}".utf8).write(to: template)
        #expect(attempt(project, output, report: report)?.contains("templates/index.md.mustache") == true)
        #expect(try TestProject.snapshot(output) == site)
        let hidden = try manager.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }.sorted()
        #expect(hidden == [foreign.lastPathComponent, live.lastPathComponent].sorted())
        #expect(try Data(contentsOf: foreign.appendingPathComponent("x.txt")) == Data("mine".utf8))
    }

    @Test("site-shaped files of the user's are never taken for an earlier site: it takes the generator line and the whole layout")
    func earlierSiteNeedsEvidence() throws {
        let project = try TestProject.scratchCopy("evidence")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default
        let page = Data("<!doctype html>\n<html><head>\n<meta name=\"generator\" content=\"modelmeter\">\n</head></html>\n".utf8)
        // Each folder lacks one piece of the evidence: the generator line, or a file of the layout.
        let cases: [(name: String, files: [String: Data])] = [
            ("diary", ["kb/diary.md": Data("dear diary".utf8)]),
            ("html-only", ["html/index.html": page]),
            ("json-only", ["report.json": Data("{}".utf8)]),
            ("no-generator", ["kb/index.md": Data("# x".utf8), "report.json": Data("{}".utf8),
                              "html/index.html": Data("<html><head><title>mine</title></head></html>".utf8)]),
            ("no-kb-index", ["kb/notes.md": Data("# x".utf8), "report.json": Data("{}".utf8), "html/index.html": page]),
        ]
        func write(_ files: [String: Data], into folder: URL) throws {
            for (path, data) in files {
                try manager.createDirectory(at: folder.appendingPathComponent(path).deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: folder.appendingPathComponent(path))
            }
        }
        for (name, files) in cases {
            let folder = project.appendingPathComponent(name)
            try write(files, into: folder)
            let before = try TestProject.snapshot(folder)
            let message = attempt(project, folder, report: report) ?? "succeeded"
            #expect(message.contains("was not written by modelmeter"), "\(name): \(message)")
            #expect(try TestProject.snapshot(folder) == before, "\(name) changed")
        }
        // With all of it, the earlier site is replaced.
        let earlier = project.appendingPathComponent("earlier")
        try write(["kb/index.md": Data("# x".utf8), "report.json": Data("{}".utf8), "html/index.html": page], into: earlier)
        #expect(attempt(project, earlier, report: report) == nil)
        #expect(manager.fileExists(atPath: earlier.appendingPathComponent(Self.marker).path))
    }

    @Test("folders and files of the user's named like a run's staging, parked or temporary ones are left alone")
    func lookalikeNamesSurvive() throws {
        let project = try TestProject.scratchCopy("lookalike")
        defer { try? FileManager.default.removeItem(at: project) }
        let report = try TestProject.standardReport()
        let manager = FileManager.default
        let pid = ProcessInfo.processInfo.processIdentifier
        // Named as this very process's folders would once have been, and as a dead one's.
        var mine: [URL] = []
        for name in [".output.staging-\(pid)", ".output.old-\(pid)", ".output.staging-\(Self.deadPID)", ".output.old-\(Self.deadPID)-abc"] {
            let folder = project.appendingPathComponent(name)
            try manager.createDirectory(at: folder.appendingPathComponent("kb"), withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: folder.appendingPathComponent("kb/diary.md"))
            mine.append(folder)
        }
        let before = try mine.map(TestProject.snapshot)
        let output = project.appendingPathComponent("output")
        #expect(attempt(project, output, report: report) == nil)
        #expect(attempt(project, output, report: report) == nil)
        #expect(try mine.map(TestProject.snapshot) == before)
        let hidden = try manager.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }.sorted()
        #expect(hidden == mine.map(\.lastPathComponent).sorted(), "only the user's folders: \(hidden)")

        // A file beside a replaced file, named as the temporary once was, is untouched; nothing is left.
        let folder = project.appendingPathComponent("files")
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let lookalike = folder.appendingPathComponent(".x.json.tmp-\(pid)")
        try Data("mine".utf8).write(to: lookalike)
        try FileWriting.replaceFile(atPath: folder.appendingPathComponent("x.json").path, contents: Data("{}".utf8))
        try FileWriting.replaceFile(atPath: folder.appendingPathComponent("x.json").path, contents: Data("{\"a\": 1}".utf8))
        #expect(try manager.contentsOfDirectory(atPath: folder.path).sorted() == [".x.json.tmp-\(pid)", "x.json"])
        #expect(try Data(contentsOf: lookalike) == Data("mine".utf8))
        #expect(try Data(contentsOf: folder.appendingPathComponent("x.json")) == Data("{\"a\": 1}".utf8))
    }
}
