//! # veille-dedup
//!
//! Finds events that are likely the same incident.
//!
//! - [`Dedup::compare`] scores two events (as [`DedupRecord`]s, the store's slim
//!   projection) and explains the score in plain language, e.g. "same day ±1, 3 km apart,
//!   both Armed clash, killed 24 vs 24, same perpetrator family".
//! - [`Dedup::candidates`] ranks a pool of events against one event or draft;
//!   [`store_candidates`] reads that pool from a store (the CLI and the server share it).
//! - [`Dedup::clusters`] scans a whole database and proposes merge clusters (union-find
//!   over the pairs at or above the threshold). It never compares all pairs: events are
//!   blocked by space (their 0.5° PRIO-GRID cell and the 8 around it; the admin2, else
//!   admin1, for events without coordinates) and time (sorted by start day, a pair is
//!   only looked at when the widened date ranges can meet).
//!
//! ## The score
//!
//! Gates first: two events of one dataset (same external-id scheme) are distinct
//! ([`DedupConfig::same_dataset_distinct`]); the dates must meet once each range is widened by its
//! precision's tolerance (day ±1, days ±2, week ±4, month ±7, year ±15 days), and the
//! places must be within [`DedupConfig::max_km`] (or share an admin2, or an admin1 when one
//! side has no admin2 and no coordinates). Then a weighted sum of five parts, each 0–1:
//!
//! | part | weight | 1.0 | falls to |
//! |---|---|---|---|
//! | date | 0.25 | same day or overlapping ranges | 0.5 at the tolerance |
//! | place | 0.25 | ≤ 1 km | e^(−(d−1)/10): 0.82 at 3 km, 0.41 at 10 km, 0.15 at 20 km; same admin2 without coordinates 0.5, same admin1 0.25 |
//! | type | 0.20 | same sub-event type | 0.7 same type, 0.4 compatible types (battle, attack on civilians, explosion; protest and riot), else 0 |
//! | killed | 0.15 | equal best estimates | min/max; both zero 0.6 |
//! | actors | 0.15 | same actor ids | 0.8 same family (veille-actors), 0.5 unknown on a side, 0.3 partly different, 0 all different |

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use uuid::Uuid;
use veille_actors::Registry;
use veille_geo::{haversine_km, priogrid_gid};
use veille_model::{ActorRole, DatePrecision, EventType};
pub use veille_store::{DedupActor, DedupRecord};

/// Settings for scoring and clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DedupConfig {
    /// Pairs scoring at least this are proposed as duplicates (0–1).
    pub threshold: f64,
    /// Two located events further apart than this (km) are never the same incident.
    pub max_km: f64,
    /// Events whose date range (end − start) is longer than this many days are too
    /// vague to cluster in a whole-database scan (they are still scored by
    /// [`Dedup::candidates`]).
    pub max_span_days: i64,
    /// Two events from the same dataset (sharing an external id scheme, e.g. both
    /// `ged:`) are never proposed: datasets such as UCDP GED and ACLED do not list one
    /// incident twice. Off, every pair is scored (the benchmark's worst case).
    pub same_dataset_distinct: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            threshold: 0.7,
            max_km: 50.0,
            max_span_days: 62,
            same_dataset_distinct: true,
        }
    }
}

/// Actor families: which registry ids count as "the same family" (an actor, its
/// coalitions and members, and their predecessors, as `veille_actors` defines them).
#[derive(Debug, Clone, Default)]
pub struct Families {
    family: HashMap<String, HashSet<String>>,
}

impl Families {
    /// No registry: only identical ids match.
    pub fn none() -> Self {
        Families::default()
    }

    /// The families of `ids` in `registry` (over all time, with predecessors). Ids the
    /// registry does not know only match themselves.
    pub fn from_registry<'a>(registry: &Registry, ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut family = HashMap::new();
        for id in ids {
            if family.contains_key(id) {
                continue;
            }
            let set: HashSet<String> = registry
                .family_ids(id, (None, None), true)
                .map(|rows| rows.into_iter().map(|r| r.0).collect())
                .unwrap_or_default();
            family.insert(id.to_string(), set);
        }
        Families { family }
    }

    /// The distinct resolved actor ids of `records`, for [`Families::from_registry`].
    pub fn ids_of(records: &[DedupRecord]) -> BTreeSet<String> {
        records
            .iter()
            .flat_map(|r| r.actors.iter().filter_map(|a| a.actor_id.clone()))
            .collect()
    }

    /// Whether `a` and `b` are the same actor or in one family.
    pub fn related(&self, a: &str, b: &str) -> bool {
        a == b
            || self.family.get(a).is_some_and(|f| f.contains(b))
            || self.family.get(b).is_some_and(|f| f.contains(a))
    }
}

/// How the actors of two events compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorMatch {
    /// The same registry ids (or the same unresolved names).
    Same,
    /// Every actor of one side has a relative on the other, through the registry.
    Family,
    /// One side names no actor, or names only unresolved ones.
    Unknown,
    /// Some shared, some different.
    Partial,
    /// No actor in common.
    Different,
}

/// The measured parts of a comparison (before weighting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parts {
    /// Days between the two date ranges (0 when they overlap).
    pub gap_days: i64,
    /// True when both are the same single day.
    pub same_day: bool,
    /// Distance in km, when both have coordinates.
    pub km: Option<f64>,
    /// The shared admin unit used instead of a distance, e.g. "cercle Niono".
    pub shared_admin: Option<String>,
    /// Date part, 0–1.
    pub date: f64,
    /// Place part, 0–1.
    pub place: f64,
    /// Type part, 0–1.
    pub kind: f64,
    /// Killed part, 0–1.
    pub killed: f64,
    /// Actors part, 0–1.
    pub actors: f64,
    /// How the actors compare.
    pub actor_match: ActorMatch,
    /// True when the perpetrators are what matched (for the wording).
    pub perpetrators: bool,
}

