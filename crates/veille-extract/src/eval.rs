//! The evaluation harness: a gold JSONL file (issue 5 format) → per-field scores, an
//! event-type confusion table, dedup pair precision/recall, and the misses.
//!
//! Gold line: `{"id", "text", "report_date"?, "country"?, "gold": {...}}`. A field
//! missing from `gold` is not scored for that item; a field present and null must be
//! predicted null.
//!
//! **Which draft is scored.** A gold item describes one incident (the report's primary
//! one). When the extractor finds several incidents in a report, the **first draft in
//! text order** is scored; the others are not. A report with no draft predicts null for
//! every field.
//!
//! Scoring: dates exact at the gold precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
//! date_start and date_end each; `admin1` resolved through veille-geo's region table
//! (any known name, accent- and case-insensitive) and compared by GeoNames code;
//! `perpetrator` resolved through the registry (`UNIDENTIFIED` = the unidentified armed
//! group) and compared by actor id; event type, sub-type, attribution exact; casualties
//! exact on the best estimate of the total; `locations` set F1 over normalised names
//! (micro-averaged); dedup pairwise precision/recall over `same_incident_as`, a pair being
//! predicted when [`crate::dedup::score_drafts`] (the database's scorer) reaches its threshold.

use crate::dates::{parse_gold_date, same_at};
use crate::{DraftEvent, ExtractError, Extractor, Report};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use veille_actors::{Registry, UNIDENTIFIED};

/// One gold line.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldItem {
    /// The report.
    pub report: Report,
    /// The id (also in `report.id`).
    pub id: String,
    /// The gold object, as written.
    pub gold: Map<String, Value>,
}

/// Reads a gold JSONL file (blank lines skipped).
pub fn read_gold(name: &str, text: &str) -> Result<Vec<GoldItem>, ExtractError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: String| ExtractError::Line {
            file: name.to_string(),
            line: i + 1,
            reason,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| err(format!("not JSON: {e}")))?;
        let o = v
            .as_object()
            .ok_or_else(|| err("not a JSON object".into()))?;
        let id = o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| err("missing \"id\"".into()))?
            .to_string();
        let text = o
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| err("missing \"text\"".into()))?
            .to_string();
        let report_date = match o.get("report_date") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| err(format!("report_date {s:?} is not YYYY-MM-DD")))?,
            ),
            Some(_) => return Err(err("report_date is not a string".into())),
        };
        let country = o.get("country").and_then(Value::as_str).map(str::to_string);
        let gold = o
            .get("gold")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| err("missing \"gold\" object".into()))?;
        out.push(GoldItem {
            report: Report {
                id: Some(id.clone()),
                text,
                report_date,
                country,
            },
            id,
            gold,
        });
    }
    Ok(out)
}

/// Accuracy of one exact-match field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    /// Field name.
    pub field: String,
    /// Items where the field was scored.
    pub scored: usize,
    /// Items predicted right.
    pub correct: usize,
    /// correct / scored (0 when nothing was scored).
    pub accuracy: f64,
}

/// Precision, recall, F1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prf {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Prf {
    fn finish(tp: usize, fp: usize, fn_: usize) -> Prf {
        let p = if tp + fp == 0 {
            1.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fn_ == 0 {
            1.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            tp,
            fp,
            fn_,
            precision: p,
            recall: r,
            f1,
        }
    }
}

/// One wrong field of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Field.
    pub field: String,
    /// Gold value, as text.
    pub gold: String,
    /// Predicted value, as text.
    pub predicted: String,
}

/// An item with at least one wrong field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// Gold id.
    pub id: String,
    /// The report text.
    pub text: String,
    /// The wrong fields.
    pub diffs: Vec<Diff>,
}

