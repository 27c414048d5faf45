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
use veille_store::{EventFilter, Store};

/// The clearance of local, trusted callers (the CLI on its own database file): every
/// record.
pub const FULL_CLEARANCE: Sensitivity = Sensitivity::StrictlyConfidential;

/// The rollup of the stored events visible at `clearance`, with analysts' category
/// overrides. Every assessment, report and rollup endpoint gets its cube here.
pub async fn rollup(
    store: &dyn Store,
    rules: &RuleSet,
    registry: &Registry,
    clearance: Sensitivity,
) -> Result<Rollup> {
    let events = store
        .list_events(&EventFilter {
            max_sensitivity: Some(clearance),
            ..EventFilter::default()
        })
        .await?;
    let overrides = assess::category_overrides(store).await?;
    Ok(rollup_from_events(&events, rules, registry, overrides))
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
