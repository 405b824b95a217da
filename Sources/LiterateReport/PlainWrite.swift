#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file with open/write/close: no temporary file, no fsync and no rename per file.
/// The site is staged in a fresh folder that replaces the old one in a single rename, which is
/// what makes the update atomic; per-file atomicity (what `FileManager.createFile` does on
/// Linux: a temporary file, fsync, rename) only costs time there.
enum PlainWrite {
    /// True when every byte was written.
    static func save(_ data: Data, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return data.withUnsafeBytes { buffer -> Bool in
            guard var pointer = buffer.baseAddress else { return true }
            var remaining = buffer.count
            while remaining > 0 {
                let written = write(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                remaining -= written
                pointer += written
            }
            return true
        }
    }
}