/// A dedup pair the scorer got wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairMiss {
    /// First gold id.
    pub a: String,
    /// Second gold id.
    pub b: String,
    /// Whether gold says they are the same incident.
    pub gold_same: bool,
    /// The pair score (0 when a report had no draft).
    pub score: f64,
    /// The scorer's explanation.
    pub explanation: String,
}

/// The evaluation report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Items evaluated.
    pub items: usize,
    /// Items for which the extractor produced no draft.
    pub no_draft: usize,
    /// Exact-match fields.
    pub fields: Vec<FieldScore>,
    /// Locations set P/R/F1 (micro).
    pub locations: Prf,
    /// Dedup pairwise P/R/F1.
    pub dedup: Prf,
    /// event_type confusion: gold → predicted → count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Items with a wrong field.
    pub misses: Vec<Miss>,
    /// Dedup pairs predicted wrongly (false positives and false negatives).
    pub dedup_misses: Vec<PairMiss>,
    /// How multi-incident reports are scored.
    pub note: String,
}

/// Fields scored by exact match, in report order.
pub const FIELDS: &[&str] = &[
    "date_start",
    "date_end",
    "admin1",
    "event_type",
    "sub_event_type",
    "perpetrator",
    "attribution",
    "killed",
    "injured",
    "abducted",
];

/// Resolves a gold admin1 name to a GeoNames admin1 code.
fn admin1_code(name: &str) -> Option<String> {
    veille_geo::vintage::region_code_for(name).map(str::to_string)
}

/// Resolves a gold perpetrator to a registry id (`UNIDENTIFIED` → the generic actor).
fn perp_id(reg: &Registry, name: &str) -> String {
    if name.trim().eq_ignore_ascii_case("unidentified") {
        return UNIDENTIFIED.to_string();
    }
    if let Some(a) = reg.lookup(name) {
        return a.id.clone();
    }
    let r = reg.resolve(name, None);
    r.best_id()
        .map(str::to_string)
        .unwrap_or_else(|| format!("unresolved:{name}"))
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "null".into())
}

/// Predicted values of one draft, as comparable strings.
fn predicted(d: Option<&DraftEvent>, field: &str) -> Option<String> {
    let d = d?;
    let e = &d.event;
    match field {
        "date_start" | "date_end" => (!d.missing.iter().any(|m| m == "date")).then(|| {
            if field == "date_start" {
                e.date_start.to_string()
            } else {
                e.date_end.to_string()
            }
        }),
        "admin1" => e
            .location
            .admin1
            .as_ref()
            .and_then(|a| a.code.clone().or_else(|| admin1_code(&a.name))),
        "event_type" => Some(e.event_type.label().to_string()),
        "sub_event_type" => Some(e.sub_event_type.label().to_string()),
        "perpetrator" => d.perpetrator.clone(),
        "attribution" => e
            .perpetrators()
            .next()
            .map(|p| p.attribution.code().to_string()),
        "killed" => e.casualties.killed.total.map(|c| c.best.to_string()),
        "injured" => e.casualties.injured.total.map(|c| c.best.to_string()),
        "abducted" => e.casualties.abducted.total.map(|c| c.best.to_string()),
        _ => None,
    }
}

/// Compares one field; `None` when the field is not scored for this item.
fn compare(
    reg: &Registry,
    gold: &Map<String, Value>,
    field: &str,
    d: Option<&DraftEvent>,
) -> Option<(bool, String, String)> {
    let g = gold.get(field)?;
    let pred = predicted(d, field);
    let gs: Option<String> = match g {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    };
    let ok = match (field, &gs, &pred) {
        (_, None, None) => true,
        (_, None, Some(_)) | (_, Some(_), None) => false,
        ("date_start" | "date_end", Some(g), Some(p)) => {
            match (parse_gold_date(g), parse_gold_date(p)) {
                (Some((gd, prec)), Some((pd, _))) => same_at(pd, gd, prec),
                _ => false,
            }
        }
        ("admin1", Some(g), Some(p)) => admin1_code(g).is_some_and(|c| &c == p),
        ("perpetrator", Some(g), Some(p)) => &perp_id(reg, g) == p,
        ("event_type", Some(g), Some(p)) => g
            .parse::<veille_model::EventType>()
            .map(|x| x.label() == p)
            .unwrap_or(false),
        ("sub_event_type", Some(g), Some(p)) => g
            .parse::<veille_model::SubEventType>()
            .map(|x| x.label() == p)
            .unwrap_or(false),
        ("attribution", Some(g), Some(p)) => g.trim().eq_ignore_ascii_case(p),
        (_, Some(g), Some(p)) => g == p,
    };
    Some((ok, show(&gs), show(&pred)))
}

