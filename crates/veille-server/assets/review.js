// veille web UI: the review queue (#/review, #/review/{draft}), the duplicates-and-merges
// section of the event page, and the actors (#/actors, #/actor/{id}). Registered through
// window.VEILLE_SCREENS and window.VEILLE_EVENT_SECTION (see app.js). Same rule as app.js:
// everything from the server or a user becomes text nodes via el(), never parsed HTML;
// evidence highlights are <mark> elements holding text nodes.
"use strict";
(function () {
  Object.assign(window.VEILLE_I18N.en, {
    "review.title": "Review queue", "review.status.draft": "Waiting", "review.status.accepted": "Accepted",
    "review.status.rejected": "Rejected", "review.status.all": "All", "review.empty": "No draft here.",
    "review.total": "{n} drafts", "review.date": "Date", "review.type": "Type", "review.place": "Place",
    "review.killed": "Killed", "review.grade": "Source", "review.confidence": "Confidence", "review.report": "Report",
    "review.open": "Open", "review.back": "Back to the queue", "review.draft": "Draft",
    "review.queued": "Queued by {by} on {at}", "review.evidence": "Evidence in the report",
    "review.field": "Field", "review.value": "Value", "review.text": "Words", "review.no_spans": "The extractor gave no evidence located in this report.",
    "review.proposed": "Proposed event", "review.accept": "Accept", "review.edit": "Edit, then accept",
    "review.reject": "Reject", "review.reason": "Why is this draft rejected?", "review.accepted_ok": "Accepted: event created.",
    "review.rejected_ok": "Rejected.", "review.decided": "This draft is {status}.", "review.history": "History",
    "review.save_accept": "Accept with these changes", "review.cancel": "Cancel", "review.event": "Event",
    "review.date_end": "Last day", "review.perpetrator": "Perpetrator (as reported)",
    "review.forbidden": "Your role may not review drafts.",
    "dedup.title": "Duplicates and merges", "dedup.candidates": "Likely duplicates", "dedup.none": "No likely duplicate at or above {t}.",
    "dedup.score": "Score", "dedup.why": "Why", "dedup.select": "Merge", "dedup.merge": "Merge the selected events into this one",
    "dedup.reason": "Reason for the merge", "dedup.merged_ok": "Merged.", "dedup.history": "Merge history",
    "dedup.no_history": "Never merged.", "dedup.merged_into": "This event is merged into another event:",
    "dedup.survivor": "Survivor", "dedup.absorbed": "Absorbed", "dedup.undone": "Undone", "dedup.unmerge": "Unmerge",
    "dedup.unmerge_reason": "Why undo this merge?", "dedup.unmerged_ok": "Merge undone.", "dedup.pick": "Select at least one event.",
    "dedup.searched": "{n} events searched between {from} and {to}.",
    "actors.title": "Actors", "actors.search": "Name, alias or acronym", "actors.go": "Search", "actors.total": "{n} actors",
    "actors.name": "Name", "actors.kind": "Type", "actors.inter": "ACLED inter", "actors.countries": "Countries",
    "actors.active": "Active", "actors.aliases": "Aliases", "actors.match": "Match", "actors.empty": "No actor matches.",
    "actors.back": "Back to the actors", "actors.leaders": "Leaders", "actors.source": "Source", "actors.notes": "Notes",
    "actors.lang": "Language", "actors.alias_kind": "Kind", "actors.from": "From", "actors.to": "To",
    "actors.timeline": "Genealogy timeline", "actors.tree": "Antecedents", "actors.relations": "Relations",
    "actors.relation": "Relation", "actors.designations": "Designations", "actors.list": "List", "actors.authority": "Authority",
    "actors.events": "Events", "actors.events_count": "{n} events involve this actor (within your clearance).",
    "actors.unverified": "unverified", "actors.community": "Claims to defend",
  });
  Object.assign(window.VEILLE_I18N.fr, {
    "review.title": "File de revue", "review.status.draft": "En attente", "review.status.accepted": "Acceptés",
    "review.status.rejected": "Rejetés", "review.status.all": "Tous", "review.empty": "Aucun brouillon ici.",
    "review.total": "{n} brouillons", "review.date": "Date", "review.type": "Type", "review.place": "Lieu",
    "review.killed": "Tués", "review.grade": "Source", "review.confidence": "Confiance", "review.report": "Rapport",
    "review.open": "Ouvrir", "review.back": "Retour à la file", "review.draft": "Brouillon",
    "review.queued": "Mis en file par {by} le {at}", "review.evidence": "Indices dans le rapport",
    "review.field": "Champ", "review.value": "Valeur", "review.text": "Mots", "review.no_spans": "L'extracteur n'a situé aucun indice dans ce rapport.",
    "review.proposed": "Événement proposé", "review.accept": "Accepter", "review.edit": "Modifier, puis accepter",
    "review.reject": "Rejeter", "review.reason": "Pourquoi rejeter ce brouillon ?", "review.accepted_ok": "Accepté : événement créé.",
    "review.rejected_ok": "Rejeté.", "review.decided": "Ce brouillon est {status}.", "review.history": "Historique",
    "review.save_accept": "Accepter avec ces modifications", "review.cancel": "Annuler", "review.event": "Événement",
    "review.date_end": "Dernier jour", "review.perpetrator": "Auteur (tel que rapporté)",
    "review.forbidden": "Votre rôle ne permet pas de revoir les brouillons.",
    "dedup.title": "Doublons et fusions", "dedup.candidates": "Doublons probables", "dedup.none": "Aucun doublon probable à partir de {t}.",
    "dedup.score": "Score", "dedup.why": "Pourquoi", "dedup.select": "Fusionner", "dedup.merge": "Fusionner les événements choisis dans celui-ci",
    "dedup.reason": "Motif de la fusion", "dedup.merged_ok": "Fusionné.", "dedup.history": "Historique des fusions",
    "dedup.no_history": "Jamais fusionné.", "dedup.merged_into": "Cet événement est fusionné dans un autre :",
    "dedup.survivor": "Conservé", "dedup.absorbed": "Absorbé", "dedup.undone": "Annulée", "dedup.unmerge": "Défusionner",
    "dedup.unmerge_reason": "Pourquoi annuler cette fusion ?", "dedup.unmerged_ok": "Fusion annulée.", "dedup.pick": "Choisissez au moins un événement.",
    "dedup.searched": "{n} événements examinés entre le {from} et le {to}.",
    "actors.title": "Acteurs", "actors.search": "Nom, alias ou sigle", "actors.go": "Chercher", "actors.total": "{n} acteurs",
    "actors.name": "Nom", "actors.kind": "Type", "actors.inter": "Code ACLED", "actors.countries": "Pays",
    "actors.active": "Actif", "actors.aliases": "Alias", "actors.match": "Correspondance", "actors.empty": "Aucun acteur ne correspond.",
    "actors.back": "Retour aux acteurs", "actors.leaders": "Chefs", "actors.source": "Source", "actors.notes": "Notes",
    "actors.lang": "Langue", "actors.alias_kind": "Nature", "actors.from": "Du", "actors.to": "Au",
    "actors.timeline": "Chronologie généalogique", "actors.tree": "Antécédents", "actors.relations": "Relations",
    "actors.relation": "Relation", "actors.designations": "Désignations", "actors.list": "Liste", "actors.authority": "Autorité",
    "actors.events": "Événements", "actors.events_count": "{n} événements impliquent cet acteur (dans votre habilitation).",
    "actors.unverified": "non vérifié", "actors.community": "Dit défendre",
  });

  const SCREENS = (window.VEILLE_SCREENS = window.VEILLE_SCREENS || {});
  const SUBTYPES = window.VEILLE_SUBTYPES;
  const enc = encodeURIComponent;
  const span = (a, b) => (a || "…") + " – " + (b || "…");
  function statusLine(c, node, cls, text) {
    c.clear(node);
    node.className = cls;
    node.textContent = text;
  }
  function place(x) { return x.place || x.place_name || x.admin2 || x.admin1 || ""; }

  // ---- review queue ------------------------------------------------------------------
  const STATUSES = ["draft", "accepted", "rejected", "all"];
  async function queueView(query, c) {
    const status = STATUSES.indexOf(query.get("status")) >= 0 ? query.get("status") : "draft";
    const root = c.el("section", { class: "review-view" }, c.el("h1", null, c.t("review.title")));
    c.app.appendChild(root);
    if (!c.can("drafts:review")) { root.appendChild(c.el("p", { class: "error" }, c.t("review.forbidden"))); return; }
    root.appendChild(c.el("div", { class: "tabs", role: "tablist" }, STATUSES.map((s) =>
      c.el("a", { href: "#/review?status=" + s, class: s === status ? "active" : null, role: "tab", "aria-selected": String(s === status) },
        c.t("review.status." + s)))));
    const page = await c.api("GET", "/api/drafts?status=" + status + "&limit=500");
    root.appendChild(c.el("p", { id: "review-total", "data-total": String(page.total) }, c.t("review.total", { n: page.total })));
    if (!page.items.length) { root.appendChild(c.el("p", { class: "muted" }, c.t("review.empty"))); return; }
    const rows = page.items.map((d) => c.el("tr", { "data-id": d.id },
      c.el("td", null, c.el("a", { href: "#/review/" + enc(d.id), class: "open-draft" }, d.date_start)),
      c.el("td", null, c.typeLabel(d.event_type), c.el("br"), c.el("span", { class: "muted small" }, c.human(d.sub_event_type))),
      c.el("td", null, place(d)), c.el("td", { class: "num" }, String(d.killed)),
      c.el("td", null, d.publisher + " ", c.el("span", { class: "grade" }, d.grade)),
      c.el("td", { class: "num" }, d.confidence === null || d.confidence === undefined ? "–" : d.confidence.toFixed(2)),
      c.el("td", { class: "excerpt" }, d.excerpt),
      status === "draft" ? null : c.el("td", null, c.human(d.status))));
    const heads = ["review.date", "review.type", "review.place", "review.killed", "review.grade", "review.confidence", "review.report"]
      .map((k) => c.t(k)).concat(status === "draft" ? [] : [""]);
    root.appendChild(c.el("div", { class: "table-scroll" }, c.el("table", { class: "data", id: "drafts-table" },
      c.el("thead", null, c.el("tr", null, heads.map((h) => c.el("th", { scope: "col" }, h)))), c.el("tbody", null, rows))));
  }

  // The report as text nodes, with <mark> around each run of characters that evidence
  // covers. Offsets are Unicode characters (code points), as the extractor counts them.
  function highlighted(c, report, spans) {
    const chars = Array.from(report);
    const cuts = new Set([0, chars.length]);
    for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
    const points = Array.from(cuts).filter((x) => x >= 0 && x <= chars.length).sort((a, b) => a - b);
    const out = c.el("div", { class: "report", id: "report-text" });
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const text = chars.slice(a, b).join("");
      const covering = spans.filter((s) => s.start <= a && s.end >= b);
      if (!covering.length) { out.appendChild(document.createTextNode(text)); continue; }
      const fields = covering.map((s) => s.field);
      out.appendChild(c.el("mark", {
        class: "ev ev-" + fields[0].replace(/[^a-z0-9_]/gi, ""),
        "data-fields": fields.join(" "),
        title: covering.map((s) => s.field + ": " + s.value + (s.confidence !== null && s.confidence !== undefined ? " (" + s.confidence.toFixed(2) + ")" : "")).join("\n"),
      }, text));
    }
    return out;
  }

  function proposedFields(c, e) {
    const loc = e.location || {};
    const killed = e.casualties && e.casualties.killed && e.casualties.killed.total;
    return c.dl([
      [c.t("review.date"), e.date_start === e.date_end ? e.date_start : e.date_start + " – " + e.date_end],
      [c.t("review.type"), c.typeLabel(e.event_type) + " — " + c.human(e.sub_event_type)],
      [c.t("review.place"), [loc.place_name, loc.admin2 && loc.admin2.name, loc.admin1 && loc.admin1.name].filter(Boolean).join(", ")],
      ["lat, lon", loc.latitude !== undefined && loc.latitude !== null ? loc.latitude + ", " + loc.longitude : ""],
      [c.t("review.killed"), killed ? killed.low + "–" + killed.high + " (" + killed.best + ")" : ""],
      [c.t("event.actors"), (e.actors || []).map((a) => a.name + " (" + c.human(a.role) + ")").join("; ")],
      [c.t("table.sensitivity"), c.human(e.sensitivity)],
      [c.t("event.notes"), e.notes],
    ]);
  }

  // The edit form: the fields an analyst most often corrects, over a copy of the proposal.
  function editForm(c, draft, onDone) {
    const e = JSON.parse(JSON.stringify(draft.event));
    const loc = e.location || (e.location = {});
    const killed = e.casualties && e.casualties.killed && e.casualties.killed.total;
    const perp = (e.actors || []).find((a) => a.role === "perpetrator");
    const inp = (name, key, attrs) => c.el("label", null, c.t(key), c.el("input", Object.assign({ name, id: "edit-" + name }, attrs || {})));
    const levels = ["public", "restricted", "confidential", "strictly_confidential"];
    const form = c.el("form", { id: "edit-form", class: "card form-grid" },
      inp("date_start", "review.date", { type: "date", value: e.date_start, required: true }),
      inp("date_end", "review.date_end", { type: "date", value: e.date_end, required: true }),
      c.el("label", null, c.t("new.sub"), c.el("select", { name: "sub_event_type", id: "edit-sub_event_type" },
        Object.keys(SUBTYPES).map((s) => c.el("option", { value: s, selected: s === e.sub_event_type }, c.typeLabel(SUBTYPES[s]) + " — " + c.human(s))))),
      inp("place_name", "new.place", { value: loc.place_name || "" }),
      inp("latitude", "new.lat", { type: "number", step: "any", min: "-90", max: "90", value: loc.latitude === undefined || loc.latitude === null ? "" : loc.latitude }),
      inp("longitude", "new.lon", { type: "number", step: "any", min: "-180", max: "180", value: loc.longitude === undefined || loc.longitude === null ? "" : loc.longitude }),
      inp("killed", "new.killed", { type: "number", min: "0", step: "1", value: killed ? killed.best : "" }),
      inp("perpetrator", "review.perpetrator", { value: perp ? perp.name : "" }),
      c.el("label", null, c.t("new.sensitivity"), c.el("select", { name: "sensitivity", id: "edit-sensitivity" },
        levels.map((s) => c.el("option", { value: s, selected: s === e.sensitivity }, c.human(s))))),
      c.el("label", { class: "wide" }, c.t("new.notes"), c.el("textarea", { name: "notes", id: "edit-notes", rows: "3" }, e.notes || "")),
      c.el("div", { class: "toolbar wide" },
        c.el("button", { type: "submit", id: "edit-submit" }, c.t("review.save_accept")),
        c.el("button", { type: "button", class: "secondary", onclick: () => form.remove() }, c.t("review.cancel"))));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = Object.fromEntries(new FormData(form).entries());
      e.date_start = f.date_start;
      e.date_end = f.date_end;
      e.sub_event_type = f.sub_event_type;
      e.event_type = SUBTYPES[f.sub_event_type];
      e.sensitivity = f.sensitivity;
      e.notes = f.notes || "";
      if (f.place_name) loc.place_name = f.place_name; else delete loc.place_name;
      const moved = String(loc.latitude) !== f.latitude || String(loc.longitude) !== f.longitude;
      if (f.latitude !== "" && f.longitude !== "") {
        loc.latitude = Number(f.latitude); loc.longitude = Number(f.longitude);
        if (moved) { loc.geo_precision = "exact"; delete loc.admin1; delete loc.admin2; delete loc.admin3; delete loc.priogrid_gid; }
      } else { delete loc.latitude; delete loc.longitude; }
      if (f.killed !== "") {
        const k = parseInt(f.killed, 10);
        e.casualties = e.casualties || {};
        const cur = e.casualties.killed && e.casualties.killed.total;
        if (!cur || cur.best !== k) e.casualties.killed = { total: { low: k, best: k, high: k } };
      } else if (e.casualties) { delete e.casualties.killed; }
      e.actors = (e.actors || []).filter((a) => a.role !== "perpetrator");
      if (f.perpetrator) {
        const kept = perp && perp.name === f.perpetrator ? perp : { name: f.perpetrator, role: "perpetrator", attribution: "stated" };
        e.actors.unshift(kept);
      }
      await onDone({ event: e });
    });
    return form;
  }

  async function draftView(id, c) {
    const root = c.el("section", { class: "review-view" });
    c.app.appendChild(root);
    root.appendChild(c.el("p", null, c.el("a", { href: "#/review" }, "← " + c.t("review.back"))));
    if (!c.can("drafts:review")) { root.appendChild(c.el("p", { class: "error" }, c.t("review.forbidden"))); return; }
    const { draft, spans, history } = await c.api("GET", "/api/drafts/" + enc(id));
    root.appendChild(c.el("h1", { id: "draft-title", "data-status": draft.status },
      c.t("review.draft") + " — " + c.typeLabel(draft.event.event_type) + " — " + draft.event.date_start));
    root.appendChild(c.el("p", { class: "muted" }, c.t("review.queued", { by: draft.created_by, at: draft.created_at.slice(0, 16).replace("T", " ") }),
      " · ", draft.source.publisher, " ", c.el("span", { class: "grade" }, String(draft.source.reliability || "").toUpperCase() + (draft.source.credibility || ""))));
    const out = c.el("div", { role: "status", id: "review-status" });
    if (draft.status === "draft") {
      const reason = c.el("textarea", { id: "review-reason", rows: "2", placeholder: c.t("review.reason"), "aria-label": c.t("review.reason") });
      const decide = async (path, body, okKey) => {
        try {
          const r = await c.api("POST", "/api/drafts/" + enc(draft.id) + path, body);
          c.clear(out);
          if (r && r.id && path === "/accept") {
            out.appendChild(c.el("p", { class: "ok" }, c.t(okKey) + " ", c.el("a", { href: "#/event/" + enc(r.id), id: "review-event-link" }, r.id)));
          } else statusLine(c, out, "ok", c.t(okKey));
          actions.remove();
          const f = document.getElementById("edit-form");
          if (f) f.remove();
        } catch (err) { c.clear(out); out.appendChild(c.errorBox(err)); }
      };
      const actions = c.el("div", { class: "card decide" },
        c.el("div", { class: "toolbar" },
          c.el("button", { type: "button", id: "review-accept", onclick: () => decide("/accept", undefined, "review.accepted_ok") }, c.t("review.accept")),
          c.el("button", { type: "button", class: "secondary", id: "review-edit", onclick: () => {
            if (document.getElementById("edit-form")) return;
            actions.after(editForm(c, draft, (body) => decide("/accept", body, "review.accepted_ok")));
          } }, c.t("review.edit"))),
        c.el("div", { class: "toolbar" }, reason,
          c.el("button", { type: "button", class: "danger", id: "review-reject", onclick: () => {
            if (!reason.value.trim()) { reason.focus(); statusLine(c, out, "error", c.t("review.reason")); return; }
            decide("/reject", { reason: reason.value }, "review.rejected_ok");
          } }, c.t("review.reject"))));
      root.appendChild(actions);
    } else {
      root.appendChild(c.el("p", { class: "notice" }, c.t("review.decided", { status: c.human(draft.status) }), " ",
        draft.event_id ? c.el("a", { href: "#/event/" + enc(draft.event_id), id: "review-event-link" }, draft.event_id) : null));
    }
    root.appendChild(out);
    root.appendChild(c.el("div", { class: "grid2" },
      c.el("div", { class: "card" }, c.el("h2", null, c.t("review.report")), highlighted(c, draft.report_text, spans),
        spans.length ? c.table([c.t("review.field"), c.t("review.value"), c.t("review.text"), c.t("review.confidence")],
          spans.map((s) => [c.el("mark", { class: "ev ev-" + s.field.replace(/[^a-z0-9_]/gi, "") }, s.field), s.value, s.text,
            s.confidence === null || s.confidence === undefined ? "" : s.confidence.toFixed(2)]), { id: "evidence-table" })
          : c.el("p", { class: "muted" }, c.t("review.no_spans"))),
      c.el("div", { class: "card" }, c.el("h2", null, c.t("review.proposed")), proposedFields(c, draft.event))));
    root.appendChild(c.el("h2", null, c.t("review.history")));
    root.appendChild(c.table([c.t("event.seq"), c.t("event.action"), c.t("event.by"), c.t("event.at"), c.t("event.reason")],
      history.map((h) => [h.seq, c.human(h.action), h.by, h.at, h.reason || ""])));
  }

  SCREENS.review = async (query, c) => {
    if (c.parts[1]) await draftView(decodeURIComponent(c.parts[1]), c);
    else await queueView(query, c);
  };

  // ---- event page: duplicates and merges --------------------------------------------------
  function briefCells(c, b) {
    return [c.el("a", { href: "#/event/" + enc(b.id) }, b.date_start + (b.date_end !== b.date_start ? " – " + b.date_end : "")),
      c.typeLabel(b.event_type) + " — " + c.human(b.sub_event_type), place(b), String(b.killed), (b.actors || []).join("; "),
      (b.external_ids || []).join(", ")];
  }
  window.VEILLE_EVENT_SECTION = function (e, c) {
    const box = c.el("div", { class: "card dedup", id: "dedup" }, c.el("h2", null, c.t("dedup.title")));
    const mergesBox = c.el("div", { id: "merges" });
    const candBox = c.el("div", { id: "candidates" }, c.el("p", { class: "muted" }, c.t("loading")));
    box.appendChild(mergesBox);
    box.appendChild(candBox);
    const reload = () => c.route();
    (async () => {
      let mergedInto = null;
      if (c.can("events:history")) {
        try {
          const m = await c.api("GET", "/api/events/" + enc(e.id) + "/merges");
          mergedInto = m.merged_into;
          mergesBox.appendChild(c.el("h3", null, c.t("dedup.history")));
          if (m.merged_into) {
            mergesBox.appendChild(c.el("p", { class: "notice" }, c.t("dedup.merged_into") + " ",
              c.el("a", { href: "#/event/" + enc(m.merged_into), id: "merged-into" }, m.merged_into)));
          }
          if (!m.merges.length) mergesBox.appendChild(c.el("p", { class: "muted" }, c.t("dedup.no_history")));
          else {
            mergesBox.appendChild(c.table([c.t("dedup.absorbed"), c.t("review.date"), c.t("review.type"), c.t("review.place"), c.t("review.killed"),
              c.t("table.actors"), "ids", c.t("event.by"), c.t("event.at"), c.t("event.reason"), c.t("dedup.undone"), ""],
            m.merges.map((x) => {
              const mine = x.merge.survivor === e.id;
              const canUndo = mine && !x.merge.undone_at && c.can("events:merge");
              return [mine ? "← " + c.t("dedup.absorbed") : "→ " + c.t("dedup.survivor")].concat(briefCells(c, x.other), [x.merge.by, x.merge.at.slice(0, 16).replace("T", " "),
                x.merge.reason || "", x.merge.undone_at ? x.merge.undone_at.slice(0, 16).replace("T", " ") : "",
                canUndo ? c.el("button", { type: "button", class: "secondary unmerge", "data-absorbed": x.merge.absorbed, onclick: async (ev) => {
                  const reason = window.prompt(c.t("dedup.unmerge_reason"));
                  if (reason === null) return;
                  try {
                    await c.api("POST", "/api/events/" + enc(e.id) + "/unmerge", { absorbed: x.merge.absorbed, reason });
                    reload();
                  } catch (err) { ev.target.replaceWith(c.errorBox(err)); }
                } }, c.t("dedup.unmerge")) : ""]);
            }), { id: "merges-table" }));
          }
        } catch (err) { mergesBox.appendChild(c.errorBox(err)); }
      }
      try {
        const d = await c.api("GET", "/api/events/" + enc(e.id) + "/duplicates");
        c.clear(candBox);
        candBox.appendChild(c.el("h3", null, c.t("dedup.candidates")));
        candBox.appendChild(c.el("p", { class: "muted small" }, c.t("dedup.searched", { n: d.searched, from: d.window[0], to: d.window[1] })));
        if (!d.candidates.length) { candBox.appendChild(c.el("p", { class: "muted", id: "no-candidates" }, c.t("dedup.none", { t: d.threshold }))); return; }
        const mergeable = c.can("events:merge") && !mergedInto && e.verification !== "retracted";
        const boxes = [];
        candBox.appendChild(c.table((mergeable ? [c.t("dedup.select")] : []).concat([c.t("dedup.score"), c.t("review.date"), c.t("review.type"),
          c.t("review.place"), c.t("review.killed"), c.t("table.actors"), "ids", c.t("dedup.why")]),
        d.candidates.map((x) => {
          const cb = c.el("input", { type: "checkbox", value: x.event.id, class: "pick", "aria-label": c.t("dedup.select") + " " + x.event.id });
          boxes.push(cb);
          return (mergeable ? [cb] : []).concat([x.score.toFixed(2)], briefCells(c, x.event), [x.explanation]);
        }), { id: "candidates-table" }));
        if (mergeable) {
          const reason = c.el("input", { id: "merge-reason", placeholder: c.t("dedup.reason"), "aria-label": c.t("dedup.reason") });
          const out = c.el("span", { role: "status", id: "merge-status" });
          candBox.appendChild(c.el("div", { class: "toolbar" }, reason,
            c.el("button", { type: "button", id: "merge-button", onclick: async () => {
              const absorb = boxes.filter((b) => b.checked).map((b) => b.value);
              if (!absorb.length) { statusLine(c, out, "error", c.t("dedup.pick")); return; }
              try {
                await c.api("POST", "/api/events/" + enc(e.id) + "/merge", { absorb, reason: reason.value });
                statusLine(c, out, "ok", c.t("dedup.merged_ok"));
                reload();
              } catch (err) { c.clear(out); out.appendChild(c.errorBox(err)); }
            } }, c.t("dedup.merge")), out));
        }
      } catch (err) { c.clear(candBox); candBox.appendChild(c.errorBox(err)); }
    })();
    return box;
  };

  // ---- actors ------------------------------------------------------------------------------
  async function actorsView(query, c) {
    const q = query.get("q") || "";
    const offset = Math.max(0, parseInt(query.get("offset") || "0", 10) || 0);
    const limit = 50;
    const input = c.el("input", { name: "q", id: "actors-q", value: q, placeholder: c.t("actors.search"), "aria-label": c.t("actors.search") });
    const form = c.el("form", { class: "filters", id: "actors-form" }, input, c.el("button", { type: "submit" }, c.t("actors.go")));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); location.hash = "#/actors?q=" + enc(input.value.trim()); });
    const root = c.el("section", { class: "actors-view" }, c.el("h1", null, c.t("actors.title")), form);
    c.app.appendChild(root);
    const page = await c.api("GET", "/api/actors?" + new URLSearchParams({ q, limit: String(limit), offset: String(offset) }).toString());
    root.appendChild(c.el("p", { id: "actors-total", "data-total": String(page.total) }, c.t("actors.total", { n: page.total })));
    if (!page.items.length) { root.appendChild(c.el("p", { class: "muted" }, c.t("actors.empty"))); return; }
    root.appendChild(c.table([c.t("actors.name"), "id", c.t("actors.kind"), c.t("actors.inter"), c.t("actors.countries"), c.t("actors.active"),
      c.t("actors.aliases"), c.t("actors.match")],
    page.items.map((a) => [c.el("a", { href: "#/actor/" + enc(a.id), class: "open-actor" }, a.name), a.id, c.human(a.kind), String(a.inter),
      (a.countries || []).join(", "), span(a.active_from, a.active_to), String(a.aliases),
      a.score !== null && a.score !== undefined ? a.score.toFixed(2) + " — " + (a.reason || "") : (a.reason || "")]), { id: "actors-table" }));
    const nav = (o, key, ok) => ok ? c.el("a", { class: "button secondary", href: "#/actors?" + new URLSearchParams({ q, offset: String(o) }).toString() }, c.t(key))
      : c.el("span", { class: "button disabled" }, c.t(key));
    root.appendChild(c.el("div", { class: "pager" }, nav(Math.max(0, offset - limit), "table.prev", offset > 0),
      c.el("span", null, c.t("table.page", { p: Math.floor(offset / limit) + 1, n: Math.max(1, Math.ceil(page.total / limit)) })),
      nav(offset + limit, "table.next", offset + limit < page.total)));
  }

  function treeList(c, node) {
    const label = (node.relation ? c.human(node.relation) + " [" + span(node.valid_from, node.valid_to) + "] " : "") + node.name + " (" + node.actor_id + ")";
    return c.el("ul", { class: "tree" }, c.el("li", null,
      node.repeated ? label : c.el("a", { href: "#/actor/" + enc(node.actor_id) }, label),
      (node.children || []).map((ch) => treeList(c, ch))));
  }

  async function actorView(id, c) {
    const root = c.el("section", { class: "actor-view" }, c.el("p", null, c.el("a", { href: "#/actors" }, "← " + c.t("actors.back"))));
    c.app.appendChild(root);
    const d = await c.api("GET", "/api/actors/" + enc(id));
    const a = d.actor;
    root.appendChild(c.el("h1", { id: "actor-title" }, a.name));
    root.appendChild(c.el("div", { class: "grid2" },
      c.el("div", { class: "card" }, c.dl([
        ["id", a.id], [c.t("actors.kind"), c.human(a.kind)], [c.t("actors.inter"), a.inter], [c.t("actors.countries"), (a.countries || []).join(", ")],
        [c.t("actors.active"), span(a.active_from, a.active_to)], [c.t("actors.leaders"), (a.leaders || []).join("; ")],
        [c.t("actors.community"), a.community], [c.t("actors.source"), a.source], [c.t("actors.notes"), a.notes],
      ])),
      c.el("div", { class: "card" }, c.el("h2", null, c.t("actors.timeline")),
        c.el("ol", { class: "timeline", id: "actor-timeline" }, (d.genealogy.timeline || []).map((x) =>
          c.el("li", null, c.el("time", null, x.date || "…"), " ", x.text, " ", c.el("span", { class: "muted small" }, "(" + x.source + ")")))))));
    root.appendChild(c.el("h2", null, c.t("actors.aliases")));
    root.appendChild(c.table([c.t("actors.aliases"), c.t("actors.lang"), c.t("actors.alias_kind"), c.t("actors.from"), c.t("actors.to"), c.t("actors.source")],
      (a.aliases || []).map((x) => [x.text, x.lang, c.human(x.kind), x.valid_from || "", x.valid_to || "", x.source]), { id: "actor-aliases" }));
    root.appendChild(c.el("h2", null, c.t("actors.tree")));
    root.appendChild(c.el("div", { class: "card", id: "actor-tree" }, treeList(c, d.genealogy.tree)));
    const name = (x) => x === a.id ? a.name : x;
    root.appendChild(c.el("h2", null, c.t("actors.relations")));
    root.appendChild(d.relations.length ? c.table([c.t("actors.relation"), c.t("actors.active"), c.t("actors.source")],
      d.relations.map((r) => [c.el("span", null, r.from === a.id ? name(r.from) : c.el("a", { href: "#/actor/" + enc(r.from) }, r.from), " ",
        c.human(r.kind), " ", r.to === a.id ? name(r.to) : c.el("a", { href: "#/actor/" + enc(r.to) }, r.to)),
      span(r.valid_from, r.valid_to), r.source + (r.verified ? "" : " (" + c.t("actors.unverified") + ")")]), { id: "actor-relations" })
      : c.el("p", { class: "muted" }, c.t("event.none")));
    root.appendChild(c.el("h2", null, c.t("actors.designations")));
    root.appendChild(d.designations.length ? c.table([c.t("actors.list"), c.t("actors.authority"), c.t("actors.active"), c.t("actors.source")],
      d.designations.map((x) => [c.human(x.list), x.authority, span(x.valid_from, x.valid_to), x.source + (x.verified ? "" : " (" + c.t("actors.unverified") + ")")]),
      { id: "actor-designations" }) : c.el("p", { class: "muted" }, c.t("event.none")));
    root.appendChild(c.el("h2", null, c.t("actors.events")));
    root.appendChild(c.el("p", { id: "actor-events-count", "data-count": String(d.events.count) }, c.t("actors.events_count", { n: d.events.count })));
    if (d.events.recent.length) {
      root.appendChild(c.table([c.t("review.date"), c.t("review.type"), c.t("review.place"), c.t("review.killed"), c.t("table.actors"), "ids"],
        d.events.recent.map((b) => briefCells(c, b)), { id: "actor-events" }));
    }
  }

  SCREENS.actors = actorsView;
  SCREENS.actor = async (query, c) => {
    if (c.parts[1]) await actorView(decodeURIComponent(c.parts[1]), c);
    else await actorsView(query, c);
  };
})();
