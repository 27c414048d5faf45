//! `veille warn list`: the early warnings (spike, reprisal-cycle risk, new actor,
//! severity) over the stored events (or given files), de-duplicated; and
//! `veille backtest warnings`: precision, recall and lead time of spike warnings.

use crate::assess::RulesArg;
use crate::Global;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use veille_protect::warnings::{self, WarningConfig, WarningKind};

/// `veille warn` subcommands.
#[derive(Debug, Subcommand)]
pub enum WarnCommand {
    /// List the warnings the detectors raise over the events.
    List(ListArgs),
    /// Run the detectors over the stored events and persist the warnings: new ones as
    /// version 1, an ongoing situation as a new version of its warning.
    Save(SaveArgs),
}

/// `veille warn save` arguments.
#[derive(Debug, Args)]
pub struct SaveArgs {
    #[command(flatten)]
    detector: DetectorArgs,
}

/// Detector options shared by `warn list` and `backtest warnings`.
#[derive(Debug, Args, Clone)]
pub struct DetectorArgs {
    /// Read events from these files instead of the database.
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Spike false-alarm rate per area-day.
    #[arg(long, default_value_t = 0.01)]
    pub spike_alpha: f64,
    /// Spike window, days.
    #[arg(long, default_value_t = 7)]
    pub spike_window_days: i64,
    /// Reprisal window T, days.
    #[arg(long, default_value_t = 90)]
    pub reprisal_days: i64,
    /// Reprisal radius R, km.
    #[arg(long, default_value_t = 75.0)]
    pub reprisal_radius_km: f64,
    /// New actor: months unseen in the area.
    #[arg(long, default_value_t = 12)]
    pub new_actor_months: i64,
    /// Severity: civilians killed in one event.
    #[arg(long, default_value_t = 10)]
    pub severity_killed: u32,
}

impl DetectorArgs {
    fn config(&self) -> Result<WarningConfig> {
        if !(self.spike_alpha > 0.0 && self.spike_alpha < 1.0) {
            bail!(
                "--spike-alpha must be between 0 and 1, got {}",
                self.spike_alpha
            );
        }
        Ok(WarningConfig {
            spike_alpha: self.spike_alpha,
            spike_window_days: self.spike_window_days.max(1),
            reprisal_days: self.reprisal_days,
            reprisal_radius_km: self.reprisal_radius_km,
            new_actor_months: self.new_actor_months,
            severity_civilians_killed: self.severity_killed,
            ..WarningConfig::default()
        })
    }
}

/// `veille warn list` arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    detector: DetectorArgs,
    /// Only warnings of this kind (spike, reprisal, new_actor, severity).
    #[arg(long)]
    kind: Option<String>,
    /// Only warnings whose area contains this text (case-insensitive).
    #[arg(long)]
    area: Option<String>,
    /// Only warnings active on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<chrono::NaiveDate>,
    /// At most this many (the latest).
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// List the warnings persisted by `veille warn save` instead of recomputing.
    #[arg(long)]
    stored: bool,
}

/// `veille warn`.
pub async fn run(cmd: WarnCommand, global: &Global) -> Result<()> {
    match cmd {
        WarnCommand::List(a) => list(a, global).await,
        WarnCommand::Save(a) => save(a, global).await,
    }
}

fn parse_kind(s: &str) -> Result<WarningKind> {
    Ok(match s.trim() {
        "spike" => WarningKind::Spike,
        "reprisal" => WarningKind::Reprisal,
        "new_actor" | "new-actor" => WarningKind::NewActor,
        "severity" => WarningKind::Severity,
        other => bail!("--kind must be spike, reprisal, new_actor or severity, got '{other}'"),
    })
}

