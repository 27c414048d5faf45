// veille web UI: the protection desk screens (threat matrix with drill-down, warnings
// and actions board with the warning-to-action metrics, regional reports), registered on
// app.js's extension point window.VEILLE_SCREENS. Same rule as app.js: everything from
// the server is put in the page as text through el(), never parsed as HTML.
"use strict";
(function () {
  const SCALE = { VeryLow: 1, Low: 2, Medium: 3, High: 4, VeryHigh: 5 };
  const SCALE_WORDS = ["very low", "low", "medium", "high", "very high"];
  const CATS = ["any", "1", "2", "3", "4", "5", "6"];
  let me = null;

  async function who(api) {
    me = await api("GET", "/api/me");
    return me;
  }
  function can(p) { return !!(me && me.permissions.indexOf(p) >= 0); }
  function fail(el, t, e) {
    const msg = e && e.code ? e.code + ": " + e.message : String(e && e.message ? e.message : e);
    return el("p", { class: "error", role: "alert" }, t("error.generic") + " — " + msg);
  }
  function nextMonth() {
    const d = new Date();
    return d.getUTCFullYear() + "-" + String(d.getUTCMonth() + 1).padStart(2, "0");
  }
  function field(el, label, input) { return el("label", null, label, " ", input); }
  function select(el, attrs, options, value) {
    return el("select", attrs, options.map(([v, l]) => el("option", { value: v, selected: String(v) === String(value) }, l)));
  }
  function table(el, head, rows, attrs) {
    return el("div", { class: "table-scroll" },
      el("table", Object.assign({ class: "data" }, attrs || {}),
        el("thead", null, el("tr", null, head.map((h) => el("th", null, h)))),
        el("tbody", null, rows)));
  }
  function catLabel(t, c) { return c === null || c === undefined || c === "any" ? t("protect.any") : t("protect.cat") + " " + c; }
  function eventRow(el, e) {
    const k = e.casualties && e.casualties.killed;
    let killed = "";
    if (k && k.total) killed = k.total.best;
    else if (k) { let s = 0; for (const c of Object.values(k.by_category || {})) s += c.best; killed = s; }
    return el("tr", null,
      el("td", null, el("a", { href: "#/event/" + encodeURIComponent(e.id) }, e.date_start)),
      el("td", null, (e.location.admin1 && e.location.admin1.name) || ""),
      el("td", null, (e.location.admin2 && e.location.admin2.name) || ""),
      el("td", null, String(e.sub_event_type || "").replace(/_/g, " ")),
      el("td", null, String(killed)));
  }
  function eventTable(el, t, events) {
    return table(el, [t("protect.date"), t("protect.region"), t("protect.cercle"), t("protect.type"), t("protect.killed")],
      events.map((e) => eventRow(el, e)));
  }

  // ---- threat matrix -------------------------------------------------------------
  window.VEILLE_SCREENS = window.VEILLE_SCREENS || {};
  window.VEILLE_SCREENS.threats = async function (query, ctx) {
    const { api, el, t, app } = ctx;
    await who(api);
    const level = query.get("level") || "admin1";
    const months = query.get("months") || "1";
    const period = query.get("period") || "";
    const form = el("form", { class: "card filters", id: "matrix-form" },
      field(el, t("protect.level"), select(el, { name: "level" }, [["admin1", t("protect.regions")], ["admin2", t("protect.cercles")]], level)),
      field(el, t("protect.period"), el("input", { name: "period", value: period, placeholder: "YYYY-MM", pattern: "[0-9]{4}-[0-9]{2}", size: 8 })),
      field(el, t("protect.months"), select(el, { name: "months" }, [["1", "1"], ["2", "2"]], months)),
      el("button", { type: "submit" }, t("protect.show")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      const p = new URLSearchParams();
      for (const k of ["level", "period", "months"]) if (String(f.get(k) || "").trim()) p.set(k, String(f.get(k)).trim());
      location.hash = "#/threats?" + p.toString();
    });
    app.appendChild(el("h1", null, t("nav.threats")));
    app.appendChild(form);
    const p = new URLSearchParams({ level, months });
    if (period) p.set("period", period);
    const m = await api("GET", "/api/assessments?" + p.toString());
    const per = m.period.slice(0, 7);
    app.appendChild(el("p", { class: "muted" }, t("protect.matrix_help", { period: per, months: m.months })));
    if (m.no_data) app.appendChild(el("p", { class: "error", id: "no-data" }, t("protect.no_data")));
    const drill = el("div", { id: "drill" });
    async function openCell(area, cat) {
      while (drill.firstChild) drill.removeChild(drill.firstChild);
      drill.appendChild(el("p", null, t("protect.loading")));
      try {
        const q = new URLSearchParams({ area, period: per, months: String(m.months), category: cat === null ? "any" : cat });
        const c = await api("GET", "/api/assessments/cell?" + q.toString());
        while (drill.firstChild) drill.removeChild(drill.firstChild);
        drill.appendChild(el("h2", null, t("protect.cell_events", { area, cat: catLabel(t, cat), n: c.count })));
        drill.appendChild(c.events.length ? eventTable(el, t, c.events) : el("p", null, t("protect.no_events")));
      } catch (e) { drill.appendChild(fail(el, t, e)); }
    }
    const rows = m.areas.map((a) => {
      if (a.no_data) return el("tr", null, el("th", null, a.area), el("td", { colspan: 7, class: "muted" }, t("protect.no_data_area") + ": " + a.no_data));
      const byCat = {};
      for (const c of a.categories) byCat[c.category === null ? "any" : c.category] = c;
      return el("tr", null, el("th", null, a.area), CATS.map((k) => {
        const c = byCat[k];
        if (!c) return el("td", null, "");
        const ov = a.overrides.filter((o) => (o.category === null ? "any" : o.category) === k);
        const label = SCALE[c.likelihood] + "/" + SCALE[c.impact] + " " + t("protect.risk_" + c.risk) + (ov.length ? " *" : "");
        return el("td", { class: "risk risk-" + c.risk },
          el("button", { type: "button", class: "linkish cell", "data-area": a.area, "data-cat": k, title: t("protect.cell_title", { p: c.forecast.probability.toFixed(2), last: c.vs_previous.now }), onclick: () => openCell(a.area, k === "any" ? null : k) }, label));
      }));
    });
    app.appendChild(table(el, [t("protect.area")].concat(CATS.map((c) => catLabel(t, c))), rows, { id: "matrix" }));
    app.appendChild(el("p", { class: "muted" }, t("protect.legend")));
    const overrides = [];
    for (const a of m.areas) for (const o of a.overrides) overrides.push(el("li", null,
      a.area + " — " + catLabel(t, o.category) + ": " + t("protect.likelihood") + " " + (o.likelihood || "—") + ", " + t("protect.impact") + " " + (o.impact || "—") + " — " + o.by + " (" + o.at + "): " + o.reason));
    if (overrides.length) app.appendChild(el("div", { class: "card" }, el("h2", null, t("protect.overrides")), el("ul", null, overrides)));
    app.appendChild(drill);
    if (can("protect:assess")) {
      const out = el("div");
      const of = el("form", { class: "card filters", id: "override-form" },
        el("h2", null, t("protect.override")),
        field(el, t("protect.area"), el("input", { name: "area", required: true, list: "areas" })),
        el("datalist", { id: "areas" }, m.areas.map((a) => el("option", { value: a.area }))),
        field(el, t("protect.category"), select(el, { name: "category" }, CATS.map((c) => [c, catLabel(t, c)]), "any")),
        field(el, t("protect.likelihood"), select(el, { name: "likelihood" }, [["", "—"]].concat(SCALE_WORDS.map((w) => [w, w])), "")),
        field(el, t("protect.impact"), select(el, { name: "impact" }, [["", "—"]].concat(SCALE_WORDS.map((w) => [w, w])), "")),
        field(el, t("protect.justification"), el("input", { name: "justification", required: true, size: 40 })),
        el("button", { type: "submit" }, t("protect.save")), out);
      of.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const f = new FormData(of);
        const body = { area: f.get("area"), period: per, months: m.months, category: f.get("category"), justification: f.get("justification") };
        if (f.get("likelihood")) body.likelihood = f.get("likelihood");
        if (f.get("impact")) body.impact = f.get("impact");
        while (out.firstChild) out.removeChild(out.firstChild);
        try { await api("POST", "/api/assessments/override", body); out.appendChild(el("p", { class: "ok" }, t("protect.saved"))); }
        catch (e) { out.appendChild(fail(el, t, e)); }
      });
      app.appendChild(of);
    }
  };

  // ---- warnings and actions board ----------------------------------------------------
  function hours(h) { return h === null || h === undefined ? "—" : h.toFixed(1) + " h"; }
  function metricsTable(el, t, title, m) {
    const rows = Object.entries(m).map(([g, x]) => el("tr", null, el("td", null, g), el("td", null, String(x.warnings)),
      el("td", null, String(x.acknowledged)), el("td", null, hours(x.median_hours_to_acknowledge)),
      el("td", null, hours(x.median_hours_to_first_action)), el("td", null, Math.round(100 * x.share_with_action) + "%"),
      el("td", null, Math.round(100 * x.share_closed_with_outcome) + "%"), el("td", null, String(x.overdue_actions))));
    return el("div", null, el("h3", null, title), table(el, [title, t("protect.m_warnings"), t("protect.m_acked"), t("protect.m_to_ack"),
      t("protect.m_to_act"), t("protect.m_with_action"), t("protect.m_closed"), t("protect.m_overdue")], rows));
  }
  function ackText(t, w) { return w.acknowledged ? t("protect.acked_by", { by: w.acknowledged.by }) : t("protect.not_acked"); }

  async function warningDetail(id, ctx) {
    const { api, el, t, app } = ctx;
    const d = await api("GET", "/api/warnings/" + encodeURIComponent(id));
    const w = d.warning;
    app.appendChild(el("p", null, el("a", { href: "#/warnings" }, "← " + t("nav.warnings"))));
    app.appendChild(el("h1", null, "[" + w.level + "] " + w.kind + " — " + w.area));
    const ackCell = el("span", { id: "ack-state" }, ackText(t, d));
    const info = el("div", { class: "card" },
      el("p", null, el("strong", null, t("protect.status") + ": "), el("span", { id: "warning-status" }, t("protect.st_" + d.status)), " — ", ackCell),
      el("p", null, el("strong", null, t("protect.subject") + ": "), w.subject, " (", w.period_start, " → ", w.period_end, ")"),
      el("p", null, el("strong", null, t("protect.trigger") + ": "), w.trigger),
      el("p", null, el("strong", null, t("protect.why") + ": "), w.explanation),
      d.overdue.length ? el("p", { class: "error" }, d.overdue.join("; ")) : null);
    app.appendChild(info);
    if (!d.acknowledged && can("warnings:respond")) {
      const b = el("button", { type: "button", id: "ack-detail" }, t("protect.acknowledge"));
      b.addEventListener("click", async () => {
        try { const s = await api("POST", "/api/warnings/" + encodeURIComponent(id) + "/acknowledge"); ackCell.textContent = ackText(t, s); b.remove(); }
        catch (e) { info.appendChild(fail(el, t, e)); }
      });
      info.appendChild(b);
    }
    if (d.response) {
      const r = d.response;
      app.appendChild(el("div", { class: "card" }, el("h2", null, t("protect.response")),
        el("p", null, t("protect.responsible") + ": " + r.components.map((c) => d.components[c] || c).join(", ")),
        el("p", null, t("protect.deadlines", { ack: d.acknowledge_due || "—", act: d.act_due || "—", esc: r.escalate_to })),
        el("ul", null, r.options.map((o) => el("li", null, t("protect.tier") + " " + o.tier + ": " + o.text)))));
    }
    // Actions.
    const acts = el("div", { class: "card", id: "actions" }, el("h2", null, t("protect.actions")));
    if (!d.actions.length) acts.appendChild(el("p", null, t("protect.no_action")));
    for (const a of d.actions) {
      const line = el("div", { class: "action" }, el("p", null, a.owner + " (" + a.component + ", " + t("protect.tier") + " " + a.tier + "): " + a.option,
        " — ", el("strong", null, a.status), " — " + t("protect.due") + " " + a.due, a.outcome ? " — " + a.outcome : "", a.reason ? " — " + a.reason : ""));
      if (can("warnings:respond") && a.status !== "done" && a.status !== "declined") {
        const sf = el("form", { class: "inline" },
          select(el, { name: "status" }, ["assigned", "acknowledged", "in_progress", "done", "declined"].map((s) => [s, s.replace("_", " ")]), a.status),
          el("input", { name: "note", placeholder: t("protect.note") }), el("button", { type: "submit" }, t("protect.set")));
        sf.addEventListener("submit", async (ev) => {
          ev.preventDefault();
          const f = new FormData(sf);
          const st = f.get("status");
          const body = { status: st };
          if (st === "declined") body.reason = f.get("note"); else if (f.get("note")) body.outcome = f.get("note");
          try { await api("POST", "/api/actions/" + encodeURIComponent(a.warning_id) + "/" + a.n, body); location.hash = "#/warnings?id=" + encodeURIComponent(id) + "&r=" + Date.now(); }
          catch (e) { line.appendChild(fail(el, t, e)); }
        });
        line.appendChild(sf);
      }
      acts.appendChild(line);
    }
    if (can("warnings:respond")) {
      const opts = d.response ? d.response.options : [];
      const af = el("form", { class: "inline", id: "add-action" },
        el("h3", null, t("protect.add_action")),
        field(el, t("protect.owner"), el("input", { name: "owner", required: true })),
        field(el, t("protect.component"), select(el, { name: "component" }, Object.entries(d.components), d.response ? d.response.components[0] : "")),
        field(el, t("protect.tier"), select(el, { name: "tier" }, [["I", "I"], ["II", "II"], ["III", "III"]], "I")),
        field(el, t("protect.option"), el("input", { name: "option", required: true, list: "options", size: 40 })),
        el("datalist", { id: "options" }, opts.map((o) => el("option", { value: o.text }))),
        el("button", { type: "submit" }, t("protect.add")));
      af.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const f = new FormData(af);
        try {
          await api("POST", "/api/warnings/" + encodeURIComponent(id) + "/actions", { owner: f.get("owner"), component: f.get("component"), tier: f.get("tier"), option: f.get("option") });
          location.hash = "#/warnings?id=" + encodeURIComponent(id) + "&r=" + Date.now();
        } catch (e) { af.appendChild(fail(el, t, e)); }
      });
      acts.appendChild(af);
    }
    app.appendChild(acts);
    app.appendChild(el("h2", null, t("protect.evidence", { n: d.evidence_events.length })));
    app.appendChild(eventTable(el, t, d.evidence_events));
  }

  window.VEILLE_SCREENS.warnings = async function (query, ctx) {
    const { api, el, t, app } = ctx;
    await who(api);
    if (query.get("id")) return warningDetail(query.get("id"), ctx);
    const status = query.get("status") || "";
    app.appendChild(el("h1", null, t("nav.warnings")));
    app.appendChild(el("nav", { class: "tabs" }, [["", "protect.all"], ["open", "protect.st_open"], ["overdue", "protect.st_overdue"], ["done", "protect.st_done"]]
      .map(([s, k]) => el("a", { href: "#/warnings" + (s ? "?status=" + s : ""), class: s === status ? "active" : null, id: "tab-" + (s || "all") }, t(k))), " "));
    const ws = await api("GET", "/api/warnings" + (status ? "?status=" + encodeURIComponent(status) : ""));
    const rows = ws.slice().reverse().map((s) => {
      const w = s.warning;
      const ack = el("td", { id: "ack-" + w.id }, ackText(t, s));
      if (!s.acknowledged && can("warnings:respond")) {
        const b = el("button", { type: "button", class: "ack", "data-id": w.id }, t("protect.acknowledge"));
        b.addEventListener("click", async () => {
          b.disabled = true;
          try { const n = await api("POST", "/api/warnings/" + encodeURIComponent(w.id) + "/acknowledge"); ack.textContent = ackText(t, n); await showMetrics(); }
          catch (e) { b.disabled = false; ack.appendChild(fail(el, t, e)); }
        });
        ack.appendChild(el("br"));
        ack.appendChild(b);
      }
      return el("tr", { "data-id": w.id, class: "st-" + s.status },
        el("td", null, w.level), el("td", null, el("a", { href: "#/warnings?id=" + encodeURIComponent(w.id) }, w.kind)),
        el("td", null, w.area), el("td", null, w.subject), el("td", null, w.period_start + " → " + w.period_end),
        el("td", { class: "status" }, t("protect.st_" + s.status)), ack, el("td", null, String(s.actions.length)));
    });
    app.appendChild(el("p", { class: "muted" }, t("protect.count", { n: ws.length })));
    app.appendChild(table(el, [t("protect.level_w"), t("protect.kind"), t("protect.area"), t("protect.subject"), t("protect.period"),
      t("protect.status"), t("protect.ack"), t("protect.actions")], rows, { id: "board" }));
    const card = el("div", { class: "card", id: "metrics" });
    async function showMetrics() {
      const m = await api("GET", "/api/metrics/warning-to-action");
      while (card.firstChild) card.removeChild(card.firstChild);
      card.appendChild(el("h2", null, t("protect.metrics")));
      card.appendChild(metricsTable(el, t, t("protect.area"), m.by_area));
      card.appendChild(metricsTable(el, t, t("protect.component"), m.by_component));
    }
    await showMetrics();
    app.appendChild(card);
  };

  // ---- reports -------------------------------------------------------------------------
  window.VEILLE_SCREENS.reports = async function (query, ctx) {
    const { api, el, t, app } = ctx;
    await who(api);
    app.appendChild(el("h1", null, t("nav.reports")));
    if (!can("reports:generate")) { app.appendChild(el("p", null, t("protect.no_reports_right"))); return; }
    const regions = await api("GET", "/api/assessments?level=admin1");
    const out = el("div", { id: "report-out" });
    const f = el("form", { class: "card filters", id: "report-form" },
      field(el, t("protect.region"), select(el, { name: "admin1" }, regions.areas.map((a) => [a.area, a.area]), query.get("admin1") || "")),
      field(el, t("protect.period"), el("input", { name: "period", required: true, placeholder: "YYYY-MM", value: query.get("period") || nextMonth(), size: 8 })),
      field(el, t("protect.months"), select(el, { name: "months" }, [["1", "1"], ["2", "2"]], "1")),
      el("button", { type: "submit" }, t("protect.generate")), out);
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const d = new FormData(f);
      while (out.firstChild) out.removeChild(out.firstChild);
      out.appendChild(el("p", null, t("protect.loading")));
      try {
        const r = await api("POST", "/api/reports/region", { admin1: d.get("admin1"), period: d.get("period"), months: Number(d.get("months")) });
        while (out.firstChild) out.removeChild(out.firstChild);
        out.appendChild(el("p", { class: "ok" }, t("protect.report_ready", { region: r.region, period: r.period.slice(0, 7) })));
        out.appendChild(el("p", null, el("a", { href: r.html, download: "", id: "report-html" }, t("protect.download_html")), " · ",
          el("a", { href: r.markdown, download: "", id: "report-md" }, t("protect.download_md"))));
      } catch (e) { while (out.firstChild) out.removeChild(out.firstChild); out.appendChild(fail(el, t, e)); }
    });
    app.appendChild(f);
  };

  // ---- strings -------------------------------------------------------------------------
  Object.assign(window.VEILLE_I18N.en, {
    "protect.any": "any event", "protect.cat": "cat.", "protect.level": "Level", "protect.regions": "regions (admin1)", "protect.cercles": "cercles (admin2)",
    "protect.period": "Period", "protect.months": "Months", "protect.show": "Show", "protect.loading": "Loading…",
    "protect.matrix_help": "Forecast for {period} ({months} month(s)). Each cell: likelihood/impact (1–5) and risk. Click a cell for the events behind it (last complete period).",
    "protect.no_data": "NO DATA for this period: this is not a low risk; nothing can be said.", "protect.no_data_area": "no data",
    "protect.cell_events": "{area} — {cat}: {n} event(s) in the last complete period", "protect.no_events": "No event.",
    "protect.cell_title": "P(≥1) {p}; events last period {last}", "protect.area": "Area", "protect.legend": "* an analyst's override exists for this cell (shown below, next to the model's value).",
    "protect.risk_low": "low", "protect.risk_medium": "medium", "protect.risk_high": "high", "protect.risk_extreme": "extreme",
    "protect.overrides": "Analysts' overrides", "protect.override": "Override a cell", "protect.category": "Category", "protect.likelihood": "likelihood",
    "protect.impact": "impact", "protect.justification": "Justification", "protect.save": "Save", "protect.saved": "Saved. Reload to see it in the matrix.",
    "protect.date": "Date", "protect.region": "Region", "protect.cercle": "Cercle", "protect.type": "Type", "protect.killed": "Killed",
    "protect.m_warnings": "warnings", "protect.m_acked": "acknowledged", "protect.m_to_ack": "to acknowledge", "protect.m_to_act": "to 1st action",
    "protect.m_with_action": "with action", "protect.m_closed": "closed with outcome", "protect.m_overdue": "overdue actions",
    "protect.acked_by": "acknowledged by {by}", "protect.not_acked": "not acknowledged", "protect.status": "Status", "protect.subject": "Subject",
    "protect.trigger": "Trigger", "protect.why": "Why", "protect.acknowledge": "Acknowledge", "protect.response": "Response matrix",
    "protect.responsible": "Responsible", "protect.deadlines": "Acknowledge by {ack}; act by {act}; overdue escalates to {esc}.", "protect.tier": "tier",
    "protect.actions": "Actions", "protect.no_action": "No action yet.", "protect.due": "due", "protect.note": "outcome or reason", "protect.set": "Set",
    "protect.add_action": "Add an action", "protect.owner": "Owner", "protect.component": "Component", "protect.option": "Option", "protect.add": "Add",
    "protect.evidence": "Evidence ({n} events you may see)", "protect.all": "All", "protect.st_open": "open", "protect.st_overdue": "overdue", "protect.st_done": "done",
    "protect.count": "{n} warning(s).", "protect.level_w": "Level", "protect.kind": "Kind", "protect.ack": "Acknowledged",
    "protect.metrics": "Warning-to-action metrics", "protect.no_reports_right": "Your role may not generate reports.", "protect.generate": "Generate",
    "protect.report_ready": "Regional threat assessment ready: {region}, {period}.", "protect.download_html": "Download HTML", "protect.download_md": "Download Markdown",
  });
  Object.assign(window.VEILLE_I18N.fr, {
    "protect.any": "tout événement", "protect.cat": "cat.", "protect.level": "Niveau", "protect.regions": "régions (admin1)", "protect.cercles": "cercles (admin2)",
    "protect.period": "Période", "protect.months": "Mois", "protect.show": "Afficher", "protect.loading": "Chargement…",
    "protect.matrix_help": "Prévision pour {period} ({months} mois). Chaque case : probabilité/impact (1–5) et risque. Cliquez une case pour les événements qu'elle compte (dernière période complète).",
    "protect.no_data": "PAS DE DONNÉES pour cette période : ce n'est pas un risque faible ; rien ne peut être dit.", "protect.no_data_area": "pas de données",
    "protect.cell_events": "{area} — {cat} : {n} événement(s) dans la dernière période complète", "protect.no_events": "Aucun événement.",
    "protect.cell_title": "P(≥1) {p} ; événements de la dernière période {last}", "protect.area": "Zone", "protect.legend": "* un analyste a corrigé cette case (voir ci-dessous, à côté de la valeur du modèle).",
    "protect.risk_low": "faible", "protect.risk_medium": "moyen", "protect.risk_high": "élevé", "protect.risk_extreme": "extrême",
    "protect.overrides": "Corrections des analystes", "protect.override": "Corriger une case", "protect.category": "Catégorie", "protect.likelihood": "probabilité",
    "protect.impact": "impact", "protect.justification": "Justification", "protect.save": "Enregistrer", "protect.saved": "Enregistré. Rechargez pour le voir dans la matrice.",
    "protect.date": "Date", "protect.region": "Région", "protect.cercle": "Cercle", "protect.type": "Type", "protect.killed": "Tués",
    "protect.m_warnings": "alertes", "protect.m_acked": "accusées", "protect.m_to_ack": "délai d'accusé", "protect.m_to_act": "délai 1re action",
    "protect.m_with_action": "avec action", "protect.m_closed": "closes avec résultat", "protect.m_overdue": "actions en retard",
    "protect.acked_by": "accusée par {by}", "protect.not_acked": "non accusée", "protect.status": "Statut", "protect.subject": "Objet",
    "protect.trigger": "Déclencheur", "protect.why": "Pourquoi", "protect.acknowledge": "Accuser réception", "protect.response": "Matrice de réponse",
    "protect.responsible": "Responsables", "protect.deadlines": "Accuser avant {ack} ; agir avant {act} ; un retard fait passer à {esc}.", "protect.tier": "niveau",
    "protect.actions": "Actions", "protect.no_action": "Aucune action.", "protect.due": "échéance", "protect.note": "résultat ou motif", "protect.set": "Changer",
    "protect.add_action": "Ajouter une action", "protect.owner": "Responsable", "protect.component": "Composante", "protect.option": "Option", "protect.add": "Ajouter",
    "protect.evidence": "Éléments ({n} événements visibles pour vous)", "protect.all": "Toutes", "protect.st_open": "ouverte", "protect.st_overdue": "en retard", "protect.st_done": "traitée",
    "protect.count": "{n} alerte(s).", "protect.level_w": "Niveau", "protect.kind": "Type", "protect.ack": "Accusé",
    "protect.metrics": "Indicateurs alerte-action", "protect.no_reports_right": "Votre rôle ne permet pas de produire des rapports.", "protect.generate": "Produire",
    "protect.report_ready": "Évaluation régionale des menaces prête : {region}, {period}.", "protect.download_html": "Télécharger HTML", "protect.download_md": "Télécharger Markdown",
  });
})();
