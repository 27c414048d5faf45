//! The threat matrix for an area level and period, analysts' overrides of its cells,
//! the events behind a cell, and the rollup table (counts and casualties per area and
//! period), all at a caller's clearance.

use crate::error::decode;
use crate::{rollup, visible_events, DeskError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, Sensitivity};
use veille_protect::assess::{
    add_months, assess_all, assess_area, month_index, month_start, AreaAssessment, ModelParams,
    Scale, Series,
};
use veille_protect::rollup::{Facet, Grain, Level, Rollup, Tally, Unit};
use veille_protect::{PocCode, RuleSet};
use veille_store::{EventFilter, ProtectionRecord, Store};

/// Kind of the protection records holding cell overrides.
pub const CELL_OVERRIDE: &str = "assessment_override";
/// Kind of the protection records holding event category overrides.
pub const CATEGORY_OVERRIDE: &str = "category_override";

/// Parses `YYYY-MM` into the month's first day.
pub fn parse_period(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .ok()
        .filter(|_| s.trim().len() == 7)
        .ok_or_else(|| DeskError::Invalid(format!("period must be YYYY-MM, got '{s}'")))
}

/// Checks a period length: 1 or 2 months.
pub fn check_months(months: u32) -> Result<u32> {
    if matches!(months, 1 | 2) {
        Ok(months)
    } else {
        Err(DeskError::Invalid(format!(
            "months must be 1 or 2, got {months}"
        )))
    }
}

/// Parses an admin level: `admin1` or `admin2`.
pub fn parse_level(s: &str) -> Result<Level> {
    match s.trim() {
        "admin1" => Ok(Level::Admin1),
        "admin2" => Ok(Level::Admin2),
        other => Err(DeskError::Invalid(format!(
            "level must be admin1 or admin2, got '{other}'"
        ))),
    }
}

/// Parses a cell's category: `any` (`None`) or a main category 1–6.
pub fn parse_category(s: &str) -> Result<Option<PocCode>> {
    match s.trim() {
        "any" => Ok(None),
        c => match PocCode::parse(c).filter(|p| p.main() == *p) {
            Some(p) => Ok(Some(p)),
            None => Err(DeskError::Invalid(format!(
                "category must be any or a main category 1-6, got '{c}'"
            ))),
        },
    }
}

/// Parses a likelihood or impact level; `field` names it in the message.
pub fn parse_scale(field: &str, s: &str) -> Result<Scale> {
    Scale::parse(s).ok_or_else(|| {
        DeskError::Invalid(format!(
            "{field} must be very low, low, medium, high or very high, got '{s}'"
        ))
    })
}

/// The monthly series of `level` from a rollup.
pub fn series(r: &Rollup, level: Level, params: &ModelParams) -> Series {
    Series::from_rollup(r, level, params)
}

fn cell_key(area: &str, period: NaiveDate, months: u32) -> String {
    format!(
        "{}|{}|{months}",
        area.to_lowercase(),
        period.format("%Y-%m")
    )
}

/// The analysts' category overrides stored in the database (event id → categories).
pub async fn category_overrides(store: &dyn Store) -> Result<HashMap<Uuid, Vec<PocCode>>> {
    let mut out = HashMap::new();
    for r in store.protection_records(CATEGORY_OVERRIDE).await? {
        let Ok(id) = Uuid::parse_str(&r.key) else {
            continue;
        };
        let codes: Vec<PocCode> = decode(CATEGORY_OVERRIDE, &r.key, r.doc["categories"].clone())?;
        out.insert(id, codes);
    }
    Ok(out)
}

/// Overrides an event's POC categories by hand, with a reason (kept as a versioned
/// record; the rules' result stays visible). `None` when the same override is in place.
pub async fn override_categories(
    store: &dyn Store,
    event: Uuid,
    codes: &[PocCode],
    reason: &str,
    by: &str,
) -> Result<Option<ProtectionRecord>> {
    if reason.trim().is_empty() {
        return Err(DeskError::Invalid("an override needs a reason".into()));
    }
    if codes.is_empty() {
        return Err(DeskError::Invalid(
            "an override needs at least one category".into(),
        ));
    }
    let mut codes = codes.to_vec();
    codes.sort();
    codes.dedup();
    let doc = serde_json::json!({ "categories": codes, "reason": reason.trim() });
    Ok(store
        .put_protection_record(
            CATEGORY_OVERRIDE,
            &event.to_string(),
            &doc,
            by,
            Some(reason.trim()),
        )
        .await?)
}