fn loc_key(s: &str) -> String {
    veille_geo::normalize::key(s)
}

/// Evaluates the extractor on gold items.
pub fn evaluate(ex: &Extractor, reg: &Registry, items: &[GoldItem]) -> EvalReport {
    let outcomes: Vec<Option<DraftEvent>> = items
        .iter()
        .map(|it| ex.extract(&it.report).drafts().first().cloned())
        .collect();
    let mut scores: Vec<FieldScore> = FIELDS
        .iter()
        .map(|f| FieldScore {
            field: f.to_string(),
            ..FieldScore::default()
        })
        .collect();
    let mut confusion: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut misses = Vec::new();
    let (mut ltp, mut lfp, mut lfn) = (0, 0, 0);
    for (it, d) in items.iter().zip(&outcomes) {
        let mut diffs = Vec::new();
        for (k, f) in FIELDS.iter().enumerate() {
            if let Some((ok, g, p)) = compare(reg, &it.gold, f, d.as_ref()) {
                if let Some(s) = scores.get_mut(k) {
                    s.scored += 1;
                    if ok {
                        s.correct += 1;
                    }
                }
                if !ok {
                    diffs.push(Diff {
                        field: f.to_string(),
                        gold: g,
                        predicted: p,
                    });
                }
            }
        }
        if let Some(g) = it.gold.get("event_type") {
            let gs = g.as_str().unwrap_or("null").to_string();
            let ps = predicted(d.as_ref(), "event_type").unwrap_or_else(|| "none".into());
            *confusion.entry(gs).or_default().entry(ps).or_default() += 1;
        }
        if let Some(Value::Array(gl)) = it.gold.get("locations") {
            let gset: HashSet<String> = gl.iter().filter_map(Value::as_str).map(loc_key).collect();
            let pset: HashSet<String> = d
                .as_ref()
                .map(|d| d.locations.iter().map(|s| loc_key(s)).collect())
                .unwrap_or_default();
            let tp = gset.intersection(&pset).count();
            ltp += tp;
            lfp += pset.len() - tp;
            lfn += gset.len() - tp;
            if tp != gset.len() || tp != pset.len() {
                let mut gv: Vec<&String> = gset.iter().collect();
                gv.sort();
                let mut pv: Vec<String> =
                    d.as_ref().map(|d| d.locations.clone()).unwrap_or_default();
                pv.sort();
                diffs.push(Diff {
                    field: "locations".into(),
                    gold: format!("{gl:?}")
                        .replace('"', "")
                        .replace("String(", "")
                        .replace(')', ""),
                    predicted: format!("{pv:?}"),
                });
            }
        }
        if !diffs.is_empty() {
            misses.push(Miss {
                id: it.id.clone(),
                text: it.report.text.chars().take(400).collect(),
                diffs,
            });
        }
    }
    for s in &mut scores {
        s.accuracy = if s.scored == 0 {
            0.0
        } else {
            s.correct as f64 / s.scored as f64
        };
    }
    // Dedup pairs.
    let idx: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), i))
        .collect();
    let has_dedup: Vec<bool> = items
        .iter()
        .map(|it| it.gold.get("same_incident_as").is_some_and(Value::is_array))
        .collect();
    let mut gold_pairs: HashSet<(usize, usize)> = HashSet::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(Value::Array(v)) = it.gold.get("same_incident_as") {
            for o in v.iter().filter_map(Value::as_str) {
                if let Some(&j) = idx.get(o) {
                    if j != i && has_dedup.get(j).copied().unwrap_or(false) {
                        gold_pairs.insert((i.min(j), i.max(j)));
                    }
                }
            }
        }
    }
    let (mut dtp, mut dfp, mut dfn) = (0, 0, 0);
    let mut dedup_misses = Vec::new();
    for i in 0..items.len() {
        if !has_dedup[i] {
            continue;
        }
        for j in i + 1..items.len() {
            if !has_dedup[j] {
                continue;
            }
            let ps = match (&outcomes[i], &outcomes[j]) {
                (Some(a), Some(b)) => crate::dedup::score_drafts(a, b, Some(reg)),
                _ => None,
            };
            let pred = ps
                .as_ref()
                .is_some_and(|p| p.score >= crate::dedup::threshold());
            let gold = gold_pairs.contains(&(i, j));
            if gold != pred {
                dedup_misses.push(PairMiss {
                    a: items[i].id.clone(),
                    b: items[j].id.clone(),
                    gold_same: gold,
                    score: ps.as_ref().map(|p| p.score).unwrap_or(0.0),
                    explanation: ps
                        .map(|p| p.explanation)
                        .unwrap_or_else(|| "ruled out (dates or places apart), or no draft".into()),
                });
            }
            match (gold, pred) {
                (true, true) => dtp += 1,
                (false, true) => dfp += 1,
                (true, false) => dfn += 1,
                _ => {}
            }
        }
    }
    EvalReport {
        items: items.len(),
        no_draft: outcomes.iter().filter(|o| o.is_none()).count(),
        fields: scores,
        locations: Prf::finish(ltp, lfp, lfn),
        dedup: Prf::finish(dtp, dfp, dfn),
        confusion,
                misses,
        dedup_misses,
        note: "multi-incident reports: the first draft in text order is scored against the gold incident".into(),
    }
}

