//! Persisted rollups: counts and casualties per unit × grain × period × event type × POC
//! facet × perpetrator facet × victim facet, kept per sensitivity level so every reader
//! sums only what its clearance allows.
//!
//! The store does not know how an event is categorised. A [`RollupContributor`]
//! (veille-protect's, built from the POC rules and the actor registry) is attached with
//! [`Store::attach_rollups`](crate::Store::attach_rollups) and tells, for each event,
//! what it contributes (its *facts*, an opaque compact text) and which cells those facts
//! add to. Every event write (create, update, retract, import, accepted draft, merge,
//! unmerge, category override) then, **inside the same transaction**:
//!
//! 1. reads the facts stored for the event (what it contributed last time);
//! 2. asks the contributor for the facts of the event as it now stands (none when the
//!    event is retracted or merged into another);
//! 3. subtracts the old cells, adds the new ones, and stores the new facts.
//!
//! Old facts are taken back exactly as they were applied, whatever happened to the
//! rules since. When the cells cannot be trusted (a write by a store without a
//! contributor, or a contributor built from other rules: see
//! [`RollupContributor::fingerprint`]), the rollups are marked stale and readers get
//! [`StoreError::RollupsStale`](crate::StoreError::RollupsStale) until
//! [`Store::rebuild_rollups`](crate::Store::rebuild_rollups) recomputes them. A rebuild
//! gives the same numbers as incremental maintenance (tested on both backends).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use veille_model::{Event, Sensitivity};

/// Facet value meaning "every event, whatever its value(s)".
pub const FACET_ALL: &str = "*";
/// Facet value meaning "events with no value" (no POC category, no casualty).
pub const FACET_NONE: &str = "-";
/// The protection-record kind of an analyst's POC category override, keyed by event id.
/// Its document's `categories` replace the rules' result; the store re-counts the event
/// when one is written.
pub const CATEGORY_OVERRIDE_KIND: &str = "category_override";

/// A rollup cell's address, as text (codes), so the store stays ignorant of
/// categorisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellKey {
    /// `admin1`, `admin2`, `gid`, or what the contributor uses.
    pub unit_kind: String,
    /// The unit's label within its kind ("Mopti", "Mopti/Bankass", "150112").
    pub unit: String,
    /// `day`, `week`, `month`, or `total` (one cell per unit that carries centroids).
    pub grain: String,
    /// First day of the period.
    pub period: NaiveDate,
    /// Event type code, or [`FACET_ALL`].
    pub event_type: String,
    /// POC category code, [`FACET_ALL`] or [`FACET_NONE`].
    pub poc: String,
    /// Perpetrator class code, [`FACET_ALL`] or [`FACET_NONE`].
    pub perp: String,
    /// Victim category code, [`FACET_ALL`] or [`FACET_NONE`].
    pub victim: String,
}

/// What a cell counts. Integers only, so adding and taking back are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CellTally {
    /// Events.
    pub events: i64,
    /// People killed.
    pub killed: i64,
    /// Civilians killed.
    pub civilians_killed: i64,
    /// People injured.
    pub injured: i64,
    /// People abducted.
    pub abducted: i64,
    /// Civilian harm (killed + injured + abducted civilians).
    pub civilian_harm: i64,
    /// Sum of latitudes of located events, in micro-degrees.
    pub lat_e6: i64,
    /// Sum of longitudes of located events, in micro-degrees.
    pub lon_e6: i64,
    /// Located events.
    pub located: i64,
}

impl CellTally {
    /// Adds `o` times `sign` (1 or -1).
    pub fn add(&mut self, o: &CellTally, sign: i64) {
        self.events += sign * o.events;
        self.killed += sign * o.killed;
        self.civilians_killed += sign * o.civilians_killed;
        self.injured += sign * o.injured;
        self.abducted += sign * o.abducted;
        self.civilian_harm += sign * o.civilian_harm;
        self.lat_e6 += sign * o.lat_e6;
        self.lon_e6 += sign * o.lon_e6;
        self.located += sign * o.located;
    }

