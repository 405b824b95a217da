import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