/// The weights of the five parts (sum 1).
const WEIGHTS: [f64; 5] = [0.25, 0.25, 0.20, 0.15, 0.15];

impl Parts {
    /// The weighted score, 0–1.
    pub fn score(&self) -> f64 {
        let v = [self.date, self.place, self.kind, self.killed, self.actors];
        v.iter().zip(WEIGHTS).map(|(p, w)| p * w).sum()
    }
}

/// A scored, explained pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    /// One event.
    pub a: Uuid,
    /// The other.
    pub b: Uuid,
    /// Weighted score, 0–1.
    pub score: f64,
    /// Plain-language reasons, e.g. "same day ±1, 3 km apart, both Armed clash, killed
    /// 24 vs 24, same perpetrator family".
    pub explanation: String,
    /// The measured parts.
    pub parts: Parts,
}

/// A proposed merge cluster: events that are likely one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Members, oldest id first (UUIDv7: the first stored is a natural survivor).
    pub members: Vec<Uuid>,
    /// The matching pairs that joined them, best first.
    pub pairs: Vec<PairScore>,
}

/// What a whole-database scan found and did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Events scanned.
    pub events: u64,
    /// Events left out as too vague (no place below country, or a date range longer
    /// than [`DedupConfig::max_span_days`]).
    pub skipped: u64,
    /// Pairs compared (after blocking).
    pub pairs_compared: u64,
    /// Pairs at or above the threshold.
    pub pairs_matched: u64,
    /// Clusters, largest first, then by first member.
    pub clusters: Vec<Cluster>,
}

/// Scores and clusters events.
#[derive(Debug, Clone, Default)]
pub struct Dedup {
    /// Settings.
    pub config: DedupConfig,
    /// Actor families.
    pub families: Families,
}

/// The folded place name of a record without its descriptor ("Bouka Weré village" →
/// "bouka were"), for matching unlocated records by name.
pub fn place_key(r: &DedupRecord) -> Option<String> {
    let n = r.place_name.as_deref()?;
    let k = veille_geo::normalize::key(veille_geo::resolve::strip_descriptor(n).unwrap_or(n));
    (!k.is_empty()).then_some(k)
}

