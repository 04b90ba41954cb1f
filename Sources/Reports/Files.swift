import Foundation

/// A file the lab could not write, with the path and the reason.
public struct FileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Writes each file through a temporary file in its folder, renaming them into place only
/// once every one is written, so a failure leaves none of them behind, half-written or whole.
public func writeAtomically(_ files: [(contents: String, path: String)]) throws {
    var temporaries: [URL] = []
    func cleanUp() { for t in temporaries { try? FileManager.default.removeItem(at: t) } }
    for (contents, path) in files {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            cleanUp()
            throw FileError(message: "cannot write \(path): a folder of that name is in the way")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            cleanUp()
            throw FileError(message: "cannot create the folder \(folder.path) for \(path)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial")
        temporaries.append(temporary)
        do {
            try Data(contents.utf8).write(to: temporary)
        } catch {
            cleanUp()
            throw FileError(message: "cannot write \(path): \(error.localizedDescription)")
        }
    }
    for (temporary, file) in zip(temporaries, files) {
        // rename(2) replaces the destination in one step.
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            cleanUp()
            throw FileError(message: "cannot write \(file.path): \(reason)")
        }
    }
}

/// One file, with the same guarantee: the old file or the whole new one, never half of it.
public func writeAtomically(_ contents: String, to path: String) throws {
    try writeAtomically([(contents, path)])
}
