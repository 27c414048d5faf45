//! `veille report region <admin1> --period YYYY-MM`: the regional threat assessment as
//! Markdown and self-contained HTML (inline SVG charts, no external resources).
//!
//! Contents: the risk matrix by POC category, hotspots (cercles), the monthly trend,
//! events by perpetrator class (state actors in their own row), notable events with their
//! source grades, warnings and what was done about each, overdue actions, and the changes
//! since the last report on this region (each report's matrix is stored as a versioned
//! protection record, kind `report`).

use crate::assess::{series, SourceArgs};
use crate::Global;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;
use veille_protect::assess::{add_months, assess_all, assess_area, month_index, month_start};
use veille_protect::category::{perpetrator_classes, PerpClass};
use veille_protect::rollup::Level;
use veille_protect::tracking::Action;
use veille_protect::warnings::Warning;
use veille_protect::PocCode;

/// `veille report` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// The regional threat assessment for one region and period.
    Region(RegionArgs),
}

/// `veille report region` arguments.
#[derive(Debug, Args)]
pub struct RegionArgs {
    /// The region (admin1), e.g. Mopti.
    admin1: String,
    /// The period assessed, YYYY-MM.
    #[arg(long)]
    period: String,
    /// Period length in months (1 or 2).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
    months: u32,
    /// Output directory (written: <region>-<period>.md and .html).
    #[arg(long, default_value = ".")]
    out: PathBuf,
    #[command(flatten)]
    source: SourceArgs,
}

