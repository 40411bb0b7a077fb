import Foundation

/// The built-in header and footer, rendered once per section of the site instead of on every
/// page.
///
/// They read nothing but `site`, which is the same on every page of a section (`current` marks
/// the section's nav entry), yet cost about 30 Mustache lookups a page: 0.7 s of CPU over the
/// 11,000 pages of a 10,000-briefing site. When the layout, the header and the footer are all
/// built-in (the layout shows the two at the top of the page's context, unindented), the layout
/// is rewritten to show them from `site`, where `SiteValues` puts them rendered. A theme that
/// overrides any of the three renders them on every page, with the same output
/// (`JoinedListsTests` compares the two byte for byte).
enum ShellParts {
    /// Partial → the key under `site` that holds it rendered. The tags are standalone in the
    /// layout, so each takes its line break with it.
    static let parts: [(partial: String, key: String)] = [("header", "builtInHeader"), ("footer", "builtInFooter")]

    /// Rewrites the built-in layout when the theme keeps the layout, the header and the footer.
    static func rewrite(_ sources: inout [String: String], overridden: Set<String>) -> Bool {
        guard !overridden.contains("layout"), parts.allSatisfy({ !overridden.contains($0.partial) }),
              var layout = sources["layout"] else { return false }
        for (partial, key) in parts {
            let tag = "\n{{>\(partial)}}\n"
            // The tag exactly once, split as the item wrappers are.
            guard let around = ItemWrappers.split(layout, at: tag) else { return false }
            layout = around.prefix + "\n{{{site.\(key)}}}" + around.suffix
        }
        sources["layout"] = layout
        return true
    }
}

/// The `site` value of each section, made once (see `ShellParts`). Each carries
/// `builtInShape`, the fingerprint of its values, so that a page's shape (`ShapeSkeletons`)
/// can stand for it whole.
final class SiteValues: @unchecked Sendable {
    private let templates: TemplateSet
    private let made = LockedCache<String?, [String: Any]>()

    init(templates: TemplateSet) {
        self.templates = templates
    }

    func site(current: String?, make: () -> [String: Any]) -> [String: Any] {
        made.value(current) {
            var site = make()
            if templates.rendersShellParts {
                for (partial, key) in ShellParts.parts {
                    var ignored = Diagnostics()
                    site[key] = JoinedHTML(renderText: templates.render(["site": site], template: partial, diagnostics: &ignored) ?? "")
                }
            }
            var values = Fingerprint()
            values.combine(context: site)
            site[ShapeSkeletons.constantKey] = values.description
            return site
        }
    }
}
