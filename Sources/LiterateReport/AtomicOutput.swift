import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole site folder or nothing, and only over a folder that is the site's own.
///
/// Files go to a hidden staging folder beside the destination (`.<name>.staging-<pid>-<random>`,
/// created with `mkdir`, which fails rather than reuse a folder that exists), which replaces the
/// destination only when every file is written: on Linux in one atomic exchange, elsewhere by
/// two renames with the old site parked at `.<name>.old-<pid>-<random>`. Every site carries a
/// marker file (``markerName``, written first) listing its files. Before anything is rendered,
/// ``prepare``
/// - refuses `/`, the working directory, the project root and their parents, and a folder that
///   holds anything the marker does not list; a folder without a marker only when ModelMeter
///   provably wrote it (``isEarlierSite``: nothing but `kb/*.md|svg`, `html/*.html|svg` and
///   `report.json`, with `kb/index.md`, `report.json` and an `html/index.html` carrying
///   modelmeter's generator line);
/// - follows a symbolic link to its folder, which is then replaced (the link stays);
/// - recovers what a killed run left: restores a parked old site when the destination is
///   missing, and removes leftover staging and parked folders of processes no longer running,
///   only when the marker inside says they are the site's.
enum AtomicOutput {
    /// The marker file every site carries; its first line says what it is, the rest lists the site's files.
    static let markerName = ".modelmeter-site"
    static let markerHeading = "modelmeter site: written by `modelmeter report`, which replaces this whole folder; files:"

    /// The folder to write, resolved and checked; see ``AtomicOutput``.
    struct Target {
        /// The real folder (symbolic links resolved) that is replaced.
        let folder: URL
        /// How errors name the output folder.
        let displayName: String
    }