    /// The counts in [`CELL_COLUMNS`] order (after the key columns).
    pub fn counts(&self) -> [i64; CELL_NCOUNTS] {
        [
            self.events,
            self.killed,
            self.civilians_killed,
            self.injured,
            self.abducted,
            self.civilian_harm,
            self.lat_e6,
            self.lon_e6,
            self.located,
        ]
    }

    /// True when every count is zero.
    pub fn is_zero(&self) -> bool {
        *self == CellTally::default()
    }
}

/// Knows what an event contributes to the rollups. veille-protect implements it from
/// the POC rules and the actor registry.
pub trait RollupContributor: Send + Sync {
    /// Identifies the rules and reference data the facts are computed from. Cells built
    /// under another fingerprint are stale.
    fn fingerprint(&self) -> String;

    /// What the event contributes, as compact text; `None` when it is not counted
    /// (retracted). `category_override` is the event's current override document, if any
    /// (see [`CATEGORY_OVERRIDE_KIND`]).
    fn facts(&self, event: &Event, category_override: Option<&serde_json::Value>)
        -> Option<String>;

    /// The cells `facts` add to. Must be deterministic. An error names what is wrong
    /// with stored facts.
    fn cells(&self, facts: &str) -> Result<Vec<(CellKey, CellTally)>, String>;
}

/// Which cells to read. Every field is optional; given fields must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollupQuery {
    /// Unit kind (`admin1`, `admin2`, `gid`).
    pub unit_kind: Option<String>,
    /// One unit (needs `unit_kind`).
    pub unit: Option<String>,
    /// Grain (`day`, `week`, `month`, `total`).
    pub grain: Option<String>,
    /// Periods starting on or after this day.
    pub from: Option<NaiveDate>,
    /// Periods starting on or before this day.
    pub to: Option<NaiveDate>,
    /// POC facet.
    pub poc: Option<String>,
    /// Only these POC facets (e.g. "all" and the main categories, what assessments read).
    #[serde(default)]
    pub pocs: Option<Vec<String>>,
    /// Perpetrator facet.
    pub perp: Option<String>,
    /// Victim facet.
    pub victim: Option<String>,
    /// Only events at or below this sensitivity (the reader's clearance). `None`: all.
    pub max_sensitivity: Option<Sensitivity>,
    /// Only if the cells were built with this contributor fingerprint (else
    /// [`StoreError::RollupsStale`](crate::StoreError::RollupsStale)): a reader with its
    /// own rules never reads cells built with others.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// The state of the persisted rollups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollupStatus {
    /// Fingerprint of the rules the cells were built with, if any were.
    pub fingerprint: Option<String>,
    /// True when writes happened that the cells do not reflect.
    pub stale: bool,
    /// When the last full rebuild finished (RFC 3339), if ever.
    pub rebuilt_at: Option<String>,
    /// Events counted.
    pub events_counted: u64,
    /// Non-empty cells.
    pub cells: u64,
}

/// What a full rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildStats {
    /// Events read.
    pub events_read: u64,
    /// Events counted (not retracted, not merged away).
    pub events_counted: u64,
    /// Non-empty cells written.
    pub cells: u64,
}

/// Cells keyed with the sensitivity of the events they count.
pub(crate) type Delta = std::collections::BTreeMap<(CellKey, String), CellTally>;

/// Adds the cells of `facts` to `delta` with `sign`.
pub(crate) fn add_cells(
    delta: &mut Delta,
    contributor: &dyn RollupContributor,
    event_id: &str,
    sensitivity: &str,
    facts: &str,
    sign: i64,
) -> crate::Result<()> {
    let cells = contributor
        .cells(facts)
        .map_err(|reason| crate::common::corrupt(event_id, format!("rollup facts: {reason}")))?;
    for (key, tally) in cells {
        delta
            .entry((key, sensitivity.to_string()))
            .or_default()
            .add(&tally, sign);
    }
    Ok(())
}

/// Number of columns of one `rollup_cells` row.
pub(crate) const CELL_NCOLS: usize = 18;