/// Fills each assessment's `overrides` from the store.
pub async fn attach_overrides(store: &dyn Store, out: &mut [AreaAssessment]) -> Result<()> {
    let recs = store.protection_records(CELL_OVERRIDE).await?;
    for a in out.iter_mut() {
        let prefix = format!("{}|", cell_key(&a.area, a.period_start, a.months));
        for r in recs.iter().filter(|r| r.key.starts_with(&prefix)) {
            let mut doc = r.doc.clone();
            doc["by"] = serde_json::json!(r.by);
            doc["at"] = serde_json::json!(r.at.to_rfc3339());
            doc["version"] = serde_json::json!(r.version);
            a.overrides.push(decode(CELL_OVERRIDE, &r.key, doc)?);
        }
    }
    Ok(())
}

/// A threat matrix: one assessment per area (or the one asked for).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// The period's first day.
    pub period: NaiveDate,
    /// Its length in months.
    pub months: u32,
    /// The assessments, with analysts' overrides next to the model's cells.
    pub areas: Vec<AreaAssessment>,
    /// The model's parameters.
    pub model: ModelParams,
    /// True when no area has data for this period: the matrix says nothing (it is not a
    /// low risk).
    pub no_data: bool,
}

/// Assesses a series for `period` (default: the month after the data end), every area
/// or the one named.
pub fn assess_series(
    s: &Series,
    period: Option<NaiveDate>,
    months: u32,
    area: Option<&str>,
    params: &ModelParams,
) -> Result<Matrix> {
    let months = check_months(months)?;
    let period = match period {
        Some(p) => p,
        None => match s.coverage {
            Some((_, hi)) => month_start(hi + 1),
            None => {
                return Err(DeskError::Invalid(
                    "no events with an admin unit are loaded; nothing to assess".into(),
                ))
            }
        },
    };
    let areas = match area {
        Some(n) => vec![assess_area(s, find_area(s, n)?, period, months, params)],
        None => assess_all(s, period, months, params),
    };
    Ok(Matrix {
        period,
        months,
        no_data: areas.iter().all(|a| a.no_data.is_some()),
        areas,
        model: *params,
    })
}

/// The index of a named area, or the "no events in an area called …" error.
pub fn find_area(s: &Series, name: &str) -> Result<usize> {
    s.area(name).ok_or_else(|| {
        DeskError::NotFound(format!(
            "no events in an area called '{name}' (known: {})",
            s.labels.join(", ")
        ))
    })
}

/// The threat matrix of the stored events visible at `clearance`.
#[allow(clippy::too_many_arguments)]
pub async fn matrix(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
    level: Level,
    period: Option<NaiveDate>,
    months: u32,
    area: Option<&str>,
    params: &ModelParams,
) -> Result<Matrix> {
    // The matrix reads only the level's month cells with perpetrator and victim "all".
    let scope = crate::Scope {
        unit_kind: Some(match level {
            Level::Admin1 => "admin1",
            Level::Admin2 => "admin2",
        }),
        all_perp_victim: true,
        main_categories: true,
        ..crate::Scope::monthly()
    };
    let r = crate::rollup_in(store, rules, registry, clearance, &scope).await?;
    let s = series(&r, level, params);
    let mut m = assess_series(&s, period, months, area, params)?;
    attach_overrides(store, &mut m.areas).await?;
    Ok(m)
}

