/* Frontline Claims: the map. Leaflet, bundled in the site. Country outlines from the world-atlas
   package (Natural Earth, public domain), converted from TopoJSON in the page; regions (places with an
   ISO 3166-2 code and no point) from Natural Earth's admin-1 layer, cut to the dataset's regions at
   build time (regions.geojson). Tiles are loaded only when the site is built with a tile URL
   (extra.frontline.map_tiles or FRONTLINE_MAP_TILES).

   The page embeds its places as JSON (#fc-places): [{id, name, kind, url, lat, lon, precision,
   region, claims: [{url, text, status}], claim_count, claims_url}]. Each marker and region opens a
   popup with the place's claims. The map takes no scroll or drag until it is clicked or focused, so
   that a page scrolled past it keeps scrolling; zoom and panning stay near the data. */
(function () {
  "use strict";
  var element = document.getElementById("fc-map");
  var data = document.getElementById("fc-places");
  if (!element || !data || typeof L === "undefined") return;
  var places = JSON.parse(data.textContent);
  var POPUP_CLAIMS = 8;

  var tiles = element.getAttribute("data-tiles");
  var map = L.map(element, {
    zoomSnap: 0.5,
    attributionControl: true,
    worldCopyJump: false,
    scrollWheelZoom: false,
    dragging: false,
    touchZoom: false,
    doubleClickZoom: false,
    boxZoom: false,
    keyboard: true,
    maxZoom: tiles ? 14 : 10
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-attribution") || "", maxZoom: 14 }).addTo(map);
  } else {
    element.classList.add("fc-map-offline");
  }

  /* Scroll and drag only once the reader has chosen the map: a click, a tap or keyboard focus. */
  var hint = document.createElement("p");
  hint.className = "fc-map-hint";
  hint.textContent = "Click or tap the map to zoom and move it";
  element.appendChild(hint);
  function activate() {
    if (element.classList.contains("fc-map-active")) return;
    element.classList.add("fc-map-active");
    map.scrollWheelZoom.enable();
    map.dragging.enable();
    map.touchZoom.enable();
    map.doubleClickZoom.enable();
  }
  function deactivate() {
    if (!element.classList.contains("fc-map-active")) return;
    element.classList.remove("fc-map-active");
    map.scrollWheelZoom.disable();
    map.dragging.disable();
    map.touchZoom.disable();
    map.doubleClickZoom.disable();
  }
  element.addEventListener("click", activate);
  element.addEventListener("focusin", activate);
  element.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !element.contains(event.relatedTarget)) deactivate();
  });
  document.addEventListener("click", function (event) {
    if (!element.contains(event.target)) deactivate();
  });

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (value !== undefined) node.textContent = value;
    return node;
  }

  function popupContent(place) {
    var box = text("div", "fc-popup");
    var title = text("p", "fc-popup-title");
    var link = text("a", "", place.name);
    link.href = place.url;
    title.appendChild(link);
    title.appendChild(text("span", "fc-muted", " (" + place.kind + ")"));
    box.appendChild(title);
    var count = place.claim_count || 0;
    box.appendChild(text("p", "fc-popup-count", count === 1 ? "1 claim" : count + " claims"));
    if (place.claims && place.claims.length) {
      var list = text("ul", "fc-popup-claims");
      place.claims.slice(0, POPUP_CLAIMS).forEach(function (claim) {
        var item = text("li");
        item.appendChild(text("span", "fc-status fc-status-" + claim.status, claim.status));
        item.appendChild(document.createTextNode(" "));
        var a = text("a", "", claim.text);
        a.href = claim.url;
        item.appendChild(a);
        list.appendChild(item);
      });
      box.appendChild(list);
      if (count > POPUP_CLAIMS && place.claims_url) {
        var more = text("a", "fc-popup-more", "All " + count + " claims");
        more.href = place.claims_url;
        box.appendChild(more);
      }
    }
    return box;
  }

  /* A marker or a region's label: a button that opens the place's popup. */
  function labelIcon(place, className) {
    var button = text("button", "fc-marker-link " + className);
    button.type = "button";
    var count = place.claim_count || 0;
    button.setAttribute("aria-label", place.name + " (" + place.kind + "), " + count + (count === 1 ? " claim" : " claims"));
    button.setAttribute("data-place", place.id);
    button.appendChild(text("span", "fc-marker-dot" + (place.precision ? " fc-prec-" + place.precision : "")));
    button.appendChild(text("span", "fc-marker-label", place.name));
    return L.divIcon({ html: button, className: "fc-marker", iconSize: null, iconAnchor: [7, 7] });
  }

  var markers = L.featureGroup().addTo(map);
  var labels = [];
  function addLabel(place, latlng, className, priority) {
    var marker = L.marker(latlng, { icon: labelIcon(place, className), keyboard: false, title: "", riseOnHover: true });
    marker.bindPopup(function () { return popupContent(place); }, { maxWidth: 320, autoPanPadding: [16, 16] });
    marker.addTo(markers);
    marker.on("add", layoutLabels);
    labels.push({ marker: marker, priority: priority, region: className === "fc-region-label" });
    return marker;
  }

  var points = places.filter(function (p) { return typeof p.lat === "number" && typeof p.lon === "number"; });
  points.forEach(function (place) {
    addLabel(place, [place.lat, place.lon], "fc-point", 1000 + (place.claim_count || 0));
  });

  /* Labels do not overlap: every point keeps its dot; a region's mark is left out where it would cover a
     point; then the busiest places place their labels first, on the right, else on the left, else not at all. */
  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  function layoutLabels() {
    var ordered = labels.slice().sort(function (a, b) { return b.priority - a.priority; });
    var placed = [];
    var shown = [];
    ordered.forEach(function (item) {
      var node = item.marker.getElement();
      if (!node) return;
      node.classList.remove("fc-mark-hidden");
      node.querySelector(".fc-marker-link").removeAttribute("tabindex");
      if (!item.region) {
        placed.push(node.querySelector(".fc-marker-dot").getBoundingClientRect());
        shown.push(node);
      }
    });
    ordered.forEach(function (item) {
      var node = item.marker.getElement();
      if (!node || !item.region) return;
      var dot = node.querySelector(".fc-marker-dot").getBoundingClientRect();
      if (placed.some(function (other) { return overlaps(dot, other); })) {
        node.classList.add("fc-mark-hidden"); /* the outline stays, and opens the same popup */
        node.querySelector(".fc-marker-link").setAttribute("tabindex", "-1");
      } else {
        placed.push(dot);
        shown.push(node);
      }
    });
    ordered.forEach(function (item) {
      var node = item.marker.getElement();
      if (!node || shown.indexOf(node) === -1) return;
      var link = node.querySelector(".fc-marker-link");
      var label = node.querySelector(".fc-marker-label");
      var own = node.querySelector(".fc-marker-dot").getBoundingClientRect();
      var others = placed.filter(function (box) { return box.left !== own.left || box.top !== own.top; });
      link.classList.remove("fc-label-left", "fc-label-none");
      var box = label.getBoundingClientRect();
      if (others.some(function (other) { return overlaps(box, other); })) {
        link.classList.add("fc-label-left");
        box = label.getBoundingClientRect();
        if (others.some(function (other) { return overlaps(box, other); })) {
          link.classList.remove("fc-label-left");
          link.classList.add("fc-label-none");
          return;
        }
      }
      placed.push(box);
    });
  }
  map.on("zoomend moveend", layoutLabels);

  var bounds = L.latLngBounds([]);
  points.forEach(function (p) { bounds.extend([p.lat, p.lon]); });

  function frame() {
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 8 });
    } else {
      map.setView([48.5, 34], 5);
    }
    /* Zoom and pan stay near the data: one step out from the fitted view, a margin around it. */
    map.setMinZoom(Math.max(map.getZoom() - 1.5, 2));
    map.setMaxBounds((bounds.isValid() ? bounds : map.getBounds()).pad(1.2));
    layoutLabels();
  }

  var regioned = places.filter(function (p) { return p.region && !(typeof p.lat === "number" && typeof p.lon === "number"); });
  var regionsUrl = element.getAttribute("data-regions");
  function regionStyle(place) {
    var worst = (place.claims || []).reduce(function (found, claim) {
      return found || (claim.status === "disputed" || claim.status === "refuted" ? claim.status : "");
    }, "");
    return { color: "#5a3fa0", weight: 1.5, fillColor: worst ? "#b3541e" : "#8250df", fillOpacity: 0.18, className: "fc-region" };
  }
  var regionsDone = Promise.resolve();
  if (!regionsUrl || !regioned.length) {
    element.setAttribute("data-regions-drawn", "0");
  } else {
    regionsDone = fetch(regionsUrl)
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var byCode = {};
        regioned.forEach(function (p) { (byCode[p.region] = byCode[p.region] || []).push(p); });
        var drawn = 0;
        (collection.features || []).forEach(function (feature) {
          var owners = byCode[feature.properties.code] || [];
          owners.forEach(function (place) {
            var layer = L.geoJSON(feature, { style: regionStyle(place) });
            layer.bindPopup(function () { return popupContent(place); }, { maxWidth: 320 });
            layer.addTo(map);
            bounds.extend(layer.getBounds());
            var at = feature.properties.label || null;
            var center = at ? L.latLng(at[0], at[1]) : layer.getBounds().getCenter();
            addLabel(place, center, "fc-region-label", place.claim_count || 0);
            drawn += 1;
          });
        });
        element.setAttribute("data-regions-drawn", String(drawn));
      })
      .catch(function () { element.setAttribute("data-regions-drawn", "0"); });
  }
  regionsDone.then(frame);

  if (!tiles && typeof topojson !== "undefined") {
    fetch(element.getAttribute("data-basemap"))
      .then(function (response) { return response.json(); })
      .then(function (world) {
        var countries = topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, { interactive: false, style: { color: "#8a8fa3", weight: 1, fillColor: "#eef0f5", fillOpacity: 1, className: "fc-country" } })
          .addTo(map)
          .bringToBack();
        element.setAttribute("data-basemap-loaded", "true");
      })
      .catch(function () { element.setAttribute("data-basemap-loaded", "false"); });
  }
  element.setAttribute("data-markers", String(points.length));
})();
