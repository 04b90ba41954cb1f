import Foundation

/// A file the lab could not write, with the path and the reason.
public struct FileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Writes each file through a temporary file in its folder, then moves them all into place;
/// if any step fails, files already moved are taken back out and the files they replaced are
/// restored, so a failure leaves the folders as they were. Temporary names carry the process id
/// and a random part, so two runs writing to one folder do not collide, and the moves into place
/// hold a lock on the folder, so concurrent writers' sets do not mix (the last set in place wins
/// whole). A killed writer's leftovers are cleared by the next write to its folder. Two files
/// with the same path are refused.
public func writeAtomically(_ files: [(contents: String, path: String)]) throws {
    try writeDataAtomically(files.map { (Data($0.contents.utf8), $0.path) })
}

/// `writeAtomically` for bytes (figures copied whole).
public func writeDataAtomically(_ files: [(contents: Data, path: String)]) throws {
    let paths = files.map { URL(fileURLWithPath: $0.path).standardizedFileURL.path }
    if let twice = paths.first(where: { p in paths.filter { $0 == p }.count > 1 }) {
        throw FileError(message: "cannot write \(twice) twice in one go")
    }
    let tag = "\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
    var temporaries: [String] = [], placed: [String] = [], backups: [(backup: String, original: String)] = []
    defer { for t in temporaries { InFlight.shared.remove(t) } }
    func undo() {
        for t in temporaries { unlink(t) }
        for p in placed { unlink(p) }
        for b in backups { rename(b.backup, b.original) }
    }
    for ((contents, _), path) in zip(files, paths) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            undo()
            throw FileError(message: "cannot write \(path): a folder of that name is in the way")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            undo()
            throw FileError(message: "cannot create the folder \(folder.path) for \(path): \(reason(error))")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(tag).partial").path
        // Registered before the first byte, so a failed write (a full disk) or an interrupt
        // (`removePartialFiles`) takes it away too.
        temporaries.append(temporary)
        InFlight.shared.add(temporary)
        do {
            try contents.write(to: URL(fileURLWithPath: temporary))
        } catch {
            undo()
            throw FileError(message: "cannot write \(path): \(reason(error))")
        }
    }
    // The files go into place as a set: writers to one folder take turns (an exclusive lock on
    // each folder, in path order so two writers cannot wait on each other), so a JSON and the
    // CSV and figure beside it always come from the same command.
    let locks = FolderLocks(Set(paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }).sorted())
    defer { locks.release() }
    for folder in locks.folders { removeStaleTemporaries(in: folder) }
    for (temporary, path) in zip(temporaries, paths) {
        if FileManager.default.fileExists(atPath: path) {
            let backup = path + ".\(tag).previous"
            guard rename(path, backup) == 0 else {
                let why = String(cString: strerror(errno))
                undo()
                throw FileError(message: "cannot replace \(path): \(why)")
            }
            backups.append((backup, path))
        }
        // rename(2) puts each file in place in one step.
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            undo()
            throw FileError(message: "cannot write \(path): \(why)")
        }
        temporaries.removeAll { $0 == temporary }
        InFlight.shared.remove(temporary)
        placed.append(path)
    }
    for b in backups { unlink(b.backup) }
}

/// Exclusive flock(2) locks on folders, held while a set of files is moved into them.
private final class FolderLocks {
    let folders: [String]
    private var descriptors: [Int32] = []

    init(_ folders: [String]) {
        self.folders = folders
        for f in folders {
            let fd = open(f, O_RDONLY | O_DIRECTORY)
            guard fd >= 0 else { continue }
            // Interrupted waits are retried; a folder that cannot be locked is written unlocked.
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            descriptors.append(fd)
        }
    }

    func release() {
        for fd in descriptors { flock(fd, LOCK_UN); close(fd) }
        descriptors.removeAll()
    }
}

/// Leftovers of a writer that was killed (SIGKILL, a power cut) in `folder`: its temporary
/// `.NAME.PID.RAND.partial` files are removed, and a `NAME.PID.RAND.previous` backup is put back
/// where its file is missing, else removed. Only files of processes that no longer run are
/// touched (the caller holds the folder's lock, so no live writer is between its steps).
func removeStaleTemporaries(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasSuffix(".partial") || name.hasSuffix(".previous") {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 4, let pid = Int32(parts[parts.count - 3]), UInt32(parts[parts.count - 2]) != nil,
              pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
        let path = folder + "/" + name
        if name.hasSuffix(".previous") {
            let original = folder + "/" + parts.dropLast(3).joined(separator: ".")
            if !FileManager.default.fileExists(atPath: original) { rename(path, original); continue }
        }
        unlink(path)
    }
}

/// The underlying reason of a Foundation file error, in words.
private func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return ns.localizedDescription
}

public func writeAtomically(_ contents: String, to path: String) throws {
    try writeAtomically([(contents, path)])
}

/// Temporary files being written, so an interrupt can take them away: `lab` calls
/// `removePartialFiles` on SIGINT and SIGTERM (SIGKILL cannot be caught).
final class InFlight: @unchecked Sendable {
    static let shared = InFlight()
    private let lock = NSLock()
    private var paths = Set<String>()
    func add(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }
    func removeAll() { lock.lock(); for p in paths { unlink(p) }; paths.removeAll(); lock.unlock() }
}

/// Removes every temporary file a write in progress has made (for an interrupt).
public func removePartialFiles() { InFlight.shared.removeAll() }
