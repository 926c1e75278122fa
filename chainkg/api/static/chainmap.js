/* The chain map view: click a box for its firms, products and why; its flow is drawn
   as lines to and from the box. Plain JavaScript, no library, nothing from the internet.
   Its texts come translated from the page (window.CHAINKG_LABELS, set in _chainmap.html). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cmap-data").textContent);
  var byKey = {};
  data.segments.forEach(function (s) { byKey[s.key] = s; });
  var fedBy = {};
  data.flow.forEach(function (f) { (fedBy[f.dst] = fedBy[f.dst] || []).push(f.src); });
  var wrap = document.querySelector(".cmap-wrap");
  var svg = wrap.querySelector("svg.cmap-lines");
  var panel = document.getElementById("cmap-panel");
  var body = panel.querySelector(".cmap-body");
  var L = window.CHAINKG_LABELS || {};
  var EN = window.CHAINKG_LANG === "en";
  // "{n} of {total}" -> "3 of 10": the page's translated text with its placeholders filled in
  function fmt(text, args) { return String(text).replace(/\{(\w+)\}/g, function (m, k) { return k in args ? args[k] : m; }); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function boxOf(key) { return wrap.querySelector('.cmap-seg[data-seg="' + CSS.escape(key) + '"]'); }
  // The stage's name as its column shows it (in the page's language), else the data's
  function stageName(s) {
    var h = wrap.querySelector('.cmap-stage[data-stage="' + CSS.escape(s.stage) + '"] h3');
    return h ? h.textContent : s.stage_name;
  }
  function place(f) { return [f.province, f.city].filter(Boolean).join(" ") || ""; }

  function firmList(firms, total, empty) {
    var box = el("div");
    if (!firms.length) { box.appendChild(el("p", {"class": "muted"}, empty)); return box; }
    var ol = el("ol", {"class": "cmap-firms"});
    firms.forEach(function (f) {
      var li = el("li", {}, f.name);
      var why = ((L.rule || {})[f.rule] || f.rule) + (f.via ? ": " + f.via : "");
      li.appendChild(el("span", {"class": "muted"}, " " + place(f) + (why ? " · " + why : "")));
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (total > firms.length) {
      box.appendChild(el("p", {"class": "muted"}, fmt(L.top_firms, {n: firms.length, total: total})));
    }
    return box;
  }

  function linkList(keys, title) {
    var p = el("p", {"class": "cmap-links"});
    p.appendChild(el("b", {}, title + " "));
    keys.forEach(function (k, i) {
      if (i) { p.appendChild(document.createTextNode(L.sep)); }
      var a = el("a", {href: "#", "data-go": k}, byKey[k] ? byKey[k].name : k);
      p.appendChild(a);
    });
    return p;
  }

  function show(key) {
    var s = byKey[key];
    if (!s) { return; }
    wrap.querySelectorAll(".cmap-seg.sel, .cmap-seg.near").forEach(function (b) { b.classList.remove("sel", "near"); });
    var box = boxOf(key);
    if (box) {
      box.classList.add("sel");
      // The panel opens on the side away from the box, so the box and its arrows stay in view.
      var r = box.getBoundingClientRect();
      panel.classList.toggle("left", r.left + r.width / 2 > window.innerWidth / 2);
    }
    var feeds = s.feeds.filter(function (k) { return byKey[k]; });
    var from = (fedBy[key] || []).filter(function (k) { return byKey[k]; });
    feeds.concat(from).forEach(function (k) { var b = boxOf(k); if (b) { b.classList.add("near"); } });
    draw(key, from, feeds);

    body.textContent = "";
    body.appendChild(el("h3", {}, s.name));
    var sub = el("p", {"class": "muted"}, stageName(s) + (EN && s.name_en ? " · " + s.name_en : ""));
    body.appendChild(sub);
    var tag = el("p");
    tag.appendChild(el("span", {"class": "tag st-" + s.status}, (L.status || {})[s.status] || s.status));
    tag.appendChild(document.createTextNode(" " + fmt(L.counts, {base: s.base_count, makers: s.makers_count, products: s.products_count})));
    body.appendChild(tag);
    if (s.description) { body.appendChild(el("p", {"class": "explain"}, s.description)); }
    body.appendChild(el("p", {"class": "cmap-why"}, EN ? s.why : s.why_zh));
    body.appendChild(el("h4", {}, L.base_firms + " (" + s.base_count + ")"));
    body.appendChild(firmList(s.base_firms, s.base_count, L.none_in_base));
    body.appendChild(el("h4", {}, L.makers + " (" + s.makers_count + ")"));
    body.appendChild(firmList(s.makers, s.makers_count, L.nobody));
    body.appendChild(el("h4", {}, L.products + " (" + s.products_count + ")"));
    if (s.products.length) {
      var ul = el("ul", {"class": "cmap-products"});
      s.products.forEach(function (p) {
        var li = el("li");
        li.appendChild(el("a", {href: "/views/gap?key=" + encodeURIComponent(data.base.key) + "&segment=" + encodeURIComponent(p),
                                target: "_blank", title: L.product_graph}, p));
        ul.appendChild(li);
      });
      body.appendChild(ul);
      if (s.products_count > s.products.length) {
        body.appendChild(el("p", {"class": "muted"}, fmt(L.top_products, {n: s.products.length, total: s.products_count})));
      }
    } else {
      body.appendChild(el("p", {"class": "muted"}, L.no_product));
    }
    if (from.length) { body.appendChild(linkList(from, L.fed_by)); }
    if (feeds.length) { body.appendChild(linkList(feeds, L.feeds)); }
    var url = "/analytics/chain-map/segment?base=" + encodeURIComponent(data.base.key) + "&map=" +
      encodeURIComponent(data.map.key) + "&segment=" + encodeURIComponent(s.segment);
    var more = el("p", {"class": "explain"});
    if (!s.full && (s.makers_count > s.makers.length || s.products_count > s.products.length)) {
      var btn = el("button", {type: "button", "class": "cmap-more"}, L.show_all);
      btn.addEventListener("click", function () {
        btn.disabled = true;
        btn.textContent = L.loading;
        fetch(url).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
          .then(function (all) { all.full = true; byKey[key] = all; show(key); })
          .catch(function () { btn.textContent = L.load_failed; });
      });
      more.appendChild(btn);
      more.appendChild(document.createTextNode(" "));
    }
    more.appendChild(el("a", {href: url, target: "_blank"}, L.data));
    body.appendChild(more);
    panel.hidden = false;
  }

  function centre(b, side) {
    var r = b.getBoundingClientRect(), w = wrap.getBoundingClientRect();
    return {x: (side === "right" ? r.right : side === "left" ? r.left : r.left + r.width / 2) - w.left,
            y: r.top + Math.min(r.height / 2, 14) - w.top};
  }

  function line(a, b, cls) {
    var ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    var p = centre(a, ra.left < rb.left ? "right" : "left"), q = centre(b, ra.left < rb.left ? "left" : "right");
    if (Math.abs(ra.left - rb.left) < 4) { p = centre(a, "right"); q = centre(b, "right"); }
    var dx = Math.max(30, Math.abs(q.x - p.x) / 2) * (q.x >= p.x ? 1 : -1);
    if (Math.abs(ra.left - rb.left) < 4) { dx = 40; }
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M" + p.x + "," + p.y + " C" + (p.x + dx) + "," + p.y + " " + (q.x - (Math.abs(ra.left - rb.left) < 4 ? -dx : dx)) + "," + q.y + " " + q.x + "," + q.y);
    path.setAttribute("class", cls);
    path.setAttribute("marker-end", "url(#cmap-arrow)");
    svg.appendChild(path);
  }

  function draw(key, from, feeds) {
    svg.innerHTML = '<defs><marker id="cmap-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fa8"></path></marker></defs>';
    svg.setAttribute("width", wrap.scrollWidth);
    svg.setAttribute("height", wrap.scrollHeight);
    var me = boxOf(key);
    if (!me) { return; }
    from.forEach(function (k) { var b = boxOf(k); if (b) { line(b, me, "in"); } });
    feeds.forEach(function (k) { var b = boxOf(k); if (b) { line(me, b, "out"); } });
  }

  function hide() {
    panel.hidden = true;
    svg.innerHTML = "";
    wrap.querySelectorAll(".cmap-seg.sel, .cmap-seg.near").forEach(function (b) { b.classList.remove("sel", "near"); });
  }

  wrap.addEventListener("click", function (ev) {
    var b = ev.target.closest(".cmap-seg");
    if (b) { ev.stopPropagation(); show(b.getAttribute("data-seg")); }
  });
  wrap.addEventListener("keydown", function (ev) {
    var b = ev.target.closest(".cmap-seg");
    if (b && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); show(b.getAttribute("data-seg")); }
  });
  panel.addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-go]");
    if (a) { ev.preventDefault(); show(a.getAttribute("data-go")); }
  });
  panel.querySelector(".cmap-close").addEventListener("click", hide);
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hide(); } });
  window.addEventListener("resize", function () { var s = wrap.querySelector(".cmap-seg.sel"); if (s) { show(s.getAttribute("data-seg")); } });
  window.chainkgShowSegment = show;
  requestAnimationFrame(function () {
    window.chainkgReady = performance.now();
    document.body.setAttribute("data-ready", "1");
    document.dispatchEvent(new Event("chainkg:ready"));
  });
})();
