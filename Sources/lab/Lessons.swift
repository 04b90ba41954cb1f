import Foundation
import Ink

/// The lessons (`notebooks-md/`) as pages of `lab serve`: each lesson's markdown in HTML (Ink),
/// its figures inline, and each `lab run`, `compare`, `step` or `basins` command linked to the
/// live page with the command's problem, optimizers, start and settings. Only the lessons and
/// the figures under `notebooks-md/assets` are served.
enum Lessons {
    /// The nearest `notebooks-md` folder from the current directory upward, as the catalog
    /// finds `problems/`.
    static func folder() -> URL? {
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent("notebooks-md", isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The lessons' names (file stems, in order) and titles (their first heading).
    static func list() -> [(name: String, title: String)] {
        guard let folder = folder(), let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().compactMap { file in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { return nil }
            let title = text.split(separator: "\n").first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) } ?? file
            return (String(file.dropLast(3)), title)
        }
    }

    /// The index page: every lesson, linked.
    static func index() -> String {
        page(title: "flatlab lessons", body: "<h1>Lessons</h1>\n<ol>\n" + list().map { "<li><a href=\"/lessons/\(escape($0.name))\">\(escape($0.title))</a></li>" }.joined(separator: "\n")
            + "\n</ol>\n<p><a href=\"/\">the live page</a></p>")
    }

    /// A lesson as HTML, or nil when `name` is not one of `list()`.
    static func html(_ name: String) -> String? {
        guard let lesson = list().first(where: { $0.name == name }), let folder = folder(),
              let markdown = try? String(contentsOf: folder.appendingPathComponent(name + ".md"), encoding: .utf8) else { return nil }
        let parser = MarkdownParser(modifiers: [
            // Figures from the lessons' assets, served below /lessons/assets.
            Modifier(target: .images) { html, _ in html.replacingOccurrences(of: "src=\"assets/", with: "src=\"/lessons/assets/") },
            // A command of the lab, followed by a link that opens the live page with it.
            Modifier(target: .codeBlocks) { html, markdown in
                guard let link = pageLink(String(markdown)) else { return html }
                return html + "<p class=\"open\"><a href=\"\(escape(link))\">open this in the live page</a></p>"
            },
        ])
        return page(title: lesson.title, body: parser.html(from: markdown) + "\n<p><a href=\"/lessons\">all lessons</a> · <a href=\"/\">the live page</a></p>")
    }

    /// A figure under `notebooks-md/assets`, by its path below it: nil for anything else
    /// (`..`, a hidden file, a kind that is not SVG or PNG).
    static func asset(_ path: String) -> (data: Data, type: String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") }), let folder = folder() else { return nil }
        let types = ["svg": "image/svg+xml", "png": "image/png"]
        guard let type = types[String(parts.last!.split(separator: ".").last ?? "")] else { return nil }
        let file = parts.reduce(folder.appendingPathComponent("assets", isDirectory: true)) { $0.appendingPathComponent(String($1)) }
        guard let data = try? Data(contentsOf: file) else { return nil }
        return (data, type)
    }

    /// The live page's address for a lesson's `lab run|compare|step|basins PROBLEM ...` command
    /// (the first line of a shell block): `/#problem=...&opts=...&start=...&lr=...`; nil for
    /// anything else.
    static func pageLink(_ markdown: String) -> String? {
        let lines = markdown.split(separator: "\n")
        guard let fence = lines.first, fence.hasPrefix("```sh"), lines.count >= 2 else { return nil }
        let words = lines[1].split(separator: " ").map(String.init)
        guard words.count >= 3, words[0] == "lab", ["run", "compare", "step", "basins"].contains(words[1]) else { return nil }
        var hash: [(String, String)] = [("problem", words[2])]
        var k = 3
        while k + 1 < words.count {
            let key = words[k].hasPrefix("--") ? String(words[k].dropFirst(2)) : ""
            let value = words[k + 1]
            switch key {
            case "opt", "opts": hash.append(("opts", value))
            case "start", "at": hash.append(("start", value))
            case "lr", "rho", "alpha", "steps": hash.append((key, value))
            default: break
            }
            k += key.isEmpty ? 1 : 2
        }
        return "/#" + hash.map { "\($0)=\($1)" }.joined(separator: "&")
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
          body { font: 16px/1.5 "DejaVu Sans", sans-serif; max-width: 52em; margin: 24px auto; padding: 0 16px; color: #222; }
          pre { background: #f4f4f4; padding: 8px; overflow-x: auto; font-size: 13px; }
          img { max-width: 100%; }
          p.open { margin-top: -8px; font-size: 14px; }
        </style></head>
        <body>
        \(body)
        </body></html>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
