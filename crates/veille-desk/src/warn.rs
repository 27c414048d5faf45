//! Stored warnings and the warning-to-action loop: detect and save, the board (open,
//! overdue, done), acknowledgements, response actions, overdue escalation and the
//! warning-to-action metrics.
//!
//! Warnings, acknowledgements, actions and escalations are versioned protection records
//! (kinds [`WARNING`], [`ACK`], [`ACTION`], [`ESCALATION`]). A stored warning carries the
//! highest sensitivity of its evidence events (`sensitivity` in its document): a caller
//! below it does not see the warning at all (its trigger and counts describe those
//! events), and the evidence listed is always filtered to the caller's clearance.

use crate::error::decode;
use crate::{visible_events, DeskError, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, Sensitivity};
use veille_protect::response::{MatrixEntry, ResponseMatrix, Tier};
use veille_protect::tracking::{self, Action, ActionStatus, Metrics, TrackedWarning};
use veille_protect::warnings::{self, Warning, WarningConfig, WarningLevel};
use veille_protect::RuleSet;
use veille_store::{EventFilter, ProtectionRecord, Store};

/// Kind of warning records.
pub const WARNING: &str = "warning";
/// Kind of acknowledgement records (key: the warning id).
pub const ACK: &str = "ack";
/// Kind of action records (key: `WARNING_ID/N`).
pub const ACTION: &str = "action";
/// Kind of escalation records (key: `WARNING_ID/LEVEL`).
pub const ESCALATION: &str = "escalation";

/// Runs the detectors over `events` (pure: no store).
pub fn detect_in(
    events: &[Event],
    rules: &RuleSet,
    registry: &Registry,
    cfg: &WarningConfig,
) -> Vec<Warning> {
    let cents = warnings::centroids(events);
    warnings::detect(events, rules, Some(registry), cfg, &cents)
}

/// Runs the detectors over the stored events visible at `clearance`.
pub async fn detect(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    cfg: &WarningConfig,
    clearance: Sensitivity,
) -> Result<Vec<Warning>> {
    let events = visible_events(store, clearance, EventFilter::default()).await?;
    Ok(detect_in(&events, rules, registry, cfg))
}

/// What [`detect_and_save`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SaveCounts {
    /// Warnings the detectors raised.
    pub total: usize,
    /// Stored for the first time.
    pub new: usize,
    /// Stored as a new version of an ongoing situation.
    pub updated: usize,
    /// Already stored as they are.
    pub unchanged: usize,
}

/// Runs the detectors over every stored event and persists the warnings: new ones as
/// version 1, an ongoing situation as a new version of its warning. An escalation is
/// kept: the detector never lowers a stored level.
pub async fn detect_and_save(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    cfg: &WarningConfig,
    by: &str,
) -> Result<SaveCounts> {
    let events = visible_events(store, crate::FULL_CLEARANCE, EventFilter::default()).await?;
    let ws = detect_in(&events, rules, registry, cfg);
    let sens: HashMap<Uuid, Sensitivity> = events.iter().map(|e| (e.id, e.sensitivity)).collect();
    save(store, &ws, &sens, by).await
}

/// Persists warnings; `sensitivity` gives each evidence event's level.
pub async fn save(
    store: &dyn Store,
    ws: &[Warning],
    sensitivity: &HashMap<Uuid, Sensitivity>,
    by: &str,
) -> Result<SaveCounts> {
    let stored: HashMap<String, WarningLevel> = store
        .protection_records(WARNING)
        .await?
        .into_iter()
        .filter_map(|r| {
            serde_json::from_value::<Warning>(r.doc)
                .ok()
                .map(|w| (r.key, w.level))
        })
        .collect();
    let mut c = SaveCounts {
        total: ws.len(),
        new: 0,
        updated: 0,
        unchanged: 0,
    };
    for w in ws {
        let mut w = w.clone();
        if let Some(l) = stored.get(&w.id.to_string()) {
            w.level = w.level.max(*l);
        }
        let s = warning_sensitivity(&w, sensitivity);
        let r = store
            .put_protection_record(WARNING, &w.id.to_string(), &doc_of(&w, s)?, by, None)
            .await?;
        match r {
            Some(r) if r.version == 1 => c.new += 1,
            Some(_) => c.updated += 1,
            None => c.unchanged += 1,
        }
    }
    Ok(c)
}

