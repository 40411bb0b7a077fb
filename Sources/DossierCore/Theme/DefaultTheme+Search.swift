// The search client, published as /assets/search.js. Plain JavaScript with no dependencies,
// loaded only by the search page. It reads the index the build wrote under /search/ (see
// Render/SearchIndex.swift and docs/search.md); `tokens` must stay identical to
// `SearchText.tokens` in Swift.
extension DefaultTheme {
    static let searchScript = #"""
/* Dossier search: client-side, no server, no third-party code. See docs/search.md. */
(function () {
  'use strict';

  var script = document.currentScript || document.querySelector('script[data-index]');
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-input');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  if (!script || !form || !input || !status || !list || !window.fetch || !window.URL || !String.prototype.normalize) {
    return;
  }

  var WORD, MARK;
  try {
    WORD = new RegExp('^[\\p{L}\\p{N}]$', 'u');
    MARK = new RegExp('^\\p{M}$', 'u');
  } catch (error) {
    status.textContent = 'Search needs a more recent browser. Browse the briefings, actors and places instead.';
    return;
  }

  var PAGE_SIZE = 20;
  var MAX_TERMS = 8;
  var MAX_TOKEN_LENGTH = 40;
  /* Term shards one query may load, in bytes (the manifest and result documents come on top). */
  var QUERY_BYTES = 600000;
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December'];
  var KINDS = { briefing: 'Briefing', actor: 'Actor', place: 'Place', page: 'Page' };
  var APOSTROPHES = [0x27, 0x60, 0x2018, 0x2019, 0x201B, 0x2032, 0x2B9, 0x2BB, 0x2BC, 0x2BD, 0x2BE, 0x2BF, 0xFF07];

  /* ---- Normalisation: the same steps, in the same order, as SearchText.tokens in Swift. ---- */

  function isWord(ch) { return WORD.test(ch); }

  function isDropped(cp, ch) {
    return (cp >= 0x64B && cp <= 0x65F) || cp === 0x670 || cp === 0x640 || MARK.test(ch);
  }

  function isApostrophe(cp) { return APOSTROPHES.indexOf(cp) >= 0; }

  function mapCodePoint(cp) {
    if (cp === 0x3C2) { return 0x3C3; }
    if (cp === 0x622 || cp === 0x623 || cp === 0x625 || cp === 0x671) { return 0x627; }
    if (cp === 0x629) { return 0x647; }
    if (cp === 0x649 || cp === 0x6CC) { return 0x64A; }
    if (cp === 0x6A9) { return 0x643; }
    if (cp >= 0x660 && cp <= 0x669) { return cp - 0x660 + 0x30; }
    if (cp >= 0x6F0 && cp <= 0x6F9) { return cp - 0x6F0 + 0x30; }
    return cp;
  }

  function tokens(text) {
    var chars = Array.from(String(text).normalize('NFKD').toLowerCase());
    var out = [];
    var current = '';
    var length = 0;
    function flush() {
      if (length > 0 && length <= MAX_TOKEN_LENGTH) { out.push(current); }
      current = '';
      length = 0;
    }
    var i = 0;
    while (i < chars.length) {
      var ch = chars[i];
      var cp = ch.codePointAt(0);
      i += 1;
      if (isDropped(cp, ch)) { continue; }
      if (isApostrophe(cp)) {
        if (length > 0 && i < chars.length && chars[i] === 's' && (i + 1 >= chars.length || !isWord(chars[i + 1]))) {
          i += 1;
        }
        continue;
      }
      var mapped = String.fromCodePoint(mapCodePoint(cp));
      if (isWord(mapped)) {
        current += mapped;
        length += 1;
      } else {
        flush();
      }
    }
    flush();
    return out;
  }

  /* For tests: the browser suite checks these tokens against the Swift ones. */
  window.DossierSearch = { tokens: tokens };

  /* ---- Loading: the manifest once, then only the shards and document chunks a query needs. ---- */

  var indexURL = new URL(script.getAttribute('data-index') || 'index.json', document.baseURI).href;
  var loaded = Object.create(null);

  function load(name) {
    var url = new URL(name, indexURL).href;
    if (!loaded[url]) {
      loaded[url] = fetch(url, { credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) { throw new Error(url + ': HTTP ' + response.status); }
        return response.json();
      });
      loaded[url].catch(function () { delete loaded[url]; });
    }
    return loaded[url];
  }

