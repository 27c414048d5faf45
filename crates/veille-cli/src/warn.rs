//! `veille warn list`: the early warnings (spike, reprisal-cycle risk, new actor,
//! severity) over the stored events (or given files), de-duplicated; and
//! `veille backtest warnings`: precision, recall and lead time of spike warnings.

use crate::assess::RulesArg;
use crate::Global;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use veille_desk::FULL_CLEARANCE;
use veille_protect::response::ResponseMatrix;
use veille_protect::warnings::{self, Warning, WarningConfig, WarningKind};
use veille_store::Store;

/// `veille warn` subcommands.
#[derive(Debug, Subcommand)]
pub enum WarnCommand {
    /// List the warnings the detectors raise over the events.
    List(ListArgs),
    /// Run the detectors over the stored events and persist the warnings: new ones as
    /// version 1, an ongoing situation as a new version of its warning.
    Save(SaveArgs),
    /// Acknowledge a stored warning.
    Ack(AckArgs),
    /// Show what the response matrix says for a stored warning, and its actions.
    Respond(RespondArgs),
    /// Response actions: add one, change its status.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Overdue items: unacknowledged warnings past the matrix's time to acknowledge and
    /// open actions past due. Writes an escalation record and bumps the warning's level
    /// per the matrix (once per warning and level).
    Overdue(MatrixArg),
    /// Warning-to-action metrics per area (admin1) and per component.
    Metrics,
}

/// The response matrix option.
#[derive(Debug, Args, Clone)]
pub struct MatrixArg {
    /// Response matrix (default: the shipped data/poc/response_matrix.toml).
    #[arg(long)]
    matrix: Option<PathBuf>,
}

impl MatrixArg {
    fn load(&self) -> Result<ResponseMatrix> {
        Ok(match &self.matrix {
            Some(p) => ResponseMatrix::load(p)?,
            None => ResponseMatrix::shipped()?,
        })
    }
}

/// `veille warn ack` arguments.
#[derive(Debug, Args)]
pub struct AckArgs {
    /// Warning id.
    id: uuid::Uuid,
}

/// `veille warn respond` arguments.
#[derive(Debug, Args)]
pub struct RespondArgs {
    /// Warning id.
    id: uuid::Uuid,
    #[command(flatten)]
    matrix: MatrixArg,
}

/// `veille warn action` subcommands.
#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an action to a stored warning.
    Add(ActionAdd),
    /// Change an action's status (declined needs --reason, done needs --outcome).
    Set(ActionSet),
}

/// `veille warn action add` arguments.
#[derive(Debug, Args)]
pub struct ActionAdd {
    /// Warning id.
    id: uuid::Uuid,
    /// Owner (a role or work title).
    #[arg(long)]
    owner: String,
    /// Responsible component (a key of the matrix's [components]).
    #[arg(long)]
    component: String,
    /// Tier: I, II or III.
    #[arg(long)]
    tier: String,
    /// The response option, in words.
    #[arg(long)]
    option: String,
    /// Hours until due (default: the matrix's time to act).
    #[arg(long)]
    due_hours: Option<i64>,
    #[command(flatten)]
    matrix: MatrixArg,
}

/// `veille warn action set` arguments.
#[derive(Debug, Args)]
pub struct ActionSet {
    /// Action key: WARNING_ID/N.
    key: String,
    /// proposed, assigned, acknowledged, in_progress, done, declined.
    #[arg(long)]
    status: String,
    /// Why (required to decline).
    #[arg(long)]
    reason: Option<String>,
    /// What came of it (required for done).
    #[arg(long)]
    outcome: Option<String>,
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
        WarnCommand::Ack(a) => ack(a, global).await,
        WarnCommand::Respond(a) => respond(a, global).await,
        WarnCommand::Action(ActionCommand::Add(a)) => action_add(a, global).await,
        WarnCommand::Action(ActionCommand::Set(a)) => action_set(a, global).await,
        WarnCommand::Overdue(a) => overdue(a, global).await,
        WarnCommand::Metrics => metrics(global).await,
    }
}

