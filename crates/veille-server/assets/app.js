// veille web UI: a single-page app in plain JavaScript (no build step).
// Rule: everything that comes from the server or a user is put in the page as text
// (textContent / text nodes via el()), never parsed as HTML; a unit test in ui.rs
// rejects the HTML-writing DOM sinks in this file.
"use strict";
(function () {
  const I18N = window.VEILLE_I18N;
  const TYPES = window.VEILLE_TYPES;
  const SUBTYPES = window.VEILLE_SUBTYPES;
  const state = { me: null, csrf: null, lang: "en", map: null };
  const main = document.getElementById("app");
  // The current view's container: each route gets a fresh one, so a slower, older view
  // that finishes late only fills its own detached container.
  let app = main;

  // ---- helpers -------------------------------------------------------------
  function t(key, vars) {
    const dict = I18N[state.lang] || I18N.en;
    let s = dict[key] !== undefined ? dict[key] : (I18N.en[key] !== undefined ? I18N.en[key] : key);
    if (vars) for (const k of Object.keys(vars)) s = s.split("{" + k + "}").join(String(vars[k]));
    return s;
  }
  // el("div", {class: "x", onclick: fn}, "text", childNode, ...): strings become text nodes.
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k.startsWith("on") && typeof v === "function") n.addEventListener(k.slice(2), v);
        else if (k === "text") n.textContent = String(v);
        else n.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      n.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function typeLabel(code) { return TYPES[code] ? TYPES[code][state.lang] || TYPES[code].en : (code || ""); }
  function typeColor(code) { return TYPES[code] ? TYPES[code].color : "#333"; }
  // A codebook value as words: the French label when the UI is French, else the code spaced.
  function human(code) {
    const fr = window.VEILLE_LABELS_FR || {};
    if (state.lang === "fr" && code && fr[code]) return fr[code];
    return String(code || "").replace(/_/g, " ");
  }
  function can(p) { return !!(state.me && state.me.permissions.indexOf(p) >= 0); }
  function uuid4() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function killedBest(e) {
    const k = e.casualties && e.casualties.killed;
    if (!k) return "";
    if (k.total) return k.total.best;
    let s = 0, any = false;
    for (const c of Object.values(k.by_category || {})) { s += c.best; any = true; }
    return any ? s : "";
  }

  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }
  async function api(method, path, body) {
    const opt = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET" && method !== "HEAD") {
      if (state.csrf) opt.headers["X-CSRF-Token"] = state.csrf;
    }
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    const r = await fetch(path, opt);
    if (r.status === 204) return null;
    let data = null;
    try { data = await r.json(); } catch (_) { data = null; }
    if (!r.ok) {
      const err = (data && data.error) || { code: "http_" + r.status, message: r.statusText };
      if (r.status === 401 && path !== "/api/login") {
        state.me = null;
        state.csrf = null;
        sessionStorage.removeItem("veille_csrf");
        location.hash = "#/login";
      }
      throw new ApiError(r.status, err.code, err.message);
    }
    return data;
  }
  function errorBox(e) {
    // A session opened in another tab has no CSRF token here: reading works, writing asks to sign in again.
    if (e instanceof ApiError && e.code === "csrf_failed") return el("p", { class: "error", role: "alert" }, t("error.csrf"));
    const msg = e instanceof ApiError ? e.code + ": " + e.message : String(e && e.message ? e.message : e);
    return el("p", { class: "error", role: "alert" }, t("error.generic") + " — " + msg);
  }
  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && String(v).trim() !== "") u.set(k, String(v).trim());
    return u.toString();
  }
  function parseHash() {
    const h = location.hash.replace(/^#/, "") || "/map";
    const [path, query] = h.split("?");
    return { parts: path.split("/").filter(Boolean), query: new URLSearchParams(query || "") };
  }

  // ---- language --------------------------------------------------------------
  function pickLanguage() {
    const saved = state.me && localStorage.getItem("veille_lang:" + state.me.user.username);
    const lang = saved || (state.me && state.me.user.language) || (navigator.language || "en").slice(0, 2);
    state.lang = I18N[lang] ? lang : "en";
    document.documentElement.lang = state.lang;
  }
  function toggleLanguage() {
    state.lang = state.lang === "fr" ? "en" : "fr";
    if (state.me) localStorage.setItem("veille_lang:" + state.me.user.username, state.lang);
    document.documentElement.lang = state.lang;
    renderChrome();
    route();
  }

  // ---- chrome (header, nav) ------------------------------------------------------
  const NAV = [
    ["map", "nav.map"], ["events", "nav.events"], ["new", "nav.new", "events:write"],
    ["review", "nav.review", "drafts:review"], ["threats", "nav.threats"], ["warnings", "nav.warnings"],
    ["actors", "nav.actors"], ["reports", "nav.reports"],
  ];
  function renderChrome() {
    const top = document.getElementById("top");
    top.hidden = !state.me;
    const nav = document.getElementById("nav");
    clear(nav);
    const current = parseHash().parts[0] || "map";
    for (const [id, key, perm] of NAV) {
      if (perm && !can(perm)) continue;
      nav.appendChild(el("a", { href: "#/" + id, class: current === id ? "active" : null, "data-nav": id }, t(key)));
    }
    document.getElementById("whoami").textContent = state.me ? state.me.user.username + " · " + human(state.me.user.role) : "";
    document.getElementById("lang-toggle").textContent = t("lang.name");
    document.getElementById("logout").textContent = t("logout");
  }

  // ---- login -----------------------------------------------------------------
  function viewLogin() {
    const msg = el("p", { class: "error", role: "alert", hidden: true });
    const user = el("input", { id: "login-user", name: "username", autocomplete: "username", required: true });
    const pass = el("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const form = el("form", { id: "login-form", class: "card login" },
      el("h1", null, t("login.title")),
      el("label", { for: "login-user" }, t("login.user")), user,
      el("label", { for: "login-password" }, t("login.password")), pass,
      el("button", { type: "submit", id: "login-submit" }, t("login.submit")), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.hidden = true;
      try {
        const me = await api("POST", "/api/login", { username: user.value, password: pass.value });
        state.csrf = me.csrf_token;
        sessionStorage.setItem("veille_csrf", me.csrf_token);
        delete me.csrf_token;
        state.me = me;
        pickLanguage();
        renderChrome();
        location.hash = "#/map";
      } catch (e) {
        msg.textContent = t("login.failed") + ": " + (e.message || e);
        msg.hidden = false;
      }
    });
    return form;
  }

  // ---- filters shared by map and table ------------------------------------------
  function filterForm(query, withText, onApply) {
    const typeSel = el("select", { name: "event_type", id: "f-type" }, el("option", { value: "" }, t("filters.any")),
      Object.keys(TYPES).map((c) => el("option", { value: c, selected: query.get("event_type") === c }, typeLabel(c))));
    const field = (name, key, type) => el("label", null, t(key),
      el("input", { name, id: "f-" + name, type: type || "text", value: query.get(name) || "" }));
    const form = el("form", { class: "filters", id: "filters" },
      field("date_from", "filters.date_from", "date"), field("date_to", "filters.date_to", "date"),
      el("label", null, t("filters.type"), typeSel), field("actor", "filters.actor"),
      withText ? field("admin1", "filters.admin1") : null, withText ? field("q", "filters.q") : null,
      el("button", { type: "submit" }, t("filters.apply")),
      el("button", { type: "button", class: "secondary", onclick: () => onApply({}) }, t("filters.reset")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const p = {};
      for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) p[k] = String(v).trim();
      onApply(p);
    });
    return form;
  }
  function filterParams(query, keys) {
    const p = {};
    for (const k of keys) if (query.get(k)) p[k] = query.get(k);
    return p;
  }
  const FILTER_KEYS = ["date_from", "date_to", "event_type", "actor", "admin1", "q"];

  // ---- map -------------------------------------------------------------------
  let boundaries = null;
  async function viewMap(query) {
    const status = el("p", { class: "muted", id: "map-status" }, t("loading"));
    const mapDiv = el("div", { id: "map", class: "map" });
    const legend = el("div", { class: "legend", id: "legend" });
    const root = el("section", { class: "map-view" },
      filterForm(query, false, (p) => { location.hash = "#/map?" + qs(p); }), status,
      el("div", { class: "map-wrap" }, mapDiv, legend));
    app.appendChild(root);
    if (state.map) { state.map.remove(); state.map = null; }
    const map = L.map(mapDiv, { zoomSnap: 0.25, minZoom: 4, maxZoom: 14, preferCanvas: false, attributionControl: true });
    state.map = map;
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth · UCDP GED · veille");
    map.fitBounds([[10.1, -12.3], [25.1, 4.3]]);
    try {
      if (!boundaries) boundaries = await api("GET", "/api/boundaries/admin1.geojson");
      const params = filterParams(query, ["date_from", "date_to", "event_type", "actor"]);
      const points = await api("GET", "/api/map/events.geojson?" + qs(params));
      const counts = {};
      for (const f of points.features) {
        const a = f.properties.admin1;
        if (a) counts[a] = (counts[a] || 0) + 1;
      }
      const max = Math.max(1, ...Object.values(counts));
      const shade = (n) => {
        if (!n) return "#f4f1ea";
        const r = Math.sqrt(n / max);
        const c = [[254, 229, 217], [252, 174, 145], [251, 106, 74], [222, 45, 38], [165, 15, 21]];
        return "rgb(" + c[Math.min(4, Math.floor(r * 4.999))].join(",") + ")";
      };
      L.geoJSON(boundaries, {
        style: (f) => ({ color: "#555", weight: 1, fillOpacity: 0.55, fillColor: shade(counts[f.properties.name] || 0) }),
        onEachFeature: (f, layer) => {
          const n = counts[f.properties.name] || 0;
          layer.bindTooltip(() => el("span", null, f.properties.name + ": " + n), { sticky: true });
        },
      }).addTo(map);
      const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45 });
      for (const f of points.features) {
        const [lon, lat] = f.geometry.coordinates;
        const p = f.properties;
        const m = L.circleMarker([lat, lon], {
          radius: 7, color: "#fff", weight: 1.5, fillColor: typeColor(p.event_type), fillOpacity: 0.95,
          className: "event-marker",
        });
        m.bindPopup(() => el("div", { class: "popup" },
          el("strong", null, typeLabel(p.event_type)), el("br"),
          String(p.date || ""), " · ", String(p.admin2 || p.admin1 || ""), el("br"),
          t("table.killed") + ": " + (p.killed === null || p.killed === undefined ? "–" : p.killed), el("br"),
          el("a", { href: "#/event/" + encodeURIComponent(p.id), class: "open-event" }, t("map.open"))));
        cluster.addLayer(m);
      }
      map.addLayer(cluster);
      status.textContent = points.features.length + " " + t("map.shown") + ". " + t("map.no_coords") +
        (points.truncated ? " " + t("map.capped", { n: points.limit }) : "");
      status.setAttribute("data-count", String(points.features.length));
      legend.appendChild(el("strong", null, t("map.legend")));
      for (const c of Object.keys(TYPES)) {
        legend.appendChild(el("div", null, el("span", { class: "swatch", style: "background:" + typeColor(c) }), typeLabel(c)));
      }
      legend.appendChild(el("p", { class: "muted small" }, t("map.choropleth")));
    } catch (e) {
      status.replaceWith(errorBox(e));
    }
  }

  // ---- events table -------------------------------------------------------------
  const COLUMNS = [
    ["date_start", "table.date", (e) => e.date_start],
    ["event_type", "table.type", (e) => typeLabel(e.event_type)],
    ["sub_event_type", "table.sub", (e) => human(e.sub_event_type)],
    ["admin1", "table.admin1", (e) => (e.location.admin1 ? e.location.admin1.name : "")],
    ["place", "table.place", (e) => e.location.place_name || (e.location.admin2 ? e.location.admin2.name : "")],
    ["actors", "table.actors", (e) => (e.actors || []).map((a) => a.name).join("; ")],
    ["killed", "table.killed", (e) => killedBest(e)],
    ["verification", "table.verification", (e) => human(e.verification)],
    ["sensitivity", "table.sensitivity", (e) => human(e.sensitivity)],
  ];
  async function viewEvents(query) {
    const limit = 50;
    const offset = Math.max(0, parseInt(query.get("offset") || "0", 10) || 0);
    const sort = query.get("sort") || "";
    // The date orders every matching event (on the server), newest first unless asked;
    // the other columns order the rows of the page shown.
    const order = sort === "date_start" ? "oldest" : "newest";
    const params = filterParams(query, FILTER_KEYS);
    const root = el("section", { class: "table-view" },
      filterForm(query, true, (p) => { location.hash = "#/events?" + qs(p); }));
    app.appendChild(root);
    const exportLink = el("a", { class: "button", id: "export-csv", href: "/api/export/events.csv?" + qs(Object.assign({}, params, { order })), download: "" }, t("table.export"));
    if (can("export")) root.appendChild(el("div", { class: "toolbar" }, exportLink));
    try {
      const page = await api("GET", "/api/events?" + qs(Object.assign({}, params, { limit, offset, order })));
      const items = page.items.slice();
      if (sort && sort.replace(/^-/, "") !== "date_start") {
        const desc = sort.startsWith("-");
        const col = COLUMNS.find((c) => c[0] === sort.replace(/^-/, ""));
        if (col) {
          items.sort((a, b) => {
            const x = col[2](a), y = col[2](b);
            const r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), state.lang);
            return desc ? -r : r;
          });
        }
      }
      const head = el("tr", null, COLUMNS.map(([id, key]) => {
        if (id === "date_start") {
          // Changing the order starts again at the first page.
          const newest = order === "newest" && !(sort && sort.replace(/^-/, "") !== "date_start");
          const next = order === "newest" ? "date_start" : "-date_start";
          const mark = newest ? " ▼" : sort === "date_start" ? " ▲" : "";
          return el("th", { scope: "col" }, el("a", { href: "#/events?" + qs(Object.assign({}, params, { sort: next })), "data-sort": id }, t(key) + mark));
        }
        const next = sort === id ? "-" + id : id;
        const mark = sort === id ? " ▲" : sort === "-" + id ? " ▼" : "";
        return el("th", { scope: "col" }, el("a", { href: "#/events?" + qs(Object.assign({}, params, { offset, sort: next })), "data-sort": id }, t(key) + mark));
      }));
      const body = el("tbody", null, items.map((e) => el("tr", { "data-id": e.id },
        COLUMNS.map(([id, , get], i) => el("td", { "data-col": id },
          i === 0 ? el("a", { href: "#/event/" + encodeURIComponent(e.id) }, String(get(e))) : String(get(e)))))));
      const pages = Math.max(1, Math.ceil(page.total / limit));
      const cur = Math.floor(offset / limit) + 1;
      const nav = (o, key, enabled) => enabled
        ? el("a", { class: "button secondary", href: "#/events?" + qs(Object.assign({}, params, { offset: o, sort })) }, t(key))
        : el("span", { class: "button disabled" }, t(key));
      const exact = page.total_exact !== false;
      root.appendChild(el("p", { id: "events-total", "data-total": String(page.total), "data-exact": String(exact) },
        t(exact ? "table.total" : "table.total_atleast", { n: page.total })));
      root.appendChild(items.length
        ? el("div", { class: "table-scroll" }, el("table", { id: "events-table", class: "data" }, el("thead", null, head), body))
        : el("p", { class: "muted" }, t("table.empty")));
      root.appendChild(el("div", { class: "pager" },
        nav(Math.max(0, offset - limit), "table.prev", offset > 0),
        el("span", null, exact ? t("table.page", { p: cur, n: pages }) : t("table.page_open", { p: cur })),
        nav(offset + limit, "table.next", exact ? offset + limit < page.total : items.length === limit)));
      root.appendChild(el("p", { class: "muted small" }, t("table.sort_note")));
    } catch (e) {
      root.appendChild(errorBox(e));
    }
  }

  // ---- event page -----------------------------------------------------------------
  function dl(pairs) {
    return el("dl", { class: "fields" }, pairs.filter((p) => p[1] !== undefined && p[1] !== null && p[1] !== "")
      .map(([k, v]) => [el("dt", null, k), el("dd", null, String(v))]));
  }
  function flatten(obj, prefix, out) {
    if (obj === null || typeof obj !== "object") { out.push([prefix, obj === null ? "null" : String(obj)]); return out; }
    if (Array.isArray(obj) && obj.length === 0) { out.push([prefix, "[]"]); return out; }
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? prefix + "." + k : k, out);
    return out;
  }
  function table(headers, rows, attrs) {
    return el("div", { class: "table-scroll" }, el("table", Object.assign({ class: "data" }, attrs || {}),
      el("thead", null, el("tr", null, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", null, rows.map((r) => el("tr", null, r.map((c) => el("td", null, c instanceof Node ? c : String(c === undefined || c === null ? "" : c))))))));
  }
  function changeList(changes) {
    const ul = el("ul", { class: "changes" }, changes.map((c) => el("li", null,
      c.field + ": " + JSON.stringify(c.before) + " → " + JSON.stringify(c.after))));
    return changes.length > 4 ? el("details", null, el("summary", null, changes.length + " " + t("event.fields")), ul) : ul;
  }
  async function viewEvent(id) {
    const root = el("section", { class: "event-view" }, el("p", { class: "muted" }, t("loading")));
    app.appendChild(root);
    let e;
    try {
      e = await api("GET", "/api/events/" + encodeURIComponent(id));
    } catch (err) {
      clear(root);
      root.appendChild(errorBox(err));
      return;
    }
    clear(root);
    const loc = e.location || {};
    root.appendChild(el("p", null, el("a", { href: "#/events" }, "← " + t("event.back"))));
    root.appendChild(el("h1", { id: "event-title" },
      el("span", { class: "swatch", style: "background:" + typeColor(e.event_type) }),
      typeLabel(e.event_type) + " — " + human(e.sub_event_type) + " — " + e.date_start));
    root.appendChild(el("div", { class: "grid2" },
      el("div", { class: "card" }, el("h2", null, t("event.summary")), dl([
        ["id", e.id], ["external ids", (e.external_ids || []).join(", ")],
        ["date", e.date_start === e.date_end ? e.date_start : e.date_start + " – " + e.date_end],
        ["date precision", e.date_precision], ["violence type", human(e.violence_type)],
        [t("table.verification"), human(e.verification)], [t("table.sensitivity"), human(e.sensitivity)],
        ["tags", (e.tags || []).join(", ")],
        ["created", e.audit.created_by + " · " + e.audit.created_at], ["updated", e.audit.updated_by + " · " + e.audit.updated_at],
      ])),
      el("div", { class: "card" }, el("h2", null, t("event.location")), dl([
        ["place", loc.place_name], ["where", loc.where_description],
        ["admin1", loc.admin1 && loc.admin1.name], ["admin2", loc.admin2 && loc.admin2.name], ["admin3", loc.admin3 && loc.admin3.name],
        ["lat, lon", loc.latitude !== undefined ? loc.latitude + ", " + loc.longitude : ""],
        ["precision", loc.geo_precision], ["country", loc.country], ["vintage", loc.admin_vintage],
        ["approximate admin", loc.admin_approximate ? "yes" : ""], ["PRIO-GRID", loc.priogrid_gid],
      ]))));
    root.appendChild(el("h2", null, t("event.notes")));
    root.appendChild(el("div", { class: "notes", id: "event-notes" }, e.notes || t("event.none")));
    root.appendChild(el("h2", null, t("event.actors")));
    root.appendChild((e.actors || []).length ? table(
      [t("table.actors"), t("event.role"), t("event.side"), t("event.attribution"), t("event.inter"), "id"],
      e.actors.map((a) => [a.name, human(a.role), a.side, human(a.attribution), human(a.inter_code), a.actor_id])) : el("p", { class: "muted" }, t("event.none")));
    root.appendChild(el("h2", null, t("event.casualties")));
    const crow = [];
    for (const [fig, v] of Object.entries(e.casualties || {})) {
      if (!v) continue;
      if (v.total) crow.push([human(fig), human("total"), v.total.low, v.total.best, v.total.high]);
      for (const [cat, c] of Object.entries(v.by_category || {})) crow.push([human(fig), human(cat), c.low, c.best, c.high]);
    }
    root.appendChild(crow.length ? table([t("event.figure"), t("event.category"), t("event.low"), t("event.best"), t("event.high")], crow)
      : el("p", { class: "muted" }, t("event.none")));
    root.appendChild(el("h2", null, t("event.sources")));
    root.appendChild((e.sources || []).length ? table(
      [t("event.publisher"), t("event.grade"), t("event.reliability"), t("event.credibility"), "date", t("event.headline"), t("event.url")],
      e.sources.map((s) => [s.publisher, String(s.reliability || "").toUpperCase() + (s.credibility || ""), s.reliability, s.credibility, s.date, s.headline,
        s.url && /^https?:\/\//i.test(s.url) ? el("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, s.url) : s.url]),
      { id: "sources-table" }) : el("p", { class: "muted" }, t("event.none")));

    const hist = el("div", { id: "history" });
    root.appendChild(el("h2", null, t("event.history")));
    root.appendChild(hist);
    if (can("events:history")) {
      try {
        const revs = await api("GET", "/api/events/" + encodeURIComponent(e.id) + "/history");
        hist.appendChild(table([t("event.seq"), t("event.action"), t("event.by"), t("event.at"), t("event.reason"), t("event.changes")],
          revs.map((r) => [r.seq, human(r.action), r.by, r.at, r.reason,
            changeList(r.changes || [])])));
      } catch (err) { hist.appendChild(errorBox(err)); }
    } else {
      hist.appendChild(el("p", { class: "muted" }, t("event.no_history")));
    }
    if (can("events:retract") && e.verification !== "retracted") {
      const out = el("p", { role: "status" });
      root.appendChild(el("div", { class: "toolbar" }, el("button", { type: "button", class: "danger", id: "retract", onclick: async () => {
        const reason = window.prompt(t("event.retract_reason"));
        if (!reason || !reason.trim()) return;
        try { await api("POST", "/api/events/" + encodeURIComponent(e.id) + "/retract", { reason }); out.textContent = t("event.retracted_ok"); route(); } catch (err) { out.replaceWith(errorBox(err)); }
      } }, t("event.retract")), out));
    }
    // Duplicates and merges: a section other files provide (review.js), else a placeholder.
    const section = window.VEILLE_EVENT_SECTION;
    root.appendChild(section ? section(e, screenCtx(parseHash().parts)) : placeholderCard(t("event.dedup")));
    root.appendChild(el("details", null, el("summary", null, t("event.all_fields")), table(["field", "value"], flatten(e, "", []), { id: "all-fields" })));
  }

  // ---- new event ------------------------------------------------------------------
  function viewNew() {
    if (!can("events:write")) { app.appendChild(el("p", { class: "error" }, t("new.forbidden"))); return; }
    const out = el("div", { role: "status", id: "new-status" });
    const inp = (name, key, attrs) => el("label", null, t(key), el("input", Object.assign({ name, id: "new-" + name }, attrs || {})));
    const sel = (name, key, opts, def) => el("label", null, t(key), el("select", { name, id: "new-" + name },
      opts.map(([v, label]) => el("option", { value: v, selected: v === def }, label))));
    const today = new Date().toISOString().slice(0, 10);
    const clearance = ["public", "restricted", "confidential", "strictly_confidential"];
    const allowed = clearance.slice(0, clearance.indexOf(state.me.clearance) + 1);
    const form = el("form", { id: "new-form", class: "card form-grid" },
      el("h1", null, t("new.title")),
      inp("date", "new.date", { type: "date", value: today, required: true }),
      sel("sub_event_type", "new.sub", Object.keys(SUBTYPES).map((s) => [s, typeLabel(SUBTYPES[s]) + " — " + human(s)]), "attack"),
      inp("place_name", "new.place"),
      inp("latitude", "new.lat", { type: "number", step: "any", min: "-90", max: "90" }),
      inp("longitude", "new.lon", { type: "number", step: "any", min: "-180", max: "180" }),
      inp("actor", "new.actor"),
      inp("killed", "new.killed", { type: "number", min: "0", step: "1" }),
      sel("sensitivity", "new.sensitivity", allowed.map((s) => [s, human(s)]), "restricted"),
      inp("publisher", "new.source"),
      sel("reliability", "new.reliability", ["a", "b", "c", "d", "e", "f"].map((r) => [r, r.toUpperCase()]), "f"),
      sel("credibility", "new.credibility", ["1", "2", "3", "4", "5", "6"].map((c) => [c, c]), "6"),
      el("label", { class: "wide" }, t("new.notes"), el("textarea", { name: "notes", id: "new-notes", rows: "4" })),
      el("button", { type: "submit", id: "new-submit" }, t("new.submit")), out);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = Object.fromEntries(new FormData(form).entries());
      const lat = f.latitude === "" ? null : Number(f.latitude);
      const lon = f.longitude === "" ? null : Number(f.longitude);
      const now = new Date().toISOString();
      const e = {
        id: uuid4(), external_ids: [], date_start: f.date, date_end: f.date, date_precision: "day",
        location: { country: "MLI", geo_precision: lat !== null && lon !== null ? "exact" : "country" },
        event_type: SUBTYPES[f.sub_event_type], sub_event_type: f.sub_event_type,
        actors: [], casualties: {}, sources: [], verification: "unverified", sensitivity: f.sensitivity,
        notes: f.notes || "", audit: { created_by: "", created_at: now, updated_by: "", updated_at: now },
      };
      if (f.place_name) e.location.place_name = f.place_name;
      if (lat !== null && lon !== null) { e.location.latitude = lat; e.location.longitude = lon; }
      if (f.actor) e.actors.push({ name: f.actor, role: "perpetrator", attribution: "stated" });
      if (f.killed !== "") { const k = parseInt(f.killed, 10); e.casualties.killed = { total: { low: k, best: k, high: k } }; }
      if (f.publisher) e.sources.push({ publisher: f.publisher, reliability: f.reliability, credibility: f.credibility });
      clear(out);
      try {
        const created = await api("POST", "/api/events", e);
        out.appendChild(el("p", { class: "ok" }, t("new.created") + " ", el("a", { href: "#/event/" + created.id, id: "new-link" }, created.id)));
      } catch (err) { out.appendChild(errorBox(err)); }
    });
    app.appendChild(form);
  }

  // ---- placeholders for screens whose endpoints do not exist yet ----------------------
  function placeholderCard(title) {
    return el("div", { class: "card placeholder" }, el("h2", null, title + " — " + t("placeholder.title")), el("p", null, t("placeholder.body")));
  }
  // Extension point: other branches register real screens here, e.g.
  // VEILLE_SCREENS.review = async (query, ctx) => { ... } with ctx = screenCtx(parts): the
  // route's path parts, the current view's container and the app's helpers.
  window.VEILLE_SCREENS = window.VEILLE_SCREENS || {};
  function screenCtx(parts) {
    return { api, el, t, app, parts, can, human, typeLabel, typeColor, errorBox, table, dl, clear, route, lang: state.lang };
  }

  // ---- router ------------------------------------------------------------------------
  let routing = 0;
  async function route() {
    const my = ++routing;
    const { parts, query } = parseHash();
    if (!state.me && parts[0] !== "login") { location.hash = "#/login"; return; }
    if (state.map && parts[0] !== "map") { state.map.remove(); state.map = null; }
    app = el("div", { class: "view" });
    clear(main);
    main.appendChild(app);
    renderChrome();
    const name = parts[0] || "map";
    try {
      if (name === "login") app.appendChild(viewLogin());
      else if (name === "map") await viewMap(query);
      else if (name === "events") await viewEvents(query);
      else if (name === "event" && parts[1]) await viewEvent(decodeURIComponent(parts[1]));
      else if (name === "new") viewNew();
      else if (window.VEILLE_SCREENS[name]) await window.VEILLE_SCREENS[name](query, screenCtx(parts));
      else {
        const nav = NAV.find((n) => n[0] === name);
        app.appendChild(placeholderCard(nav ? t(nav[1]) : name));
      }
    } catch (e) {
      if (my === routing) app.appendChild(errorBox(e));
    }
    if (my !== routing) return; // a newer route took over meanwhile
    document.body.setAttribute("data-view", name);
    document.body.setAttribute("data-ready", String(my));
  }

  async function boot() {
    state.csrf = sessionStorage.getItem("veille_csrf");
    document.getElementById("lang-toggle").addEventListener("click", toggleLanguage);
    document.getElementById("logout").addEventListener("click", async () => {
      try { await api("POST", "/api/logout"); } catch (_) { /* already out */ }
      state.me = null; state.csrf = null; sessionStorage.removeItem("veille_csrf");
      renderChrome();
      location.hash = "#/login";
    });
    const toggle = document.getElementById("menu-toggle");
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
    try {
      state.me = await api("GET", "/api/me");
      // A new tab of the same session gets its CSRF token from /api/me.
      if (state.me && state.me.csrf_token) {
        state.csrf = state.me.csrf_token;
        sessionStorage.setItem("veille_csrf", state.me.csrf_token);
        delete state.me.csrf_token;
      }
    } catch (_) {
      state.me = null;
    }
    // A session without its CSRF token (new tab) can read but not write: sign in again to write.
    pickLanguage();
    window.addEventListener("hashchange", () => { document.body.classList.remove("nav-open"); route(); });
    await route();
  }
  boot();
})();