  function manifest() {
    return load(indexURL).then(function (m) {
      if (!m || m.version !== 1 || !Array.isArray(m.shards)) { throw new Error('unsupported search index'); }
      return m;
    });
  }

  /* The shard that holds `term` (the longest key that is a prefix of it) and the shards whose
     keys start with it, which prefix matching needs as well. */
  function shardsFor(m, term) {
    var own = null;
    var below = [];
    m.shards.forEach(function (shard) {
      var key = shard[0];
      if (term.indexOf(key) === 0) {
        if (!own || key.length > own[0].length) { own = shard; }
      } else if (key.indexOf(term) === 0) {
        below.push(shard);
      }
    });
    return { own: own, below: Array.from(term).length >= 2 ? below : [] };
  }

  /* File names to load for each term. Every term's own shard is loaded; the shards below it (for
     prefix matching beyond its own shard) are added last term first while the query stays under
     QUERY_BYTES, so a first search never downloads much, however short its words. */
  function plan(m, terms) {
    var found = terms.map(function (term) { return shardsFor(m, term); });
    var chosen = Object.create(null);
    var total = 0;
    function add(shard) {
      if (!chosen[shard[1]]) { chosen[shard[1]] = true; total += shard[2]; }
    }
    found.forEach(function (entry) { if (entry.own) { add(entry.own); } });
    var files = found.map(function (entry) { return entry.own ? [entry.own[1]] : []; });
    for (var i = found.length - 1; i >= 0; i -= 1) {
      var extra = 0;
      found[i].below.forEach(function (shard) { if (!chosen[shard[1]]) { extra += shard[2]; } });
      if (total + extra > QUERY_BYTES) { continue; }
      found[i].below.forEach(function (shard) { add(shard); files[i].push(shard[1]); });
    }
    return files;
  }

  /* Posting score bits: 16 title/name/alias, 8 tags/actors/places, 4 summary, 0-3 body count. */
  function weigh(bits, exact) {
    var title = bits & 16 ? (exact ? 2 : 1) : 0;
    var weight = (bits & 16 ? 100 : 0) + (bits & 8 ? 20 : 0) + (bits & 4 ? 10 : 0) + (bits & 3) * 3;
    return { title: title, weight: exact ? weight : weight * 0.6 };
  }

  function better(a, b) {
    return a.title > b.title || (a.title === b.title && a.weight > b.weight);
  }