    /// Resolves `destination`, refuses a folder that is not the site's own, and recovers the
    /// leftovers of an interrupted run. Call before rendering, so a restored site survives a
    /// failed render.
    static func prepare(_ destination: URL, projectRoot: URL, displayName: String) throws -> Target {
        let manager = FileManager.default
        let folder = resolved(destination.standardizedFileURL)
        if folder.path == "/" {
            throw SiteError(file: displayName, "refusing to replace the file-system root /")
        }
        let workingDirectory = resolved(URL(fileURLWithPath: manager.currentDirectoryPath))
        if contains(folder, workingDirectory) {
            throw SiteError(file: displayName, "refusing to replace the working directory or a folder containing it; choose a new folder such as output")
        }
        if contains(folder, resolved(projectRoot.standardizedFileURL)) {
            throw SiteError(file: displayName, "refusing to replace the project root or a folder containing it; choose a new folder such as output")
        }
        var isDirectory: ObjCBool = false
        if isSymbolicLink(destination), !manager.fileExists(atPath: folder.path) {
            let link = (try? manager.destinationOfSymbolicLink(atPath: destination.path)) ?? folder.path
            throw SiteError(file: displayName, "is a symbolic link to \(link), which does not exist; create that folder or remove the link")
        }
        let target = Target(folder: folder, displayName: displayName)
        try recoverLeftovers(of: target)
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SiteError(file: displayName, "exists and is not a folder") }
            if let foreign = try foreignEntry(in: folder) {
                throw SiteError(file: displayName, notOurs(foreign))
            }
        }
        return target
    }

    /// Writes `files` (plus the marker) to a staging folder and swaps it in for `target`.
    static func replace(_ target: Target, with files: [(path: String, data: Data)]) throws {
        let manager = FileManager.default
        let folder = target.folder, displayName = target.displayName
        let parent = folder.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw SiteError(file: displayName, "cannot create the parent folder \(parent.path): \(reason(of: error))")
        }
        let staging: URL
        do {
            staging = try makeExclusiveDirectory(in: parent, prefix: leftoverPrefix(of: folder, .staging))
        } catch {
            throw SiteError(file: displayName, "cannot create a staging folder beside it: \(reason(of: error))")
        }
        do {
            // The marker goes first, so even a partial staging folder is recognisably the site's.
            let marker = ([markerHeading] + files.map(\.path)).joined(separator: "\n") + "\n"
            try FileWriting.createFile(atPath: staging.appendingPathComponent(markerName).path, contents: Data(marker.utf8))
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try makeDirectory(url.deletingLastPathComponent())
                try FileWriting.createFile(atPath: url.path, contents: file.data)
            }
        } catch {
            try? removeTree(staging)
            throw SiteError(file: displayName, "cannot write the new site: \(reason(of: error))")
        }
        // The folder may have changed while the site rendered: check it again just before the swap.
        if let foreign = try? foreignEntry(in: folder), manager.fileExists(atPath: folder.path) {
            try? removeTree(staging)
            throw SiteError(file: displayName, notOurs(foreign))
        }
        do {
            if manager.fileExists(atPath: folder.path) {
                if exchange(staging, folder) {
                    // `staging` now holds the previous site.
                    try? removeTree(staging)
                    return
                }
                // An empty folder of our own, made exclusively, that the rename then replaces.
                let retired = try makeExclusiveDirectory(in: parent, prefix: leftoverPrefix(of: folder, .parked))
                do {
                    try rename(folder, to: retired)
                } catch {
                    rmdir(retired.path)
                    throw error
                }
                do {
                    try rename(staging, to: folder)
                } catch {
                    try? rename(retired, to: folder)
                    throw error
                }
                try? removeTree(retired)
            } else {
                try rename(staging, to: folder)
            }
        } catch {
            try? removeTree(staging)
            throw SiteError(file: displayName, "cannot swap in the new site: \(reason(of: error))")
        }
    }

    // MARK: - Ownership

    /// The first entry (relative path) of `folder` that is not a file of a modelmeter site, or
    /// nil. Stops at the first one, so a large foreign folder is refused at once.
    static func foreignEntry(in folder: URL) throws -> String? {
        let names = try entries(of: folder)
        if names.isEmpty { return nil }
        guard names.contains(markerName) else {
            if let entry = try firstEntry(in: folder, prefix: "", where: { !isLegacySiteEntry($0) }) { return entry }
            return isEarlierSite(folder) ? nil : earlierSiteEvidence
        }
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(markerName).path) else { return markerName }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.first == markerHeading else { return markerName }
        var allowed = Set(lines.dropFirst())
        allowed.insert(markerName)
        for path in lines.dropFirst() {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                allowed.insert(parts.joined(separator: "/") + "/")
                parts = parts.dropLast()
            }
        }
        return try firstEntry(in: folder, prefix: "") { !allowed.contains($0) }
    }

    /// What ``foreignEntry(in:)`` returns for a folder of site-shaped files without the
    /// evidence that ModelMeter wrote them.
    static let earlierSiteEvidence = "html/index.html with modelmeter's generator line, beside kb/index.md and report.json"

    /// The generator line every page of every modelmeter version carries in its `<head>`.
    static let generatorLine = Array("<meta name=\"generator\" content=\"modelmeter\">".utf8)

    /// The refusal for a folder whose `foreign` entry (or missing evidence) is not the site's.
    static func notOurs(_ foreign: String) -> String {
        let why = foreign == earlierSiteEvidence
            ? "it has no \(markerName) marker and no \(foreign)"
            : "\(foreign) is not a file of a modelmeter site"
        return "is not empty and was not written by modelmeter (\(why)); move it away or choose another folder"
    }

    /// Whether a folder without a marker is a site an earlier modelmeter wrote: its whole layout
    /// (`kb/index.md`, `report.json`, `html/index.html`, as regular files) and, in the first 4 kB
    /// of `html/index.html`, the generator line. Its other entries are checked by the caller.
    static func isEarlierSite(_ folder: URL) -> Bool {
        for path in ["kb/index.md", "report.json", "html/index.html"] {
            var status = stat()
            guard lstat(folder.appendingPathComponent(path).path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        }
        guard let handle = FileHandle(forReadingAtPath: folder.appendingPathComponent("html/index.html").path) else { return false }
        defer { try? handle.close() }
        let head = Array((try? handle.read(upToCount: 4096)) ?? Data())
        guard head.count >= generatorLine.count else { return false }
        return (0...(head.count - generatorLine.count)).contains { head[$0..<($0 + generatorLine.count)].elementsEqual(generatorLine) }
    }

    /// A path an earlier modelmeter (before the marker) wrote: `kb/`, `html/`, their pages and
    /// charts, and `report.json`.
    static func isLegacySiteEntry(_ path: String) -> Bool {
        if ["kb/", "html/", "report.json"].contains(path) { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].hasPrefix("."), !parts[1].isEmpty else { return false }
        switch parts[0] {
        case "kb": return parts[1].hasSuffix(".md") || parts[1].hasSuffix(".svg")
        case "html": return parts[1].hasSuffix(".html") || parts[1].hasSuffix(".svg")
        default: return false
        }
    }

    /// The names in `folder`, sorted.
    static func entries(of folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw SiteError(file: folder.path, "cannot list the folder: \(reason(of: error))")
        }
    }

    /// The first entry under `folder` (depth first, sorted; folders end in `/` and are not
    /// entered when they match; symbolic links are never followed) for which `matches` holds.
    static func firstEntry(in folder: URL, prefix: String, where matches: (String) -> Bool) throws -> String? {
        for name in try entries(of: folder) {
            let child = folder.appendingPathComponent(name)
            var status = stat()
            guard lstat(child.path, &status) == 0 else { continue }
            let isFolder = (status.st_mode & S_IFMT) == S_IFDIR
            let path = prefix + name + (isFolder ? "/" : "")
            if matches(path) { return path }
            if isFolder, let found = try firstEntry(in: child, prefix: path, where: matches) { return found }
        }
        return nil
    }

    // MARK: - Recovery

    /// Restores a parked site when the destination is missing, then removes the staging and
    /// parked folders of processes no longer running (only when they hold nothing but site files).
    static func recoverLeftovers(of target: Target) throws {
        let manager = FileManager.default
        let parent = target.folder.deletingLastPathComponent()
        guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
        var parked: [(url: URL, modified: Date)] = []
        var staging: [URL] = []
        for entry in names.sorted() {
            for kind in [Leftover.staging, .parked] {
                let prefix = leftoverPrefix(of: target.folder, kind)
                guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count).prefix { $0 != "-" }), !isRunning(pid) else {
                    continue
                }
                let url = parent.appendingPathComponent(entry)
                // The name only narrows the search: the marker inside, listing everything there, decides.
                guard FileManager.default.fileExists(atPath: url.appendingPathComponent(markerName).path),
                      (try? foreignEntry(in: url)) == .some(nil) else { continue }
                if kind == .parked {
                    let modified = (try? manager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date ?? .distantPast
                    parked.append((url, modified))
                } else {
                    staging.append(url)
                }
            }
        }
        if !manager.fileExists(atPath: target.folder.path), let newest = parked.max(by: { $0.modified < $1.modified }) {
            do {
                try rename(newest.url, to: target.folder)
            } catch {
                throw SiteError(file: target.displayName, "is missing; restoring the previous site from \(newest.url.path) failed: \(reason(of: error))")
            }
            parked.removeAll { $0.url == newest.url }
        }
        for url in parked.map(\.url) + staging {
            do {
                try removeTree(url)
            } catch {
                throw SiteError(file: target.displayName, "cannot remove \(url.path), left by an interrupted run: \(reason(of: error))")
            }
        }
    }

    /// The two kinds of folder a run keeps beside the output while it works.
    enum Leftover: String {
        case staging, parked = "old"
    }

    /// `.<name>.staging-` or `.<name>.old-`: the start of a run's folder beside `folder`; the
    /// process id and a random suffix follow.
    static func leftoverPrefix(of folder: URL, _ kind: Leftover) -> String {
        ".\(folder.lastPathComponent).\(kind.rawValue)-"
    }

    /// Creates `<prefix><pid>-<random>` in `parent` with `mkdir`, which fails when the name
    /// exists, so a folder of the user's is never reused; tries new suffixes until one is free.
    static func makeExclusiveDirectory(in parent: URL, prefix: String) throws -> URL {
        let pid = ProcessInfo.processInfo.processIdentifier
        for _ in 0..<64 {
            let url = parent.appendingPathComponent("\(prefix)\(pid)-\(FileWriting.randomSuffix())")
            if mkdir(url.path, 0o755) == 0 { return url }
            guard errno == EEXIST else { throw FileWriting.Failure(path: url.path, reason: FileWriting.reason()) }
        }
        throw FileWriting.Failure(path: parent.path, reason: "no free name for a new folder after 64 tries")
    }

    /// Whether a process with this id exists (a dead one's folders are leftovers).
    static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    // MARK: - File-system steps

    /// `url` with every symbolic link resolved, also in a last component that does not exist yet.
    static func resolved(_ url: URL) -> URL {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if realpath(url.path, &buffer) != nil { return URL(fileURLWithPath: String(cString: buffer)) }
        let parent = url.deletingLastPathComponent()
        guard parent.path != url.path, url.path != "/" else { return url }
        return resolved(parent).appendingPathComponent(url.lastPathComponent)
    }

    /// Whether `outer` is `inner` or one of its parents.
    static func contains(_ outer: URL, _ inner: URL) -> Bool {
        let outerParts = outer.pathComponents, innerParts = inner.pathComponents
        return outerParts.count <= innerParts.count && Array(innerParts.prefix(outerParts.count)) == outerParts
    }

    static func isSymbolicLink(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }

    private static func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileWriting.Failure(path: url.path, reason: reason(of: error))
        }
    }

    private static func rename(_ from: URL, to: URL) throws {
        guard systemRename(from.path, to.path) == 0 else {
            throw FileWriting.Failure(path: from.path, reason: FileWriting.reason())
        }
    }

    /// Atomically swaps two folders (Linux `renameat2(RENAME_EXCHANGE)`); false when the
    /// system cannot, so the caller falls back to two renames.
    private static func exchange(_ first: URL, _ second: URL) -> Bool {
        #if os(Linux)
        guard let exchange = renameExchange else { return false }
        return exchange(-100 /* AT_FDCWD */, first.path, -100, second.path, 2 /* RENAME_EXCHANGE */) == 0
        #else
        return false
        #endif
    }

    /// Whether the swap is one atomic exchange here (Linux with glibc 2.28 or later).
    static var swapsAtomically: Bool {
        #if os(Linux)
        return renameExchange != nil
        #else
        return false
        #endif
    }

    #if os(Linux)
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's `renameat2` (2.28 and later), looked up at run time: the Glibc module does not export it.
    private static let renameExchange: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    #endif

    /// Removes a folder of the site's (made writable first, so read-only subfolders go too).
    static func removeTree(_ url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) || isSymbolicLink(url) else { return }
        if !isSymbolicLink(url) {
            // Visits every entry (the predicate never matches), opening each folder for removal.
            chmod(url.path, 0o755)
            _ = try? firstEntry(in: url, prefix: "") { path in
                if path.hasSuffix("/") { chmod(url.appendingPathComponent(path).path, 0o755) }
                return false
            }
        }
        try FileManager.default.removeItem(at: url)
    }

    /// The OS reason inside a Foundation or ``FileWriting`` error.
    static func reason(of error: Error) -> String {
        if let failure = error as? FileWriting.Failure { return failure.description }
        if let site = error as? SiteError { return site.problem }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}

#if canImport(Glibc)
private let systemRename = Glibc.rename
#elseif canImport(Darwin)
private let systemRename = Darwin.rename
#endif
