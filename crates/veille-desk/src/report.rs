//! The regional threat assessment: Markdown and self-contained HTML (inline SVG charts,
//! no external resource), built at a caller's clearance.
//!
//! Contents: the risk matrix by POC category, hotspots (cercles) with a chart, the
//! monthly trend by category (chart and table), events by perpetrator class (state
//! actors in their own row), notable events with their source grades, warnings and what
//! was done about each, overdue actions, and the changes since the last report on this
//! region at the same clearance (each report's matrix is stored as a versioned protection
//! record, kind [`REPORT_SUMMARY`]). Generated reports kept for download are records of
//! kind [`REPORT_DOC`].

use crate::assess::{attach_overrides, category_overrides, find_area, period_label, series};
use crate::error::decode;
use crate::warn::{self, WARNING};
use crate::{charts, rollup, rollup_from_events, DeskError, Result, FULL_CLEARANCE};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, Sensitivity};
use veille_protect::assess::{assess_all, assess_area, month_index, month_start, ModelParams};
use veille_protect::category::{perpetrator_classes, PerpClass};
use veille_protect::rollup::Level;
use veille_protect::tracking::Action;
use veille_protect::warnings::Warning;
use veille_protect::{PocCode, RuleSet};
use veille_store::{EventFilter, Store};

/// Kind of the records that keep each report's matrix, for "changes since the last
/// report".
pub const REPORT_SUMMARY: &str = "report";
/// Kind of the records that keep generated reports for download (key: the report id).
pub const REPORT_DOC: &str = "report_doc";

/// Where the report's events come from.
pub enum Source<'a> {
    /// The stored events visible at this clearance.
    Store(Sensitivity),
    /// Events read from files (the CLI's `--file`), all of them.
    Events(&'a [Event]),
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The region (admin1), e.g. Mopti.
    pub admin1: String,
    /// The period's first day.
    pub period: NaiveDate,
    /// Its length in months (1 or 2).
    pub months: u32,
    /// The likelihood model's parameters.
    pub params: ModelParams,
}

/// A generated report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionReport {
    /// The region as the data name it.
    pub region: String,
    /// The period's first day.
    pub period: NaiveDate,
    /// Its length in months.
    pub months: u32,
    /// A file-name stem: `<region>-<YYYY-MM>`, with `/` and spaces replaced.
    pub stem: String,
    /// The Markdown.
    pub markdown: String,
    /// The self-contained HTML.
    pub html: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown and HTML written side by side.
struct Doc {
    md: String,
    html: String,
}

impl Doc {
    fn h2(&mut self, t: &str) {
        let _ = writeln!(self.md, "\n## {t}\n");
        let _ = writeln!(self.html, "<h2>{}</h2>", esc(t));
    }
    fn p(&mut self, t: &str) {
        let _ = writeln!(self.md, "{t}\n");
        let _ = writeln!(self.html, "<p>{}</p>", esc(t));
    }
    fn table(&mut self, head: &[&str], rows: &[Vec<String>]) {
        let _ = writeln!(self.md, "| {} |", head.join(" | "));
        let _ = writeln!(self.md, "|{}", "---|".repeat(head.len()));
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| c.replace('|', "/")).collect();
            let _ = writeln!(self.md, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(self.md);
        let _ = write!(self.html, "<table><tr>");
        for h in head {
            let _ = write!(self.html, "<th>{}</th>", esc(h));
        }
        let _ = writeln!(self.html, "</tr>");
        for r in rows {
            let _ = write!(self.html, "<tr>");
            for c in r {
                let _ = write!(self.html, "<td>{}</td>", esc(c));
            }
            let _ = writeln!(self.html, "</tr>");
        }
        let _ = writeln!(self.html, "</table>");
    }
    fn svg(&mut self, svg: &str, alt: &str) {
        let _ = writeln!(self.md, "_{alt}: see the HTML version for the chart._\n");
        let _ = writeln!(self.html, "<figure>{svg}</figure>");
    }
}

/// The key prefix of report summaries at a clearance: reports made at a lower clearance
/// are compared only with reports made at the same clearance.
fn summary_prefix(clearance: Sensitivity) -> String {
    if clearance == FULL_CLEARANCE {
        String::new()
    } else {
        format!("{}:", clearance.code())
    }
}

