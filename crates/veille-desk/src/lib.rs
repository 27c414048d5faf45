//! # veille-desk
//!
//! The protection desk: the store-backed workflows of the protection core, shared by the
//! CLI (`veille assess|warn|report`) and the server (`/api/assessments`, `/api/warnings`,
//! `/api/reports`…). The pure models live in `veille-protect`; this crate reads and
//! writes the store around them, always at a caller's clearance:
//!
//! - [`rollup`]: **the** one place a rollup is built from the store.
//! - [`assess`]: the threat matrix for an area level and period, analysts' cell
//!   overrides, the events behind a cell.
//! - [`warn`]: warnings (detect and save, list, acknowledge), response actions, overdue
//!   escalation, warning-to-action metrics.
//! - [`report`]: the regional threat assessment as Markdown and self-contained HTML.
//! - [`charts`]: the report's SVG charts.
//!
//! Every read takes a `clearance`: events above it are never counted, listed or quoted.

pub mod assess;
pub mod charts;
mod error;
pub mod report;
pub mod warn;

pub use error::{DeskError, Result};

use std::collections::HashMap;
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, Sensitivity};
use veille_protect::rollup::Rollup;
use veille_protect::{PocCode, RuleSet};
use veille_store::{EventFilter, RollupQuery, Store};

/// The clearance of local, trusted callers (the CLI on its own database file): every
/// record.
pub const FULL_CLEARANCE: Sensitivity = Sensitivity::StrictlyConfidential;

/// Which persisted rollup cells a reader needs (the fewer, the faster).
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// Grains: `day`, `week`, `month`; `total` carries the units' centroids.
    pub grains: Vec<&'static str>,
    /// Only this unit kind (`admin1`, `admin2`, `gid`).
    pub unit_kind: Option<&'static str>,
    /// Periods starting on or after this day.
    pub from: Option<chrono::NaiveDate>,
    /// Periods starting on or before this day.
    pub to: Option<chrono::NaiveDate>,
    /// Only the cells whose perpetrator and victim facets are "all".
    pub all_perp_victim: bool,
    /// Only the POC facets "all" and the six main categories (what the monthly series
    /// of an assessment reads; sub-categories and "none" are left in the store).
    pub main_categories: bool,
}

impl Scope {
    /// Month cells with every facet, and centroids: assessments and reports.
    pub fn monthly() -> Scope {
        Scope {
            grains: vec!["month", "total"],
            unit_kind: None,
            from: None,
            to: None,
            all_perp_victim: false,
            main_categories: false,
        }
    }
}

/// The rollup of the stored events visible at `clearance`, with analysts' category
/// overrides, for assessments and reports ([`Scope::monthly`]). Every assessment, report
/// and rollup endpoint gets its cube here or from [`rollup_in`].
pub async fn rollup(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
) -> Result<Rollup> {
    rollup_in(store, rules, registry, clearance, &Scope::monthly()).await
}

/// The rollup of the stored events visible at `clearance`, read from the store's
/// persisted rollup cells (maintained in every event write's transaction) within
/// `scope`. When those cells were built with other rules or actor classes, or are stale,
/// the cube is computed from the visible events instead (same numbers, slower) and a
/// warning says to run `veille rollup rebuild`.
pub async fn rollup_in(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
    scope: &Scope,
) -> Result<Rollup> {
    let fingerprint = veille_protect::persist::fingerprint_of(rules, Some(registry));
    let facet = |on: bool| on.then(|| veille_store::rollup::FACET_ALL.to_string());
    let mut cells = Vec::new();
    for grain in &scope.grains {
        let total = *grain == "total";
        let q = RollupQuery {
            unit_kind: scope.unit_kind.map(str::to_string),
            grain: Some((*grain).to_string()),
            from: if total { None } else { scope.from },
            to: if total { None } else { scope.to },
            perp: facet(scope.all_perp_victim),
            victim: facet(scope.all_perp_victim),
            pocs: (scope.main_categories && !total).then(|| {
                std::iter::once(veille_store::rollup::FACET_ALL.to_string())
                    .chain(PocCode::MAIN.iter().map(|p| p.code().to_string()))
                    .collect()
            }),
            max_sensitivity: Some(clearance),
            fingerprint: Some(fingerprint.clone()),
            ..RollupQuery::default()
        };
        match store.rollup_cells(&q).await {
            Ok(c) => cells.extend(c),
            Err(veille_store::StoreError::RollupsStale(why)) => {
                tracing::warn!(
                    "persisted rollups not used ({why}): computing from events; run veille rollup rebuild"
                );
                let events = store
                    .list_events(&EventFilter {
                        max_sensitivity: Some(clearance),
                        ..EventFilter::default()
                    })
                    .await?;
                let overrides = assess::category_overrides(store).await?;
                return Ok(rollup_from_events(&events, rules, registry, overrides));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Rollup::from_cells(&cells).map_err(|reason| {
        DeskError::Store(veille_store::StoreError::Corrupt {
            id: "rollup_cells".into(),
            reason,
        })
    })
}

/// The rollup of events that are not in a store (files given to the CLI).
pub fn rollup_from_events(
    events: &[Event],
    rules: &RuleSet,
    registry: &Registry,
    overrides: HashMap<Uuid, Vec<PocCode>>,
) -> Rollup {
    Rollup::rebuild_with(events.iter(), rules, Some(registry), overrides)
}

/// The stored events matching `filter` and visible at `clearance` (the filter's own
/// `max_sensitivity` can only lower it).
pub async fn visible_events(
    store: &dyn Store,
    clearance: Sensitivity,
    filter: EventFilter,
) -> Result<Vec<Event>> {
    let max = filter
        .max_sensitivity
        .map_or(clearance, |m| m.min(clearance));
    Ok(store
        .list_events(&EventFilter {
            max_sensitivity: Some(max),
            ..filter
        })
        .await?)
}
