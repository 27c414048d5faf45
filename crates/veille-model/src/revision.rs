//! "Nothing is lost": revisions with field-level diffs, and import batches.

use crate::event::Event;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// What a revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionAction {
    /// The record was created by hand or by an API call.
    Create,
    /// The record was created by a bulk import (see its [`ImportBatch`]).
    Import,
    /// Fields were changed.
    Update,
    /// The record was retracted (veille's delete), with a reason.
    Retract,
}

impl RevisionAction {
    /// The lower-case name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            RevisionAction::Create => "create",
            RevisionAction::Import => "import",
            RevisionAction::Update => "update",
            RevisionAction::Retract => "retract",
        }
    }

    /// Parses the stored name.
    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "create" => RevisionAction::Create,
            "import" => RevisionAction::Import,
            "update" => RevisionAction::Update,
            "retract" => RevisionAction::Retract,
            _ => return None,
        })
    }
}

/// One changed field: its dotted path and its value before and after (JSON; `null` when
/// absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted path, e.g. `casualties.killed.total.best` or `actors[1].name`.
    pub field: String,
    /// The value before the change.
    pub before: Value,
    /// The value after the change.
    pub after: Value,
}

/// One change to a record: who, when, what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// The revision's own id (UUIDv7).
    pub id: Uuid,
    /// The record it changes.
    pub event_id: Uuid,
    /// 1 for the first revision of the record, then 2, 3, ...
    pub seq: u32,
    /// What was done.
    pub action: RevisionAction,
    /// Who did it.
    pub by: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Why, where given (mandatory for retractions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The import batch, for imports and re-imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<Uuid>,
    /// The fields that changed (for a create or import: every field set, from null).
    pub changes: Vec<FieldChange>,
}

/// One bulk import: the file, its fingerprint and what happened to its rows. Events
/// created by an import point to their batch instead of carrying one revision per row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    /// The batch id (UUIDv7).
    pub id: Uuid,
    /// The file name as given.
    pub file_name: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The format read: "ged", "acled", "veille-csv", "geojson".
    pub format: String,
    /// Data rows read (excluding header and HXL rows).
    pub rows_read: u64,
    /// Rows that created new events.
    pub rows_created: u64,
    /// Rows that updated an existing event (same external id, changed content).
    pub rows_updated: u64,
    /// Rows identical to an existing event, skipped.
    pub rows_unchanged: u64,
    /// Rows rejected as invalid (only with `--skip-invalid`; otherwise the import fails).
    pub rows_rejected: u64,
    /// Who ran the import.
    pub by: String,
    /// When it started (UTC).
    pub at: DateTime<Utc>,
}

/// Field-level differences between two versions of an event, ignoring bookkeeping
/// (`audit`, and `provenance.batch_id`). An empty result means "unchanged".
pub fn diff_events(before: Option<&Event>, after: &Event) -> Vec<FieldChange> {
    let strip = |e: &Event| -> Value {
        let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.remove("audit");
            if let Some(Value::Object(p)) = m.get_mut("provenance") {
                p.remove("batch_id");
            }
        }
        v
    };
    let a = before.map(strip).unwrap_or(Value::Null);
    let b = strip(after);
    let mut out = Vec::new();
    diff_values("", &a, &b, &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let va = ma.get(k).unwrap_or(&Value::Null);
                let vb = mb.get(k).unwrap_or(&Value::Null);
                diff_values(&join(path, k), va, vb, out);
            }
        }
        (Value::Null, Value::Object(mb)) => {
            for (k, vb) in mb {
                diff_values(&join(path, k), &Value::Null, vb, out);
            }
        }
        (Value::Object(ma), Value::Null) => {
            for (k, va) in ma {
                diff_values(&join(path, k), va, &Value::Null, out);
            }
        }
        _ => out.push(FieldChange {
            field: if path.is_empty() {
                "(root)".into()
            } else {
                path.into()
            },
            before: a.clone(),
            after: b.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Count;
    use crate::taxonomy::SubEventType;
    use chrono::{NaiveDate, TimeZone};

    fn event() -> Event {
        let d = NaiveDate::from_ymd_opt(2019, 3, 23).unwrap();
        let now = Utc.with_ymd_and_hms(2019, 3, 24, 0, 0, 0).unwrap();
        Event::new(d, SubEventType::Attack, "MLI", "test", now)
    }

    #[test]
    fn diff_lists_changed_leaf_fields_only() {
        let a = event();
        let mut b = a.clone();
        b.casualties.killed.total = Some(Count::exact(157));
        b.location.place_name = Some("Ogossagou".into());
        b.audit.updated_by = "someone else".into();
        let d = diff_events(Some(&a), &b);
        let fields: Vec<&str> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "casualties.killed.total.best",
                "casualties.killed.total.high",
                "casualties.killed.total.low",
                "location.place_name"
            ]
        );
        assert_eq!(d[0].before, Value::Null);
        assert_eq!(d[0].after, Value::from(157));
    }

    #[test]
    fn identical_events_have_no_diff() {
        let a = event();
        let mut b = a.clone();
        b.audit.updated_at = Utc::now();
        assert!(diff_events(Some(&a), &b).is_empty());
    }
}