/// The highest sensitivity of a warning's evidence (events not found count as the
/// default level).
pub fn warning_sensitivity(w: &Warning, sensitivity: &HashMap<Uuid, Sensitivity>) -> Sensitivity {
    w.evidence
        .iter()
        .map(|id| sensitivity.get(id).copied().unwrap_or_default())
        .max()
        .unwrap_or_default()
}

fn doc_of(w: &Warning, s: Sensitivity) -> Result<serde_json::Value> {
    let mut doc = serde_json::to_value(w).map_err(|source| DeskError::Corrupt {
        kind: WARNING.into(),
        key: w.id.to_string(),
        source,
    })?;
    doc["sensitivity"] = serde_json::json!(s);
    Ok(doc)
}

fn sensitivity_of(doc: &serde_json::Value) -> Sensitivity {
    serde_json::from_value(doc["sensitivity"].clone()).unwrap_or(crate::FULL_CLEARANCE)
}

/// Where a warning stands on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardStatus {
    /// Waiting for acknowledgement or action, within its deadlines.
    Open,
    /// Not acknowledged in time, or an action is past due.
    Overdue,
    /// Acknowledged, with actions, all of them closed.
    Done,
}

impl BoardStatus {
    /// Parses `open`, `overdue` or `done`.
    pub fn parse(s: &str) -> Result<BoardStatus> {
        match s.trim() {
            "open" => Ok(BoardStatus::Open),
            "overdue" => Ok(BoardStatus::Overdue),
            "done" => Ok(BoardStatus::Done),
            other => Err(DeskError::Invalid(format!(
                "status must be open, overdue or done, got '{other}'"
            ))),
        }
    }
}

/// Who acknowledged a warning, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ack {
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A stored warning with where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct StoredWarning {
    /// The warning.
    pub warning: Warning,
    /// The highest sensitivity of its evidence.
    pub sensitivity: Sensitivity,
    /// When it was first stored.
    pub issued_at: DateTime<Utc>,
    /// Its current version.
    pub version: u64,
    /// The acknowledgement, if any.
    pub acknowledged: Option<Ack>,
    /// Acknowledge by (the response matrix's time limit), if the matrix has an entry.
    pub acknowledge_due: Option<DateTime<Utc>>,
    /// Act by, likewise.
    pub act_due: Option<DateTime<Utc>>,
    /// The response actions, oldest first.
    pub actions: Vec<Action>,
    /// Open, overdue or done.
    pub status: BoardStatus,
    /// Why it is overdue (empty otherwise).
    pub overdue: Vec<String>,
}

struct Loaded {
    warnings: Vec<ProtectionRecord>,
    acks: HashMap<String, Ack>,
    actions: Vec<Action>,
}

async fn load(store: &dyn Store) -> Result<Loaded> {
    let acks = store
        .protection_records(ACK)
        .await?
        .into_iter()
        .map(|r| (r.key, Ack { by: r.by, at: r.at }))
        .collect();
    Ok(Loaded {
        warnings: store.protection_records(WARNING).await?,
        acks,
        actions: actions(store).await?,
    })
}

/// Every stored action.
pub async fn actions(store: &dyn Store) -> Result<Vec<Action>> {
    let mut out = Vec::new();
    for r in store.protection_records(ACTION).await? {
        out.push(decode(ACTION, &r.key, r.doc)?);
    }
    Ok(out)
}

async fn issued_at(store: &dyn Store, r: &ProtectionRecord) -> Result<DateTime<Utc>> {
    if r.version == 1 {
        return Ok(r.at);
    }
    Ok(store
        .protection_history(WARNING, &r.key)
        .await?
        .first()
        .map_or(r.at, |f| f.at))
}

