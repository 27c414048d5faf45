//! `veille extract`: report text → draft events with evidence; `--evaluate GOLD.jsonl`
//! scores the extractor on a gold file. The rules live in `veille-extract`.
//!
//! Input (FILE or `-` for stdin):
//! - JSONL: one object per line, `{"id", "text", "report_date", "country"}` (all but
//!   `text` optional) — detected when the first non-blank character is `{`;
//! - plain text: the whole input is one report; with `--split`, reports are separated by
//!   blank lines.
//!
//! `--report-date` and `--country` apply to reports that do not carry their own.

use crate::Global;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use std::io::Read;
use std::path::PathBuf;
use veille_extract::{eval, ExtractOutcome, Extractor, Report};
use veille_ingest::reference::{load_geo, load_registry};

/// `veille extract` arguments.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Report file (plain text or JSONL), or `-` for stdin.
    pub input: Option<String>,
    /// Evaluate against a gold JSONL file instead (issue 5 format).
    #[arg(long, value_name = "GOLD.jsonl", conflicts_with = "input")]
    pub evaluate: Option<PathBuf>,
    /// Report date (YYYY-MM-DD) for reports without one: anchors "yesterday", "on
    /// Tuesday" and dates written without a year.
    #[arg(long)]
    pub report_date: Option<String>,
    /// Default country (ISO alpha-3) for reports without one.
    #[arg(long)]
    pub country: Option<String>,
    /// Plain text: reports are separated by blank lines.
    #[arg(long)]
    pub split: bool,
    /// With --evaluate: list at most this many misses (human output).
    #[arg(long, default_value_t = 1000)]
    pub max_misses: usize,
    /// Queue every draft in the review queue (`veille review list`), with the report
    /// text as its source.
    #[arg(long, conflicts_with = "evaluate")]
    pub store: bool,
    /// With --store: who published the report (e.g. "OCHA sitrep", "community alert").
    #[arg(long, default_value = "report", requires = "store")]
    pub source: String,
    /// With --store: the source's Admiralty grade, reliability A–F and credibility 1–6
    /// (e.g. B2; F6 = cannot be judged).
    #[arg(long, default_value = "F6", requires = "store")]
    pub grade: String,
}

/// Parses an Admiralty grade such as "B2".
pub fn parse_grade(g: &str) -> Result<(veille_model::Reliability, veille_model::Credibility)> {
    let g = g.trim();
    let mut chars = g.chars();
    let (Some(r), Some(c), None) = (chars.next(), chars.next(), chars.next()) else {
        bail!(
            "--grade {g:?}: expected a reliability letter A–F and a credibility digit 1–6, e.g. B2"
        );
    };
    let rel = r
        .to_string()
        .parse::<veille_model::Reliability>()
        .map_err(|_| anyhow::anyhow!("--grade {g:?}: reliability must be A–F"))?;
    let cred = c
        .to_string()
        .parse::<veille_model::Credibility>()
        .map_err(|_| anyhow::anyhow!("--grade {g:?}: credibility must be 1–6"))?;
    Ok((rel, cred))
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow::anyhow!("--report-date {s:?} is not a date (YYYY-MM-DD)"))
}

/// Reads reports from text (see the module docs).
pub fn parse_reports(name: &str, text: &str, split: bool) -> Result<Vec<Report>> {
    if text.trim_start().starts_with('{') {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let r: Report = serde_json::from_str(line).with_context(|| {
                format!("{name}:{}: not a report object {{\"text\", ...}}", i + 1)
            })?;
            out.push(r);
        }
        return Ok(out);
    }
    if split {
        let mut out = Vec::new();
        let mut cur = String::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                if !cur.trim().is_empty() {
                    out.push(Report {
                        text: std::mem::take(&mut cur),
                        ..Report::default()
                    });
                }
                cur.clear();
            } else {
                if !cur.is_empty() {
                    cur.push('\n');
                }
                cur.push_str(line);
            }
        }
        if !cur.trim().is_empty() {
            out.push(Report {
                text: cur,
                ..Report::default()
            });
        }
        return Ok(out);
    }
    Ok(vec![Report {
        text: text.to_string(),
        ..Report::default()
    }])
}

