/* Frontline Claims: search, with the Pagefind index that the build writes into site/pagefind/.
   Every form[data-fc-search] searches as the reader types or pastes (the input event, so pasted
   Cyrillic searches at once) and lists the results in its [data-fc-results] element: the record's
   kind, title and status, and Pagefind's excerpt of the record's own text (pages mark their record
   with data-pagefind-body, so no menu or footer text is indexed). The index is loaded in chunks: a
   first search fetches the index pages its words need, not the whole index.

   Numbers are found however they are written: the query's "1,000", "1 000" or "over 1,000" is
   searched as 1000, and the pages carry every number of their figures in that plain form too. */
(function () {
  "use strict";
  if (window.frontlineSearch) return; /* loaded twice: by the theme and by the search page itself */
  var script = document.currentScript;
  var base = new URL("../../pagefind/", script ? script.src : window.location.href).href;
  var loading = null;
  var RESULTS = 8;
  var MORE = 20;
  /* Words that qualify a number ("over 1,000") and would otherwise have to appear beside it. */
  var QUALIFIERS = /\b(?:over|more than|at least|above|about|around|approximately|almost|nearly|some|up to|at most|fewer than|less than|under|roughly|почти|около|более|больше|свыше|понад|близько|майже|щонайменше|не менее)\s+(?=\d)/gi;

  function pagefind() {
    if (!loading) {
      loading = import(base + "pagefind.js").then(function (module) {
        /* init() loads the WebAssembly and the index's metadata: done when the box is focused, while the reader types */
        return module.options({ basePath: base, excerptLength: 24 }).then(function () { return module.init(); }).then(function () { return module; });
      });
    }
    return loading;
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

  /* Pagefind's excerpt is escaped text with <mark> around the matches: keep the text and the marks only. */
  function excerpt(html) {
    var out = element("p", "fc-result-excerpt");
    var parsed = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html").body.firstChild;
    Array.prototype.forEach.call(parsed ? parsed.childNodes : [], function (child) {
      if (child.nodeType === 3) out.appendChild(document.createTextNode(child.textContent));
      else if (child.nodeName === "MARK") out.appendChild(element("mark", "", child.textContent));
      else out.appendChild(document.createTextNode(child.textContent || ""));
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
      status.textContent = "";
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
        .then(function (module) { return module.debouncedSearch(query, {}, 120); })
        .then(function (search) {
          if (search === null || ticket !== asked) return null; /* a newer query replaced this one */
          var shown = search.results.slice(0, inPage ? MORE : RESULTS);
          return Promise.all(shown.map(function (r) { return r.data(); })).then(function (data) {
            return { total: search.results.length, data: data };
          });
        })
        .then(function (found) {
          if (!found || ticket !== asked) return;
          form.removeAttribute("aria-busy");
          results.textContent = "";
          results.hidden = false;
          form.setAttribute("data-fc-count", String(found.total));
          status.textContent = found.total === 0 ? "No results for “" + input.value.trim() + "”" :
            found.total === 1 ? "1 result" : found.total + " results" + (found.total > found.data.length ? ", the first " + found.data.length + " shown" : "");
          if (!inPage) results.appendChild(element("p", "fc-result-status", status.textContent));
          var list = element("ol", "fc-results-list");
          found.data.forEach(function (data) { list.appendChild(resultItem(data)); });
          results.appendChild(list);
          if (!inPage && found.total > found.data.length) {
            var all = element("a", "fc-results-all", "All " + found.total + " results");
            all.href = form.action + "?q=" + encodeURIComponent(input.value.trim());
            results.appendChild(all);
          }
        })
        .catch(function () {
          form.removeAttribute("aria-busy");
          results.hidden = false;
          results.textContent = "";
          results.appendChild(element("p", "fc-result-status", "Search is not available on this copy of the site (it has no search index)."));
        });
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
  window.frontlineSearch = { normalise: normalise }; /* also read by the tests */
})();
