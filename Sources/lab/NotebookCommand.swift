import ArgumentParser
import Foundation
import Landscape
import Notebook
import Reports

/// A notebook that cannot be read or does not hold (exit status 65 for the first).
struct NotebookFileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run and check the executable lessons of notebooks-md/.",
        discussion: """
            A notebook is GitHub markdown. A cell is a ```sh block of `lab ...` lines (no shell: \
            arguments are split as a shell would, pipes and variables are refused; `exit=N` after \
            `sh` expects the last command to fail with status N). Its output follows as \
            `<!-- output -->` and a ```text block; a stored line `...` matches any lines. The \
            figures a cell writes are linked after it as ![what](assets/NOTEBOOK/NAME.svg) (the \
            cell writes them with --out assets/NOTEBOOK).

            Cells run in order, in process, in a scratch folder, with the problems found from \
            the notebook's folder; `run` then writes the outputs and the linked figures back, \
            `check` compares them and prints a unified diff for each drift.

            Examples:
              lab notebook list
              lab notebook run notebooks-md/01-zof-and-fof.md
              lab notebook check notebooks-md/*.md

            \(exitStatusHelp) `check` exits with 1 when a notebook has drifted.
            """,
        subcommands: [NotebookRun.self, NotebookCheck.self, NotebookList.self]
    )
}

struct NotebookRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run every cell and write the outputs and figures back (a second run changes no byte).")

    @Argument(help: "Notebook files (.md).")
    var files: [String]

    func run() throws {
        guard !files.isEmpty else { throw UsageError("give one or more notebooks, as in lab notebook run notebooks-md/*.md") }
        try files.forEach(NotebookRunner.requireFile)
        for file in files {
            let result = try NotebookRunner(file: file).execute()
            defer { result.removeScratch() }
            var notebook = result.notebook
            for (k, output) in result.outputs.enumerated() {
                // An output cut with `...` that no longer matches comes back in full: say so.
                if let stored = notebook.storedOutput(ofCell: k), stored.split(separator: "\n").contains("..."),
                   !Notebook.matches(stored: stored, actual: output) {
                    printError("note: \(file), cell \(k + 1) (line \(notebook.cells[k].line)): its output no longer matches the stored one with its ... lines, so the whole output replaces it; cut it again where you want")
                }
                notebook = notebook.settingOutput(ofCell: k, to: output)
            }
            // The figures first, then the text: every file is written whole or not at all.
            var writes: [(contents: Data, path: String)] = []
            for figure in result.figures {
                writes.append((try Data(contentsOf: result.scratch.appendingPathComponent(figure)), result.folder.appendingPathComponent(figure).path))
            }
            let changedText = notebook.text != result.original
            if changedText { writes.append((Data(notebook.text.utf8), file)) }
            try writeDataAtomically(writes.filter { (try? Data(contentsOf: URL(fileURLWithPath: $0.path))) != $0.contents })
            let figures = result.figures.isEmpty ? "" : ", \(result.figures.count) figure\(result.figures.count == 1 ? "" : "s")"
            print("\(file): \(result.outputs.count) cell\(result.outputs.count == 1 ? "" : "s")\(figures); " + (changedText ? "outputs written" : "outputs unchanged"))
        }
    }
}

struct NotebookCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Run every cell in a scratch folder and compare outputs and figures with what is stored.")

    @Argument(help: "Notebook files (.md).")
    var files: [String]

    func run() throws {
        guard !files.isEmpty else { throw UsageError("give one or more notebooks, as in lab notebook check notebooks-md/*.md") }
        try files.forEach(NotebookRunner.requireFile)
        var drifted = 0, broken = 0
        for file in files {
            // A notebook that cannot run is reported, and the others are still checked.
            let result: NotebookRunner.Result
            do {
                result = try NotebookRunner(file: file).execute()
            } catch {
                printError("error: \(error)")
                broken += 1
                continue
            }
            defer { result.removeScratch() }
            var problems: [String] = []
            for (k, output) in result.outputs.enumerated() {
                let cell = result.notebook.cells[k]
                let name = "\(file), cell \(k + 1) (line \(cell.line))"
                guard let stored = result.notebook.storedOutput(ofCell: k) else {
                    problems.append("\(name) has no output block; `lab notebook run \(file)` writes it")
                    continue
                }
                if !Notebook.matches(stored: stored, actual: output) {
                    problems.append(Notebook.unifiedDiff(stored: stored, actual: output, name: name))
                }
            }
            for figure in result.figures {
                let now = try Data(contentsOf: result.scratch.appendingPathComponent(figure))
                guard let stored = try? Data(contentsOf: result.folder.appendingPathComponent(figure)) else {
                    problems.append("\(file): the figure \(figure) is missing; `lab notebook run \(file)` writes it")
                    continue
                }
                if stored != now { problems.append("\(file): the figure \(figure) differs from what the cell draws now (\(stored.count) bytes stored, \(now.count) now)") }
            }
            if problems.isEmpty {
                let figures = result.figures.count == 1 ? "1 figure" : "\(result.figures.count) figures"
                print("\(file): \(result.outputs.count) cell\(result.outputs.count == 1 ? "" : "s") and \(figures) as stored")
            } else {
                drifted += 1
                print(problems.joined(separator: "\n"))
                print("\(file): drifted")
            }
        }
        if broken > 0 {
            printError("error: \(broken) of \(files.count) notebook\(files.count == 1 ? "" : "s") could not run" + (drifted > 0 ? "; \(drifted) drifted" : ""))
            throw ExitCode(65)
        }
        if drifted > 0 {
            printError("error: \(drifted) of \(files.count) notebook\(files.count == 1 ? "" : "s") drifted; `lab notebook run FILE` rewrites them")
            throw ExitCode(1)
        }
    }
}