/// Extra days a date range is widened by on each side, by precision.
pub fn tolerance_days(p: DatePrecision) -> i64 {
    match p {
        DatePrecision::Day => 1,
        DatePrecision::Days => 2,
        DatePrecision::Week => 4,
        DatePrecision::Month => 7,
        DatePrecision::Year => 15,
    }
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

fn type_part(a: &DedupRecord, b: &DedupRecord) -> f64 {
    if a.sub_event_type == b.sub_event_type {
        return 1.0;
    }
    if a.event_type == b.event_type {
        return 0.7;
    }
    use EventType::*;
    let violent = |t: EventType| {
        matches!(
            t,
            Battles | ViolenceAgainstCivilians | ExplosionsRemoteViolence
        )
    };
    let unrest = |t: EventType| matches!(t, Protests | Riots);
    if (violent(a.event_type) && violent(b.event_type))
        || (unrest(a.event_type) && unrest(b.event_type))
    {
        0.4
    } else {
        0.0
    }
}

fn killed_part(a: u32, b: u32) -> f64 {
    match (a, b) {
        (0, 0) => 0.6,
        (x, y) if x == y => 1.0,
        (x, y) => f64::from(x.min(y)) / f64::from(x.max(y)),
    }
}

/// Registry ids that name no one in particular: the generic unidentified group and the
/// generic victims. They are no evidence for or against a match.
pub const GENERIC_ACTORS: &[&str] = &[
    veille_actors::UNIDENTIFIED,
    "civilians",
    "protesters",
    "rioters",
];

/// Keys an actor by registry id, else by its lower-cased name; `None` for generic ones.
fn actor_key(a: &DedupActor) -> Option<String> {
    match &a.actor_id {
        Some(id) if GENERIC_ACTORS.contains(&id.as_str()) => None,
        Some(id) => Some(id.clone()),
        None => {
            let n = a.name.trim().to_lowercase();
            (!n.is_empty()).then(|| format!("name:{n}"))
        }
    }
}

impl Dedup {
    /// A scorer with these settings and families.
    pub fn new(config: DedupConfig, families: Families) -> Self {
        Dedup { config, families }
    }

    fn actor_part(&self, a: &DedupRecord, b: &DedupRecord) -> (f64, ActorMatch, bool) {
        let (ka, kb) = (ActorKeys::of(a, actor_key), ActorKeys::of(b, actor_key));
        match_actors(
            &ka,
            &kb,
            |x, y| self.families.related(x, y),
            |k| k.starts_with("name:"),
        )
    }

    /// The measured parts of a comparison, or `None` when a gate fails (the dates cannot
    /// meet, the places are too far apart, or nothing places them together).
    pub fn parts(&self, a: &DedupRecord, b: &DedupRecord) -> Option<Parts> {
        self.parts_with(a, b, || self.actor_part(a, b))
    }

    /// [`Dedup::parts`] with the actor comparison supplied (the scan's is precomputed).
    fn parts_with(
        &self,
        a: &DedupRecord,
        b: &DedupRecord,
        actor_part: impl FnOnce() -> (f64, ActorMatch, bool),
    ) -> Option<Parts> {
        if self.config.same_dataset_distinct && a.datasets.iter().any(|d| b.datasets.contains(d)) {
            return None;
        }
        let tol = tolerance_days(a.date_precision).max(tolerance_days(b.date_precision));
        let gap = if a.date_end < b.date_start {
            days_between(a.date_end, b.date_start)
        } else if b.date_end < a.date_start {
            days_between(b.date_end, a.date_start)
        } else {
            0
        };
        if gap > tol {
            return None;
        }
        let same_day = a.date_start == a.date_end
            && b.date_start == b.date_end
            && a.date_start == b.date_start;
        let date = if gap == 0 {
            1.0
        } else {
            1.0 - 0.5 * gap as f64 / tol as f64
        };
        let (mut km, mut shared_admin) = (None, None);
        let place = match (a.latitude, a.longitude, b.latitude, b.longitude) {
            (Some(la), Some(oa), Some(lb), Some(ob)) => {
                let d = haversine_km(la, oa, lb, ob);
                if !d.is_finite() || d > self.config.max_km {
                    return None;
                }
                km = Some(d);
                if d <= 1.0 {
                    1.0
                } else {
                    (-(d - 1.0) / 10.0).exp()
                }
            }
            _ => {
                let eq = |x: &Option<String>, y: &Option<String>| match (x, y) {
                    (Some(x), Some(y)) => {
                        x.trim().eq_ignore_ascii_case(y.trim()) && !x.trim().is_empty()
                    }
                    _ => false,
                };
                if place_key(a).is_some() && place_key(a) == place_key(b) {
                    // The same named place, spelled alike once folded, one side unlocated.
                    shared_admin = a.place_name.as_ref().map(|n| format!("place {n}"));
                    0.8
                } else if eq(&a.admin2, &b.admin2) && eq(&a.admin1, &b.admin1) {
                    shared_admin = a.admin2.as_ref().map(|n| format!("cercle {n}"));
                    0.5
                } else if eq(&a.admin1, &b.admin1) && (a.admin2.is_none() || b.admin2.is_none()) {
                    shared_admin = a.admin1.as_ref().map(|n| format!("region {n}"));
                    0.25
                } else {
                    return None;
                }
            }
        };
        let kind = type_part(a, b);
        let killed = killed_part(a.killed_best, b.killed_best);
        let (actors, actor_match, perpetrators) = actor_part();
        Some(Parts {
            gap_days: gap,
            same_day,
            km,
            shared_admin,
            date,
            place,
            kind,
            killed,
            actors,
            actor_match,
            perpetrators,
        })
    }

    /// Scores and explains a pair; `None` when a gate fails.
    pub fn compare(&self, a: &DedupRecord, b: &DedupRecord) -> Option<PairScore> {
        let parts = self.parts(a, b)?;
        Some(PairScore {
            a: a.id,
            b: b.id,
            score: parts.score(),
            explanation: explain(a, b, &parts),
            parts,
        })
    }

    /// The events of `pool` (other than `target` itself) that pass the gates and score at
    /// least `min_score`, best first, at most `limit`.
    pub fn candidates(
        &self,
        target: &DedupRecord,
        pool: &[DedupRecord],
        min_score: f64,
        limit: usize,
    ) -> Vec<PairScore> {
        let mut out: Vec<PairScore> = pool
            .iter()
            .filter(|r| r.id != target.id)
            .filter_map(|r| {
                let p = self.parts(target, r)?;
                (p.score() >= min_score).then(|| PairScore {
                    a: target.id,
                    b: r.id,
                    score: p.score(),
                    explanation: explain(target, r, &p),
                    parts: p,
                })
            })
            .collect();
        out.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.b.cmp(&y.b)));
        out.truncate(limit);
        out
    }

    /// The day window a store query (events whose dates overlap it) needs to find every
    /// candidate of `r` for [`Dedup::candidates`]: its range widened by the largest
    /// tolerance.
    pub fn window(&self, r: &DedupRecord) -> (NaiveDate, NaiveDate) {
        let w = chrono::Duration::days(tolerance_days(DatePrecision::Year));
        (r.date_start - w, r.date_end + w)
    }

    /// Scans `records` (every live event) and proposes merge clusters. Blocked by space
    /// and time; see the crate docs.
    pub fn clusters(&self, records: &[DedupRecord]) -> ScanReport {
        let n = records.len();
        let max_span = self.config.max_span_days;
        // Blocks, each split by date precision so that the time window of a scan is the
        // block's own (a day-precision block is scanned ±1 day, not ±a month): located
        // events by PRIO-GRID cell; every event also under its admin2 and admin1 keys
        // for the unlocated ones to search.
        let mut cells: HashMap<(u32, u8), Block> = HashMap::new();
        let mut admin2: HashMap<String, [Block; 5]> = HashMap::new();
        let mut admin1: HashMap<String, [Block; 5]> = HashMap::new();
        let mut names: HashMap<String, [Block; 5]> = HashMap::new();
        let mut cell_of: Vec<Option<u32>> = vec![None; n];
        let mut usable = vec![false; n];
        let key = |s: &Option<String>| {
            s.as_ref()
                .map(|x| x.trim().to_lowercase())
                .filter(|x| !x.is_empty())
        };
        let admin_keys = |r: &DedupRecord| {
            let a1 = key(&r.admin1);
            let a2 = a1
                .as_ref()
                .and_then(|a1| key(&r.admin2).map(|a2| format!("{a1}/{a2}")));
            (a1, a2)
        };
        let mut skipped = 0u64;
        for (i, r) in records.iter().enumerate() {
            let span = days_between(r.date_start, r.date_end);
            if span > max_span {
                skipped += 1;
                continue;
            }
            let cell = match (r.latitude, r.longitude) {
                (Some(la), Some(lo)) => priogrid_gid(la, lo),
                _ => None,
            };
            let (a1, a2) = admin_keys(r);
            let name = place_key(r);
            if cell.is_none() && a1.is_none() && name.is_none() {
                skipped += 1;
                continue;
            }
            usable[i] = true;
            cell_of[i] = cell;
            let p = prec_index(r.date_precision);
            if let Some(c) = cell {
                cells.entry((c, p)).or_default().push(i, span);
            }
            if let Some(k) = a2 {
                admin2.entry(k).or_default()[usize::from(p)].push(i, span);
            }
            if let Some(k) = a1 {
                admin1.entry(k).or_default()[usize::from(p)].push(i, span);
            }
            if let Some(k) = name {
                names.entry(k).or_default()[usize::from(p)].push(i, span);
            }
        }
        cells.values_mut().for_each(|b| b.sort(records));
        let interner = Interner::new(records, &self.families);
        let keys: Vec<ActorKeys<u32>> = records
            .iter()
            .map(|r| ActorKeys::of(r, |a| interner.key(a)))
            .collect();
        let score_pair = |i: usize, j: usize| {
            self.parts_with(&records[i], &records[j], || {
                match_actors(
                    &keys[i],
                    &keys[j],
                    |x, y| interner.related(*x, *y),
                    |k| interner.is_name(*k),
                )
            })
        };
        for blocks in admin2
            .values_mut()
            .chain(admin1.values_mut())
            .chain(names.values_mut())
        {
            blocks.iter_mut().for_each(|b| b.sort(records));
        }

        // The members of block `b` (of precision `bp`) whose dates can meet r's.
        let scan = |b: &Block, bp: u8, r: &DedupRecord, f: &mut dyn FnMut(usize)| {
            if b.items.is_empty() {
                return;
            }
            let tol =
                tolerance_days(r.date_precision).max(tolerance_days(PRECISIONS[usize::from(bp)]));
            let lo = r.date_start - chrono::Duration::days(tol + b.max_span);
            let hi = r.date_end + chrono::Duration::days(tol);
            let from = b.items.partition_point(|&j| records[j].date_start < lo);
            for &j in &b.items[from..] {
                if records[j].date_start > hi {
                    break;
                }
                f(j);
            }
        };

        let mut uf = UnionFind::new(n);
        let mut matched: Vec<PairScore> = Vec::new();
        let mut compared = 0u64;
        let mut unlocated_pairs: Vec<(usize, usize)> = Vec::new();
        for i in 0..n {
            if !usable[i] {
                continue;
            }
            let r = &records[i];
            let p = prec_index(r.date_precision);
            match cell_of[i] {
                Some(c) => {
                    // Own cell and the 8 around it, every precision; each pair once
                    // ((cell, precision) of j ≥ i's, and j > i within one block).
                    for dr in [-720i64, 0, 720] {
                        for dc in [-1i64, 0, 1] {
                            let Ok(nc) = u32::try_from(i64::from(c) + dr + dc) else {
                                continue;
                            };
                            for np in 0..5u8 {
                                if (nc, np) < (c, p) {
                                    continue;
                                }
                                let Some(b) = cells.get(&(nc, np)) else {
                                    continue;
                                };
                                let same_block = (nc, np) == (c, p);
                                scan(b, np, r, &mut |j| {
                                    if same_block && j <= i {
                                        return;
                                    }
                                    compared += 1;
                                    if let Some(pp) = score_pair(i, j) {
                                        if pp.score() >= self.config.threshold {
                                            uf.union(i, j);
                                            matched.push(PairScore {
                                                a: r.id,
                                                b: records[j].id,
                                                score: pp.score(),
                                                explanation: explain(r, &records[j], &pp),
                                                parts: pp,
                                            });
                                        }
                                    }
                                });
                            }
                        }
                    }
                }
                None => {
                    let (a1, a2) = admin_keys(r);
                    let blocks = match (&a2, &a1) {
                        (Some(k), _) => admin2.get(k),
                        (None, Some(k)) => admin1.get(k),
                        _ => None,
                    };
                    // The same place name, located or not, meets it too.
                    let by_name = place_key(r).and_then(|k| names.get(&k));
                    for blocks in blocks.into_iter().chain(by_name) {
                        for (bp, b) in (0u8..).zip(blocks.iter()) {
                            scan(b, bp, r, &mut |j| {
                                if j != i {
                                    unlocated_pairs.push((i.min(j), i.max(j)));
                                }
                            });
                        }
                    }
                }
            }
        }
        unlocated_pairs.sort_unstable();
        unlocated_pairs.dedup();
        for (i, j) in unlocated_pairs {
            compared += 1;
            if let Some(p) = score_pair(i, j) {
                if p.score() >= self.config.threshold {
                    uf.union(i, j);
                    matched.push(PairScore {
                        a: records[i].id,
                        b: records[j].id,
                        score: p.score(),
                        explanation: explain(&records[i], &records[j], &p),
                        parts: p,
                    });
                }
            }
        }

        // Group into clusters.
        let index: HashMap<Uuid, usize> =
            records.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut groups: HashMap<usize, Cluster> = HashMap::new();
        let pairs_matched = matched.len() as u64;
        for p in matched {
            let Some(&i) = index.get(&p.a) else { continue };
            let root = uf.find(i);
            groups
                .entry(root)
                .or_insert_with(|| Cluster {
                    members: Vec::new(),
                    pairs: Vec::new(),
                })
                .pairs
                .push(p);
        }
        let mut clusters: Vec<Cluster> = groups
            .into_values()
            .map(|mut c| {
                let mut m: Vec<Uuid> = c.pairs.iter().flat_map(|p| [p.a, p.b]).collect();
                m.sort_unstable();
                m.dedup();
                c.members = m;
                c.pairs.sort_by(|x, y| {
                    y.score
                        .total_cmp(&x.score)
                        .then_with(|| (x.a, x.b).cmp(&(y.a, y.b)))
                });
                c
            })
            .collect();
        clusters.sort_by(|x, y| {
            y.members
                .len()
                .cmp(&x.members.len())
                .then_with(|| x.members.first().cmp(&y.members.first()))
        });
        ScanReport {
            events: n as u64,
            skipped,
            pairs_compared: compared,
            pairs_matched,
            clusters,
        }
    }
}

