//! Queries over time: who was X on date D, the genealogy of X, the family of X.
//!
//! **Family.** The family of X over a date range is the set of actors whose events count as
//! X's, each with the (inclusive) interval in which they count:
//! - X itself, always;
//! - a member of X (`member_of X`) while the membership holds;
//! - a group that merged into X or was renamed X, from that day on (events still filed
//!   under the old name are X's);
//! - recursively, the family of each of those within their interval;
//! - with `include_predecessors`, also each of those groups *before* it joined, merged
//!   into or became X (e.g. Al-Mourabitoun before March 2017 for JNIM).
//!
//! Splinters (`split_from`) are never family: they are genealogy only.

use crate::error::RegistryError;
use crate::model::{fmt_interval, within, ActorId, Designation, Relation, RelationKind};
use crate::registry::Registry;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// An inclusive date interval; `None` ends are open.
pub type Span = (Option<NaiveDate>, Option<NaiveDate>);

/// A family row: `(actor_id, valid_from, valid_to)`, inclusive, `None` = open.
pub type FamilyRow = (ActorId, Option<NaiveDate>, Option<NaiveDate>);

/// One actor of a family, with the interval in which its events count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// The actor.
    pub actor_id: ActorId,
    /// First day its events count (inclusive); `None` = open.
    pub valid_from: Option<NaiveDate>,
    /// Last day its events count (inclusive); `None` = open.
    pub valid_to: Option<NaiveDate>,
    /// True when this interval counts only because predecessors were asked for.
    pub predecessor: bool,
    /// How it is related to the root, e.g. "katiba-macina member_of jnim".
    pub via: String,
}

fn intersect(a: Span, b: Span) -> Option<Span> {
    let from = match (a.0, b.0) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    };
    let to = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    };
    match (from, to) {
        (Some(f), Some(t)) if t < f => None,
        _ => Some((from, to)),
    }
}

/// Who an actor was on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoWas {
    /// The actor.
    pub actor_id: ActorId,
    /// Canonical name.
    pub canonical_name: String,
    /// The date asked about.
    pub date: NaiveDate,
    /// The name in use that day: a dated name when one applies (e.g. "Islamic State Sahel
    /// Province" from March 2022), else the canonical name.
    pub name_on_date: String,
    /// Whether the actor was active that day (unknown bounds count as active).
    pub active: bool,
    /// What it was that day, in words: "active", "not yet formed (…)", "merged into … on …".
    pub status: String,
    /// Relations of the actor that held that day (memberships first).
    pub memberships: Vec<Relation>,
    /// Its members that day.
    pub members: Vec<Relation>,
    /// Other relations that held that day (alliances, rivalries, fighting, operating with).
    pub alignments: Vec<Relation>,
    /// Designations that held that day.
    pub designations: Vec<Designation>,
}

/// A node of a genealogy tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenealogyNode {
    /// The actor.
    pub actor_id: ActorId,
    /// Its canonical name.
    pub name: String,
    /// How this node relates to its parent in the tree (e.g. "merged_into", "member_of",
    /// "split_from"), empty for the root.
    pub relation: String,
    /// The relation's validity.
    pub valid_from: Option<NaiveDate>,
    /// The relation's end.
    pub valid_to: Option<NaiveDate>,
    /// The actor's active period.
    pub active: String,
    /// True when this actor already appears higher in the tree (children not repeated).
    pub repeated: bool,
    /// Its own antecedents.
    pub children: Vec<GenealogyNode>,
}

/// One dated entry of a genealogy timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The date (`None` when undated).
    pub date: Option<NaiveDate>,
    /// What happened.
    pub text: String,
    /// Its source.
    pub source: String,
}

/// The genealogy of an actor: its antecedents as a tree, what it became, and a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Genealogy {
    /// The tree of antecedents (members, merged and renamed groups, split origins).
    pub tree: GenealogyNode,
    /// What the root became or joined (member_of, merged_into, renamed_to) and its
    /// splinters.
    pub successors: Vec<Relation>,
    /// Every dated genealogical fact in the tree, in date order.
    pub timeline: Vec<TimelineEntry>,
}