/// Number of those that are counts ([`CellTally::counts`]), after the key columns.
pub const CELL_NCOUNTS: usize = 9;

/// `rollup_cells` columns in insert order.
pub(crate) const CELL_COLUMNS: &str = "unit_kind, unit, grain, period, event_type, poc, perp, \
     victim, sensitivity, events, killed, civilians_killed, injured, abducted, civilian_harm, \
     lat_e6, lon_e6, located";

/// What an upsert's `DO UPDATE` does: adds the delta row (`excluded`) to the cell.
pub(crate) const CELL_ADD: &str = "DO UPDATE SET \
     events = rollup_cells.events + excluded.events, \
     killed = rollup_cells.killed + excluded.killed, \
     civilians_killed = rollup_cells.civilians_killed + excluded.civilians_killed, \
     injured = rollup_cells.injured + excluded.injured, \
     abducted = rollup_cells.abducted + excluded.abducted, \
     civilian_harm = rollup_cells.civilian_harm + excluded.civilian_harm, \
     lat_e6 = rollup_cells.lat_e6 + excluded.lat_e6, \
     lon_e6 = rollup_cells.lon_e6 + excluded.lon_e6, \
     located = rollup_cells.located + excluded.located";

/// The `ON CONFLICT` clause that adds a delta row to an existing cell (SQLite).
pub(crate) fn cell_upsert() -> String {
    format!(
        " ON CONFLICT (unit_kind, unit, grain, period, event_type, poc, perp, victim, \
         sensitivity) {CELL_ADD}"
    )
}

/// The cells' one-column key on PostgreSQL, over the key columns prefixed with `p`
/// (`""`, `"d."`). Migration 0014 stores it as the generated column `cell_key` with the
/// same expression (tested: `postgres_cell_key_matches_its_generated_column`).
pub fn pg_cell_key(p: &str) -> String {
    [
        "unit_kind",
        "grain",
        "perp",
        "victim",
        "unit",
        "period",
        "event_type",
        "poc",
        "sensitivity",
    ]
    .iter()
    .map(|c| format!("{p}{c}"))
    .collect::<Vec<_>>()
    .join(" || E'\\x1f' || ")
}

/// Above this many delta rows (imports, rebuilds: mostly new cells) the PostgreSQL write
/// is a plain upsert ([`pg_cells_write`] with `update_first` false).
pub(crate) const PG_UPDATE_FIRST_MAX: usize = 2_000;

/// Adds delta rows to the cells on PostgreSQL, in one statement whose text never changes
/// (so the server keeps its plan): the rows come as one `jsonb` parameter
/// ([`pg_cells_json`]). With `update_first`, cells that exist are updated through the
/// one-column key and only the others go through an upsert: a 9-text-column upsert cost
/// about 20 µs a row, the keyed update about 12 µs, and a revision changes some 30 cells.
/// Without it (bulk writes, where most cells are new) every row is upserted on the key.
/// Its `WITH` parts are hoisted when it is chained after the facts' writes
/// ([`crate::common::chain_dollar_statements`]). Both texts are built once.
pub(crate) fn pg_cells_write(update_first: bool) -> &'static str {
    static TEXTS: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let [plain, keyed] =
        TEXTS.get_or_init(|| [build_pg_cells_write(false), build_pg_cells_write(true)]);
    if update_first {
        keyed
    } else {
        plain
    }
}