/// The actor keys of one event: its perpetrators' and all its actors', sorted and
/// distinct, generic actors left out.
#[derive(Debug, Clone)]
struct ActorKeys<K> {
    perp: Vec<K>,
    all: Vec<K>,
}

impl<K: Ord + Clone> ActorKeys<K> {
    fn of(r: &DedupRecord, key: impl Fn(&DedupActor) -> Option<K>) -> Self {
        let mut perp = Vec::new();
        let mut all = Vec::new();
        for a in &r.actors {
            if let Some(k) = key(a) {
                if a.role == ActorRole::Perpetrator {
                    perp.push(k.clone());
                }
                all.push(k);
            }
        }
        perp.sort();
        perp.dedup();
        all.sort();
        all.dedup();
        ActorKeys { perp, all }
    }
}

/// How two events' actors compare: perpetrators when both name some, else every actor.
/// Returns the part (0–1), the kind of match and whether perpetrators were compared.
fn match_actors<K: PartialEq>(
    a: &ActorKeys<K>,
    b: &ActorKeys<K>,
    related: impl Fn(&K, &K) -> bool,
    is_name: impl Fn(&K) -> bool,
) -> (f64, ActorMatch, bool) {
    let perps = !a.perp.is_empty() && !b.perp.is_empty();
    let (sa, sb) = if perps {
        (&a.perp, &b.perp)
    } else {
        (&a.all, &b.all)
    };
    if sa.is_empty() || sb.is_empty() {
        return (0.5, ActorMatch::Unknown, perps);
    }
    if sa == sb {
        return (1.0, ActorMatch::Same, perps);
    }
    let has_rel = |x: &K, other: &[K]| other.iter().any(|y| related(x, y));
    if sa.iter().all(|x| has_rel(x, sb)) || sb.iter().all(|y| has_rel(y, sa)) {
        return (0.8, ActorMatch::Family, perps);
    }
    if sa.iter().any(|x| has_rel(x, sb)) {
        return (0.3, ActorMatch::Partial, perps);
    }
    // Only unresolved names on one side: not evidence against.
    let resolved = |s: &[K]| s.iter().any(|k| !is_name(k));
    if !resolved(sa) || !resolved(sb) {
        return (0.5, ActorMatch::Unknown, perps);
    }
    (0.0, ActorMatch::Different, perps)
}

