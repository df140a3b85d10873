/* Frontline Claims: the map. Leaflet, bundled in the site; country outlines from the world-atlas
   package (Natural Earth, public domain), converted from TopoJSON in the page. Tiles are loaded
   only when the site is built with a tile URL (extra.frontline.map_tiles or FRONTLINE_MAP_TILES). */
(function () {
  "use strict";
  var element = document.getElementById("fc-map");
  var data = document.getElementById("fc-places");
  if (!element || !data || typeof L === "undefined") return;
  var places = JSON.parse(data.textContent);

  var map = L.map(element, { zoomSnap: 0.5, attributionControl: true, worldCopyJump: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-attribution") || "", maxZoom: 18 }).addTo(map);
  } else {
    element.classList.add("fc-map-offline");
  }

  var markers = L.featureGroup().addTo(map);
  places.forEach(function (place) {
    var link = document.createElement("a");
    link.href = place.url;
    link.className = "fc-marker-link";
    link.setAttribute("aria-label", place.name + " (" + place.kind + ")");
    var dot = document.createElement("span");
    dot.className = "fc-marker-dot fc-prec-" + place.precision;
    var label = document.createElement("span");
    label.className = "fc-marker-label";
    label.textContent = place.name;
    link.appendChild(dot);
    link.appendChild(label);
    var marker = L.marker([place.lat, place.lon], {
      icon: L.divIcon({ html: link, className: "fc-marker", iconSize: null, iconAnchor: [7, 7] }),
      title: place.name,
      keyboard: false,
      interactive: false
    });
    marker.addTo(markers);
  });

  if (places.length) {
    map.fitBounds(markers.getBounds().pad(0.6), { maxZoom: 8 });
  } else {
    map.setView([48.5, 34], 5);
  }

  if (!tiles && typeof topojson !== "undefined") {
    fetch(element.getAttribute("data-basemap"))
      .then(function (response) { return response.json(); })
      .then(function (world) {
        var countries = topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, {
          interactive: false,
          style: { color: "#8a8fa3", weight: 1, fillColor: "#eef0f5", fillOpacity: 1 }
        }).addTo(map).bringToBack();
        element.setAttribute("data-basemap-loaded", "true");
      })
      .catch(function () { element.setAttribute("data-basemap-loaded", "false"); });
  }
  element.setAttribute("data-markers", String(places.length));
})();