async fn list(a: ListArgs, global: &Global) -> Result<()> {
    let cfg = a.detector.config()?;
    let kind = a.kind.as_deref().map(parse_kind).transpose()?;
    let all = if a.stored {
        let Some(store) = global.existing_store().await? else {
            bail!("no database at {}", global.database);
        };
        let mut v = Vec::new();
        for r in store.protection_records("warning").await? {
            v.push(serde_json::from_value::<warnings::Warning>(r.doc)?);
        }
        v.sort_by(|a, b| (a.period_start, a.kind, &a.area).cmp(&(b.period_start, b.kind, &b.area)));
        v
    } else {
        detect(&a.detector, &cfg, global).await?
    };
    let mut ws: Vec<_> = all
        .into_iter()
        .filter(|w| kind.is_none_or(|k| w.kind == k))
        .filter(|w| {
            a.area
                .as_ref()
                .is_none_or(|t| w.area.to_lowercase().contains(&t.to_lowercase()))
        })
        .filter(|w| a.since.is_none_or(|d| w.period_end >= d))
        .collect();
    let skip = ws.len().saturating_sub(a.limit);
    ws.drain(..skip);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&ws)?);
        return Ok(());
    }
    if ws.is_empty() {
        println!("no warnings");
        return Ok(());
    }
    for w in &ws {
        println!(
            "[{}] {} {} — {} — {} to {} ({} update{}) id {}",
            w.level.code(),
            w.kind.code(),
            w.area,
            w.subject,
            w.period_start,
            w.period_end,
            w.updates,
            if w.updates == 1 { "" } else { "s" },
            w.id
        );
        println!("    trigger: {}", w.trigger);
        println!("    why: {}", w.explanation);
        let ev: Vec<String> = w.evidence.iter().take(5).map(|u| u.to_string()).collect();
        println!(
            "    evidence: {}{}",
            ev.join(", "),
            if w.evidence.len() > 5 {
                format!(" … ({} events)", w.evidence.len())
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

async fn detect(
    d: &DetectorArgs,
    cfg: &WarningConfig,
    global: &Global,
) -> Result<Vec<warnings::Warning>> {
    let rules = d.rules.load()?;
    let events = crate::assess::load_events(global, &d.files).await?;
    let registry = veille_actors::Registry::shipped()?;
    let cents = warnings::centroids(&events);
    Ok(warnings::detect(
        &events,
        &rules,
        Some(registry),
        cfg,
        &cents,
    ))
}

async fn save(a: SaveArgs, global: &Global) -> Result<()> {
    if !a.detector.files.is_empty() {
        bail!("veille warn save reads the database; --file is for warn list and backtests");
    }
    let cfg = a.detector.config()?;
    let ws = detect(&a.detector, &cfg, global).await?;
    let store = global.store().await?;
    let (mut new, mut updated, mut unchanged) = (0, 0, 0);
    for w in &ws {
        let doc = serde_json::to_value(w)?;
        match store
            .put_protection_record("warning", &w.id.to_string(), &doc, &global.user, None)
            .await?
        {
            Some(r) if r.version == 1 => new += 1,
            Some(_) => updated += 1,
            None => unchanged += 1,
        }
    }
    println!(
        "{} warnings: {new} new, {updated} updated, {unchanged} unchanged",
        ws.len()
    );
    Ok(())
}

/// `veille backtest warnings` arguments.
#[derive(Debug, Args)]
pub struct BacktestWarningsArgs {
    #[command(flatten)]
    detector: DetectorArgs,
    /// A severe event: at least this many killed (best estimate).
    #[arg(long, default_value_t = 10)]
    severe_killed: u32,
    /// Horizon, days.
    #[arg(long, default_value_t = 30)]
    horizon_days: i64,
}

/// `veille backtest warnings`.
pub async fn backtest(a: BacktestWarningsArgs, global: &Global) -> Result<()> {
    let cfg = a.detector.config()?;
    let events = crate::assess::load_events(global, &a.detector.files).await?;
    let r = warnings::backtest_spikes(&events, &cfg, a.severe_killed, a.horizon_days);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "spike-warning backtest — {} events; severe = {}; horizon {} days; false-alarm rate {} per area-day",
        events.len(),
        r.severe_definition,
        r.horizon_days,
        cfg.spike_alpha
    );
    println!(
        "  warnings issued (trigger days): {}; followed by a severe event: {}",
        r.warnings, r.true_warnings
    );
    println!(
        "  severe events: {}; preceded by a warning: {}",
        r.severe_events, r.warned_events
    );
    println!(
        "  precision {:.3}  recall {:.3}  median lead time {}",
        r.precision,
        r.recall,
        r.median_lead_days
            .map(|d| format!("{d:.1} days"))
            .unwrap_or_else(|| "n/a".into())
    );
    Ok(())
}