/// Actor keys as small integers for the scan, with each one's family.
struct Interner {
    ids: HashMap<String, u32>,
    is_name: Vec<bool>,
    family: Vec<Vec<u32>>,
}

impl Interner {
    fn new(records: &[DedupRecord], families: &Families) -> Self {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        for a in records.iter().flat_map(|r| r.actors.iter()) {
            if let Some(k) = actor_key(a) {
                if !ids.contains_key(&k) {
                    let n = u32::try_from(names.len()).unwrap_or(u32::MAX);
                    ids.insert(k.clone(), n);
                    names.push(k);
                }
            }
        }
        let is_name = names.iter().map(|k| k.starts_with("name:")).collect();
        let family = names
            .iter()
            .map(|k| {
                let mut f: Vec<u32> = families
                    .family
                    .get(k)
                    .map(|set| set.iter().filter_map(|m| ids.get(m).copied()).collect())
                    .unwrap_or_default();
                f.sort_unstable();
                f
            })
            .collect();
        Interner {
            ids,
            is_name,
            family,
        }
    }

    fn key(&self, a: &DedupActor) -> Option<u32> {
        actor_key(a).and_then(|k| self.ids.get(&k).copied())
    }

    fn is_name(&self, k: u32) -> bool {
        self.is_name.get(k as usize).copied().unwrap_or(false)
    }

    fn related(&self, a: u32, b: u32) -> bool {
        let has = |x: u32, y: u32| {
            self.family
                .get(x as usize)
                .is_some_and(|f| f.binary_search(&y).is_ok())
        };
        a == b || has(a, b) || has(b, a)
    }
}

/// The date precisions, in block order.
const PRECISIONS: [DatePrecision; 5] = [
    DatePrecision::Day,
    DatePrecision::Days,
    DatePrecision::Week,
    DatePrecision::Month,
    DatePrecision::Year,
];

fn prec_index(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Days => 1,
        DatePrecision::Week => 2,
        DatePrecision::Month => 3,
        DatePrecision::Year => 4,
    }
}

/// The events of one space block and date precision, sorted by start day, with the
/// longest date range among them.
#[derive(Debug, Default)]
struct Block {
    items: Vec<usize>,
    max_span: i64,
}

impl Block {
    fn push(&mut self, i: usize, span: i64) {
        self.items.push(i);
        self.max_span = self.max_span.max(span);
    }

    fn sort(&mut self, records: &[DedupRecord]) {
        self.items.sort_by_key(|&i| (records[i].date_start, i));
    }
}

