//! Human-readable rendering of events, revisions and statistics for the terminal.

use std::fmt::Write;
use veille_model::{Event, Revision};
use veille_store::Stats;

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Where an event happened, as one short line: place, cercle, region.
pub fn place_line(e: &Event) -> String {
    let l = &e.location;
    let mut parts = Vec::new();
    if let Some(p) = &l.place_name {
        parts.push(p.clone());
    }
    if let Some(a) = &l.admin2 {
        parts.push(a.name.clone());
    }
    if let Some(a) = &l.admin1 {
        parts.push(a.name.clone());
    }
    if parts.is_empty() {
        parts.push(l.country.clone());
    }
    parts.join(", ")
}

/// One line per event.
pub fn event_table(events: &[Event]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10}  {:<28}  {:<30}  {:>6}  {:<34}  id",
        "date", "type", "where", "killed", "actors"
    );
    for e in events {
        let _ = writeln!(
            out,
            "{:<10}  {:<28}  {:<30}  {:>6}  {:<34}  {}",
            e.date_start,
            cut(e.sub_event_type.label(), 28),
            cut(&place_line(e), 30),
            e.killed_best(),
            cut(&e.actor_text(), 34),
            e.external_ids
                .first()
                .map(|x| x.to_string())
                .unwrap_or_else(|| e.id.to_string())
        );
    }
    out
}

/// Every field of one event, as a codebook-style listing.
pub fn event_detail(e: &Event) -> String {
    let mut o = String::new();
    let l = &e.location;
    let _ = writeln!(o, "event       {}", e.id);
    if !e.external_ids.is_empty() {
        let ids: Vec<String> = e.external_ids.iter().map(|x| x.to_string()).collect();
        let _ = writeln!(o, "external    {}", ids.join(", "));
    }
    let _ = writeln!(
        o,
        "date        {} – {} (precision: {})",
        e.date_start, e.date_end, e.date_precision
    );
    let _ = writeln!(o, "type        {} / {}", e.event_type, e.sub_event_type);
    if let Some(v) = e.violence_type {
        let _ = writeln!(o, "UCDP        {} ({})", v, v.ucdp_code());
    }
    let _ = writeln!(o, "where       {}", place_line(e));
    if let Some(d) = &l.where_description {
        let _ = writeln!(o, "            {}", d.replace('\n', " "));
    }
    for (lvl, a) in [
        ("admin1", &l.admin1),
        ("admin2", &l.admin2),
        ("admin3", &l.admin3),
    ] {
        if let Some(a) = a {
            let _ = writeln!(
                o,
                "{lvl:<12}{}{}",
                a.name,
                a.code
                    .as_ref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default()
            );
        }
    }
    if let Some(v) = &l.admin_vintage {
        let _ = writeln!(
            o,
            "vintage     {v}{}",
            if l.admin_approximate {
                " (admin2 approximate)"
            } else {
                ""
            }
        );
    }
    if let (Some(lat), Some(lon)) = (l.latitude, l.longitude) {
        let _ = writeln!(
            o,
            "coordinates {lat:.5}, {lon:.5} (precision: {}){}",
            l.geo_precision,
            l.priogrid_gid
                .map(|g| format!(", PRIO-GRID {g}"))
                .unwrap_or_default()
        );
    } else {
        let _ = writeln!(o, "coordinates none (precision: {})", l.geo_precision);
    }
    let _ = writeln!(o, "country     {}", l.country);
    for a in &e.actors {
        let _ = writeln!(
            o,
            "actor       {} — {}{}, {}{}",
            a.name,
            a.role,
            a.side.map(|s| format!(" (side {s})")).unwrap_or_default(),
            a.attribution,
            a.actor_id
                .as_ref()
                .map(|id| format!(" → registry:{id}"))
                .unwrap_or_default()
        );
    }
    for (name, fig) in e.casualties.figures() {
        if fig.is_empty() {
            continue;
        }
        let total = fig
            .total
            .map(|c| format!("{} (low {}, high {})", c.best, c.low, c.high))
            .unwrap_or_else(|| "no total".into());
        let cats: Vec<String> = fig
            .by_category
            .iter()
            .map(|(k, c)| format!("{} {}", k.label(), c.best))
            .collect();
        let _ = writeln!(
            o,
            "{name:<12}{total}{}",
            if cats.is_empty() {
                String::new()
            } else {
                format!(" — {}", cats.join(", "))
            }
        );
    }
    for s in &e.sources {
        let _ = writeln!(
            o,
            "source      [{}] {}{}{}",
            s.grade(),
            s.publisher,
            s.date.map(|d| format!(", {d}")).unwrap_or_default(),
            s.headline
                .as_ref()
                .map(|h| format!(": {}", cut(h, 80)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(o, "verified    {}", e.verification);
    let _ = writeln!(o, "sensitivity {}", e.sensitivity);
    if !e.notes.is_empty() {
        let _ = writeln!(o, "notes       {}", e.notes);
    }
    if !e.tags.is_empty() {
        let _ = writeln!(o, "tags        {}", e.tags.join(", "));
    }
    if let Some(p) = &e.provenance {
        let _ = writeln!(
            o,
            "provenance  {} row ({} original columns kept){}",
            p.format,
            p.original.len(),
            p.batch_id
                .map(|b| format!(", batch {b}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        o,
        "created     {} by {}; updated {} by {}",
        e.audit.created_at.format("%Y-%m-%d %H:%M UTC"),
        e.audit.created_by,
        e.audit.updated_at.format("%Y-%m-%d %H:%M UTC"),
        e.audit.updated_by
    );
    o
}

fn short(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "∅".into(),
        serde_json::Value::String(s) => format!("{:?}", cut(s, 60)),
        other => cut(&other.to_string(), 60),
    }
}

/// A revision history, oldest first, with field-level changes.
pub fn revisions(revs: &[Revision]) -> String {
    let mut o = String::new();
    for r in revs {
        let _ = writeln!(
            o,
            "#{:<3} {}  {:<8} by {}{}",
            r.seq,
            r.at.format("%Y-%m-%d %H:%M:%S UTC"),
            r.action.code(),
            r.by,
            r.reason
                .as_ref()
                .map(|x| format!(" — {x}"))
                .unwrap_or_default()
        );
        for c in &r.changes {
            let _ = writeln!(
                o,
                "      {}: {} → {}",
                c.field,
                short(&c.before),
                short(&c.after)
            );
        }
    }
    if revs.is_empty() {
        o.push_str("no revisions\n");
    }
    o
}

/// Summary statistics.
pub fn stats(s: &Stats) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "events: {} (retracted: {}), killed (best): {}",
        s.events, s.retracted, s.killed_best
    );
    if let (Some(a), Some(b)) = (s.first_date, s.last_date) {
        let _ = writeln!(o, "dates: {a} – {b}");
    }
    let _ = writeln!(
        o,
        "import batches: {}, revisions: {}",
        s.import_batches, s.revisions
    );
    let _ = writeln!(o, "by type:");
    for (t, n) in &s.by_type {
        let _ = writeln!(o, "  {t:<32} {n:>8}");
    }
    let _ = writeln!(o, "by region (admin1):");
    for (t, n) in &s.by_admin1 {
        let name = if t.is_empty() {
            "(unknown)"
        } else {
            t.as_str()
        };
        let _ = writeln!(o, "  {name:<32} {n:>8}");
    }
    let _ = writeln!(o, "by year:");
    for (y, n) in &s.by_year {
        let _ = writeln!(o, "  {y:<32} {n:>8}");
    }
    o
}