/// Builds the regional threat assessment. With a store, warnings and actions are read
/// from it and the report's matrix is stored (by `by`) to compare the next report with.
pub async fn region_report(
    store: Option<&dyn Store>,
    source: Source<'_>,
    rules: &RuleSet,
    registry: &Registry,
    req: &ReportRequest,
    by: &str,
) -> Result<RegionReport> {
    let months = crate::assess::check_months(req.months)?;
    let params = req.params;
    let period = req.period;
    let origin = month_index(period);
    let l = i64::from(months);
    let (from, to) = (month_start(origin - l), month_start(origin));
    let (cube, clearance, total) = match (&source, store) {
        (Source::Store(c), Some(st)) => {
            let total = st
                .count_events(&EventFilter {
                    max_sensitivity: Some(*c),
                    ..EventFilter::default()
                })
                .await?;
            (rollup(st, rules, registry, *c).await?, *c, total)
        }
        (Source::Store(_), None) => {
            return Err(DeskError::Invalid(
                "a report over stored events needs a database".into(),
            ))
        }
        (Source::Events(evs), st) => {
            let ov = match st {
                Some(st) => category_overrides(st).await?,
                None => Default::default(),
            };
            (
                rollup_from_events(evs, rules, registry, ov),
                FULL_CLEARANCE,
                evs.len() as u64,
            )
        }
    };
    let s1 = series(&cube, Level::Admin1, &params);
    let ai = find_area(&s1, &req.admin1).map_err(|_| {
        DeskError::NotFound(format!(
            "no events in a region called '{}' (known: {})",
            req.admin1,
            s1.labels.join(", ")
        ))
    })?;
    let region = s1.labels[ai].clone();
    let s2 = series(&cube, Level::Admin2, &params);
    drop(cube);
    let mut assessment = assess_area(&s1, ai, period, months, &params);
    if let Some(st) = store {
        attach_overrides(st, std::slice::from_mut(&mut assessment)).await?;
    }
    let in_region: Vec<Event> = match (&source, store) {
        (Source::Store(c), Some(st)) => crate::visible_events(
            st,
            *c,
            EventFilter {
                admin1: Some(region.clone()),
                date_from: Some(from),
                date_to: Some(to),
                ..EventFilter::default()
            },
        )
        .await?
        .into_iter()
        .filter(|e| e.date_start >= from && e.date_start < to)
        .collect(),
        (Source::Events(evs), _) => evs
            .iter()
            .filter(|e| e.location.admin1.as_ref().is_some_and(|x| x.name == region))
            .filter(|e| e.date_start >= from && e.date_start < to)
            .cloned()
            .collect(),
        (Source::Store(_), None) => Vec::new(),
    };
    let mut d = Doc {
        md: String::new(),
        html: String::new(),
    };
    let title = format!(
        "Regional threat assessment — {region} — {}",
        period_label(period, months)
    );
    let _ = writeln!(d.md, "# {title}\n");
    let _ = writeln!(
        d.html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #999;padding:2px 6px;font-size:90%}}</style></head><body><h1>{t}</h1>",
        t = esc(&title)
    );
    d.p(&format!(
        "Generated by veille from {total} events. Period forecast: {}; last complete period observed: {} to {}. \
         Perpetrator-neutral: every actor, state forces included, is assessed under the same rules.",
        period.format("%Y-%m"),
        from.format("%Y-%m"),
        (to - chrono::Duration::days(1)).format("%Y-%m-%d")
    ));
    if clearance != FULL_CLEARANCE {
        d.p(&format!(
            "Clearance: {} — only records at or below this level are counted.",
            clearance.code()
        ));
    }

    // 1. Risk matrix.
    d.h2("Risk matrix by POC threat category");
    if let Some(why) = &assessment.no_data {
        d.p(&format!(
            "NO DATA: {why}. This is not a low risk: nothing can be said."
        ));
    }
    let rows: Vec<Vec<String>> = assessment
        .categories
        .iter()
        .map(|c| {
            vec![
                cat_label(c.category),
                format!("{:.2}", c.forecast.probability),
                c.likelihood.label().into(),
                format!("{:.1}", c.forecast.expected_harm),
                c.impact.label().into(),
                c.risk.into(),
                format!(
                    "{} ({} before; {})",
                    c.vs_previous.now,
                    c.vs_previous.before,
                    c.vs_previous.arrow()
                ),
                format!(
                    "{} a year earlier ({})",
                    c.vs_last_year.before,
                    c.vs_last_year.arrow()
                ),
            ]
        })
        .collect();
    d.table(
        &[
            "category",
            "P(≥1)",
            "likelihood",
            "expected civilian harm",
            "impact",
            "risk",
            "last period",
            "same period last year",
        ],
        &rows,
    );
    for o in &assessment.overrides {
        d.p(&format!(
            "Analyst override, {}: likelihood {}, impact {} — by {} ({}): {}",
            cat_label(o.category),
            o.likelihood.map_or("unchanged", |x| x.label()),
            o.impact.map_or("unchanged", |x| x.label()),
            o.by,
            o.at,
            o.reason
        ));
    }

    // 2. Hotspots.
    d.h2("Hotspots (cercles)");
    let prefix = format!("{region}/");
    let mut hot: Vec<_> = assess_all(&s2, period, months, &params)
        .into_iter()
        .filter(|x| x.area.starts_with(&prefix) && x.no_data.is_none())
        .collect();
    let expected = |z: &veille_protect::assess::AreaAssessment| {
        z.categories
            .first()
            .map_or(0.0, |c| c.forecast.expected_events)
    };
    hot.sort_by(|x, y| expected(y).total_cmp(&expected(x)));
    hot.truncate(8);
    let rows: Vec<Vec<String>> = hot
        .iter()
        .filter_map(|x| {
            let c = x.categories.first()?;
            Some(vec![
                x.area.trim_start_matches(&prefix).to_string(),
                format!("{:.1}", c.forecast.expected_events),
                format!("{:.2}", c.forecast.probability),
                c.vs_previous.now.to_string(),
                c.risk.to_string(),
            ])
        })
        .collect();
    if !hot.is_empty() {
        let bars: Vec<(String, f64)> = hot
            .iter()
            .map(|x| (x.area.trim_start_matches(&prefix).to_string(), expected(x)))
            .collect();
        d.svg(
            &charts::bars(&format!("{region}: expected events per cercle"), &bars),
            "hotspots: expected events per cercle",
        );
    }
    d.table(
        &[
            "cercle",
            "expected events",
            "P(≥1)",
            "events last period",
            "risk",
        ],
        &rows,
    );

    // 3. Trend by category.
    d.h2("Trend");
    let months_shown: Vec<i64> = (origin - 12..origin).collect();
    let labels: Vec<String> = months_shown
        .iter()
        .map(|m| month_start(*m).format("%Y-%m").to_string())
        .collect();
    let lines: Vec<(String, Vec<f64>)> = s1
        .categories
        .iter()
        .enumerate()
        .map(|(c, cat)| {
            (
                cat.map_or("all events".to_string(), |p| format!("cat {}", p.code())),
                months_shown
                    .iter()
                    .map(|m| s1.sum(c, ai, *m, m + 1))
                    .collect::<Vec<f64>>(),
            )
        })
        .filter(|(_, v)| v.iter().any(|x| *x > 0.0))
        .collect();
    d.svg(
        &charts::lines(
            &format!("{region}: events per month by POC category"),
            &labels,
            &lines,
        ),
        "events per month by POC category, last 12 months",
    );
    let mut head: Vec<&str> = vec!["month"];
    head.extend(lines.iter().map(|(n, _)| n.as_str()));
    let rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut r = vec![m.clone()];
            r.extend(
                lines
                    .iter()
                    .map(|(_, v)| format!("{}", v[i].round() as i64)),
            );
            r
        })
        .collect();
    d.table(&head, &rows);

    // 4. Perpetrators, and notable events.
    d.h2("Events by perpetrator class (last complete period)");
    let mut per_class: std::collections::BTreeMap<PerpClass, (u64, u64)> = Default::default();
    for e in &in_region {
        for c in perpetrator_classes(e, Some(registry)) {
            let x = per_class.entry(c).or_default();
            x.0 += 1;
            x.1 += u64::from(e.killed_best());
        }
    }
    d.table(
        &["perpetrator class", "events", "killed"],
        &per_class
            .iter()
            .map(|(c, (n, k))| vec![c.code().to_string(), n.to_string(), k.to_string()])
            .collect::<Vec<_>>(),
    );
    d.h2("Notable events");
    let mut notable: Vec<&Event> = in_region.iter().collect();
    notable.sort_by_key(|e| std::cmp::Reverse(e.killed_best()));
    let rows: Vec<Vec<String>> = notable
        .iter()
        .take(8)
        .map(|e| {
            let cats: Vec<&str> = rules
                .categorise(e, Some(registry))
                .codes()
                .into_iter()
                .map(PocCode::code)
                .collect();
            let grades: Vec<String> = e
                .sources
                .iter()
                .map(|s| format!("{} {}", s.publisher, s.grade()))
                .collect();
            vec![
                e.date_start.to_string(),
                e.location
                    .admin2
                    .as_ref()
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                e.sub_event_type.label().to_string(),
                e.actor_text(),
                e.killed_best().to_string(),
                cats.join(", "),
                grades.join("; "),
            ]
        })
        .collect();
    d.table(
        &[
            "date",
            "cercle",
            "type",
            "actors",
            "killed",
            "POC",
            "sources (grade)",
        ],
        &rows,
    );

    // 5. Warnings and actions (stored), overdue, changes since the last report.
    let (mut warns, mut actions) = (Vec::<Warning>::new(), Vec::<Action>::new());
    if let Some(st) = store {
        for r in st.protection_records(WARNING).await? {
            let sens: Sensitivity =
                serde_json::from_value(r.doc["sensitivity"].clone()).unwrap_or(FULL_CLEARANCE);
            if sens > clearance {
                continue;
            }
            let w: Warning = decode(WARNING, &r.key, r.doc)?;
            if (w.area == region || w.area.starts_with(&prefix))
                && w.period_end >= from
                && w.period_start < to
            {
                warns.push(w);
            }
        }
        actions = warn::actions(st).await?;
    }
    d.h2("Warnings issued and what was done");
    if store.is_none() {
        d.p("No database: warnings are stored by `veille warn save`.");
    }
    let rows: Vec<Vec<String>> = warns
        .iter()
        .map(|w| {
            let acts: Vec<String> = actions
                .iter()
                .filter(|x| x.warning_id == w.id)
                .map(|x| {
                    format!(
                        "{} ({}, tier {:?}): {}{}",
                        x.owner,
                        x.status.code(),
                        x.tier,
                        x.option,
                        x.outcome
                            .as_ref()
                            .map(|o| format!(" → {o}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            vec![
                w.period_start.to_string(),
                w.kind.code().into(),
                w.level.code().into(),
                w.area.clone(),
                w.trigger.clone(),
                if acts.is_empty() {
                    "NO ACTION".into()
                } else {
                    acts.join("; ")
                },
            ]
        })
        .collect();
    d.table(
        &["from", "warning", "level", "area", "trigger", "actions"],
        &rows,
    );
    d.h2("Overdue actions");
    let now = Utc::now();
    let ids: Vec<Uuid> = warns.iter().map(|w| w.id).collect();
    let rows: Vec<Vec<String>> = actions
        .iter()
        .filter(|x| ids.contains(&x.warning_id) && x.is_overdue(now))
        .map(|x| {
            vec![
                x.key(),
                x.owner.clone(),
                x.component.clone(),
                x.due.format("%Y-%m-%d %H:%M UTC").to_string(),
            ]
        })
        .collect();
    d.table(&["action", "owner", "component", "due"], &rows);
    d.h2("Changes since the last report");
    let summary: serde_json::Value = assessment
        .categories
        .iter()
        .map(|c| {
            (
                c.category.map_or_else(|| "any".to_string(), |p| p.code().to_string()),
                serde_json::json!({"likelihood": c.likelihood.label(), "impact": c.impact.label(), "risk": c.risk}),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    let cp = summary_prefix(clearance);
    let region_prefix = format!("{cp}{prefix}");
    let key = format!("{cp}{region}/{}", period.format("%Y-%m"));
    if let Some(st) = store {
        let prev = st
            .protection_records(REPORT_SUMMARY)
            .await?
            .into_iter()
            .filter(|r| r.key.starts_with(&region_prefix) && r.key < key)
            .max_by(|x, y| x.key.cmp(&y.key));
        match prev {
            _ if assessment.no_data.is_some() => {
                d.p("This period has no data, so nothing can be compared.")
            }
            None => d.p("No earlier report on this region is stored."),
            Some(p) => {
                let mut rows = Vec::new();
                if let (Some(old), Some(new)) = (p.doc.as_object(), summary.as_object()) {
                    for (k, v) in new {
                        let o = old.get(k);
                        if o != Some(v) {
                            rows.push(vec![
                                k.clone(),
                                o.map(|x| x["risk"].to_string()).unwrap_or_default(),
                                v["risk"].to_string(),
                                o.map(|x| x["likelihood"].to_string()).unwrap_or_default(),
                                v["likelihood"].to_string(),
                            ]);
                        }
                    }
                }
                d.p(&format!(
                    "Compared with the report for {}:",
                    p.key.trim_start_matches(&region_prefix)
                ));
                if rows.is_empty() {
                    d.p("No category changed likelihood, impact or risk.");
                } else {
                    d.table(
                        &[
                            "category",
                            "risk before",
                            "risk now",
                            "likelihood before",
                            "likelihood now",
                        ],
                        &rows,
                    );
                }
            }
        }
        if assessment.no_data.is_none() {
            st.put_protection_record(REPORT_SUMMARY, &key, &summary, by, None)
                .await?;
        }
    } else {
        d.p("No database: reports are compared when stored.");
    }
    d.p("Data: UCDP GED (Sundberg & Melander 2013, JPR 50(4)), CC BY 4.0, and the events in this veille database.");
    let _ = writeln!(d.html, "</body></html>");
    Ok(RegionReport {
        stem: format!(
            "{}-{}",
            region.replace(['/', ' ', '\\', '.'], "_"),
            period.format("%Y-%m")
        ),
        region,
        period,
        months,
        markdown: d.md,
        html: d.html,
    })
}

fn cat_label(c: Option<PocCode>) -> String {
    c.map_or_else(
        || "any event".to_string(),
        |p| format!("{} {}", p.code(), p.label()),
    )
}

/// A generated report kept for download.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredReport {
    /// Its id.
    pub id: Uuid,
    /// The clearance it was generated at: readers need at least this one.
    pub clearance: Sensitivity,
    /// Who generated it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The report.
    pub report: RegionReport,
}

/// Keeps a generated report for download; returns its id.
pub async fn keep(
    store: &dyn Store,
    report: RegionReport,
    clearance: Sensitivity,
    by: &str,
) -> Result<StoredReport> {
    let s = StoredReport {
        id: Uuid::now_v7(),
        clearance,
        by: by.to_string(),
        at: Utc::now(),
        report,
    };
    let doc = serde_json::to_value(&s).map_err(|source| DeskError::Corrupt {
        kind: REPORT_DOC.into(),
        key: s.id.to_string(),
        source,
    })?;
    store
        .put_protection_record(REPORT_DOC, &s.id.to_string(), &doc, by, None)
        .await?;
    Ok(s)
}

/// A kept report, if the caller's clearance reaches the one it was generated at.
pub async fn kept(store: &dyn Store, id: Uuid, clearance: Sensitivity) -> Result<StoredReport> {
    let not_found = || DeskError::NotFound(format!("no report {id}"));
    let Some(r) = store
        .protection_history(REPORT_DOC, &id.to_string())
        .await?
        .pop()
    else {
        return Err(not_found());
    };
    let s: StoredReport = decode(REPORT_DOC, &r.key, r.doc)?;
    if s.clearance > clearance {
        return Err(not_found());
    }
    Ok(s)
}