/// The plain-language explanation of a comparison.
pub fn explain(a: &DedupRecord, b: &DedupRecord, p: &Parts) -> String {
    let mut out: Vec<String> = Vec::new();
    out.push(if p.same_day {
        "same day".to_string()
    } else if p.gap_days == 0 {
        "overlapping dates".to_string()
    } else if p.gap_days == 1 {
        "same day ±1".to_string()
    } else {
        format!("{} days apart", p.gap_days)
    });
    match (p.km, &p.shared_admin) {
        (Some(d), _) if d < 1.0 => out.push("same place".into()),
        (Some(d), _) => out.push(format!("{d:.0} km apart")),
        (None, Some(s)) => out.push(format!("same {s}, no coordinates")),
        (None, None) => {}
    }
    out.push(if a.sub_event_type == b.sub_event_type {
        format!("both {}", a.sub_event_type.label())
    } else if a.event_type == b.event_type {
        format!(
            "both {} ({} vs {})",
            a.event_type.label(),
            a.sub_event_type.label(),
            b.sub_event_type.label()
        )
    } else {
        format!(
            "{} vs {}",
            a.sub_event_type.label(),
            b.sub_event_type.label()
        )
    });
    out.push(if a.killed_best == 0 && b.killed_best == 0 {
        "no deaths reported".into()
    } else {
        format!("killed {} vs {}", a.killed_best, b.killed_best)
    });
    let who = if p.perpetrators {
        "perpetrator"
    } else {
        "actors"
    };
    out.push(match p.actor_match {
        ActorMatch::Same if p.perpetrators => "same perpetrator".into(),
        ActorMatch::Same => "same actors".into(),
        ActorMatch::Family => format!("same {who} family"),
        ActorMatch::Unknown => format!("{who} unknown on one side"),
        ActorMatch::Partial => format!("{who} partly different"),
        ActorMatch::Different => format!("different {who}"),
    });
    out.join(", ")
}

/// Disjoint sets over `0..n` (path halving, union by size).
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        self.size[ra] += self.size[rb];
    }
}

/// Page size when reading the store's slim projection.
const STORE_PAGE: u64 = 50_000;

/// What [`store_candidates`] found: the day window searched, the live events in it (the
/// pool scored against the target) and the candidates, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreCandidates {
    /// The days searched ([`Dedup::window`] of the target).
    pub window: (NaiveDate, NaiveDate),
    /// Every live event whose dates overlap the window.
    pub pool: Vec<DedupRecord>,
    /// The pool's events scoring at least `config.threshold`, best first, at most `limit`.
    pub candidates: Vec<PairScore>,
}

