import Foundation
import Symbolic

/// Where problems are found (DESIGN.md): a path to a `.toml` file, or a catalog name looked up in
/// `$LAB_PROBLEMS` and then in the nearest `problems/` folder from the current directory upward.
public struct Catalog: Sendable {
    /// Folders searched for `NAME.toml`, in order.
    public let folders: [URL]

    public init(folders: [URL]) { self.folders = folders }

    /// The catalog seen from `directory` with the given environment.
    public init(from directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        var folders: [URL] = []
        if let env = environment["LAB_PROBLEMS"], !env.isEmpty {
            folders.append(URL(fileURLWithPath: env, isDirectory: true))
        }
        var dir = directory.standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent("problems", isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                folders.append(candidate)
                break
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        self.folders = folders
    }

    /// Catalog names (file stems) in all folders, sorted; a name in an earlier folder hides the
    /// same name in a later one.
    public func names() -> [String] {
        var seen = Set<String>()
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for f in files where f.hasSuffix(".toml") { seen.insert(String(f.dropLast(5))) }
        }
        return seen.sorted()
    }

    /// The file for `spec`: a path when it ends in `.toml` or contains `/`, else a catalog name.
    public func resolve(_ spec: String) throws -> String {
        if spec.hasSuffix(".toml") || spec.contains("/") {
            guard FileManager.default.fileExists(atPath: spec) else {
                throw ProblemError(file: spec, key: nil, message: "no such file")
            }
            return spec
        }
        for folder in folders {
            let file = folder.appendingPathComponent("\(spec).toml").path
            if FileManager.default.fileExists(atPath: file) { return file }
        }
        let where_ = folders.isEmpty ? "no problems/ folder was found from the current directory upward and $LAB_PROBLEMS is not set"
            : "looked in \(folders.map(\.path).joined(separator: ", "))"
        let hint = nearest(to: spec, among: names()).map { "did you mean '\($0)'? " } ?? ""
        throw ProblemError(file: spec, key: nil,
                           message: "no problem named '\(spec)' (\(hint)\(where_); `lab list` shows the catalog)")
    }

    /// Resolves and loads a problem.
    public func load(_ spec: String) throws -> Problem {
        try Problem.load(file: resolve(spec))
    }
}
