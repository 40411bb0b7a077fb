// The built-in theme's page templates, one per kind of page.
extension DefaultTheme {
    static let home = #"""
{{<layout}}{{$main}}
<div class="wrap home">
  <section class="intro">
    <h1>{{site.title}}</h1>
    {{#site.description}}<p class="lede">{{site.description}}</p>{{/site.description}}
  </section>
  <div class="columns">
    <section class="latest" aria-labelledby="latest-heading">
      <h2 id="latest-heading">Latest briefings</h2>
      {{#latest}}{{>briefing-item}}{{/latest}}
      {{^latest}}<p>No briefings yet.</p>{{/latest}}
      <p><a href="{{site.briefings}}">All briefings →</a></p>
    </section>
    <aside class="sidebar">
      {{#hasKeyActors}}<section aria-labelledby="actors-heading"><h2 id="actors-heading">Key actors</h2>{{#keyActors}}{{>entity-list}}{{/keyActors}}</section>{{/hasKeyActors}}
      {{#hasKeyPlaces}}<section aria-labelledby="places-heading"><h2 id="places-heading">Key places</h2>{{#keyPlaces}}{{>entity-list}}{{/keyPlaces}}</section>{{/hasKeyPlaces}}
      {{#hasRecentEvents}}<section aria-labelledby="events-heading"><h2 id="events-heading">Recent events</h2><ol class="events compact">{{#recentEvents}}{{>event-item}}{{/recentEvents}}</ol></section>{{/hasRecentEvents}}
    </aside>
  </div>
</div>
{{/main}}{{/layout}}
"""#

    static let briefing = #"""
{{<layout}}{{$main}}
<article class="wrap briefing">
  <header class="briefing-header">
    <p class="kicker"><a href="{{site.briefings}}">Briefing</a></p>
    <h1>{{title}}</h1>
    {{#summary}}<p class="lede">{{summary}}</p>{{/summary}}
    <p class="meta">
      <time datetime="{{dateISO}}">{{date}}</time>
      {{#updated}} · updated <time datetime="{{updatedISO}}">{{updated}}</time>{{/updated}}
      · {{readingMinutes}} min read
      {{#draft}} · <strong>draft</strong>{{/draft}}
    </p>
    {{#hasTags}}<span class="visually-hidden">Tags:</span><ul class="tags">{{#tags}}<li><a href="{{url}}">{{name}}</a></li>{{/tags}}</ul>{{/hasTags}}
  </header>
  <div class="briefing-layout">
    <div class="body">
{{{body}}}
    </div>
    <aside class="briefing-aside" aria-label="About this briefing">
      {{#hasActors}}<section><h2>Actors</h2>{{#actors}}{{>entity-list}}{{/actors}}</section>{{/hasActors}}
      {{#hasPlaces}}<section><h2>Places</h2>{{#places}}{{>entity-list}}{{/places}}</section>{{/hasPlaces}}
      {{#hasEvents}}<section><h2>Events</h2><ol class="events compact">{{#events}}{{>event-item}}{{/events}}</ol></section>{{/hasEvents}}
    </aside>
  </div>
  {{#hasSources}}
  <section class="sources" aria-labelledby="sources-heading">
    <h2 id="sources-heading">Sources</h2>
    <ol>{{#sources}}<li>{{#url}}<a href="{{url}}" rel="noopener">{{title}}</a>{{/url}}{{^url}}{{title}}{{/url}}{{#date}}, <time datetime="{{dateISO}}">{{date}}</time>{{/date}}</li>{{/sources}}</ol>
  </section>
  {{/hasSources}}
  {{#hasRelated}}
  <section class="related" aria-labelledby="related-heading">
    <h2 id="related-heading">Related briefings</h2>
    {{#related}}{{>briefing-item}}{{/related}}
  </section>
  {{/hasRelated}}
</article>
{{/main}}{{/layout}}
"""#

    static let briefings = #"""
{{<layout}}{{$main}}
<div class="wrap listing">
  <h1>{{heading}}</h1>
  <h2 class="visually-hidden">Newest first</h2>
  {{#items}}{{>briefing-item}}{{/items}}
  {{^items}}<p>No briefings yet.</p>{{/items}}
  {{>pagination}}
</div>
{{/main}}{{/layout}}
"""#

    static let entity = #"""
{{<layout}}{{$main}}
<article class="wrap entity">
  <header>
    {{#hasBreadcrumb}}<nav class="breadcrumb" aria-label="Breadcrumb"><ol>{{#breadcrumb}}<li><a href="{{url}}">{{name}}</a></li>{{/breadcrumb}}<li aria-current="page">{{name}}</li></ol></nav>{{/hasBreadcrumb}}
    <p class="kicker"><a href="{{indexURL}}">{{kindLabel}}</a>{{#category}} · {{category}}{{/category}}</p>
    <h1>{{name}}</h1>
    {{#hasAliases}}<p class="aliases">Also known as: {{#aliases}}<span class="alias">{{.}}</span>{{/aliases}}</p>{{/hasAliases}}
    {{#summary}}<p class="lede">{{summary}}</p>{{/summary}}
    {{#stub}}<p class="notice">No profile has been written for this {{kindNoun}} yet; it is named in the briefings below.</p>{{/stub}}
  </header>
  {{#profile}}<div class="body profile">
{{{profile}}}
  </div>{{/profile}}
  {{#hasParents}}<section><h2>{{parentsLabel}}</h2>{{#parents}}{{>entity-list}}{{/parents}}</section>{{/hasParents}}
  {{#hasChildren}}<section><h2>{{childrenLabel}}</h2>{{#children}}{{>entity-list}}{{/children}}</section>{{/hasChildren}}
  <section aria-labelledby="briefings-heading">
    <h2 id="briefings-heading">Briefings ({{referenceCount}})</h2>
    {{#references}}{{>briefing-item}}{{/references}}
    {{^references}}<p>No briefing refers to {{name}} yet.</p>{{/references}}
  </section>
  {{#hasEvents}}<section aria-labelledby="timeline-heading"><h2 id="timeline-heading">Timeline</h2><ol class="events">{{#events}}{{>event-item}}{{/events}}</ol></section>{{/hasEvents}}
  {{#hasAppearsWith}}<section aria-labelledby="with-heading"><h2 id="with-heading">Appears with</h2>
    <ul class="chips">{{#appearsWith}}<li><a href="{{url}}">{{name}}</a> <span class="count" aria-label="{{count}} shared briefings">{{count}}</span></li>{{/appearsWith}}</ul>
  </section>{{/hasAppearsWith}}
  <p class="feed-link"><a href="{{feedURL}}">Atom feed for {{name}}</a></p>
</article>
{{/main}}{{/layout}}
"""#

    static let entities = #"""
{{<layout}}{{$main}}
<div class="wrap entity-index">
  <h1>{{heading}}</h1>
  {{#groups}}
  <section>
    <h2>{{category}}</h2>
    <ul class="entity-grid">{{#entities}}<li><a href="{{url}}">{{name}}</a>{{#count}} <span class="count">{{count}}</span>{{/count}}{{#summary}}<p>{{summary}}</p>{{/summary}}</li>{{/entities}}</ul>
  </section>
  {{/groups}}
  {{#hasTree}}<section><h2>By location</h2><ul class="tree">{{#tree}}{{>place-tree}}{{/tree}}</ul></section>{{/hasTree}}
</div>
{{/main}}{{/layout}}
"""#

    static let tags = #"""
{{<layout}}{{$main}}
<div class="wrap tag-index">
  <h1>Tags</h1>
  <ul class="chips">{{#tags}}<li><a href="{{url}}">{{name}}</a> <span class="count">{{count}}</span></li>{{/tags}}</ul>
</div>
{{/main}}{{/layout}}
"""#

    static let timeline = #"""
{{<layout}}{{$main}}
<div class="wrap timeline">
  <h1>Timeline</h1>
  <p class="lede">Every dated event from the briefings, and every briefing's publication, oldest first.</p>
  {{#years}}
  <section class="year" aria-labelledby="y{{year}}">
    <h2 id="y{{year}}">{{year}}</h2>
    {{#months}}
    <h3>{{label}}</h3>
    <ol class="events">{{#events}}{{>event-item}}{{/events}}</ol>
    {{/months}}
  </section>
  {{/years}}
</div>
{{/main}}{{/layout}}
"""#

    static let page = #"""
{{<layout}}{{$main}}
<article class="wrap page">
  <h1>{{title}}</h1>
  <div class="body">
{{{body}}}
  </div>
</article>
{{/main}}{{/layout}}
"""#

    static let search = #"""
{{<layout}}{{$main}}
<div class="wrap search">
  <h1>Search</h1>
  <form role="search" id="search-form" action="{{site.searchPage}}" method="get">
    <label for="search-input">Search briefings, actors and places</label>
    <input type="search" id="search-input" name="q" autocomplete="off" spellcheck="false" aria-describedby="search-hint">
    <button type="submit">Search</button>
    <p id="search-hint" class="search-hint">Every word must match; the start of a word is enough. Accents and letter case do not matter.</p>
  </form>
  <p id="search-status" class="search-status" role="status" aria-live="polite"></p>
  <ol id="search-results" class="search-results"></ol>
  <p class="search-more"><button type="button" id="search-more" hidden>Show more results</button></p>
  <noscript><p>Search needs JavaScript. Browse the <a href="{{site.briefings}}">briefings</a>, the <a href="{{site.timeline}}">timeline</a>, <a href="{{site.actors}}">actors</a>, <a href="{{site.places}}">places</a> or <a href="{{site.tags}}">tags</a> instead.</p></noscript>
</div>
<script src="{{site.searchScript}}" data-index="{{site.searchIndex}}" defer></script>
{{/main}}{{/layout}}
"""#

    static let notFound = #"""
{{<layout}}{{$main}}
<div class="wrap page">
  <h1>Page not found</h1>
  <p>There is no page at this address. Try the <a href="{{site.briefings}}">briefings</a>, the <a href="{{site.timeline}}">timeline</a> or <a href="{{site.searchPage}}">search</a>.</p>
</div>
{{/main}}{{/layout}}
"""#
}
