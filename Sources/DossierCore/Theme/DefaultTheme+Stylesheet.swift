extension DefaultTheme {
    static let stylesheet = #"""
:root {
  --bg: #fdfcf8; --fg: #1d1f21; --muted: #585e66; --accent: #0b5cad; --accent-visited: #6a3d9a;
  --rule: #d9d6cc; --chip: #eef1f5; --focus: #c25400; --max: 72rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Naskh Arabic", sans-serif;
  line-height: 1.55; color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --fg: #e6e4df; --muted: #a4a9b0; --accent: #7cb7ff; --accent-visited: #c3a4ea;
          --rule: #33373d; --chip: #23272d; --focus: #ffb067; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font-size: 1.0625rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:visited { color: var(--accent-visited); }
a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px;
}
.wrap { max-width: var(--max); margin: 0 auto; padding: 0 1.25rem; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--fg); color: var(--bg); padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; top: 0.5rem; }
.site-header { border-bottom: 1px solid var(--rule); padding: 0.75rem 0; }
.site-header .wrap { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1.5rem; }
.site-title { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--fg); }
.site-header ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.site-header a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 2px; }
main { display: block; padding: 1.5rem 0 3rem; }
h1 { font-size: clamp(1.6rem, 4vw, 2.4rem); line-height: 1.2; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; }
.lede { font-size: 1.15rem; color: var(--muted); max-width: 48rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; margin: 0; color: var(--muted); }
.meta, .count, .kind, .aliases { color: var(--muted); font-size: 0.9rem; }
.count { font-variant-numeric: tabular-nums; }
.columns, .briefing-layout { display: grid; gap: 2rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 60rem) {
  .columns { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); }
  .briefing-layout { grid-template-columns: minmax(0, 46rem) minmax(0, 1fr); }
}
.body { max-width: 46rem; }
.body img { max-width: 100%; height: auto; }
.body table { border-collapse: collapse; display: block; overflow-x: auto; }
.body th, .body td { border: 1px solid var(--rule); padding: 0.35rem 0.6rem; text-align: left; }
.body pre { overflow-x: auto; background: var(--chip); padding: 0.75rem; }
.body blockquote { border-left: 3px solid var(--rule); margin-left: 0; padding-left: 1rem; color: var(--muted); }
.briefing-item { border-top: 1px solid var(--rule); padding: 0.75rem 0; }
.briefing-item h3 { margin: 0 0 0.25rem; font-size: 1.1rem; }
.briefing-item p { margin: 0.25rem 0; }
.tags, .chips { list-style: none; padding: 0; margin: 0.4rem 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
.tags li a, .chips li a { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 1rem; background: var(--chip); text-decoration: none; }
.tags li a::before { content: "#"; color: var(--muted); }
.chips a.stub { font-style: italic; }
.chips.small { font-size: 0.85rem; }
.briefing-aside section, .sidebar section { margin-bottom: 1.5rem; }
.briefing-aside h2, .sidebar h2 { font-size: 1rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.events { list-style: none; padding: 0; margin: 0; }
.events .event { border-left: 2px solid var(--rule); padding: 0.3rem 0 0.5rem 0.9rem; }
.events .event time { display: block; font-weight: 600; font-size: 0.9rem; }
.events .publication { color: var(--muted); }
.event-source, .event-via { color: var(--muted); font-size: 0.9rem; }
.breadcrumb ol { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; font-size: 0.9rem; }
.breadcrumb li + li::before { content: "›"; margin-right: 0.4rem; color: var(--muted); }
.alias + .alias::before { content: ", "; }
.entity-grid { list-style: none; padding: 0; display: grid; gap: 0.75rem 1.5rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.entity-grid p { margin: 0.2rem 0 0; color: var(--muted); font-size: 0.9rem; }
.tree ul { border-left: 1px solid var(--rule); margin-left: 0.4rem; }
.notice { border: 1px solid var(--rule); padding: 0.5rem 0.75rem; }
.pagination { display: flex; gap: 1.5rem; align-items: center; margin-top: 1.5rem; }
.search form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.search label { flex-basis: 100%; }
.search input { flex: 1 1 18rem; font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--muted); background: var(--bg); color: var(--fg); }
.search button { font: inherit; padding: 0.45rem 1rem; }
.search-results { padding-left: 1.25rem; }
.search-results li { margin-bottom: 0.9rem; }
.search-results mark { background: #ffe58a; color: #1d1f21; }
.search-results .result-kind { color: var(--muted); font-size: 0.85rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.reference-meta { margin: -0.5rem 0 0.5rem; color: var(--muted); font-size: 0.9rem; }
.entity > section, .entity > header, .timeline, .listing, .tag-index { max-width: 52rem; }
.briefing-aside section:first-child h2 { margin-top: 0; }
.site-footer { border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.9rem; padding: 1rem 0 2rem; }
.footnotes { font-size: 0.9rem; border-top: 1px solid var(--rule); margin-top: 2rem; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #333; --accent: #000; }
  .site-header nav, .skip-link, .site-footer, .briefing-aside, .related, .feed-link, .pagination, .search form { display: none; }
  body { font-size: 11pt; }
  .wrap { max-width: none; padding: 0; }
  .briefing-layout { display: block; }
  a { color: #000; text-decoration: none; }
  .body a[href^="http"]::after, .sources a::after { content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all; }
  h1, h2, h3 { break-after: avoid; }
  .briefing-item, tr, img { break-inside: avoid; }
}
/* Search page (assets/search.js) */
.search .search-hint { flex-basis: 100%; margin: 0; color: var(--muted); font-size: 0.9rem; }
.search-status { min-height: 1.55em; color: var(--muted); }
.search-results { list-style: none; padding: 0; margin: 0; max-width: 48rem; }
.search-results .search-result { border-top: 1px solid var(--rule); padding: 0.75rem 0; margin: 0; }
.search-results .result-title { font-size: 1.1rem; margin: 0 0 0.2rem; }
.search-results .result-meta, .search-results .result-aliases { color: var(--muted); font-size: 0.9rem; margin: 0.15rem 0; }
.search-results .result-kind { font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.8rem; }
.search-results .result-summary { margin: 0.25rem 0 0; }
.search-results mark { background: #ffe58a; color: #1d1f21; border-radius: 2px; }
.search-results a:visited mark { color: #1d1f21; }
.search-more button { font: inherit; padding: 0.45rem 1rem; }
@media print { .search-more, .search-status { display: none; } }
"""#
}