fn parse_kind(s: &str) -> Result<WarningKind> {
    WarningKind::parse(s).with_context(|| {
        let codes: Vec<&str> = WarningKind::ALL.iter().map(|k| k.code()).collect();
        format!(
            "--kind must be one of {}, got '{}'",
            codes.join(", "),
            s.trim()
        )
    })
}

async fn list(a: ListArgs, global: &Global) -> Result<()> {
    let cfg = a.detector.config()?;
    let kind = a.kind.as_deref().map(parse_kind).transpose()?;
    let all = if a.stored {
        let Some(store) = global.existing_store().await? else {
            bail!("no database at {}", global.database);
        };
        veille_desk::warn::board(
            store.as_ref(),
            &ResponseMatrix::shipped()?,
            FULL_CLEARANCE,
            None,
            chrono::Utc::now(),
        )
        .await?
        .into_iter()
        .map(|s| s.warning)
        .collect()
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

async fn detect(d: &DetectorArgs, cfg: &WarningConfig, global: &Global) -> Result<Vec<Warning>> {
    let rules = d.rules.load()?;
    let events = crate::assess::load_events(global, &d.files).await?;
    let registry = veille_actors::Registry::shipped()?;
    Ok(veille_desk::warn::detect_in(&events, &rules, registry, cfg))
}

async fn save(a: SaveArgs, global: &Global) -> Result<()> {
    if !a.detector.files.is_empty() {
        bail!("veille warn save reads the database; --file is for warn list and backtests");
    }
    let cfg = a.detector.config()?;
    let rules = a.detector.rules.load()?;
    let store = global.store().await?;
    let c = veille_desk::warn::detect_and_save(
        store.as_ref(),
        &rules,
        veille_actors::Registry::shipped()?,
        &cfg,
        &global.user,
    )
    .await?;
    println!(
        "{} warnings: {} new, {} updated, {} unchanged",
        c.total, c.new, c.updated, c.unchanged
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
        "  precision {:.3} (a warning on a random area-day: {:.3})  recall {:.3}  median lead time {}",
        r.precision,
        r.base_precision,
        r.recall,
        r.median_lead_days
            .map(|d| format!("{d:.1} days"))
            .unwrap_or_else(|| "n/a".into())
    );
    Ok(())
}

async fn db(global: &Global) -> Result<Arc<dyn Store>> {
    match global.existing_store().await? {
        Some(s) => Ok(s),
        None => bail!("no database at {}", global.database),
    }
}

fn not_saved(e: veille_desk::DeskError) -> anyhow::Error {
    match e {
        veille_desk::DeskError::NotFound(m) if m.starts_with("no stored warning") => {
            anyhow::anyhow!("{m} (run veille warn save first)")
        }
        other => other.into(),
    }
}

async fn ack(a: AckArgs, global: &Global) -> Result<()> {
    let store = db(global).await?;
    let new = veille_desk::warn::acknowledge(store.as_ref(), FULL_CLEARANCE, a.id, &global.user)
        .await
        .map_err(not_saved)?;
    if new {
        println!("acknowledged warning {}", a.id);
    } else {
        println!("warning {} was already acknowledged", a.id);
    }
    Ok(())
}

async fn respond(a: RespondArgs, global: &Global) -> Result<()> {
    let store = db(global).await?;
    let m = a.matrix.load()?;
    let s = veille_desk::warn::get(store.as_ref(), &m, FULL_CLEARANCE, a.id, chrono::Utc::now())
        .await
        .map_err(not_saved)?;
    let (w, issued) = (&s.warning, s.issued_at);
    println!(
        "[{}] {} {} — {} (issued {})",
        w.level.code(),
        w.kind.code(),
        w.area,
        w.subject,
        issued.format("%Y-%m-%d %H:%M UTC")
    );
    match m.lookup(w.kind, w.level) {
        None => println!(
            "  the response matrix has no entry for {} at {}",
            w.kind.code(),
            w.level.code()
        ),
        Some(e) => {
            let names: Vec<String> = e
                .components
                .iter()
                .map(|c| m.components.get(c).cloned().unwrap_or_else(|| c.clone()))
                .collect();
            println!("  responsible: {}", names.join(", "));
            println!(
                "  acknowledge by {}; act by {}; overdue escalates to {}",
                (issued + chrono::Duration::hours(i64::from(e.acknowledge_hours)))
                    .format("%Y-%m-%d %H:%M UTC"),
                (issued + chrono::Duration::hours(i64::from(e.act_hours)))
                    .format("%Y-%m-%d %H:%M UTC"),
                e.escalate_to.code()
            );
            for o in &e.options {
                println!("  tier {:?}: {}", o.tier, o.text);
            }
            println!("  ({}:{})", m.file, e.line);
        }
    }
    if s.actions.is_empty() {
        println!("  no action yet");
    }
    for x in &s.actions {
        println!(
            "  action {} [{}] {} ({}, tier {:?}): {} — due {}{}{}",
            x.key(),
            x.status.code(),
            x.owner,
            x.component,
            x.tier,
            x.option,
            x.due.format("%Y-%m-%d %H:%M UTC"),
            x.reason
                .as_ref()
                .map(|r| format!("; reason: {r}"))
                .unwrap_or_default(),
            x.outcome
                .as_ref()
                .map(|r| format!("; outcome: {r}"))
                .unwrap_or_default(),
        );
    }
    Ok(())
}

async fn action_add(a: ActionAdd, global: &Global) -> Result<()> {
    let store = db(global).await?;
    let m = a.matrix.load()?;
    let tier = veille_desk::warn::parse_tier("--tier", &a.tier)?;
    let act = veille_desk::warn::add_action(
        store.as_ref(),
        &m,
        FULL_CLEARANCE,
        a.id,
        veille_desk::warn::NewAction {
            owner: a.owner,
            component: a.component,
            tier,
            option: a.option,
            due_hours: a.due_hours,
        },
        &global.user,
    )
    .await
    .map_err(not_saved)?;
    println!(
        "action {} assigned to {}, due {}",
        act.key(),
        act.owner,
        act.due.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}

async fn action_set(a: ActionSet, global: &Global) -> Result<()> {
    let store = db(global).await?;
    let status = veille_desk::warn::parse_status("--status", &a.status)?;
    let act = veille_desk::warn::set_action(
        store.as_ref(),
        FULL_CLEARANCE,
        &a.key,
        status,
        a.reason.as_deref(),
        a.outcome.as_deref(),
        &global.user,
    )
    .await?;
    println!("action {} is now {}", act.key(), act.status.code());
    Ok(())
}

async fn overdue(a: MatrixArg, global: &Global) -> Result<()> {
    let store = db(global).await?;
    let m = a.load()?;
    let items =
        veille_desk::warn::escalate_overdue(store.as_ref(), &m, &global.user, chrono::Utc::now())
            .await?;
    for i in &items {
        let w = &i.warning;
        println!(
            "[{}] {} {} — {}: {}",
            w.level.code(),
            w.kind.code(),
            w.area,
            w.id,
            i.why.join("; ")
        );
        if let Some(l) = i.escalated_to {
            println!("    escalated to {}", l.code());
        }
    }
    if items.is_empty() {
        println!("nothing overdue");
    }
    Ok(())
}

async fn metrics(global: &Global) -> Result<()> {
    let store = db(global).await?;
    let r = veille_desk::warn::metrics(
        store.as_ref(),
        &ResponseMatrix::shipped()?,
        FULL_CLEARANCE,
        None,
        None,
        chrono::Utc::now(),
    )
    .await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    let hrs = |h: Option<f64>| h.map(|h| format!("{h:.1} h")).unwrap_or_else(|| "—".into());
    for (title, m) in [("area", r.by_area), ("component", r.by_component)] {
        println!("warning-to-action metrics by {title}:");
        println!(
            "  {:<24} {:>8} {:>6} {:>10} {:>12} {:>9} {:>11} {:>8}",
            title, "warnings", "acked", "to ack", "to 1st act", "w/action", "closed+out", "overdue"
        );
        for (g, x) in m {
            println!(
                "  {:<24} {:>8} {:>6} {:>10} {:>12} {:>8.0}% {:>10.0}% {:>8}",
                g,
                x.warnings,
                x.acknowledged,
                hrs(x.median_hours_to_acknowledge),
                hrs(x.median_hours_to_first_action),
                100.0 * x.share_with_action,
                100.0 * x.share_closed_with_outcome,
                x.overdue_actions
            );
        }
    }
    Ok(())
}