/// `veille report`.
pub async fn run(cmd: ReportCommand, global: &Global) -> Result<()> {
    match cmd {
        ReportCommand::Region(a) => region(a, global).await,
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart as an SVG string: one bar per (label, value).
pub fn bar_svg(title: &str, bars: &[(String, f64)]) -> String {
    let (w, h, left, bottom, top) = (640.0, 220.0, 40.0, 40.0, 24.0);
    let max = bars.iter().map(|b| b.1).fold(1.0, f64::max);
    let n = bars.len().max(1) as f64;
    let bw = (w - left - 10.0) / n;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\">\
         <text x=\"{left}\" y=\"16\" font-family=\"sans-serif\" font-size=\"13\">{t}</text>\
         <line x1=\"{left}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#333\"/>\
         <text x=\"4\" y=\"{ty}\" font-family=\"sans-serif\" font-size=\"10\">{max}</text>",
        t = esc(title),
        y0 = h - bottom,
        x1 = w - 10.0,
        ty = top + 8.0,
        max = max
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let bh = (h - bottom - top) * v / max;
        let x = left + i as f64 * bw;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"#b03a2e\"><title>{l}: {v}</title></rect>\
             <text x=\"{tx:.1}\" y=\"{ly}\" font-family=\"sans-serif\" font-size=\"9\" transform=\"rotate(45 {tx:.1} {ly})\">{l}</text>",
            y = h - bottom - bh,
            bw = (bw - 2.0).max(1.0),
            l = esc(label),
            tx = x + 2.0,
            ly = h - bottom + 10.0
        );
    }
    s.push_str("</svg>");
    s
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

async fn region(a: RegionArgs, global: &Global) -> Result<()> {
    let period = crate::assess::parse_period(&a.period)?;
    let params = a.source.params();
    let (s1, events) = series(global, &a.source, Level::Admin1).await?;
    let Some(ai) = s1.area(&a.admin1) else {
        bail!(
            "no events in a region called '{}' (known: {})",
            a.admin1,
            s1.labels.join(", ")
        );
    };
    let region = s1.labels[ai].clone();
    let (s2, _) = series(global, &a.source, Level::Admin2).await?;
    let origin = month_index(period);
    let l = i64::from(a.months);
    let (from, to) = (month_start(origin - l), month_start(origin));
    let assessment = assess_area(&s1, ai, period, a.months, &params);
    let mut d = Doc {
        md: String::new(),
        html: String::new(),
    };
    let title = format!(
        "Regional threat assessment — {region} — {}",
        if a.months == 2 {
            format!(
                "{} – {}",
                period.format("%Y-%m"),
                add_months(period, 1).format("%Y-%m")
            )
        } else {
            period.format("%Y-%m").to_string()
        }
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
        "Generated by veille from {} events. Period forecast: {}; last complete period observed: {} to {}. \
         Perpetrator-neutral: every actor, state forces included, is assessed under the same rules.",
        events.len(),
        period.format("%Y-%m"),
        from.format("%Y-%m"),
        (to - chrono::Duration::days(1)).format("%Y-%m-%d")
    ));

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
                c.category
                    .map(|p| format!("{} {}", p.code(), p.label()))
                    .unwrap_or_else(|| "any event".into()),
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

    // 2. Hotspots.
    d.h2("Hotspots (cercles)");
    let prefix = format!("{region}/");
    let mut hot: Vec<_> = assess_all(&s2, period, a.months, &params)
        .into_iter()
        .filter(|x| x.area.starts_with(&prefix) && x.no_data.is_none())
        .collect();
    hot.sort_by(|x, y| {
        let p = |z: &veille_protect::assess::AreaAssessment| {
            z.categories
                .first()
                .map(|c| c.forecast.expected_events)
                .unwrap_or(0.0)
        };
        p(y).total_cmp(&p(x))
    });
    let rows: Vec<Vec<String>> = hot
        .iter()
        .take(8)
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

    // 3. Trend chart.
    d.h2("Trend");
    let bars: Vec<(String, f64)> = (origin - 12..origin)
        .map(|m| {
            (
                month_start(m).format("%Y-%m").to_string(),
                s1.sum(0, ai, m, m + 1),
            )
        })
        .collect();
    d.svg(
        &bar_svg(&format!("{region}: events per month"), &bars),
        "events per month, last 12 months",
    );
    d.table(
        &["month", "events"],
        &bars
            .iter()
            .map(|(m, v)| vec![m.clone(), format!("{}", v.round() as i64)])
            .collect::<Vec<_>>(),
    );

    // 4. Perpetrators, and notable events.
    let in_region: Vec<&veille_model::Event> = events
        .iter()
        .filter(|e| e.location.admin1.as_ref().is_some_and(|x| x.name == region))
        .filter(|e| e.date_start >= from && e.date_start < to)
        .collect();
    d.h2("Events by perpetrator class (last complete period)");
    let reg = veille_actors::Registry::shipped()?;
    let mut by: std::collections::BTreeMap<PerpClass, (u64, u64)> = Default::default();
    for e in &in_region {
        for c in perpetrator_classes(e, Some(reg)) {
            let x = by.entry(c).or_default();
            x.0 += 1;
            x.1 += u64::from(e.killed_best());
        }
    }
    d.table(
        &["perpetrator class", "events", "killed"],
        &by.iter()
            .map(|(c, (n, k))| vec![c.code().to_string(), n.to_string(), k.to_string()])
            .collect::<Vec<_>>(),
    );
    d.h2("Notable events");
    let rules = a.source.rules.load()?;
    let mut notable = in_region.clone();
    notable.sort_by_key(|e| std::cmp::Reverse(e.killed_best()));
    let rows: Vec<Vec<String>> = notable
        .iter()
        .take(8)
        .map(|e| {
            let cats: Vec<&str> = rules
                .categorise(e, Some(reg))
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
    let store = global.existing_store().await?;
    let (mut warns, mut actions) = (Vec::<Warning>::new(), Vec::<Action>::new());
    if let Some(st) = &store {
        for r in st.protection_records("warning").await? {
            let w: Warning = serde_json::from_value(r.doc)?;
            if (w.area == region || w.area.starts_with(&prefix))
                && w.period_end >= from
                && w.period_start < to
            {
                warns.push(w);
            }
        }
        for r in st.protection_records("action").await? {
            actions.push(serde_json::from_value(r.doc)?);
        }
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
    let now = chrono::Utc::now();
    let ids: Vec<uuid::Uuid> = warns.iter().map(|w| w.id).collect();
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
                c.category.map(|p| p.code().to_string()).unwrap_or_else(|| "any".into()),
                serde_json::json!({"likelihood": c.likelihood.label(), "impact": c.impact.label(), "risk": c.risk}),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    let key = format!("{region}/{}", period.format("%Y-%m"));
    if let Some(st) = &store {
        let prev = st
            .protection_records("report")
            .await?
            .into_iter()
            .filter(|r| r.key.starts_with(&prefix) && r.key < key)
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
                    p.key.trim_start_matches(&prefix)
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
            st.put_protection_record("report", &key, &summary, &global.user, None)
                .await?;
        }
    } else {
        d.p("No database: reports are compared when stored.");
    }
    d.p("Data: UCDP GED (Sundberg & Melander 2013, JPR 50(4)), CC BY 4.0, and the events in this veille database.");
    let _ = writeln!(d.html, "</body></html>");
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let stem = format!(
        "{}-{}",
        region.replace(['/', ' '], "_"),
        period.format("%Y-%m")
    );
    let md = a.out.join(format!("{stem}.md"));
    let html = a.out.join(format!("{stem}.html"));
    std::fs::write(&md, &d.md)?;
    std::fs::write(&html, &d.html)?;
    println!("wrote {} and {}", md.display(), html.display());
    Ok(())
}

/// The report `veille demo` writes: the region with the most events, for the month after
/// the data end, next to the demo database.
pub async fn demo_report(db: &str, user: &str) -> Result<()> {
    let global = Global {
        database: db.to_string(),
        user: user.to_string(),
        json: false,
    };
    let source = SourceArgs {
        files: Vec::new(),
        rules: crate::assess::RulesArg { rules: None },
        half_life: None,
        kappa: None,
        beta: None,
    };
    let (s, _) = series(&global, &source, Level::Admin1).await?;
    let Some((_, hi)) = s.coverage else {
        return Ok(());
    };
    let busiest = (0..s.areas.len()).max_by(|a, b| {
        s.sum(0, *a, s.first, hi + 1)
            .total_cmp(&s.sum(0, *b, s.first, hi + 1))
    });
    let Some(ai) = busiest else {
        return Ok(());
    };
    let out = std::path::Path::new(db)
        .parent()
        .map(|p| p.join("veille-demo-report"))
        .unwrap_or_else(|| PathBuf::from("veille-demo-report"));
    println!();
    region(
        RegionArgs {
            admin1: s.labels[ai].clone(),
            period: month_start(hi + 1).format("%Y-%m").to_string(),
            months: 1,
            out,
            source,
        },
        &global,
    )
    .await
}