impl Registry {
    fn need(&self, id: &str) -> Result<usize, RegistryError> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| RegistryError::UnknownActor {
                id: id.to_string(),
                context: "query".into(),
            })
    }

    /// The family of `root` within `range`, merged per actor. See the module docs.
    pub fn family(
        &self,
        root: &str,
        range: Span,
        include_predecessors: bool,
    ) -> Result<Vec<FamilyMember>, RegistryError> {
        let ri = self.need(root)?;
        let mut raw: Vec<(usize, Span, bool, String)> = vec![(ri, range, false, String::new())];
        self.collect_family(ri, range, include_predecessors, false, 0, &mut raw);
        // Merge overlapping or adjacent intervals per (actor, predecessor flag).
        let mut per: BTreeMap<(String, bool), Vec<(Span, String)>> = BTreeMap::new();
        for (ai, span, pred, via) in raw {
            per.entry((self.actors[ai].id.clone(), pred))
                .or_default()
                .push((span, via));
        }
        let mut out = Vec::new();
        for ((id, pred), mut spans) in per {
            spans.sort_by_key(|(s, _)| (s.0.is_some(), s.0));
            let mut merged: Vec<(Span, String)> = Vec::new();
            for (s, via) in spans {
                if let Some(last) = merged.last_mut() {
                    let adjacent = match (last.0 .1, s.0) {
                        (None, _) | (_, None) => true,
                        (Some(e), Some(f)) => f <= e.succ_opt().unwrap_or(e),
                    };
                    if adjacent {
                        last.0 .1 = match (last.0 .1, s.1) {
                            (None, _) | (_, None) => None,
                            (Some(a), Some(b)) => Some(a.max(b)),
                        };
                        continue;
                    }
                }
                merged.push((s, via));
            }
            for (s, via) in merged {
                out.push(FamilyMember {
                    actor_id: id.clone(),
                    valid_from: s.0,
                    valid_to: s.1,
                    predecessor: pred,
                    via,
                });
            }
        }
        // Root first, then by id and start.
        out.sort_by(|a, b| {
            (a.actor_id != root, &a.actor_id, a.valid_from).cmp(&(
                b.actor_id != root,
                &b.actor_id,
                b.valid_from,
            ))
        });
        Ok(out)
    }

    fn collect_family(
        &self,
        node: usize,
        range: Span,
        preds: bool,
        as_pred: bool,
        depth: usize,
        out: &mut Vec<(usize, Span, bool, String)>,
    ) {
        if depth > 32 {
            return;
        }
        for &rj in &self.in_rel[node] {
            let r = &self.relations[rj];
            let member_span: Span = match r.kind {
                RelationKind::MemberOf => (r.valid_from, r.valid_to),
                RelationKind::MergedInto | RelationKind::RenamedTo => (r.valid_from, None),
                _ => continue,
            };
            let Some(&ai) = self.by_id.get(&r.from) else {
                continue;
            };
            let via = r.describe();
            if let Some(s) = intersect(range, member_span) {
                out.push((ai, s, as_pred, via.clone()));
                self.collect_family(ai, s, preds, as_pred, depth + 1, out);
            }
            if preds {
                if let Some(start) = r.valid_from {
                    let before: Span = (None, start.pred_opt());
                    if let Some(s) = intersect(range, before) {
                        out.push((ai, s, true, format!("predecessor: {via}")));
                        self.collect_family(ai, s, preds, true, depth + 1, out);
                    }
                }
            }
        }
    }

    /// The family of `root` as `(actor_id, valid_from, valid_to)` rows, inclusive and with
    /// `None` for open ends: what a store turns into one SQL query, e.g.
    /// `… WHERE (actor_id = ?1 AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3))
    /// OR …` (or a join against a temporary table of these rows).
    pub fn family_ids(
        &self,
        root: &str,
        date_range: Span,
        include_predecessors: bool,
    ) -> Result<Vec<FamilyRow>, RegistryError> {
        let fam = self.family(root, date_range, include_predecessors)?;
        let mut rows: Vec<FamilyRow> = Vec::new();
        for m in fam {
            // Collapse the predecessor flag: adjacent intervals of one actor become one row.
            if let Some(last) = rows.iter_mut().rev().find(|r| r.0 == m.actor_id) {
                let touches = match (last.2, m.valid_from) {
                    (None, _) | (_, None) => true,
                    (Some(e), Some(f)) => f <= e.succ_opt().unwrap_or(e),
                };
                if touches
                    && last
                        .1
                        .is_none_or(|lf| m.valid_from.is_some_and(|f| f >= lf))
                {
                    last.2 = match (last.2, m.valid_to) {
                        (None, _) | (_, None) => None,
                        (Some(a), Some(b)) => Some(a.max(b)),
                    };
                    continue;
                }
            }
            rows.push((m.actor_id, m.valid_from, m.valid_to));
        }
        rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        Ok(rows)
    }

    /// The family of `root` on one day (no predecessors): the actor ids.
    pub fn family_as_of(&self, root: &str, date: NaiveDate) -> Result<Vec<ActorId>, RegistryError> {
        let mut ids: Vec<ActorId> = self
            .family(root, (Some(date), Some(date)), false)?
            .into_iter()
            .map(|m| m.actor_id)
            .collect();
        ids.dedup();
        Ok(ids)
    }

    /// Whether an event of `actor` on `date` counts in the family of `root`.
    pub fn in_family(
        &self,
        root: &str,
        actor: &str,
        date: NaiveDate,
        include_predecessors: bool,
    ) -> Result<bool, RegistryError> {
        Ok(self
            .family(root, (Some(date), Some(date)), include_predecessors)?
            .iter()
            .any(|m| m.actor_id == actor && within(date, m.valid_from, m.valid_to)))
    }

    /// Who `id` was on `date`: name in use, status, memberships, alignments, designations.
    pub fn who_was(&self, id: &str, date: NaiveDate) -> Result<WhoWas, RegistryError> {
        let i = self.need(id)?;
        let a = &self.actors[i];
        // A dated name that applies wins over the canonical name (latest start first).
        let name_on_date = a
            .aliases
            .iter()
            .filter(|al| al.valid_from.is_some() && within(date, al.valid_from, al.valid_to))
            .filter(|al| {
                !matches!(
                    al.kind,
                    crate::model::AliasKind::Acronym | crate::model::AliasKind::Misspelling
                ) && al.lang == crate::model::Lang::En
            })
            .min_by_key(|al| std::cmp::Reverse(al.valid_from))
            .map_or_else(|| a.name.clone(), |al| al.text.clone());
        let active = a.active_on(date);
        let outs: Vec<&Relation> = self.out_rel[i]
            .iter()
            .map(|&r| &self.relations[r])
            .collect();
        let ins: Vec<&Relation> = self.in_rel[i].iter().map(|&r| &self.relations[r]).collect();
        let name_of = |id: &str| {
            self.get(id)
                .map_or_else(|| id.to_string(), |x| x.name.clone())
        };
        let status = if active {
            "active".to_string()
        } else if a.active_from.is_some_and(|f| date < f) {
            format!(
                "not yet formed (active from {})",
                a.active_from.map(|d| d.to_string()).unwrap_or_default()
            )
        } else if let Some(r) = outs.iter().find(|r| {
            matches!(r.kind, RelationKind::MergedInto | RelationKind::RenamedTo)
                && r.valid_from.is_some_and(|f| f <= date)
        }) {
            let verb = if r.kind == RelationKind::RenamedTo {
                "renamed"
            } else {
                "merged into"
            };
            format!(
                "{verb} {} on {}",
                name_of(&r.to),
                r.valid_from.map(|d| d.to_string()).unwrap_or_default()
            )
        } else {
            format!(
                "no longer active (active until {})",
                a.active_to.map(|d| d.to_string()).unwrap_or_default()
            )
        };
        let holds = |r: &&&Relation| r.holds_on(date);
        let memberships = outs
            .iter()
            .filter(holds)
            .filter(|r| r.kind == RelationKind::MemberOf)
            .map(|r| (*r).clone())
            .collect();
        let members = ins
            .iter()
            .filter(holds)
            .filter(|r| r.kind == RelationKind::MemberOf)
            .map(|r| (*r).clone())
            .collect();
        let alignments = outs
            .iter()
            .chain(ins.iter())
            .filter(holds)
            .filter(|r| !r.kind.is_genealogical())
            .map(|r| (*r).clone())
            .collect();
        let designations = self
            .designations
            .iter()
            .filter(|d| d.actor == a.id && d.holds_on(date))
            .cloned()
            .collect();
        Ok(WhoWas {
            actor_id: a.id.clone(),
            canonical_name: a.name.clone(),
            date,
            name_on_date,
            active,
            status,
            memberships,
            members,
            alignments,
            designations,
        })
    }

    /// The genealogy of `id`: antecedents as a tree, successors, and a dated timeline.
    pub fn genealogy(&self, id: &str) -> Result<Genealogy, RegistryError> {
        let i = self.need(id)?;
        let mut seen = HashSet::new();
        let mut timeline_rel: Vec<usize> = Vec::new();
        let tree = self.genealogy_node(i, None, &mut seen, &mut timeline_rel, 0);
        let mut successors = Vec::new();
        for &rj in &self.out_rel[i] {
            let r = &self.relations[rj];
            if matches!(
                r.kind,
                RelationKind::MemberOf | RelationKind::MergedInto | RelationKind::RenamedTo
            ) {
                successors.push(r.clone());
                timeline_rel.push(rj);
            }
        }
        for &rj in &self.in_rel[i] {
            let r = &self.relations[rj];
            if r.kind == RelationKind::SplitFrom {
                successors.push(r.clone());
                timeline_rel.push(rj);
            }
        }
        timeline_rel.sort_unstable();
        timeline_rel.dedup();
        let name_of = |id: &str| {
            self.get(id)
                .map_or_else(|| id.to_string(), |x| x.name.clone())
        };
        let mut timeline: Vec<TimelineEntry> = timeline_rel
            .iter()
            .map(|&rj| {
                let r = &self.relations[rj];
                let verb = match r.kind {
                    RelationKind::MemberOf => "joins / is part of",
                    RelationKind::MergedInto => "merges into",
                    RelationKind::SplitFrom => "splits from",
                    RelationKind::RenamedTo => "is renamed",
                    _ => r.kind.code(),
                };
                let until = r
                    .valid_to
                    .map(|t| format!(" (until {t})"))
                    .unwrap_or_default();
                TimelineEntry {
                    date: r.valid_from,
                    text: format!("{} {verb} {}{until}", name_of(&r.from), name_of(&r.to)),
                    source: r.source.clone(),
                }
            })
            .collect();
        for &ai in &seen {
            let a = &self.actors[ai];
            if let Some(f) = a.active_from {
                timeline.push(TimelineEntry {
                    date: Some(f),
                    text: format!("{} active from", a.name),
                    source: a.source.clone(),
                });
            }
        }
        timeline.sort_by(|a, b| {
            (a.date.is_none(), a.date, &a.text).cmp(&(b.date.is_none(), b.date, &b.text))
        });
        Ok(Genealogy {
            tree,
            successors,
            timeline,
        })
    }

    fn genealogy_node(
        &self,
        i: usize,
        via: Option<&Relation>,
        seen: &mut HashSet<usize>,
        timeline: &mut Vec<usize>,
        depth: usize,
    ) -> GenealogyNode {
        let a = &self.actors[i];
        let repeated = !seen.insert(i);
        let mut node = GenealogyNode {
            actor_id: a.id.clone(),
            name: a.name.clone(),
            relation: via.map(|r| r.kind.code().to_string()).unwrap_or_default(),
            valid_from: via.and_then(|r| r.valid_from),
            valid_to: via.and_then(|r| r.valid_to),
            active: fmt_interval(a.active_from, a.active_to),
            repeated,
            children: Vec::new(),
        };
        if repeated || depth > 16 {
            return node;
        }
        // Antecedents: members, merged or renamed groups (incoming) and split origin
        // (outgoing split_from).
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for &rj in &self.in_rel[i] {
            let r = &self.relations[rj];
            if matches!(
                r.kind,
                RelationKind::MemberOf | RelationKind::MergedInto | RelationKind::RenamedTo
            ) {
                if let Some(&f) = self.by_id.get(&r.from) {
                    edges.push((rj, f));
                }
            }
        }
        for &rj in &self.out_rel[i] {
            let r = &self.relations[rj];
            if r.kind == RelationKind::SplitFrom {
                if let Some(&t) = self.by_id.get(&r.to) {
                    edges.push((rj, t));
                }
            }
        }
        edges.sort_by_key(|&(rj, _)| self.relations[rj].valid_from);
        for (rj, other) in edges {
            timeline.push(rj);
            let child =
                self.genealogy_node(other, Some(&self.relations[rj]), seen, timeline, depth + 1);
            node.children.push(child);
        }
        node
    }
}
