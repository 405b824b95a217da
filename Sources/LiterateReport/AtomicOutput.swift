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

/// The file system's limits on a path the user names (`--output`, `--file`, `--chart-dir`),
/// checked before anything is created, so a path that cannot work fails at once instead of
/// after making a chain of folders.
public enum PathLimits {
    /// Bytes a name needs for the hidden sibling written beside it: `.<name>.modelmeter-<pid>-<12>`
    /// adds 1 + 12 + 10 + 1 + 12 = 36 bytes (a staging folder's `.staging-` fewer), rounded up.
    static let siblingBytes = 40
    /// Bytes the files inside an output or chart folder add to its path: the longest site path,
    /// `html/op-DeepseekV2ForCausalLM.html` (34), plus a temporary suffix, rounded up.
    static let insideBytes = 128
    /// `NAME_MAX` and `PATH_MAX` on Linux (and at least that on macOS).
    static let nameMax = 255, pathMax = 4096

    /// Throws a one-line error naming `option` and the largest length that works when a name
    /// in `path` (or the whole path, made absolute) is too long.
    public static func check(_ path: String, option: String) throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let largestPath = pathMax - 1 - siblingBytes - insideBytes
        guard absolute.utf8.count <= largestPath else {
            throw SiteError(
                file: option,
                "path is \(absolute.utf8.count) bytes long (made absolute); the largest that works is \(largestPath) bytes "
                    + "(PATH_MAX \(pathMax) less room for the files it holds)")
        }
        let largestName = nameMax - siblingBytes
        if let name = path.split(separator: "/").first(where: { $0.utf8.count > largestName }) {
            throw SiteError(
                file: option,
                "has a \(name.utf8.count)-byte name '\(name.prefix(20))…'; the largest that works is \(largestName) bytes "
                    + "(NAME_MAX \(nameMax) less room for the hidden name written beside it)")
        }
    }
}

/// Writes bytes with every call checked, so a full disk or a closed pipe is an error naming
/// the OS reason (`No space left on device`) rather than a silently short file.
public enum FileWriting {
    /// A failed write: the path and the OS reason.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The OS's text for `code` (default: the current `errno`).
    public static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Writes all of `data` to an open descriptor, retrying short and interrupted writes.
    public static func write(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(path: path, reason: reason())
                }
                offset += written
            }
        }
    }

    /// Creates `path` (which must not exist yet) with `data`; on failure nothing is left.
    public static func createFile(atPath path: String, contents data: Data) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw Failure(path: path, reason: reason()) }
        do {
            try write(data, to: descriptor, path: path)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let failure = Failure(path: path, reason: reason())
            unlink(path)
            throw failure
        }
    }

    /// Twelve random letters and digits (62¹² ≈ 3·10²¹ names): the suffix of a temporary name.
    static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Writes `data` to a new file beside `target` named `.<name>.modelmeter-<pid>-<random>`
    /// and returns its path. On Linux the bytes go to an unnamed file (`O_TMPFILE`) that gets its
    /// name only once complete, so a process killed while writing leaves nothing behind;
    /// elsewhere (or where the file system lacks `O_TMPFILE`) the name is created with
    /// `O_EXCL`. Either way an existing file is never opened, truncated or removed.
    ///
    /// With `target` itself among the names tried first (`nameTargetFirst`), a new file is named
    /// `target` directly when nothing is there yet, so no temporary name ever exists for it.
    static func createTemporary(beside target: String, contents data: Data, nameTargetFirst: Bool = false) throws -> String {
        let url = URL(fileURLWithPath: target)
        let prefix = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).modelmeter-\(ProcessInfo.processInfo.processIdentifier)-").path
        #if os(Linux)
        let descriptor = open(url.deletingLastPathComponent().path, linuxTemporaryFile | O_WRONLY, 0o644)
        if descriptor >= 0 {
            defer { close(descriptor) }
            try write(data, to: descriptor, path: target)
            let names = (nameTargetFirst ? [target] : []) + (0..<64).map { _ in prefix + randomSuffix() }
            for name in names {
                // linkat through /proc names the open file; it fails with EEXIST rather than replace.
                if linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 { return name }
                guard errno == EEXIST else { break }
            }
        }
        #endif
        for _ in 0..<64 {
            let name = prefix + randomSuffix()
            do {
                try createFile(atPath: name, contents: data)
                return name
            } catch let failure as Failure where failure.reason == reason(EEXIST) {
                continue
            }
        }
        throw Failure(path: target, reason: "no free temporary name beside it after 64 tries")
    }

    #if os(Linux)
    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which Glibc's Swift module does not export.
    private static let linuxTemporaryFile: Int32 = 0o20_000_000 | O_DIRECTORY
    #endif

    /// Writes `data` to `path`: a regular (or new) file is replaced atomically through a
    /// temporary file beside it (a symbolic link is followed, not replaced); a device or pipe
    /// such as `/dev/stdout` is written in place. A folder is an error.
    public static func replaceFile(atPath path: String, contents data: Data) throws {
        let target = AtomicOutput.resolved(URL(fileURLWithPath: path)).path
        var status = stat()
        if stat(target, &status) == 0 {
            let kind = status.st_mode & S_IFMT
            if kind == S_IFDIR { throw Failure(path: path, reason: "is a folder") }
            if kind != S_IFREG {
                let descriptor = open(target, O_WRONLY)
                guard descriptor >= 0 else { throw Failure(path: path, reason: reason()) }
                do {
                    try write(data, to: descriptor, path: path)
                } catch {
                    close(descriptor)
                    throw error
                }
                guard close(descriptor) == 0 else { throw Failure(path: path, reason: reason()) }
                return
            }
        }
        let temporary: String
        do {
            temporary = try createTemporary(beside: target, contents: data, nameTargetFirst: true)
        } catch let failure as Failure {
            throw Failure(path: path, reason: failure.reason)
        }
        if temporary == target { return }  // a new file, named complete: nothing to rename
        guard rename(temporary, target) == 0 else {
            let failure = Failure(path: path, reason: reason())
            unlink(temporary)
            throw failure
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
private let systemRename = Glibc.rename
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
private let systemRename = Darwin.rename
#endif