struct NotebookList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The notebooks with their titles and cell counts.")

    @Argument(help: "Notebook files or folders (default: notebooks-md/ found from the current directory upward).")
    var paths: [String] = []

    func run() throws {
        var files: [String] = []
        let roots = paths.isEmpty ? [try NotebookList.defaultFolder()] : paths
        for path in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw UsageError("no such notebook or folder: \(path)") }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
                // As the user would type them: relative to the current folder where they can be.
                let here = FileManager.default.currentDirectoryPath + "/"
                files += names.map { name in
                    let full = URL(fileURLWithPath: path).appendingPathComponent(name).standardizedFileURL.path
                    return full.hasPrefix(here) ? String(full.dropFirst(here.count)) : full
                }
            } else {
                files.append(path)
            }
        }
        var rows: [[String]] = []
        for file in files {
            let notebook = try NotebookRunner.read(file)
            rows.append([file, notebook.title, String(notebook.cells.count)])
        }
        print(table(header: ["notebook", "title", "cells"], rows: rows))
    }

    /// notebooks-md/ in the current directory or the nearest parent that has one.
    static func defaultFolder() throws -> String {
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent("notebooks-md")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { throw UsageError("no notebooks-md/ folder from the current directory upward; name the notebooks") }
            dir = parent
        }
    }
}

/// Runs a notebook's cells, in process, in a scratch folder.
struct NotebookRunner {
    let file: String