fn read_input(input: &str) -> Result<(String, String)> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read stdin")?;
        return Ok(("stdin".into(), String::from_utf8_lossy(&buf).into_owned()));
    }
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    Ok((
        input.to_string(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// Runs `veille extract`.
pub async fn run(a: ExtractArgs, global: &Global) -> Result<()> {
    let store = global.existing_store().await?;
    let geo = load_geo(store.as_deref()).await?;
    let registry = load_registry(store.as_deref()).await?;
    let ex = Extractor::new(&geo, &registry);
    if let Some(gold) = &a.evaluate {
        let text = std::fs::read_to_string(gold)
            .with_context(|| format!("cannot read {}", gold.display()))?;
        let items = eval::read_gold(&gold.display().to_string(), &text)?;
        let mut report = eval::evaluate(&ex, &registry, &items);
        if global.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            let total = report.misses.len();
            report.misses.truncate(a.max_misses);
            println!("{report}");
            if total > a.max_misses {
                println!("({} more misses not shown)", total - a.max_misses);
            }
        }
        return Ok(());
    }
    let Some(input) = a.input.as_deref() else {
        bail!("give a report FILE (or - for stdin), or --evaluate GOLD.jsonl");
    };
    let default_date = a.report_date.as_deref().map(parse_day).transpose()?;
    let (name, text) = read_input(input)?;
    let mut reports = parse_reports(&name, &text, a.split)?;
    for r in &mut reports {
        if r.report_date.is_none() {
            r.report_date = default_date;
        }
        if r.country.is_none() {
            r.country = a.country.clone();
        }
    }
    let grade = if a.store {
        Some(parse_grade(&a.grade)?)
    } else {
        None
    };
    let outcomes: Vec<(Report, ExtractOutcome)> = reports
        .into_iter()
        .map(|r| {
            let o = ex.extract(&r);
            (r, o)
        })
        .collect();
    if let Some((reliability, credibility)) = grade {
        let store = global.store().await?;
        let mut queued = 0usize;
        for (r, o) in &outcomes {
            let ExtractOutcome::Drafts { drafts } = o else {
                continue;
            };
            for d in drafts {
                let source = veille_model::Source {
                    publisher: a.source.clone(),
                    url: None,
                    date: r.report_date,
                    headline: r.id.clone(),
                    reliability,
                    credibility,
                };
                let draft = store
                    .create_draft(&d.to_new_draft(&r.text, source)?, &global.user)
                    .await?;
                queued += 1;
                if !global.json {
                    println!(
                        "queued draft {} ({} {}, confidence {:.2})",
                        draft.id, d.event.date_start, d.event.sub_event_type, d.confidence
                    );
                }
            }
        }
        if !global.json {
            println!("{queued} drafts queued for review: veille review list");
        }
    }
    if global.json {
        let v: Vec<serde_json::Value> = outcomes
            .iter()
            .map(
                |(r, o)| serde_json::json!({"id": r.id, "report_date": r.report_date, "result": o}),
            )
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    for (i, (r, o)) in outcomes.iter().enumerate() {
        let id = r.id.clone().unwrap_or_else(|| format!("report {}", i + 1));
        match o {
            ExtractOutcome::NoIncident { reason } => println!("{id}: no incident found: {reason}"),
            ExtractOutcome::Drafts { drafts } => {
                for (k, d) in drafts.iter().enumerate() {
                    let e = &d.event;
                    println!(
                        "{id} · draft {}/{} · confidence {:.2}",
                        k + 1,
                        drafts.len(),
                        d.confidence
                    );
                    println!(
                        "  {} {} · {} / {}",
                        e.date_start,
                        if e.date_end != e.date_start {
                            format!("to {} ", e.date_end)
                        } else {
                            String::new()
                        },
                        e.event_type,
                        e.sub_event_type
                    );
                    for f in &d.evidence {
                        println!(
                            "  {:<15} {:<40} {:.2}  «{}» [{}..{}]",
                            f.field, f.value, f.confidence, f.text, f.span.0, f.span.1
                        );
                    }
                    if !d.locations.is_empty() {
                        println!("  {:<15} {}", "places", d.locations.join("; "));
                    }
                    if !d.vague.is_empty() {
                        println!("  {:<15} {}", "vague amounts", d.vague.join(", "));
                    }
                    if !d.missing.is_empty() {
                        println!("  {:<15} {}", "not in text", d.missing.join(", "));
                    }
                }
            }
        }
    }
    Ok(())
}