async fn stored_of(
    store: &dyn Store,
    r: ProtectionRecord,
    l: &Loaded,
    matrix: &ResponseMatrix,
    now: DateTime<Utc>,
) -> Result<StoredWarning> {
    let issued = issued_at(store, &r).await?;
    let sensitivity = sensitivity_of(&r.doc);
    let w: Warning = decode(WARNING, &r.key, r.doc)?;
    let entry: Option<&MatrixEntry> = matrix.lookup(w.kind, w.level);
    let acknowledged = l.acks.get(&r.key).cloned();
    let mut acts: Vec<Action> = l
        .actions
        .iter()
        .filter(|a| a.warning_id == w.id)
        .cloned()
        .collect();
    acts.sort_by_key(|a| a.n);
    let acknowledge_due = entry.map(|e| issued + Duration::hours(i64::from(e.acknowledge_hours)));
    let act_due = entry.map(|e| issued + Duration::hours(i64::from(e.act_hours)));
    let mut overdue = Vec::new();
    if let (None, Some(e), Some(due)) = (&acknowledged, entry, acknowledge_due) {
        if now > due {
            overdue.push(format!("not acknowledged within {} h", e.acknowledge_hours));
        }
    }
    for a in acts.iter().filter(|a| a.is_overdue(now)) {
        overdue.push(format!(
            "action {} overdue since {}",
            a.key(),
            a.due.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    let status = if !overdue.is_empty() {
        BoardStatus::Overdue
    } else if acknowledged.is_some()
        && !acts.is_empty()
        && acts.iter().all(|a| a.status.is_closed())
    {
        BoardStatus::Done
    } else {
        BoardStatus::Open
    };
    Ok(StoredWarning {
        warning: w,
        sensitivity,
        issued_at: issued,
        version: r.version,
        acknowledged,
        acknowledge_due,
        act_due,
        actions: acts,
        status,
        overdue,
    })
}

/// The stored warnings visible at `clearance`, optionally only those with `status`,
/// ordered by their first day, kind and area.
pub async fn board(
    store: &dyn Store,
    matrix: &ResponseMatrix,
    clearance: Sensitivity,
    status: Option<BoardStatus>,
    now: DateTime<Utc>,
) -> Result<Vec<StoredWarning>> {
    let mut l = load(store).await?;
    let recs = std::mem::take(&mut l.warnings);
    let mut out = Vec::new();
    for r in recs {
        if sensitivity_of(&r.doc) > clearance {
            continue;
        }
        let s = stored_of(store, r, &l, matrix, now).await?;
        if status.is_none_or(|x| s.status == x) {
            out.push(s);
        }
    }
    out.sort_by(|a, b| {
        (a.warning.period_start, a.warning.kind, &a.warning.area).cmp(&(
            b.warning.period_start,
            b.warning.kind,
            &b.warning.area,
        ))
    });
    Ok(out)
}

fn no_warning(id: Uuid) -> DeskError {
    DeskError::NotFound(format!("no stored warning with id {id}"))
}

/// One stored warning, if visible at `clearance`.
pub async fn get(
    store: &dyn Store,
    matrix: &ResponseMatrix,
    clearance: Sensitivity,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<StoredWarning> {
    let key = id.to_string();
    let hist = store.protection_history(WARNING, &key).await?;
    let Some(last) = hist.last().cloned() else {
        return Err(no_warning(id));
    };
    if sensitivity_of(&last.doc) > clearance {
        return Err(no_warning(id));
    }
    let l = Loaded {
        warnings: Vec::new(),
        acks: store
            .protection_history(ACK, &key)
            .await?
            .into_iter()
            .next()
            .map(|r| (r.key, Ack { by: r.by, at: r.at }))
            .into_iter()
            .collect(),
        actions: actions(store)
            .await?
            .into_iter()
            .filter(|a| a.warning_id == id)
            .collect(),
    };
    let mut s = stored_of(store, last, &l, matrix, now).await?;
    if let Some(first) = hist.first() {
        s.issued_at = first.at;
    }
    Ok(s)
}

/// The warning's evidence events visible at `clearance`, in date order.
pub async fn evidence(
    store: &dyn Store,
    clearance: Sensitivity,
    w: &Warning,
) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for id in &w.evidence {
        if let Some(e) = store.get_event(*id).await? {
            if e.sensitivity <= clearance {
                out.push(e);
            }
        }
    }
    out.sort_by_key(|e| (e.date_start, e.id));
    Ok(out)
}

/// Acknowledges a stored warning. `Ok(false)` when it already was (nothing written).
pub async fn acknowledge(
    store: &dyn Store,
    clearance: Sensitivity,
    id: Uuid,
    by: &str,
) -> Result<bool> {
    visible_warning(store, clearance, id).await?;
    let key = id.to_string();
    if !store.protection_history(ACK, &key).await?.is_empty() {
        return Ok(false);
    }
    let doc = serde_json::json!({ "by": by, "at": Utc::now() });
    store
        .put_protection_record(ACK, &key, &doc, by, None)
        .await?;
    Ok(true)
}

/// The current version of a stored warning visible at `clearance`.
async fn visible_warning(store: &dyn Store, clearance: Sensitivity, id: Uuid) -> Result<Warning> {
    let hist = store.protection_history(WARNING, &id.to_string()).await?;
    match hist.last() {
        Some(r) if sensitivity_of(&r.doc) <= clearance => decode(WARNING, &r.key, r.doc.clone()),
        _ => Err(no_warning(id)),
    }
}

/// Parses a tier: I, II or III (or 1–3); `field` names it in the message.
pub fn parse_tier(field: &str, s: &str) -> Result<Tier> {
    Ok(match s.trim() {
        "I" | "1" => Tier::I,
        "II" | "2" => Tier::II,
        "III" | "3" => Tier::III,
        other => {
            return Err(DeskError::Invalid(format!(
                "{field} must be I, II or III, got '{other}'"
            )))
        }
    })
}

/// Parses an action status; `field` names it in the message.
pub fn parse_status(field: &str, s: &str) -> Result<ActionStatus> {
    ActionStatus::parse(s).ok_or_else(|| {
        DeskError::Invalid(format!(
            "{field} must be proposed, assigned, acknowledged, in_progress, done or declined, got '{s}'"
        ))
    })
}

/// A new response action.
#[derive(Debug, Clone)]
pub struct NewAction {
    /// Owner (a role or work title).
    pub owner: String,
    /// Responsible component (a key of the matrix's `[components]`).
    pub component: String,
    /// Tier.
    pub tier: Tier,
    /// The response option, in words.
    pub option: String,
    /// Hours until due (default: the matrix's time to act, else 72).
    pub due_hours: Option<i64>,
}

/// Adds an action (status `assigned`) to a stored warning visible at `clearance`.
pub async fn add_action(
    store: &dyn Store,
    matrix: &ResponseMatrix,
    clearance: Sensitivity,
    id: Uuid,
    a: NewAction,
    by: &str,
) -> Result<Action> {
    let w = visible_warning(store, clearance, id).await?;
    if !matrix.components.contains_key(&a.component) {
        return Err(DeskError::Invalid(format!(
            "unknown component '{}' (the matrix has: {})",
            a.component,
            matrix
                .components
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if a.owner.trim().is_empty() || a.option.trim().is_empty() {
        return Err(DeskError::Invalid(
            "an action needs an owner and an option".into(),
        ));
    }
    let hours = a.due_hours.unwrap_or_else(|| {
        matrix
            .lookup(w.kind, w.level)
            .map_or(72, |e| i64::from(e.act_hours))
    });
    let n = actions(store)
        .await?
        .iter()
        .filter(|x| x.warning_id == id)
        .count() as u32
        + 1;
    let now = Utc::now();
    let act = Action {
        warning_id: id,
        n,
        owner: a.owner.trim().to_string(),
        component: a.component,
        tier: a.tier,
        option: a.option.trim().to_string(),
        due: now + Duration::hours(hours),
        status: ActionStatus::Assigned,
        reason: None,
        outcome: None,
        created_at: now,
        updated_at: now,
    };
    put_action(store, &act, by, None).await?;
    Ok(act)
}

async fn put_action(store: &dyn Store, act: &Action, by: &str, reason: Option<&str>) -> Result<()> {
    let doc = serde_json::to_value(act).map_err(|source| DeskError::Corrupt {
        kind: ACTION.into(),
        key: act.key(),
        source,
    })?;
    store
        .put_protection_record(ACTION, &act.key(), &doc, by, reason)
        .await?;
    Ok(())
}

/// Changes an action's status (`declined` needs a reason, `done` an outcome; a closed
/// action cannot change). The action's warning must be visible at `clearance`.
pub async fn set_action(
    store: &dyn Store,
    clearance: Sensitivity,
    key: &str,
    status: ActionStatus,
    reason: Option<&str>,
    outcome: Option<&str>,
    by: &str,
) -> Result<Action> {
    let not_found = || DeskError::NotFound(format!("no action {key}"));
    let Some(rec) = store.protection_history(ACTION, key).await?.pop() else {
        return Err(not_found());
    };
    let mut act: Action = decode(ACTION, key, rec.doc)?;
    if visible_warning(store, clearance, act.warning_id)
        .await
        .is_err()
    {
        return Err(not_found());
    }
    act.set_status(status, reason, outcome, Utc::now())?;
    put_action(store, &act, by, reason).await?;
    Ok(act)
}

/// One overdue warning found by [`escalate_overdue`].
#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    /// The warning (after any escalation).
    pub warning: Warning,
    /// What is overdue.
    pub why: Vec<String>,
    /// The level it was escalated to now, if it was.
    pub escalated_to: Option<WarningLevel>,
}

/// Overdue items: unacknowledged warnings past the matrix's time to acknowledge and open
/// actions past due. Writes an escalation record and bumps the warning's level per the
/// matrix, once per warning and level.
pub async fn escalate_overdue(
    store: &dyn Store,
    matrix: &ResponseMatrix,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<OverdueItem>> {
    let all = board(
        store,
        matrix,
        crate::FULL_CLEARANCE,
        Some(BoardStatus::Overdue),
        now,
    )
    .await?;
    let escalated: Vec<String> = store
        .protection_records(ESCALATION)
        .await?
        .into_iter()
        .map(|r| r.key)
        .collect();
    let mut out = Vec::new();
    for s in all {
        let mut w = s.warning;
        let mut item_level = None;
        if let Some(e) = matrix.lookup(w.kind, w.level) {
            let esc_key = format!("{}/{}", w.id, e.escalate_to.code());
            if !escalated.contains(&esc_key) {
                let doc = serde_json::json!({"warning_id": w.id, "from": w.level.code(), "to": e.escalate_to.code(), "why": s.overdue, "at": now});
                store
                    .put_protection_record(ESCALATION, &esc_key, &doc, by, Some("overdue"))
                    .await?;
                if e.escalate_to > w.level {
                    w.level = e.escalate_to;
                    store
                        .put_protection_record(
                            WARNING,
                            &w.id.to_string(),
                            &doc_of(&w, s.sensitivity)?,
                            by,
                            Some("escalated: overdue"),
                        )
                        .await?;
                    item_level = Some(e.escalate_to);
                }
            }
        }
        out.push(OverdueItem {
            warning: w,
            why: s.overdue,
            escalated_to: item_level,
        });
    }
    Ok(out)
}

/// Warning-to-action metrics by area (admin1) and by responsible component.
#[derive(Debug, Clone, Serialize)]
pub struct MetricsReport {
    /// By region.
    pub by_area: BTreeMap<String, Metrics>,
    /// By component (warnings without action under "(no action)").
    pub by_component: BTreeMap<String, Metrics>,
}

/// The warning-to-action metrics over the warnings visible at `clearance` issued in
/// `[from, to]` (days, inclusive; open ends when `None`).
pub async fn metrics(
    store: &dyn Store,
    matrix: &ResponseMatrix,
    clearance: Sensitivity,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<MetricsReport> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(DeskError::Invalid(format!("from ({f}) is after to ({t})")));
        }
    }
    let ws = board(store, matrix, clearance, None, now).await?;
    let mut by_area = Vec::new();
    let mut by_component = Vec::new();
    let mut acts = Vec::new();
    for s in ws {
        let day = s.issued_at.date_naive();
        if from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t) {
            continue;
        }
        let t = TrackedWarning {
            id: s.warning.id,
            group: s.warning.area.split('/').next().unwrap_or("").to_string(),
            issued_at: s.issued_at,
            acknowledged_at: s.acknowledged.as_ref().map(|a| a.at),
        };
        let mut comps: Vec<String> = s.actions.iter().map(|a| a.component.clone()).collect();
        comps.sort();
        comps.dedup();
        if comps.is_empty() {
            comps.push("(no action)".into());
        }
        for c in comps {
            by_component.push(TrackedWarning {
                group: c,
                ..t.clone()
            });
        }
        by_area.push(t);
        acts.extend(s.actions);
    }
    Ok(MetricsReport {
        by_area: tracking::metrics(&by_area, &acts, now),
        by_component: tracking::metrics(&by_component, &acts, now),
    })
}