    struct Result {
        let original: String
        let notebook: Notebook
        /// Each cell's output: what its commands printed (stdout, then stderr), in order.
        let outputs: [String]
        /// The figures the notebook links, as relative paths (the same under `scratch` and `folder`).
        let figures: [String]
        let folder: URL
        let scratch: URL
        func removeScratch() { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Refuses, as a command-line mistake, a name that is not an existing .md file.
    static func requireFile(_ file: String) throws {
        guard file.hasSuffix(".md") else { throw UsageError("\(file) is not a notebook: a notebook is a markdown file (.md)") }
        guard FileManager.default.fileExists(atPath: file) else { throw UsageError("no such notebook: \(file)") }
    }

    static func read(_ file: String) throws -> Notebook {
        try requireFile(file)
        guard let data = FileManager.default.contents(atPath: file) else { throw NotebookFileError(message: "cannot read the notebook \(file)") }
        do {
            return try Notebook(text: String(decoding: data, as: UTF8.self))
        } catch let e as NotebookError {
            throw NotebookFileError(message: "\(file):\(e.line): \(e.message)")
        }
    }

    func execute() throws -> Result {
        let notebook = try NotebookRunner.read(file)
        let original = notebook.text
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lab-notebook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        // Every way out but success removes the scratch folder (the caller removes it after).
        var succeeded = false
        defer { if !succeeded { try? FileManager.default.removeItem(at: scratch) } }
        // The cells see the problems found from the notebook's folder.
        let catalog = Catalog(from: folder)
        guard !catalog.folders.isEmpty else {
            throw NotebookFileError(message: "\(file): its cells need problems, but there is no problems/ folder from the notebook's folder upward and $LAB_PROBLEMS is not set")
        }
        let previousCatalog = ProcessInfo.processInfo.environment["LAB_PROBLEMS"]
        if let first = catalog.folders.first { setenv("LAB_PROBLEMS", first.path, 1) }
        // A cell's output is compared byte for byte: no progress line, however long the work.
        let previousQuiet = ProcessInfo.processInfo.environment["LAB_NO_PROGRESS"]
        setenv("LAB_NO_PROGRESS", "1", 1)
        let previousDirectory = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(scratch.path)
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previousDirectory)
            if let previousCatalog { setenv("LAB_PROBLEMS", previousCatalog, 1) } else { unsetenv("LAB_PROBLEMS") }
            if let previousQuiet { setenv("LAB_NO_PROGRESS", previousQuiet, 1) } else { unsetenv("LAB_NO_PROGRESS") }
        }
        var outputs: [String] = []
        for (k, cell) in notebook.cells.enumerated() {
            var output = ""
            for (c, command) in cell.commands.enumerated() {
                let words = Array(try Notebook.shellWords(command).dropFirst())
                if words.first == "notebook" { throw NotebookFileError(message: "\(file):\(cell.line): a cell cannot run lab notebook") }
                // A notebook someone sends you writes nowhere but under its own folder: --out
                // must be a relative path that stays inside it.
                if let out = NotebookRunner.outFolders(words).first(where: { !NotebookRunner.staysInside($0) }) {
                            throw NotebookFileError(message: "\(file):\(cell.line): `\(command)` writes to --out \(out), outside the notebook's folder; a cell writes under it, as in --out assets/LESSON")
                }
                let (out, err, status) = NotebookRunner.capture(words)
                output += out + err
                let last = c == cell.commands.count - 1
                let expected: Int32 = last ? cell.expectedStatus : 0
                if status != expected {
                            throw NotebookFileError(message: "\(file):\(cell.line): cell \(k + 1) expected exit status \(expected) from `\(command)` but got \(status):\n\(out)\(err)")
                }
            }
            outputs.append(output)
        }
        var figures: [String] = []
        for figure in notebook.figuresByCell.flatMap({ $0 }) where !figures.contains(figure) { figures.append(figure) }
        // `run` copies each linked figure from the scratch folder into the notebook's: a link
        // that climbs out of assets/ would copy outside it.
        if let outside = figures.first(where: { $0.split(separator: "/").contains("..") }) {
            throw NotebookFileError(message: "\(file): links \(outside), which leaves assets/; a figure link names a file under assets/ without ..")
        }
        for figure in figures where !FileManager.default.fileExists(atPath: scratch.appendingPathComponent(figure).path) {
            throw NotebookFileError(message: "\(file): links \(figure), which no cell wrote (a cell writes it with --out \(URL(fileURLWithPath: figure).deletingLastPathComponent().relativePath))")
        }
        succeeded = true
        return Result(original: original, notebook: notebook, outputs: outputs, figures: figures, folder: folder, scratch: scratch)
    }

    /// Every folder a command's words give with --out (`--out DIR` or `--out=DIR`): the last
    /// one given is the one used, so each must stay inside.
    static func outFolders(_ words: [String]) -> [String] {
        words.indices.compactMap { i in
            if words[i] == "--out", i + 1 < words.count { return words[i + 1] }
            return words[i].hasPrefix("--out=") ? String(words[i].dropFirst(6)) : nil
        }
    }

    /// Whether a path is relative and never climbs above where it starts (`a/../b` does not,
    /// `a/../../b` does).
    static func staysInside(_ path: String) -> Bool {
        guard !path.hasPrefix("/"), !path.hasPrefix("~") else { return false }
        var depth = 0
        for part in path.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 { return false }
        }
        return true
    }

    /// Runs one lab command in this process, with its stdout and stderr captured.
    static func capture(_ arguments: [String]) -> (out: String, err: String, status: Int32) {
        fflush(nil)  // every C stream, stdout among them
        let outFile = tmpfile()!, errFile = tmpfile()!
        defer { fclose(outFile); fclose(errFile) }
        let savedOut = dup(1), savedErr = dup(2)
        dup2(fileno(outFile), 1)
        dup2(fileno(errFile), 2)
        var status: Int32 = 0
        do {
            try Lab.execute(try Lab.parseAsRoot(arguments))
        } catch {
            status = Lab.report(error)
        }
        fflush(nil)  // every C stream, stdout among them
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(savedOut)
        close(savedErr)
        func read(_ f: UnsafeMutablePointer<FILE>) -> String {
            fflush(f)
            rewind(f)
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, f)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return String(decoding: data, as: UTF8.self)
        }
        return (read(outFile), read(errFile), status)
    }
}
