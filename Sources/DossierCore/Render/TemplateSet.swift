import Foundation
import Mustache

/// The theme in use: built-in templates and assets, each overridable by a file of the same
/// name in `Templates/` (templates as `NAME.mustache`, assets under `Templates/assets/`).
struct TemplateSet: Sendable {
    let library: MustacheLibrary
    /// Output path under the site root ("assets/style.css") → bytes.
    let assets: [String: Data]
    /// Changes whenever any template or asset changes: part of every page's fingerprint.
    let fingerprint: Fingerprint
    /// The built-in lists this theme lets Swift join (see `JoinedLists`).
    let joinedLists: JoinedLists
    /// Whether `site` carries the header and footer rendered (see `ShellParts`).
    let rendersShellParts: Bool
    /// The built-in templates rendered once per shape of their context (see `ShapeSkeletons`).
    let shapeSkeletons: ShapeSkeletons

    static func load(from folder: URL, displayBase: URL, diagnostics: inout Diagnostics) -> TemplateSet {
        var sources = DefaultTheme.templates
        var origin: [String: String] = [:]
        var assets = DefaultTheme.assets.mapValues { Data($0.utf8) }
        let manager = FileManager.default
        if let names = try? manager.subpathsOfDirectory(atPath: folder.path) {
            for relative in names.sorted() {
                let url = folder.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                      !ContentWalker.isSkipped(url.lastPathComponent) else { continue }
                let display = SitePaths.display(url, base: displayBase)
                if relative.hasPrefix("assets/") {
                    guard StaticPath.isSafe(relative), let data = manager.contents(atPath: url.path) else {
                        diagnostics.error("dossier.template.asset", display, "cannot publish this theme asset")
                        continue
                    }
                    assets[relative] = data
                } else if relative.hasSuffix(".mustache") {
                    guard let data = manager.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                        diagnostics.error("dossier.template.unreadable", display, "template is not readable UTF-8 text")
                        continue
                    }
                    let name = String(relative.dropLast(".mustache".count))
                    if sources[name] == nil {
                        diagnostics.warning("dossier.template.unknown", display,
                                            "no built-in template is called '\(name)'; it can still be used as a partial")
                    }
                    sources[name] = text
                    origin[name] = display
                }
            }
        }
        var fingerprint = Fingerprint()
        for name in sources.keys.sorted() {
            fingerprint.combine(name)
            fingerprint.combine(sources[name]!)
        }
        let joinedLists = JoinedLists.rewrite(&sources, overridden: Set(origin.keys))
        let rendersShellParts = ShellParts.rewrite(&sources, overridden: Set(origin.keys))
        // A shape's placeholders reach every partial its template calls, all the way down (the
        // layout, header and footer of a page too): only templates that reach built-in ones
        // alone are shaped. A theme's partial could transform a value or test a string in ways
        // a placeholder does not show.
        let shaped = ["event-card", "briefing-card", "briefing-item", "event-item", "reference-meta",
                      "dossier-joined/briefing/sources", "briefing", "entity", "briefings"]
        let shapeSkeletons = ShapeSkeletons(templates: Set(shaped.filter { name in
            sources[name] != nil && Self.reachable(from: name, in: sources).allSatisfy { origin[$0] == nil }
        }))
        HTMLEscaping.registered
        var library = MustacheLibrary()
        for name in sources.keys.sorted() {
            do {
                try library.register(escapingLine + sources[name]!, named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.error("dossier.template.syntax", origin[name] ?? "built-in theme '\(name)'",
                                  line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber,
                                  "template syntax error: \(error.error)")
            } catch {
                diagnostics.error("dossier.template.syntax", origin[name] ?? "built-in theme '\(name)'",
                                  "template syntax error: \(error)")
            }
        }
        return TemplateSet(library: library, assets: assets, fingerprint: fingerprint, joinedLists: joinedLists,
                           rendersShellParts: rendersShellParts, shapeSkeletons: shapeSkeletons)
    }

    /// Renders a page template; a missing template is reported, never an empty page.
    func render(_ context: [String: Any], template: String, diagnostics: inout Diagnostics) -> String? {
        if let text = shapeSkeletons.render(context, template: template, library: library) { return text }
        guard let text = library.render(context, withTemplate: template) else {
            diagnostics.error("dossier.template.missing", "Templates/\(template).mustache",
                              "template '\(template)' does not exist")
            return nil
        }
        return text
    }

    /// `name` and every template it calls as a partial or extends (`{{>x}}`, `{{<x}}`), and
    /// those templates' own, found in `sources`.
    static func reachable(from name: String, in sources: [String: String]) -> Set<String> {
        var found: Set<String> = [name]
        var pending = [name]
        while let next = pending.popLast() {
            for called in partialNames(in: sources[next] ?? "") where found.insert(called).inserted {
                pending.append(called)
            }
        }
        return found
    }

    /// The names in `{{> name}}` and `{{< name}}` tags.
    static func partialNames(in source: String) -> [String] {
        var names: [String] = []
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            let tag = rest.drop { $0 == " " }
            guard let sigil = tag.first, sigil == ">" || sigil == "<",
                  let close = tag.range(of: "}}") else { continue }
            let name = tag[tag.index(after: tag.startIndex)..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { names.append(name) }
            rest = tag[close.upperBound...]
        }
        return names
    }

    /// Put before every template: its values are escaped by `HTMLEscaping`. (swift-mustache
    /// starts every partial with its own escaping, so each template needs the line.) Alone on its
    /// line, the tag is removed with the line, and the template after it parses as written;
    /// syntax errors are reported one line up.
    private static let escapingLine = "{{% CONTENT_TYPE: HTML}}\n"
}