  function matchTerm(term, shards) {
    var scores = new Map();
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (word) {
        if (word.indexOf(term) !== 0) { return; }
        var postings = shard[word];
        var exact = word === term;
        var id = 0;
        for (var i = 0; i < postings.length; i += 1) {
          id += Math.floor(postings[i] / 32);
          var score = weigh(postings[i] % 32, exact);
          var previous = scores.get(id);
          if (!previous || better(score, previous)) { scores.set(id, score); }
        }
      });
    });
    return scores;
  }

  function rank(m, terms, shardsByTerm) {
    var maps = terms.map(function (term, index) { return matchTerm(term, shardsByTerm[index]); });
    maps.sort(function (a, b) { return a.size - b.size; });
    var hits = [];
    maps[0].forEach(function (first, id) {
      var title = first.title;
      var weight = first.weight;
      for (var k = 1; k < maps.length; k += 1) {
        var other = maps[k].get(id);
        if (!other) { return; }
        title += other.title;
        weight += other.weight;
      }
      hits.push({ id: id, title: title, weight: weight, entity: id < m.entities && title > 0 ? 1 : 0 });
    });
    hits.sort(function (a, b) {
      return (b.title - a.title) || (b.entity - a.entity) || (b.weight - a.weight) || (a.id - b.id);
    });
    return hits;
  }

  /* ---- Showing results: DOM nodes and textContent only. ---- */

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function displayDate(iso) {
    var parts = String(iso).split('-');
    if (parts.length === 1) { return parts[0]; }
    var month = MONTHS[parseInt(parts[1], 10) - 1] || parts[1];
    if (parts.length === 2) { return month + ' ' + parts[0]; }
    return parseInt(parts[2], 10) + ' ' + month + ' ' + parts[0];
  }

  function isWordish(ch) {
    var cp = ch.codePointAt(0);
    return isWord(ch) || MARK.test(ch) || isApostrophe(cp) || cp === 0x640;
  }

  /* Appends `text` to `parent`, wrapping each word that matches a query term in <mark>. */
  function highlight(parent, text, terms) {
    var chars = Array.from(String(text));
    var plain = '';
    function flushPlain() {
      if (plain) { parent.appendChild(document.createTextNode(plain)); plain = ''; }
    }
    var i = 0;
    while (i < chars.length) {
      if (!isWordish(chars[i])) { plain += chars[i]; i += 1; continue; }
      var start = i;
      while (start < chars.length && isApostrophe(chars[start].codePointAt(0))) { start += 1; }
      var end = start;
      while (end < chars.length && isWordish(chars[end])) { end += 1; }
      plain += chars.slice(i, start).join('');
      var word = chars.slice(start, end).join('');
      var hit = word && tokens(word).some(function (token) {
        return terms.some(function (term) { return token.indexOf(term) === 0; });
      });
      if (hit) {
        flushPlain();
        var mark = document.createElement('mark');
        mark.textContent = word;
        parent.appendChild(mark);
      } else {
        plain += word;
      }
      i = end;
    }
    flushPlain();
  }

  function element(tag, className, parent) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function renderResult(m, doc, terms) {
    var item = element('li', 'search-result');
    var heading = element('h2', 'result-title', item);
    var link = element('a', '', heading);
    link.href = m.base + doc.u;
    highlight(link, doc.t, terms);
    var meta = element('p', 'result-meta', item);
    element('span', 'result-kind', meta).textContent = KINDS[doc.k] || doc.k;
    if (doc.d) {
      meta.appendChild(document.createTextNode(' · '));
      var time = element('time', '', meta);
      time.dateTime = doc.d;
      time.textContent = displayDate(doc.d);
    }
    if (doc.c) { meta.appendChild(document.createTextNode(' · ' + doc.c)); }
    if (doc.a && doc.a.length) {
      var aliases = element('p', 'result-aliases', item);
      aliases.appendChild(document.createTextNode('Also known as: '));
      doc.a.forEach(function (alias, index) {
        if (index > 0) { aliases.appendChild(document.createTextNode(', ')); }
        var span = element('span', '', aliases);
        span.setAttribute('dir', 'auto');
        highlight(span, alias, terms);
      });
    }
    if (doc.s) { highlight(element('p', 'result-summary', item), doc.s, terms); }
    return item;
  }

  var state = { manifest: null, hits: [], shown: 0, terms: [], query: '' };
  var generation = 0;

  function showMore(run, focusFirst) {
    var m = state.manifest;
    var slice = state.hits.slice(state.shown, state.shown + PAGE_SIZE);
    var chunks = [];
    slice.forEach(function (hit) {
      var chunk = Math.floor(hit.id / m.chunk);
      if (chunks.indexOf(chunk) < 0) { chunks.push(chunk); }
    });
    return Promise.all(chunks.map(function (chunk) { return load('docs-' + chunk + '.json'); })).then(function (loadedChunks) {
      if (run !== generation) { return; }
      var byChunk = {};
      chunks.forEach(function (chunk, index) { byChunk[chunk] = loadedChunks[index]; });
      var first = null;
      slice.forEach(function (hit) {
        var doc = byChunk[Math.floor(hit.id / m.chunk)][hit.id % m.chunk];
        if (!doc) { return; }
        var item = renderResult(m, doc, state.terms);
        list.appendChild(item);
        if (!first) { first = item; }
      });
      state.shown += slice.length;
      if (more) { more.hidden = state.shown >= state.hits.length; }
      if (focusFirst && first) { first.querySelector('a').focus(); }
    });
  }

  function describe(count, query) {
    if (count === 0) { return 'No results for “' + query + '”. Try fewer words, or the start of a name.'; }
    return count + (count === 1 ? ' result' : ' results') + ' for “' + query + '”.';
  }

  var baseTitle = document.title;

  function updateURL(query) {
    var url = new URL(window.location.href);
    if (query) { url.searchParams.set('q', query); } else { url.searchParams.delete('q'); }
    if (url.href !== window.location.href) { window.history.replaceState(null, '', url.href); }
    document.title = query ? query + ' – ' + baseTitle : baseTitle;
  }

  function search(rawQuery) {
    var query = rawQuery.trim().replace(/\s+/g, ' ');
    if (query === state.query && state.manifest) { return Promise.resolve(); }
    var run = generation += 1;
    state.query = query;
    updateURL(query);
    var terms = [];
    tokens(query).forEach(function (term) { if (terms.indexOf(term) < 0) { terms.push(term); } });
    terms = terms.slice(0, MAX_TERMS);
    if (!terms.length) {
      clear(list);
      state.hits = [];
      if (more) { more.hidden = true; }
      status.textContent = query ? 'Type a word or a name to search.' : '';
      return Promise.resolve();
    }
    return manifest().then(function (m) {
      var files = plan(m, terms);
      var names = [];
      files.forEach(function (list) { list.forEach(function (file) { if (names.indexOf(file) < 0) { names.push(file); } }); });
      return Promise.all(names.map(load)).then(function (shards) {
        var byName = {};
        names.forEach(function (name, index) { byName[name] = shards[index]; });
        var shardsByTerm = files.map(function (list) { return list.map(function (file) { return byName[file]; }); });
        return { m: m, hits: rank(m, terms, shardsByTerm) };
      });
    }).then(function (result) {
      if (run !== generation) { return; }
      state.manifest = result.m;
      state.hits = result.hits;
      state.terms = terms;
      state.shown = 0;
      clear(list);
      return showMore(run, false).then(function () {
        if (run === generation) { status.textContent = describe(result.hits.length, query); }
      });
    }).catch(function () {
      if (run !== generation) { return; }
      state.query = '';
      clear(list);
      if (more) { more.hidden = true; }
      status.textContent = 'The search index could not be loaded. Browse the briefings, actors and places instead.';
    });
  }

  /* ---- Wiring: form submit, typing, keyboard, ?q= in the address. ---- */

  var timer = null;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    state.query = null;
    search(input.value);
  });
  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    /* As you type, a single letter waits for the next one; Enter searches for it anyway. */
    var typed = input.value.trim();
    if (typed && Array.from(typed).length < 2) { return; }
    timer = window.setTimeout(function () { search(input.value); }, 250);
  });

  function resultLinks() {
    return Array.prototype.slice.call(list.querySelectorAll('.result-title a'));
  }
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') {
      var links = resultLinks();
      if (links.length) { event.preventDefault(); links[0].focus(); }
    }
  });
  list.addEventListener('keydown', function (event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') { return; }
    var links = resultLinks();
    var index = links.indexOf(document.activeElement);
    if (index < 0) { return; }
    event.preventDefault();
    if (event.key === 'ArrowDown' && index + 1 < links.length) { links[index + 1].focus(); }
    if (event.key === 'ArrowUp') { (index > 0 ? links[index - 1] : input).focus(); }
  });
  if (more) {
    var busy = false;
    more.addEventListener('click', function () {
      if (busy) { return; }
      busy = true;
      showMore(generation, true).then(function () { busy = false; }, function () { busy = false; });
    });
  }

  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    search(initial);
  }
}());
"""#
}