/// An analyst's override of one cell.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellOverrideRequest {
    /// The area: a region (Mopti) or a cercle (Mopti/Bankass or Bankass).
    pub area: String,
    /// The period, YYYY-MM.
    pub period: String,
    /// Its length in months (1 or 2).
    #[serde(default = "one")]
    pub months: u32,
    /// `any`, or a main category 1–6.
    pub category: String,
    /// Likelihood: very low … very high.
    pub likelihood: Option<String>,
    /// Impact: very low … very high.
    pub impact: Option<String>,
    /// Why (required).
    #[serde(default)]
    pub justification: String,
}

fn one() -> u32 {
    1
}

/// What an override stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredOverride {
    /// The area's label, as the matrix names it.
    pub area: String,
    /// The cell's category (`None`: any event).
    pub category: Option<PocCode>,
    /// The record's version, or `None` when the same override was already in place.
    pub version: Option<u64>,
}

/// Stores an override of one cell of an area's assessment (likelihood and/or impact)
/// with a justification; the model's value stays and is shown next to it. The area must
/// have events visible at `clearance`. `field` prefixes option names in messages (the CLI
/// passes `--`).
pub async fn override_cell(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
    req: &CellOverrideRequest,
    by: &str,
    field: &str,
) -> Result<StoredOverride> {
    let reason = req.justification.trim();
    if reason.is_empty() {
        return Err(DeskError::Invalid(
            "an override needs a justification".into(),
        ));
    }
    let period = parse_period(&req.period).map_err(|_| {
        DeskError::Invalid(format!(
            "{field}period must be YYYY-MM, got '{}'",
            req.period
        ))
    })?;
    let months = check_months(req.months)?;
    let category = parse_category(&req.category).map_err(|_| {
        DeskError::Invalid(format!(
            "{field}category must be any or a main category 1-6, got '{}'",
            req.category.trim()
        ))
    })?;
    let scale = |v: &Option<String>, what: &str| {
        v.as_deref()
            .map(|t| parse_scale(&format!("{field}{what}"), t))
            .transpose()
    };
    let likelihood = scale(&req.likelihood, "likelihood")?;
    let impact = scale(&req.impact, "impact")?;
    if likelihood.is_none() && impact.is_none() {
        return Err(DeskError::Invalid(format!(
            "give {field}likelihood, {field}impact or both"
        )));
    }
    let r = rollup(store, rules, registry, clearance).await?;
    let params = ModelParams::default();
    let s1 = series(&r, Level::Admin1, &params);
    let label = match s1.area(&req.area) {
        Some(i) => s1.labels[i].clone(),
        None => {
            let s2 = series(&r, Level::Admin2, &params);
            match s2.area(&req.area) {
                Some(i) => s2.labels[i].clone(),
                None => {
                    return Err(DeskError::NotFound(format!(
                        "no events in an area called '{}'",
                        req.area.trim()
                    )))
                }
            }
        }
    };
    let key = format!(
        "{}|{}",
        cell_key(&label, period, months),
        category.map(|c| c.code()).unwrap_or("any")
    );
    let doc = serde_json::json!({"category": category, "likelihood": likelihood, "impact": impact, "reason": reason});
    let rec: Option<ProtectionRecord> = store
        .put_protection_record(CELL_OVERRIDE, &key, &doc, by, Some(reason))
        .await?;
    Ok(StoredOverride {
        area: label,
        category,
        version: rec.map(|r| r.version),
    })
}

/// The main POC categories of an event, by the rules or an analyst's override: the same
/// categorisation the rollup counts.
pub fn main_categories(
    e: &Event,
    rules: &RuleSet,
    registry: &Registry,
    overrides: &HashMap<Uuid, Vec<PocCode>>,
) -> Vec<PocCode> {
    let mut cat = rules.categorise(e, Some(registry));
    if let Some(codes) = overrides.get(&e.id) {
        cat = cat.overridden(codes);
    }
    cat.main_categories()
}

