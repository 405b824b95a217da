import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
