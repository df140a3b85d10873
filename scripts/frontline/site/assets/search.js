/* Frontline Claims: search, with the Pagefind index that the build writes into site/pagefind/.
   Every form[data-fc-search] searches as the reader types or pastes (the input event, so pasted
   Cyrillic searches at once) and lists the results in its [data-fc-results] element: the record's
   kind, title and status, and Pagefind's excerpt of the record's own text (pages mark their record
   with data-pagefind-body, so no menu or footer text is indexed). The index is loaded in chunks: a
   first search fetches the index pages its words need, not the whole index, and the fragments
   (title, excerpt) of the results it shows, not of every match.

   A large site's index is in two parts (site/pagefind/frontline.json; frontline.site.search writes
   them): a sample of about 500 pages, and the rest. Pagefind's ranking time grows with the square
   of the number of matching pages, so a query is searched in the sample first: when it matches few
   pages there, both parts are searched and ranked as one list; when it matches many (over "full",
   2,000, estimated from the sample), the sample's best results are shown at once with the estimated total, and a button ranks
   every page.

   Numbers are found however they are written: the query's "1,000", "1 000" or "over 1,000" is
   searched as 1000, and the pages carry every number of their figures in that plain form too. */
(function () {
  "use strict";
  if (window.frontlineSearch) return; /* loaded twice: by the theme and by the search page itself */
  var script = document.currentScript;
  var base = new URL("../../pagefind/", script ? script.src : window.location.href).href;
  var loading = null;
  var whole = null;
  var RESULTS = 8; /* in the header's panel */
  var MORE = 10; /* on the search page, and each time "More results" is pressed */
  var OPTIONS = { basePath: base, excerptLength: 24 };
  /* Words that qualify a number ("over 1,000") and would otherwise have to appear beside it. */
  var QUALIFIERS = /\b(?:over|more than|at least|above|about|around|approximately|almost|nearly|some|up to|at most|fewer than|less than|under|roughly|почти|около|более|больше|свыше|понад|близько|майже|щонайменше|не менее)\s+(?=\d)/gi;

  /* Pagefind and the index of the sample (or of every page, on a small site): loaded when a search box is
     focused, while the reader types; the other pages' index is merged into a second instance after it. */
  function pagefind() {
    if (!loading) {
      var manifest = fetch(base + "frontline.json")
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; }); /* an index written without frontline: one part */
      loading = Promise.all([import(base + "pagefind.js"), manifest]).then(function (loaded) {
        var module = loaded[0];
        var parts = loaded[1] && loaded[1].rest ? loaded[1] : { pages: 0, sample: 0, rest: null, full: 0 };
        var sample = module.createInstance(OPTIONS);
        return sample.init().then(function () {
          var found = { module: module, sample: sample, parts: parts, share: parts.rest ? parts.pages / parts.sample : 1 };
          if (parts.rest) everything(found).catch(function () {}); /* in the background: the rest's metadata, while the reader types */
          return found;
        });
      });
    }
    return loading;
  }

  /* Every page: the sample's index with the rest's merged in, ranked as one list (the sample alone on a small site). */
  function everything(loaded) {
    if (!loaded.parts.rest) return Promise.resolve(loaded.sample);
    if (!whole) {
      var all = loaded.module.createInstance(OPTIONS);
      whole = all.init().then(function () {
        return all.mergeIndex(base + loaded.parts.rest, { excerptLength: OPTIONS.excerptLength });
      }).then(function () { return all; });
    }
    return whole;
  }

  /* "About 9,100": an estimate to two significant digits. */
  function about(count) {
    var digits = Math.pow(10, Math.max(0, String(Math.round(count)).length - 2));
    return (Math.round(count / digits) * digits).toLocaleString("en");
  }

  /* The query as the index holds it: numbers without group separators, no number qualifiers. */
  function normalise(query) {
    var text = (query || "").normalize("NFC").replace(/[\u00a0\u202f\u2009]/g, " ");
    text = text.replace(/\d{1,3}(?:[,' ]\d{3})+(?![\d])/g, function (number) { return number.replace(/[^\d]/g, ""); });
    text = text.replace(QUALIFIERS, "");
    return text.replace(/\s+/g, " ").trim();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches: keep the text and the marks only
     (split on the marks and unescaped as text, never parsed as HTML). */
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#x27;": "'" };
  function unescaped(text) {
    return text.replace(/<[^>]*>/g, "").replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, function (entity) { return ENTITIES[entity]; });
  }
  function excerpt(html) {
    var out = element("p", "fc-result-excerpt");
    (html || "").split(/(<mark>[\s\S]*?<\/mark>)/).forEach(function (part) {
      if (!part) return;
      if (part.indexOf("<mark>") === 0) out.appendChild(element("mark", "", unescaped(part.slice(6, -7))));
      else out.appendChild(document.createTextNode(unescaped(part)));
    });
    return out;
  }

  function resultItem(data) {
    var meta = data.meta || {};
    var item = element("li", "fc-result");
    var head = element("p", "fc-result-head");
    if (meta.kind) head.appendChild(element("span", "fc-badge fc-k-" + meta.kind, meta.kind));
    var link = element("a", "fc-result-title", meta.title || data.url);
    link.href = data.url;
    head.appendChild(link);
    if (meta.status) head.appendChild(element("span", "fc-status fc-status-" + meta.status, meta.status));
    item.appendChild(head);
    if (meta.counts) item.appendChild(element("p", "fc-result-counts", meta.counts));
    item.appendChild(excerpt(data.excerpt));
    return item;
  }

  function setUp(form) {
    var input = form.querySelector("input[type=search]");
    var results = document.getElementById(form.getAttribute("data-fc-results")) || form.querySelector("[data-fc-results]");
    var status = form.querySelector("output") || element("output");
    var keepInUrl = form.hasAttribute("data-fc-search-page"); /* the search page: the query stays in its address */
    var inPage = keepInUrl || form.hasAttribute("data-fc-search-inline");
    if (!input || !results) return;
    var asked = 0;

    function clear() {
      results.textContent = "";
      results.hidden = true;
      form.removeAttribute("data-fc-count");
      form.removeAttribute("data-fc-sampled");
      status.textContent = "";
    }

    /* Fetch the fragments (title, excerpt) of found.results[from, from + count), and no others. */
    function fragments(found, from, count) {
      return Promise.all(found.results.slice(from, from + count).map(function (r) { return r.data(); }));
    }

    function describe(found) {
      var total = found.results.length;
      var text;
      if (total === 0) text = "No results for “" + input.value.trim() + "”";
      else if (found.sampled) text = "About " + about(found.estimate) + " results; the first " + found.shown + " are the best of a sample of one page in " + Math.round(found.share);
      else text = total === 1 ? "1 result" : total.toLocaleString("en") + " results" + (total > found.shown ? ", the first " + found.shown + " shown" : "");
      status.textContent = text;
      var line = results.querySelector(".fc-result-status");
      if (line) line.textContent = text;
      var more = results.querySelector(".fc-results-more");
      if (more) more.hidden = found.shown >= total;
    }

    /* Append the next page of results (the search page's "More results"). */
    function more(found) {
      fragments(found, found.shown, MORE).then(function (data) {
        if (found.ticket !== asked) return;
        var list = results.querySelector("ol.fc-results-list");
        data.forEach(function (d) { list.appendChild(resultItem(d)); });
        found.shown += data.length;
        describe(found);
      });
    }

    function rankAll(found, button) {
      var ticket = ++asked;
      form.setAttribute("aria-busy", "true");
      button.disabled = true;
      pagefind().then(everything).then(function (all) { return all.search(found.query); }).then(function (search) {
        if (ticket !== asked) return null;
        return render({ results: search.results, query: found.query, ticket: ticket, sampled: false, shown: 0 });
      }).catch(unavailable);
    }

    /* Replace the results with found's first page, once its fragments are here. */
    function render(found) {
      return fragments(found, 0, inPage ? MORE : RESULTS).then(function (data) {
        if (found.ticket !== asked) return;
        form.removeAttribute("aria-busy");
        results.textContent = "";
        results.hidden = false;
        if (!inPage) results.appendChild(element("p", "fc-result-status"));
        var list = element("ol", "fc-results-list");
        data.forEach(function (d) { list.appendChild(resultItem(d)); });
        results.appendChild(list);
        found.shown = data.length;
        if (inPage) {
          var next = element("button", "fc-results-more", "More results");
          next.type = "button";
          next.addEventListener("click", function () { more(found); });
          results.appendChild(next);
          if (found.sampled) {
            var rank = element("button", "fc-results-rank", "Rank every match (slower)");
            rank.type = "button";
            rank.addEventListener("click", function () { rankAll(found, rank); });
            results.appendChild(rank);
          }
        } else if (found.results.length > found.shown) {
          var all = element("a", "fc-results-all", "All results");
          all.href = form.action + "?q=" + encodeURIComponent(input.value.trim());
          results.appendChild(all);
        }
        describe(found);
        if (found.sampled) form.setAttribute("data-fc-sampled", "");
        else form.removeAttribute("data-fc-sampled");
        form.setAttribute("data-fc-count", String(found.sampled ? Math.round(found.estimate) : found.results.length));
      });
    }

    function unavailable() {
      form.removeAttribute("aria-busy");
      results.hidden = false;
      results.textContent = "";
      results.appendChild(element("p", "fc-result-status", "Search is not available on this copy of the site (it has no search index)."));
    }

    function run() {
      var query = normalise(input.value);
      var ticket = ++asked;
      if (keepInUrl) {
        var url = new URL(window.location.href);
        if (input.value.trim()) url.searchParams.set("q", input.value.trim());
        else url.searchParams.delete("q");
        window.history.replaceState(null, "", url.href);
      }
      if (!query) return clear();
      form.setAttribute("aria-busy", "true");
      pagefind()
        .then(function (loaded) {
          if (loaded.parts.rest) everything(loaded).then(function (all) { return all.preload(query); }).catch(function () {}); /* the rest's chunks, meanwhile */
          return loaded.sample.debouncedSearch(query, {}, 80).then(function (sample) {
            if (sample === null || ticket !== asked) return null; /* a newer query replaced this one */
            if (!loaded.parts.rest || sample.results.length * loaded.share > loaded.parts.full) {
              return { results: sample.results, query: query, ticket: ticket, sampled: !!loaded.parts.rest, estimate: sample.results.length * loaded.share, share: loaded.share, shown: 0 };
            }
            return everything(loaded).then(function (all) { return all.search(query); }).then(function (search) {
              return { results: search.results, query: query, ticket: ticket, sampled: false, shown: 0 };
            });
          });
        })
        .then(function (found) {
          if (!found || ticket !== asked) return;
          return render(found);
        })
        .catch(unavailable);
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { pagefind(); }, { once: true });
    form.addEventListener("submit", function (event) {
      if (inPage) {
        event.preventDefault();
        run();
      }
    });
    if (!inPage) {
      form.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          clear();
          input.blur();
        }
      });
      document.addEventListener("click", function (event) {
        if (!form.contains(event.target)) clear();
      });
    } else {
      var given = keepInUrl ? new URLSearchParams(window.location.search).get("q") : "";
      if (given) input.value = given;
      if (input.value.trim()) run();
    }
  }

  document.querySelectorAll("form[data-fc-search]").forEach(setUp);
  /* normalise and excerpt are also read by the tests; ready() (Pagefind and both parts' metadata loaded) by benchmarks/search.py */
  window.frontlineSearch = {
    normalise: normalise,
    excerpt: excerpt,
    ready: function () { return pagefind().then(everything).then(function () { return true; }); }
  };
})();