/// The events behind a cell of the matrix: the area's events (visible at `clearance`) of
/// the category in the last complete period before `period` — the count the cell's
/// "last period" shows.
#[allow(clippy::too_many_arguments)]
pub async fn cell_events(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
    area: &str,
    period: NaiveDate,
    months: u32,
    category: Option<PocCode>,
) -> Result<Vec<Event>> {
    let months = check_months(months)?;
    let origin = month_index(period);
    let from = month_start(origin - i64::from(months));
    let to = month_start(origin);
    let (a1, a2) = match area.split_once('/') {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (area.trim(), None),
    };
    let events = visible_events(
        store,
        clearance,
        EventFilter {
            admin1: Some(a1.to_string()),
            date_from: Some(from),
            date_to: Some(to),
            ..EventFilter::default()
        },
    )
    .await?;
    let overrides = category_overrides(store).await?;
    let out: Vec<Event> = events
        .into_iter()
        .filter(|e| e.date_start >= from && e.date_start < to)
        .filter(|e| {
            a2.is_none_or(|c| {
                e.location
                    .admin2
                    .as_ref()
                    .is_some_and(|x| x.name.eq_ignore_ascii_case(c))
            })
        })
        .filter(|e| {
            category.is_none_or(|c| main_categories(e, rules, registry, &overrides).contains(&c))
        })
        .collect();
    Ok(out)
}

/// Parses a rollup grain: `day`, `week` or `month`.
pub fn parse_grain(s: &str) -> Result<Grain> {
    match s.trim() {
        "day" => Ok(Grain::Day),
        "week" => Ok(Grain::Week),
        "month" => Ok(Grain::Month),
        other => Err(DeskError::Invalid(format!(
            "grain must be day, week or month, got '{other}'"
        ))),
    }
}

/// One row of the rollup table: an area, a period and what the rollup counts there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupRow {
    /// The area label.
    pub area: String,
    /// The period's first day.
    pub period: NaiveDate,
    /// Events and casualties (the rollup's own tally).
    #[serde(flatten)]
    pub tally: Tally,
}

/// The unit level of the rollup table: the assessment levels plus PRIO-GRID cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitLevel {
    /// An admin level.
    Admin(Level),
    /// PRIO-GRID cells (labels `gid:N`).
    Gid,
}

/// Parses a rollup unit level: `admin1`, `admin2` or `gid`.
pub fn parse_unit_level(s: &str) -> Result<UnitLevel> {
    match s.trim() {
        "gid" => Ok(UnitLevel::Gid),
        other => parse_level(other).map(UnitLevel::Admin).map_err(|_| {
            DeskError::Invalid(format!(
                "level must be admin1, admin2 or gid, got '{other}'"
            ))
        }),
    }
}

/// Counts and casualties per unit of `level` and period of `grain` in `[from, to]`, for
/// one main category or all events, summed over event types; ordered by unit, then
/// period.
pub fn rollup_table(
    r: &Rollup,
    level: UnitLevel,
    grain: Grain,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    category: Option<PocCode>,
) -> Vec<RollupRow> {
    let poc = category.map_or(Facet::All, Facet::Is);
    let mut rows: BTreeMap<(String, NaiveDate), RollupRow> = BTreeMap::new();
    for (k, t) in r.cells() {
        if k.grain != grain
            || k.poc != poc
            || k.perp != Facet::All
            || k.victim != Facet::All
            || from.is_some_and(|f| k.period < f)
            || to.is_some_and(|t| k.period > t)
        {
            continue;
        }
        let Some(unit) = r.unit(k.unit).filter(|u| match level {
            UnitLevel::Admin(l) => l.holds(u),
            UnitLevel::Gid => matches!(u, Unit::Gid(_)),
        }) else {
            continue;
        };
        let label = unit.label();
        rows.entry((label.clone(), k.period))
            .or_insert_with(|| RollupRow {
                area: label,
                period: k.period,
                tally: Tally::default(),
            })
            .tally
            .plus(t);
    }
    rows.into_values().collect()
}

/// The period label of an assessment: `2026-07` or `2026-07 – 2026-08`.
pub fn period_label(start: NaiveDate, months: u32) -> String {
    if months == 2 {
        format!(
            "{} – {}",
            start.format("%Y-%m"),
            add_months(start, 1).format("%Y-%m")
        )
    } else {
        start.format("%Y-%m").to_string()
    }
}