/// The likely duplicates of `target` (an event or a draft's proposed event) among the
/// live events of `store`: reads the events whose dates can meet the target's, builds the
/// actor families of all of them from `registry`, and ranks them with
/// [`Dedup::candidates`]. The one path the CLI and the server share. Records are not
/// filtered by sensitivity here: a caller that serves people filters the candidates.
pub async fn store_candidates(
    store: &dyn veille_store::Store,
    registry: &Registry,
    target: &DedupRecord,
    config: DedupConfig,
    limit: usize,
) -> Result<StoreCandidates, veille_store::StoreError> {
    let window = Dedup::new(config, Families::none()).window(target);
    let mut pool: Vec<DedupRecord> = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .dedup_records(&veille_store::DedupQuery {
                after,
                limit: Some(STORE_PAGE),
                date_from: Some(window.0),
                date_to: Some(window.1),
            })
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let n = page.len() as u64;
        pool.extend(page);
        if n < STORE_PAGE {
            break;
        }
    }
    let mut ids = Families::ids_of(&pool);
    ids.extend(Families::ids_of(std::slice::from_ref(target)));
    let scorer = Dedup::new(
        config,
        Families::from_registry(registry, ids.iter().map(String::as_str)),
    );
    let candidates = scorer.candidates(target, &pool, config.threshold, limit);
    Ok(StoreCandidates {
        window,
        pool,
        candidates,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use veille_model::SubEventType;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, d).unwrap()
    }

    fn actor(id: Option<&str>, name: &str, role: ActorRole) -> DedupActor {
        DedupActor {
            actor_id: id.map(str::to_string),
            name: name.into(),
            role,
        }
    }

    /// Unlocated reports of one place (a report, an SMS) meet on the place name, folded
    /// and without a descriptor; different names with nothing else in common do not.
    #[test]
    fn unlocated_records_meet_on_the_place_name() {
        let d = Dedup::new(DedupConfig::default(), Families::none());
        let mut a = rec(1);
        let mut b = rec(2);
        for r in [&mut a, &mut b] {
            r.latitude = None;
            r.longitude = None;
            r.admin2 = None;
        }
        a.admin1 = None;
        a.place_name = Some("Bouka Were".into());
        b.place_name = Some("bouka weré village".into());
        let p = d.compare(&a, &b).unwrap();
        assert!(p.score >= DedupConfig::default().threshold, "{p:?}");
        assert!(
            p.explanation
                .contains("same place Bouka Were, no coordinates"),
            "{}",
            p.explanation
        );
        // The whole-database scan finds the pair too (by the name block).
        let report = d.clusters(&[a.clone(), b.clone()]);
        assert_eq!(report.clusters.len(), 1, "{report:?}");
        b.place_name = Some("Dioura".into());
        assert!(
            d.compare(&a, &b).is_none(),
            "different places, no common admin unit"
        );
    }

    /// Bouka Were, 13 June 2020, armed clash, 24 killed, JNIM.
    fn rec(n: u128) -> DedupRecord {
        DedupRecord {
            id: Uuid::from_u128(n),
            date_start: day(6, 13),
            date_end: day(6, 13),
            date_precision: DatePrecision::Day,
            latitude: Some(14.50),
            longitude: Some(-5.90),
            admin1: Some("Ségou".into()),
            admin2: Some("Niono".into()),
            place_name: None,
            event_type: EventType::Battles,
            sub_event_type: SubEventType::ArmedClash,
            killed_best: 24,
            actors: vec![actor(Some("jnim"), "JNIM", ActorRole::Perpetrator)],
            datasets: Vec::new(),
        }
    }

    fn registry() -> Registry {
        Registry::load_shipped().unwrap()
    }

    fn dedup_with(records: &[DedupRecord]) -> Dedup {
        let reg = registry();
        let ids = Families::ids_of(records);
        Dedup::new(
            DedupConfig::default(),
            Families::from_registry(&reg, ids.iter().map(String::as_str)),
        )
    }

    #[test]
    fn explains_like_an_analyst() {
        let a = rec(1);
        let mut b = rec(2);
        b.date_start = day(6, 14);
        b.date_end = day(6, 14);
        // ~3 km north.
        b.latitude = Some(14.527);
        b.actors = vec![actor(
            Some("katiba-macina"),
            "Katiba Macina",
            ActorRole::Perpetrator,
        )];
        let d = dedup_with(&[a.clone(), b.clone()]);
        let p = d.compare(&a, &b).unwrap();
        assert_eq!(
            p.explanation,
            "same day ±1, 3 km apart, both Armed clash, killed 24 vs 24, same perpetrator family"
        );
        assert!(p.score >= d.config.threshold, "{}", p.score);
        // Without the registry the two groups are just different perpetrators.
        let plain = Dedup::default().compare(&a, &b).unwrap();
        assert!(
            plain.explanation.ends_with("different perpetrator"),
            "{}",
            plain.explanation
        );
        assert!(plain.score < p.score);
    }

    #[test]
    fn gates_on_date_and_distance() {
        let d = Dedup::default();
        let a = rec(1);
        let mut far_day = rec(2);
        far_day.date_start = day(6, 15);
        far_day.date_end = day(6, 15);
        assert!(
            d.compare(&a, &far_day).is_none(),
            "two days apart at day precision"
        );
        // A week-precision report stretches the tolerance to 4 days.
        far_day.date_precision = DatePrecision::Week;
        let p = d.compare(&a, &far_day).unwrap();
        assert!(
            p.explanation.starts_with("2 days apart"),
            "{}",
            p.explanation
        );
        let mut far = rec(3);
        far.latitude = Some(15.1); // ~67 km north
        assert!(d.compare(&a, &far).is_none());
        // No coordinates: same cercle counts, another cercle does not.
        let mut unlocated = rec(4);
        unlocated.latitude = None;
        unlocated.longitude = None;
        let p = d.compare(&a, &unlocated).unwrap();
        assert!(
            p.explanation.contains("same cercle Niono, no coordinates"),
            "{}",
            p.explanation
        );
        unlocated.admin2 = Some("Macina".into());
        assert!(d.compare(&a, &unlocated).is_none());
    }

    #[test]
    fn types_casualties_and_actors_weigh_in() {
        let d = dedup_with(&[rec(1)]);
        let a = rec(1);
        let same = d.compare(&a, &rec(2)).unwrap();
        assert!((same.score - 1.0).abs() < 1e-9, "{}", same.score);
        assert_eq!(
            same.explanation,
            "same day, same place, both Armed clash, killed 24 vs 24, same perpetrator"
        );
        let mut protest = rec(3);
        protest.event_type = EventType::Protests;
        protest.sub_event_type = SubEventType::PeacefulProtest;
        protest.killed_best = 0;
        let p = d.compare(&a, &protest).unwrap();
        assert_eq!(p.parts.kind, 0.0);
        assert!(p.score < d.config.threshold);
        assert!(
            p.explanation.contains("Armed clash vs Peaceful protest"),
            "{}",
            p.explanation
        );
        let mut attack = rec(4);
        attack.event_type = EventType::ViolenceAgainstCivilians;
        attack.sub_event_type = SubEventType::Attack;
        attack.killed_best = 12;
        let p = d.compare(&a, &attack).unwrap();
        assert_eq!(p.parts.kind, 0.4);
        assert_eq!(p.parts.killed, 0.5);
        // Generic "unidentified" perpetrators are neither for nor against.
        let mut unknown = rec(5);
        unknown.actors = vec![actor(
            Some(veille_actors::UNIDENTIFIED),
            "HANI",
            ActorRole::Perpetrator,
        )];
        let p = d.compare(&a, &unknown).unwrap();
        assert_eq!(p.parts.actor_match, ActorMatch::Unknown);
        let mut state = rec(6);
        state.actors = vec![actor(Some("fama"), "FAMa", ActorRole::Perpetrator)];
        let p = d.compare(&a, &state).unwrap();
        assert_eq!(p.parts.actor_match, ActorMatch::Different);
        assert!(p.explanation.ends_with("different perpetrator"));
    }

    #[test]
    fn clusters_block_and_union() {
        // Three reports of one incident (one without coordinates), one distinct incident
        // nearby a week later, one far away the same day, one too vague to scan.
        let a = rec(1);
        let mut b = rec(2);
        b.latitude = Some(14.52);
        let mut c = rec(3);
        c.latitude = None;
        c.longitude = None;
        let mut later = rec(4);
        later.date_start = day(6, 20);
        later.date_end = day(6, 20);
        let mut far = rec(5);
        far.latitude = Some(16.3);
        far.longitude = Some(-3.0);
        far.admin1 = Some("Tombouctou".into());
        far.admin2 = Some("Goundam".into());
        let mut vague = rec(6);
        vague.date_precision = DatePrecision::Year;
        vague.date_start = day(1, 1);
        vague.date_end = day(12, 31);
        let records = vec![a, b, c, later, far, vague];
        let d = dedup_with(&records);
        let rep = d.clusters(&records);
        assert_eq!(rep.events, 6);
        assert_eq!(rep.skipped, 1);
        assert_eq!(rep.clusters.len(), 1);
        let ids: Vec<u128> = rep.clusters[0]
            .members
            .iter()
            .map(|u| u.as_u128())
            .collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(rep.pairs_matched, 3);
        // Blocking: the far event is never compared; fewer than all 10 usable pairs.
        assert!(rep.pairs_compared < 10, "{}", rep.pairs_compared);
        // The same answer whatever the input order.
        let mut rev = records.clone();
        rev.reverse();
        let rep2 = d.clusters(&rev);
        assert_eq!(rep2.clusters[0].members, rep.clusters[0].members);
    }

    #[test]
    fn blocking_finds_what_all_pairs_finds() {
        // A grid of events across cell borders and days: the blocked scan must match a
        // brute-force comparison of every pair.
        let mut records = Vec::new();
        for n in 0..300u128 {
            let mut r = rec(n + 1);
            let k = n as f64;
            r.latitude = Some(14.0 + (k * 0.37) % 1.5);
            r.longitude = Some(-6.0 + (k * 0.53) % 1.5);
            r.date_start = day(6, 1) + chrono::Duration::days((n % 11) as i64);
            r.date_end = r.date_start;
            if n % 7 == 0 {
                r.latitude = None;
                r.longitude = None;
                r.admin2 = Some(["Niono", "Macina", "Ségou"][(n % 3) as usize].into());
            }
            // Place names, some shared across admin units and with located events; some
            // unlocated events with a name and no admin unit at all.
            r.place_name =
                Some(["Diabaly", "Dogofry", "Sokolo village", "Siribala"][(n % 4) as usize].into());
            if n % 17 == 0 {
                r.latitude = None;
                r.longitude = None;
                r.admin1 = None;
                r.admin2 = None;
            }
            if n % 13 == 0 {
                r.date_precision = DatePrecision::Month;
                r.date_end = r.date_start + chrono::Duration::days(29);
            }
            // Actors of every kind: family, rival, unresolved, generic, none.
            let perp = |id: Option<&str>, name: &str| actor(id, name, ActorRole::Perpetrator);
            r.actors = match n % 6 {
                0 => vec![perp(Some("katiba-macina"), "Katiba Macina")],
                1 => vec![perp(Some("fama"), "FAMa")],
                2 => vec![perp(None, "bandits armés")],
                3 => vec![perp(Some(veille_actors::UNIDENTIFIED), "HANI")],
                4 => Vec::new(),
                _ => r.actors.clone(),
            };
            if n % 4 == 0 {
                r.actors
                    .push(actor(Some("civilians"), "Civilians", ActorRole::Target));
            }
            r.killed_best = (n % 5) as u32 * 3;
            records.push(r);
        }
        let d = dedup_with(&records);
        let rep = d.clusters(&records);
        let mut want = Vec::new();
        for i in 0..records.len() {
            for j in i + 1..records.len() {
                if let Some(p) = d.compare(&records[i], &records[j]) {
                    if p.score >= d.config.threshold {
                        want.push((p.a.min(p.b), p.a.max(p.b), (p.score * 1e9).round() as i64));
                    }
                }
            }
        }
        want.sort();
        // Same pairs with the same scores (explanations read from the first event's side).
        let mut got: Vec<(Uuid, Uuid, i64)> = rep
            .clusters
            .iter()
            .flat_map(|c| c.pairs.iter())
            .map(|p| (p.a.min(p.b), p.a.max(p.b), (p.score * 1e9).round() as i64))
            .collect();
        got.sort();
        assert!(
            want.len() > 10,
            "the fixture must produce matches: {}",
            want.len()
        );
        assert_eq!(got, want);
        assert_eq!(rep.pairs_matched, want.len() as u64);
        assert!(
            rep.pairs_compared < (300 * 299 / 2),
            "{}",
            rep.pairs_compared
        );
    }

    #[test]
    fn one_dataset_never_lists_an_incident_twice() {
        let mut a = rec(1);
        let mut b = rec(2);
        a.datasets = vec!["ged".into()];
        b.datasets = vec!["acled".into(), "ged".into()];
        assert!(Dedup::default().compare(&a, &b).is_none());
        b.datasets = vec!["acled".into()];
        assert!(Dedup::default().compare(&a, &b).is_some());
        b.datasets = vec!["ged".into()];
        let off = Dedup::new(
            DedupConfig {
                same_dataset_distinct: false,
                ..DedupConfig::default()
            },
            Families::none(),
        );
        assert!(off.compare(&a, &b).is_some());
    }

    #[test]
    fn candidates_rank_best_first() {
        let d = Dedup::default();
        let target = rec(1);
        let mut near = rec(2);
        near.latitude = Some(14.6);
        let mut worse = rec(3);
        worse.killed_best = 3;
        worse.latitude = Some(14.6);
        let pool = vec![target.clone(), worse, near];
        let c = d.candidates(&target, &pool, 0.0, 10);
        let ids: Vec<u128> = c.iter().map(|p| p.b.as_u128()).collect();
        assert_eq!(ids, [2, 3]);
        assert_eq!(d.candidates(&target, &pool, 0.0, 1).len(), 1);
        assert!(d.candidates(&target, &pool, 0.99, 10).is_empty());
    }
}