impl std::fmt::Display for EvalReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "items: {} (no draft: {})", self.items, self.no_draft)?;
        writeln!(
            f,
            "{:<16} {:>7} {:>7} {:>8}",
            "field", "scored", "correct", "accuracy"
        )?;
        for s in &self.fields {
            writeln!(
                f,
                "{:<16} {:>7} {:>7} {:>7.1}%",
                s.field,
                s.scored,
                s.correct,
                s.accuracy * 100.0
            )?;
        }
        let p = &self.locations;
        writeln!(
            f,
            "locations        P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
            p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
        )?;
        let p = &self.dedup;
        writeln!(
            f,
            "dedup pairs      P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
            p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
        )?;
        writeln!(f, "\nevent_type confusion (gold → predicted: count)")?;
        for (g, row) in &self.confusion {
            let cells: Vec<String> = row.iter().map(|(p, n)| format!("{p}: {n}")).collect();
            writeln!(f, "  {g:<28} {}", cells.join(", "))?;
        }
        writeln!(f, "\nmisses: {}", self.misses.len())?;
        for m in &self.misses {
            writeln!(f, "- {}: {}", m.id, m.text.replace('\n', " "))?;
            for d in &m.diffs {
                writeln!(
                    f,
                    "    {}: gold {} | predicted {}",
                    d.field, d.gold, d.predicted
                )?;
            }
        }
        writeln!(f, "\ndedup pair misses: {}", self.dedup_misses.len())?;
        for m in &self.dedup_misses {
            writeln!(
                f,
                "- {} / {}: gold {} | score {:.3}: {}",
                m.a,
                m.b,
                if m.gold_same { "same" } else { "different" },
                m.score,
                m.explanation
            )?;
        }
        write!(f, "\n{}", self.note)
    }
}