fn build_pg_cells_write(update_first: bool) -> String {
    use crate::common::MAIN_MARK;
    // The key columns come first in CELL_COLUMNS, the counts after them.
    let columns: Vec<&str> = CELL_COLUMNS.split(", ").collect();
    let counts = &columns[CELL_NCOLS - CELL_NCOUNTS..];
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < CELL_NCOLS - CELL_NCOUNTS {
                format!("r->>{i} AS {c}")
            } else {
                format!("(r->>{i})::int8 AS {c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let rows = format!("SELECT {fields} FROM jsonb_array_elements($1::jsonb) r");
    if !update_first {
        return format!(
            "INSERT INTO rollup_cells ({CELL_COLUMNS}) {rows} ON CONFLICT (cell_key) {CELL_ADD}"
        );
    }
    let key = pg_cell_key("d.");
    let sets = counts
        .iter()
        .map(|c| format!("{c} = c.{c} + d.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH d AS ({rows}), \
         u AS (UPDATE rollup_cells c SET {sets} FROM d WHERE c.cell_key = {key} \
         RETURNING c.cell_key) {MAIN_MARK} \
         INSERT INTO rollup_cells ({CELL_COLUMNS}) SELECT {CELL_COLUMNS} FROM d \
         WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.cell_key = {key}) \
         ON CONFLICT (cell_key) {CELL_ADD}"
    )
}

/// Delta rows as the JSON array [`pg_cells_write`] takes: one array per row, in
/// [`CELL_COLUMNS`] order. Written directly (no intermediate JSON values): this runs for
/// every event written.
pub(crate) fn pg_cells_json<'a>(
    rows: impl IntoIterator<Item = (&'a CellKey, &'a str, &'a CellTally)>,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("[");
    for (i, (k, sens, t)) in rows.into_iter().enumerate() {
        out.push_str(if i == 0 { "[" } else { ",[" });
        for text in [&k.unit_kind, &k.unit, &k.grain] {
            push_json_str(&mut out, text);
            out.push(',');
        }
        let p = k.period;
        let _ = write!(out, "\"{:04}-{:02}-{:02}\",", p.year(), p.month(), p.day());
        for text in [&k.event_type, &k.poc, &k.perp, &k.victim] {
            push_json_str(&mut out, text);
            out.push(',');
        }
        push_json_str(&mut out, sens);
        for n in t.counts() {
            let _ = write!(out, ",{n}");
        }
        out.push(']');
    }
    out.push(']');
    out
}

/// Appends `s` as a JSON string.
fn push_json_str(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The bind arguments of one delta row, in [`CELL_COLUMNS`] order.
pub(crate) fn cell_args(
    key: &CellKey,
    sensitivity: &str,
    t: &CellTally,
) -> Vec<crate::common::Arg> {
    use crate::common::Arg;
    let mut args = vec![
        Arg::Text(key.unit_kind.clone()),
        Arg::Text(key.unit.clone()),
        Arg::Text(key.grain.clone()),
        Arg::Text(key.period.format("%Y-%m-%d").to_string()),
        Arg::Text(key.event_type.clone()),
        Arg::Text(key.poc.clone()),
        Arg::Text(key.perp.clone()),
        Arg::Text(key.victim.clone()),
        Arg::Text(sensitivity.to_string()),
    ];
    args.extend(t.counts().map(Arg::I64));
    args
}

/// Cells from the JSON array the `rollup_cells` read aggregates them into.
pub(crate) fn cells_from_json(json: &str) -> Result<Vec<(CellKey, CellTally)>, String> {
    #[derive(Deserialize)]
    struct Row(
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    rows.into_iter()
        .map(|r| {
            let period = NaiveDate::parse_from_str(&r.3, "%Y-%m-%d")
                .map_err(|e| format!("period '{}': {e}", r.3))?;
            Ok((
                CellKey {
                    unit_kind: r.0,
                    unit: r.1,
                    grain: r.2,
                    period,
                    event_type: r.4,
                    poc: r.5,
                    perp: r.6,
                    victim: r.7,
                },
                CellTally {
                    events: r.8,
                    killed: r.9,
                    civilians_killed: r.10,
                    injured: r.11,
                    abducted: r.12,
                    civilian_harm: r.13,
                    lat_e6: r.14,
                    lon_e6: r.15,
                    located: r.16,
                },
            ))
        })
        .collect()
}

/// The WHERE clause and arguments for a [`RollupQuery`] (placeholders `$1…`).
pub(crate) fn query_conditions(q: &RollupQuery) -> (String, Vec<crate::common::Arg>) {
    use crate::common::Arg;
    let mut conds = vec!["1 = 1".to_string()];
    let mut args = Vec::new();
    let mut text = |col: &str, v: &Option<String>, args: &mut Vec<Arg>| {
        if let Some(v) = v {
            args.push(Arg::Text(v.clone()));
            conds.push(format!("{col} = ${}", args.len()));
        }
    };
    text("unit_kind", &q.unit_kind, &mut args);
    text("unit", &q.unit, &mut args);
    text("grain", &q.grain, &mut args);
    text("poc", &q.poc, &mut args);
    text("perp", &q.perp, &mut args);
    text("victim", &q.victim, &mut args);
    if let Some(pocs) = &q.pocs {
        let mut list = Vec::with_capacity(pocs.len());
        for p in pocs {
            args.push(Arg::Text(p.clone()));
            list.push(format!("${}", args.len()));
        }
        if list.is_empty() {
            conds.push("1 = 0".to_string());
        } else {
            conds.push(format!("poc IN ({})", list.join(", ")));
        }
    }
    if let Some(d) = q.from {
        args.push(Arg::Text(d.format("%Y-%m-%d").to_string()));
        conds.push(format!("period >= ${}", args.len()));
    }
    if let Some(d) = q.to {
        args.push(Arg::Text(d.format("%Y-%m-%d").to_string()));
        conds.push(format!("period <= ${}", args.len()));
    }
    if let Some(max) = q.max_sensitivity {
        // Codes come from the closed vocabulary, never from the caller's text.
        let allowed: Vec<String> = Sensitivity::ALL
            .iter()
            .filter(|s| **s <= max)
            .map(|s| format!("'{}'", s.code()))
            .collect();
        conds.push(format!("sensitivity IN ({})", allowed.join(", ")));
    }
    (conds.join(" AND "), args)
}

/// Where a store keeps its attached contributor (shared by clones of the store).
#[derive(Clone, Default)]
pub(crate) struct RollupSlot(
    std::sync::Arc<std::sync::RwLock<Option<std::sync::Arc<dyn RollupContributor>>>>,
);

impl std::fmt::Debug for RollupSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let attached = self.get().is_some();
        f.debug_struct("RollupSlot")
            .field("attached", &attached)
            .finish()
    }
}

impl RollupSlot {
    /// The attached contributor, if any.
    pub(crate) fn get(&self) -> Option<std::sync::Arc<dyn RollupContributor>> {
        self.0.read().ok().and_then(|g| g.clone())
    }

    /// Attaches (or replaces) the contributor.
    pub(crate) fn set(&self, c: std::sync::Arc<dyn RollupContributor>) {
        if let Ok(mut g) = self.0.write() {
            *g = Some(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_json_is_json_whatever_the_labels() {
        let key = CellKey {
            unit_kind: "admin2".into(),
            unit: "Ségou/Ma\"cina\\ \n\u{1}".into(),
            grain: "month".into(),
            period: NaiveDate::from_ymd_opt(2019, 3, 1).unwrap(),
            event_type: "vac".into(),
            poc: "4a".into(),
            perp: FACET_ALL.into(),
            victim: FACET_NONE.into(),
        };
        let t = CellTally {
            events: 1,
            killed: -3,
            lat_e6: 14_123_456,
            ..CellTally::default()
        };
        let json = pg_cells_json([(&key, "restricted", &t), (&key, "public", &t)]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let row = &v[0];
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(row.as_array().unwrap().len(), CELL_NCOLS);
        assert_eq!(row[1], serde_json::json!(key.unit));
        assert_eq!(row[3], "2019-03-01");
        assert_eq!(row[8], "restricted");
        assert_eq!(row[9], 1);
        assert_eq!(row[10], -3);
        assert_eq!(row[15], 14_123_456);
        assert_eq!(v[1][8], "public");
        // The `total` cells' period is the earliest date: written as every other path does.
        let total = CellKey {
            period: NaiveDate::MIN,
            ..key
        };
        let v: serde_json::Value =
            serde_json::from_str(&pg_cells_json([(&total, "public", &t)])).unwrap();
        assert_eq!(v[0][3], NaiveDate::MIN.format("%Y-%m-%d").to_string());
    }
}
