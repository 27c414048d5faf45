//! `veille review list | show | accept | reject | add`: the review queue of draft events.
//! The store does the work (`Store::create_draft`, `accept_draft`, `reject_draft`); this
//! module parses arguments and prints.

use crate::output;
use crate::Global;
use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use uuid::Uuid;
use veille_model::Event;
use veille_store::{Draft, DraftStatus, NewDraft};

/// `veille review` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// List drafts (default: those waiting for a decision).
    List {
        /// Which drafts.
        #[arg(long, value_enum, default_value_t = StatusArg::Draft)]
        status: StatusArg,
    },
    /// Show one draft: report text, graded source, proposed event, evidence, history.
    Show {
        /// Draft id.
        id: String,
    },
    /// Accept a draft (optionally edited): creates the event.
    Accept {
        /// Draft id.
        id: String,
        /// A JSON file with the edited event (e.g. from `veille review show ID --json`'s
        /// `event`, changed).
        #[arg(long)]
        edit: Option<PathBuf>,
    },
    /// Reject a draft, with a reason.
    Reject {
        /// Draft id.
        id: String,
        /// Why (required; kept in the draft's history).
        #[arg(long)]
        reason: String,
    },
    /// Queue drafts from a JSON file: one object `{event, evidence, report_text, source}`
    /// or an array of them.
    Add {
        /// The JSON file.
        file: PathBuf,
    },
}

/// Which drafts `review list` shows.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum StatusArg {
    /// Waiting for a decision.
    Draft,
    /// Accepted.
    Accepted,
    /// Rejected.
    Rejected,
    /// All.
    All,
}

impl StatusArg {
    fn status(self) -> Option<DraftStatus> {
        match self {
            StatusArg::Draft => Some(DraftStatus::Draft),
            StatusArg::Accepted => Some(DraftStatus::Accepted),
            StatusArg::Rejected => Some(DraftStatus::Rejected),
            StatusArg::All => None,
        }
    }
}

/// Runs a `veille review` subcommand.
pub async fn run(cmd: ReviewCommand, global: &Global) -> Result<()> {
    let store = global.store().await?;
    match cmd {
        ReviewCommand::List { status } => {
            let drafts = store.list_drafts(status.status()).await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&drafts)?);
            } else {
                print!("{}", draft_table(&drafts));
            }
        }
        ReviewCommand::Show { id } => {
            let id = parse_id(&id)?;
            let d = store
                .get_draft(id)
                .await?
                .with_context(|| format!("no draft with id {id}"))?;
            let history = store.draft_history(id).await?;
            if global.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "draft": d, "history": history
                    }))?
                );
            } else {
                print!("{}", draft_detail(&d));
                println!("history");
                for r in &history {
                    println!(
                        "  #{} {} {:<7} by {}{}",
                        r.seq,
                        r.at.format("%Y-%m-%d %H:%M:%S UTC"),
                        r.action,
                        r.by,
                        r.reason
                            .as_ref()
                            .map(|x| format!(" — {x}"))
                            .unwrap_or_default()
                    );
                    for c in &r.changes {
                        println!("      {}: {} → {}", c.field, c.before, c.after);
                    }
                }
            }
        }
        ReviewCommand::Accept { id, edit } => {
            let id = parse_id(&id)?;
            let edited = match &edit {
                Some(p) => Some(read_event(p)?),
                None => None,
            };
            let e = store
                .accept_draft(id, edited.as_ref(), &global.user)
                .await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&e)?);
            } else {
                println!(
                    "accepted draft {id}{}: created event {}",
                    if edit.is_some() { " (edited)" } else { "" },
                    e.id
                );
            }
        }
        ReviewCommand::Reject { id, reason } => {
            let id = parse_id(&id)?;
            let d = store.reject_draft(id, &reason, &global.user).await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                println!("rejected draft {id}: {reason}");
            }
        }
        ReviewCommand::Add { file } => {
            let drafts = read_drafts(&file)?;
            let mut ids = Vec::with_capacity(drafts.len());
            for d in &drafts {
                ids.push(store.create_draft(d, &global.user).await?.id);
            }
            if global.json {
                println!("{}", serde_json::to_string_pretty(&ids)?);
            } else {
                for id in &ids {
                    println!("queued draft {id}");
                }
            }
        }
    }
    Ok(())
}

fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| anyhow::anyhow!("'{s}' is not a draft id (UUID)"))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The drafts of a JSON file: one object or an array.
fn read_drafts(path: &Path) -> Result<Vec<NewDraft>> {
    let text = read_text(path)?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    };
    if items.is_empty() {
        bail!("{}: no drafts in the file", path.display());
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item)
                .with_context(|| format!("{}: draft {}: not a draft", path.display(), i + 1))
        })
        .collect()
}

fn read_event(path: &Path) -> Result<Event> {
    let text = read_text(path)?;
    serde_json::from_str(&text).with_context(|| format!("{}: not an event", path.display()))
}

fn cut(s: &str, n: usize) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        let mut t: String = one_line.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// One line per draft.
fn draft_table(drafts: &[Draft]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<36}  {:<8}  {:<10}  {:<24}  {:<24}  {:>6}  {:<5}  report",
        "draft", "status", "date", "type", "where", "killed", "grade"
    );
    for d in drafts {
        let e = &d.event;
        let _ = writeln!(
            o,
            "{:<36}  {:<8}  {:<10}  {:<24}  {:<24}  {:>6}  {:<5}  {}",
            d.id,
            d.status,
            e.date_start,
            cut(e.sub_event_type.label(), 24),
            cut(&output::place_line(e), 24),
            e.killed_best(),
            d.source.grade(),
            cut(&d.report_text, 50)
        );
    }
    let _ = writeln!(o, "{} drafts", drafts.len());
    o
}

/// A draft in full.
fn draft_detail(d: &Draft) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "draft       {}", d.id);
    let _ = writeln!(
        o,
        "status      {}{}",
        d.status,
        d.event_id
            .map(|e| format!(" (event {e})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "queued      {} by {}",
        d.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        d.created_by
    );
    let _ = writeln!(
        o,
        "source      {} [{}]{}",
        d.source.publisher,
        d.source.grade(),
        d.source.date.map(|x| format!(", {x}")).unwrap_or_default()
    );
    let _ = writeln!(o, "report");
    for line in d.report_text.lines() {
        let _ = writeln!(o, "  | {line}");
    }
    let _ = writeln!(o, "proposed event");
    for line in output::event_detail(&d.event).lines() {
        let _ = writeln!(o, "  {line}");
    }
    if !d.evidence.is_null() {
        let _ = writeln!(o, "evidence    {}", d.evidence);
    }
    o
}
