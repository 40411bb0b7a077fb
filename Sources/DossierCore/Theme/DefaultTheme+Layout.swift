// The built-in theme's shell and shared partials. Sites override any of them by name from
// `Templates/NAME.mustache`. Every value is escaped by Mustache (`{{x}}`); triple braces are
// used only for HTML the pipeline rendered itself (Markdown bodies).
extension DefaultTheme {
    static let layout = #"""
<!DOCTYPE html>
<html lang="{{site.language}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{page.fullTitle}}</title>
<meta name="description" content="{{page.description}}">
<meta name="generator" content="Dossier">
<link rel="canonical" href="{{page.canonical}}">
<meta property="og:site_name" content="{{site.title}}">
<meta property="og:title" content="{{page.title}}">
<meta property="og:description" content="{{page.description}}">
<meta property="og:type" content="{{page.ogType}}">
<meta property="og:url" content="{{page.canonical}}">
<meta name="color-scheme" content="light dark">
<link rel="alternate" type="application/atom+xml" title="{{site.title}}" href="{{site.feed}}">
{{#page.feed}}
<link rel="alternate" type="application/atom+xml" title="{{title}}" href="{{url}}">
{{/page.feed}}
<link rel="stylesheet" href="{{site.stylesheet}}">
</head>
<body class="{{page.kind}}">
<a class="skip-link" href="#main">Skip to content</a>
{{>header}}
<main id="main" tabindex="-1">
{{$main}}{{/main}}
</main>
{{>footer}}
</body>
</html>

"""#

    static let header = #"""
<header class="site-header">
  <div class="wrap">
    <a class="site-title" href="{{site.home}}">{{site.title}}</a>
    <nav aria-label="Main">
      <ul>
        {{#site.nav}}
        <li><a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{title}}</a></li>
        {{/site.nav}}
      </ul>
    </nav>
  </div>
</header>
"""#

    static let footer = #"""
<footer class="site-footer">
  <div class="wrap">
    <p>{{site.title}}{{#site.description}} — {{site.description}}{{/site.description}}</p>
    <p><a href="{{site.feed}}">Atom feed</a> · <a href="{{site.timeline}}">Timeline</a>{{#site.pages}} · <a href="{{url}}">{{title}}</a>{{/site.pages}}</p>
  </div>
</footer>
"""#

    /// One briefing in a list. Rendered once per briefing (its context is the item alone) and
    /// reused by every list that shows the briefing, through `briefing-item`.
    static let briefingCard = #"""
<article class="briefing-item">
  <h3><a href="{{url}}">{{title}}</a></h3>
  <p class="meta"><time datetime="{{dateISO}}">{{date}}</time></p>
  {{#summary}}<p>{{summary}}</p>{{/summary}}
  {{#hasTags}}<span class="visually-hidden">Tags:</span><ul class="tags">{{#tags}}<li><a href="{{url}}">{{name}}</a></li>{{/tags}}</ul>{{/hasTags}}
</article>
"""#

    /// A briefing in a list: the pre-rendered card, plus what is specific to this list
    /// (on entity pages, `reference-meta`: the place it concerns and the number of mentions).
    static let briefingItem = #"""
{{{card}}}{{{referenceMeta}}}
"""#

    /// Rendered once per distinct line (see `ReferenceLines`), only where `reference` is true.
    static let referenceMeta = #"""
<p class="reference-meta">{{#via}}Concerns <a href="{{url}}">{{name}}</a>{{/via}}{{#mentions}}{{#via}} · {{/via}}{{mentions}} mention{{#plural}}s{{/plural}}{{/mentions}}</p>
"""#

    static let entityList = #"""
<ul class="chips">{{#.}}<li><a href="{{url}}"{{#stub}} class="stub"{{/stub}}>{{name}}</a></li>{{/.}}</ul>
"""#

    /// One event, rendered once and reused by the timeline and every page that lists it.
    static let eventCard = #"""
<time datetime="{{dateISO}}">{{date}}</time>
  <span class="event-title">{{#publication}}Briefing published: <a href="{{briefing.url}}">{{title}}</a>{{/publication}}{{^publication}}{{title}}{{/publication}}</span>
  {{^publication}}<span class="event-source">(<a href="{{briefing.url}}">{{briefing.title}}</a>)</span>{{/publication}}
  {{#hasEntities}}<ul class="chips small">{{#entities}}<li><a href="{{url}}">{{name}}</a></li>{{/entities}}</ul>{{/hasEntities}}
"""#

    static let eventItem = #"""
<li class="event{{#publication}} publication{{/publication}}">
  {{{card}}}{{#via}}<span class="event-via">in <a href="{{url}}">{{name}}</a></span>{{/via}}
</li>
"""#

    static let pagination = #"""
{{#pagination}}
<nav class="pagination" aria-label="Pages">
  {{#previous}}<a rel="prev" href="{{previous}}">← Newer</a>{{/previous}}
  <span>Page {{current}} of {{total}}</span>
  {{#next}}<a rel="next" href="{{next}}">Older →</a>{{/next}}
</nav>
{{/pagination}}
"""#

    static let placeTree = #"""
<li><a href="{{url}}">{{name}}</a>{{#category}} <span class="kind">{{category}}</span>{{/category}}{{#count}} <span class="count">{{count}}</span>{{/count}}
{{#hasChildren}}<ul>{{#children}}{{>place-tree}}{{/children}}</ul>{{/hasChildren}}
</li>
"""#
}
