import Foundation

/// Writes a whole folder or nothing: files go to a hidden staging folder beside the
/// destination, which replaces the destination only when every file is written.
enum AtomicOutput {
    static func replace(_ destination: URL, with files: [(path: String, data: Data)], displayName: String) throws {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: destination.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw SiteError(file: displayName, "exists and is not a folder")
        }
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw SiteError(file: displayName, "cannot create the parent folder \(parent.path)")
        }
        guard manager.isWritableFile(atPath: parent.path) else {
            throw SiteError(file: displayName, "the folder \(parent.path) is not writable")
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).staging-\(pid)")
        let retired = parent.appendingPathComponent(".\(destination.lastPathComponent).old-\(pid)")
        try? manager.removeItem(at: staging)
        do {
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard PlainWrite.save(file.data, to: url.path) else {
                    throw SiteError(file: displayName, "cannot write \(file.path)")
                }
            }
        } catch {
            try? manager.removeItem(at: staging)
            if let error = error as? SiteError { throw error }
            throw SiteError(file: displayName, "cannot write the new site: \(error.localizedDescription)")
        }
        do {
            if manager.fileExists(atPath: destination.path) {
                try? manager.removeItem(at: retired)
                try manager.moveItem(at: destination, to: retired)
                do {
                    try manager.moveItem(at: staging, to: destination)
                } catch {
                    try? manager.moveItem(at: retired, to: destination)
                    throw error
                }
                try? manager.removeItem(at: retired)
            } else {
                try manager.moveItem(at: staging, to: destination)
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw SiteError(file: displayName, "cannot swap in the new site: \(error.localizedDescription)")
        }
    }
}
