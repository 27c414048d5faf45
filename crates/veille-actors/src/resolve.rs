//! Resolution: a mention (text plus an optional date) → scored actor candidates.
//!
//! Steps, in order (the first that yields candidates wins):
//! 1. exact alias, acronym, misspelling, ACLED or UCDP name (after normalisation; an ACLED
//!    year suffix such as "(2021-)" is ignored);
//! 2. affiliation mentions ("al-Qaeda-linked group", "affilié à l'État islamique"):
//!    the unidentified armed group, with the anchor's family on that date as low-confidence
//!    candidates;
//! 3. disguise mentions ("men dressed as hunters"): the unidentified armed group;
//! 4. a curated alias inside the mention ("suspected JNIM fighters"), hedged if the text
//!    says "suspected"/"presumed";
//! 5. generic mentions ("unidentified gunmen", "hommes armés non identifiés",
//!    "suspected jihadists"): the unidentified armed group, qualifier kept as text;
//! 6. fuzzy match (Jaro–Winkler ≥ 0.92) against curated names.
//!
//! Dates: a name not in use on the date, or an actor not active on it, lowers the score;
//! an actor that had been renamed or merged by then also offers its successor.
//!
//! Do-no-harm: ethnic or community words never resolve to an identity militia by
//! containment — "Fulani gunmen" is a generic mention; only the militia's own names do.

use crate::model::{within, AliasKind, RelationKind};
use crate::normalize::{normalize, strip_year_suffix};
use crate::registry::{AliasRef, Registry, CANONICAL};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The id of the generic target for unattributed mentions.
pub const UNIDENTIFIED: &str = "unidentified-armed-group";

/// One candidate actor for a mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The registry actor.
    pub actor_id: String,
    /// Its canonical name.
    pub canonical_name: String,
    /// Confidence in 0–1.
    pub score: f32,
    /// Why it was offered.
    pub reason: String,
}

/// The result of resolving one mention.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// Candidates, best first. Empty when nothing matched.
    pub candidates: Vec<Candidate>,
    /// For generic mentions: the mention's text, kept as written ("suspected jihadists").
    pub generic_qualifier: Option<String>,
}

impl Resolution {
    /// The best candidate.
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first()
    }

    /// The best candidate's actor id.
    pub fn best_id(&self) -> Option<&str> {
        self.best().map(|c| c.actor_id.as_str())
    }
}

const HEDGES: &[&str] = &[
    "suspected",
    "presumed",
    "alleged",
    "supposed",
    "possible",
    "probable",
    "presume",
    "presumes",
    "presumee",
    "presumees",
    "suppose",
    "supposes",
    "soupconne",
    "soupconnes",
];

const AFFILIATION: &[&str] = &[
    "linked",
    "affiliate",
    "affiliates",
    "affiliated",
    "allied",
    "aligned",
    "associated",
    "loyal",
    "close",
    "inspired",
    "allegiance",
    "lie",
    "lies",
    "liee",
    "liees",
    "affilie",
    "affilies",
    "affiliee",
    "affiliees",
    "proche",
    "proches",
    "allegeance",
    "branch",
    "franchise",
];

const AQ_ANCHORS: &[&str] = &[
    "al qaeda",
    "al qaida",
    "alqaeda",
    "alqaida",
    "qaeda",
    "qaida",
    "al quaida",
];
const IS_ANCHORS: &[&str] = &[
    "islamic state",
    "etat islamique",
    "daesh",
    "daech",
    "isis",
    "isil",
    "ei",
];

const DISGUISE: &[&str] = &[
    "dressed as",
    "dressed like",
    "disguised as",
    "posing as",
    "wearing",
    "in the uniform",
    "in uniform",
    "habilles en",
    "habille en",
    "deguises en",
    "deguise en",
    "en tenue",
    "vetus",
    "se faisant passer",
];

/// Single words that make a mention generic.
const GENERIC_WORDS: &[&str] = &[
    "gunmen",
    "gunman",
    "assailants",
    "assailant",
    "attackers",
    "attacker",
    "militants",
    "militant",
    "jihadists",
    "jihadist",
    "djihadists",
    "djihadist",
    "islamists",
    "islamist",
    "terrorists",
    "terrorist",
    "insurgents",
    "insurgent",
    "extremists",
    "extremist",
    "bandits",
    "bandit",
    "fighters",
    "unidentified",
    "unknown",
    "militiamen",
    "militia",
    "militias",
    "kidnappers",
    "raiders",
    "assaillants",
    "terroristes",
    "djihadistes",
    "jihadistes",
    "islamistes",
    "inconnus",
    "inconnu",
    "hani",
    "miliciens",
    "ravisseurs",
    "malfaiteurs",
];

/// Phrases that make a mention generic.
const GENERIC_PHRASES: &[&str] = &[
    "armed men",
    "armed man",
    "armed individuals",
    "armed persons",
    "armed people",
    "armed group",
    "armed groups",
    "armed elements",
    "non state armed",
    "hommes armes",
    "individus armes",
    "elements armes",
    "groupe arme",
    "groupes armes",
    "non identifies",
    "non identifie",
    "bandits armes",
    "hommes en armes",
];

fn contains_phrase(norm: &str, phrase: &str) -> bool {
    // Whole-word containment on a space-separated string.
    let mut start = 0;
    while let Some(pos) = norm[start..].find(phrase) {
        let s = start + pos;
        let e = s + phrase.len();
        let before_ok = s == 0 || norm.as_bytes()[s - 1] == b' ';
        let after_ok = e == norm.len() || norm.as_bytes()[e] == b' ';
        if before_ok && after_ok {
            return true;
        }
        start = s + 1;
        if start >= norm.len() {
            break;
        }
    }
    false
}

fn has_any(norm: &str, list: &[&str]) -> bool {
    list.iter().any(|p| contains_phrase(norm, p))
}

fn generic_words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| GENERIC_WORDS.iter().copied().collect())
}

/// Whether any token is a generic word (one hash lookup per token).
fn has_generic_word(norm: &str) -> bool {
    let set = generic_words();
    norm.split(' ').any(|t| set.contains(t))
}

fn base_score(kind: AliasKind) -> f32 {
    match kind {
        AliasKind::Name | AliasKind::Acled | AliasKind::Ucdp => 1.0,
        AliasKind::Acronym => 0.95,
        AliasKind::Misspelling => 0.9,
    }
}

impl Registry {
    fn alias_text(&self, at: AliasRef) -> (&str, AliasKind, Option<NaiveDate>, Option<NaiveDate>) {
        let a = &self.actors[at.actor];
        if at.alias == CANONICAL {
            return (&a.name, AliasKind::Name, None, None);
        }
        match a.aliases.get(at.alias) {
            Some(al) => (&al.text, al.kind, al.valid_from, al.valid_to),
            None => (&a.name, AliasKind::Name, None, None),
        }
    }

    fn push_candidate(&self, out: &mut Vec<Candidate>, actor: usize, score: f32, reason: String) {
        if let Some(c) = out.iter_mut().find(|c| c.actor_id == self.actors[actor].id) {
            if score > c.score {
                c.score = score;
                c.reason = reason;
            }
            return;
        }
        out.push(Candidate {
            actor_id: self.actors[actor].id.clone(),
            canonical_name: self.actors[actor].name.clone(),
            score,
            reason,
        });
    }

    /// Scores the alias hits, applying the date, and adds successors of actors that had
    /// been renamed or merged by that date.
    fn candidates_from_hits(
        &self,
        hits: &[AliasRef],
        date: Option<NaiveDate>,
        factor: f32,
        how: &str,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        for &at in hits {
            let (text, kind, vf, vt) = self.alias_text(at);
            let mut score = base_score(kind) * factor;
            let mut reason = format!("{how} {} \"{text}\"", kind_word(kind));
            if let Some(d) = date {
                if !within(d, vf, vt) {
                    score *= 0.7;
                    reason.push_str(&format!("; name not in use on {d}"));
                }
                let actor = &self.actors[at.actor];
                if !actor.active_on(d) {
                    score *= 0.6;
                    reason.push_str(&format!("; {} not active on {d}", actor.id));
                    self.offer_successors(&mut out, at.actor, d, score, 0);
                }
            }
            self.push_candidate(&mut out, at.actor, score, reason);
        }
        sort_candidates(&mut out);
        out
    }

    fn offer_successors(
        &self,
        out: &mut Vec<Candidate>,
        actor: usize,
        date: NaiveDate,
        score: f32,
        depth: usize,
    ) {
        if depth > 6 {
            return;
        }
        for &rj in &self.out_rel[actor] {
            let r = &self.relations[rj];
            if !matches!(r.kind, RelationKind::RenamedTo | RelationKind::MergedInto) {
                continue;
            }
            if r.valid_from.is_none_or(|f| f > date) {
                continue;
            }
            let Some(&ti) = self.by_id.get(&r.to) else {
                continue;
            };
            let s = (score / 0.6 * 0.85).min(0.95);
            self.push_candidate(out, ti, s, format!("{} by {date}", r.describe()));
            if !self.actors[ti].active_on(date) {
                self.offer_successors(out, ti, date, s * 0.9, depth + 1);
            }
        }
    }

    /// Members, merged and renamed groups of `node` on `date` (any date when `None`),
    /// recursively: (actor index, depth, relation index). No allocation per relation.
    fn members_on(
        &self,
        node: usize,
        date: Option<NaiveDate>,
        depth: usize,
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        if depth > 16 {
            return;
        }
        for &rj in &self.in_rel[node] {
            let r = &self.relations[rj];
            let holds = match r.kind {
                RelationKind::MemberOf => date.is_none_or(|d| r.holds_on(d)),
                RelationKind::MergedInto | RelationKind::RenamedTo => {
                    date.is_none_or(|d| r.valid_from.is_none_or(|f| f <= d))
                }
                _ => false,
            };
            if !holds {
                continue;
            }
            let Some(&ai) = self.by_id.get(&r.from) else {
                continue;
            };
            if out.iter().any(|x| x.0 == ai) {
                continue;
            }
            out.push((ai, depth, rj));
            self.members_on(ai, date, depth + 1, out);
        }
    }

    fn unidentified(&self, qualifier: &str, score: f32, reason: &str) -> Resolution {
        let mut candidates = Vec::new();
        if let Some(&i) = self.by_id.get(UNIDENTIFIED) {
            self.push_candidate(&mut candidates, i, score, reason.to_string());
        }
        Resolution {
            candidates,
            generic_qualifier: Some(qualifier.trim().to_string()),
        }
    }

    /// Resolves a mention to scored candidates. See the module docs for the steps.
    pub fn resolve(&self, text: &str, date: Option<NaiveDate>) -> Resolution {
        let norm = normalize(text);
        if norm.is_empty() {
            return Resolution::default();
        }
        // 1. exact
        if let Some(hits) = self.exact_hits(&norm) {
            let generic = hits.iter().any(|h| self.actors[h.actor].id == UNIDENTIFIED);
            return Resolution {
                candidates: self.candidates_from_hits(hits, date, 1.0, "exact"),
                generic_qualifier: generic.then(|| text.trim().to_string()),
            };
        }
        // 2. affiliation
        let aq = has_any(&norm, AQ_ANCHORS);
        let is = !aq && has_any(&norm, IS_ANCHORS);
        if (aq || is) && has_any(&norm, AFFILIATION) {
            let root = if aq { "al-qaida" } else { "islamic-state" };
            let mut res = self.unidentified(
                text,
                0.9,
                &format!("affiliation mention ({root}-linked); perpetrator not named"),
            );
            if let Some(&ri) = self.by_id.get(root) {
                let mut members: Vec<(usize, usize, usize)> = Vec::new();
                self.members_on(ri, date, 1, &mut members);
                let when = date.map_or_else(|| "at any date".to_string(), |d| format!("on {d}"));
                for (ai, depth, rj) in members {
                    if ai == ri || date.is_some_and(|d| !self.actors[ai].active_on(d)) {
                        continue;
                    }
                    let s = if depth == 1 { 0.3 } else { 0.25 };
                    let via = self.relations[rj].describe();
                    self.push_candidate(
                        &mut res.candidates,
                        ai,
                        s,
                        format!("in the {root} family {when} (via {via})"),
                    );
                }
            }
            sort_candidates(&mut res.candidates);
            return res;
        }
        // 3. disguise
        if has_any(&norm, DISGUISE) {
            return self.unidentified(
                text,
                0.9,
                "disguise mention; the apparent identity is not an attribution",
            );
        }
        // 4. a curated alias inside the mention
        if let Some(hits) = self.contained_hits(&norm) {
            let hedged = has_any(&norm, HEDGES);
            let factor = if hedged { 0.8 } else { 0.9 };
            let how = if hedged {
                "hedged mention containing"
            } else {
                "mention containing"
            };
            return Resolution {
                candidates: self.candidates_from_hits(&hits, date, factor, how),
                generic_qualifier: None,
            };
        }
        // 5. generic
        if has_generic_word(&norm) || has_any(&norm, GENERIC_PHRASES) {
            return self.unidentified(text, 0.9, "generic mention; perpetrator not named");
        }
        // 6. spacing variants ("a l islam" / "a lislam"), then fuzzy
        let compact: String = norm.chars().filter(|c| *c != ' ').collect();
        if let Some(hits) = self.compact_index.get(&compact) {
            return Resolution {
                candidates: self.candidates_from_hits(hits, date, 0.97, "spacing variant of"),
                generic_qualifier: None,
            };
        }
        let fuzzy = self.fuzzy_hits(&norm);
        if !fuzzy.is_empty() {
            let mut out = Vec::new();
            for (at, jw) in fuzzy {
                let (t, _, _, _) = self.alias_text(at);
                let mut score = jw as f32 * 0.8;
                let mut reason = format!("fuzzy match ({jw:.2}) to \"{t}\"");
                if let Some(d) = date {
                    if !self.actors[at.actor].active_on(d) {
                        score *= 0.6;
                        reason.push_str(&format!("; not active on {d}"));
                    }
                }
                self.push_candidate(&mut out, at.actor, score, reason);
            }
            sort_candidates(&mut out);
            out.truncate(5);
            return Resolution {
                candidates: out,
                generic_qualifier: None,
            };
        }
        Resolution::default()
    }

    fn exact_hits(&self, norm: &str) -> Option<&[AliasRef]> {
        if let Some(h) = self.alias_index.get(norm) {
            return Some(h);
        }
        let stripped = strip_year_suffix(norm)?;
        self.alias_index.get(stripped).map(Vec::as_slice)
    }

    /// Longest curated alias contained in the mention (word-aligned n-grams).
    fn contained_hits(&self, norm: &str) -> Option<Vec<AliasRef>> {
        let bounds: Vec<(usize, usize)> = {
            let mut v = Vec::new();
            let mut start = 0;
            for (i, b) in norm.bytes().enumerate() {
                if b == b' ' {
                    v.push((start, i));
                    start = i + 1;
                }
            }
            v.push((start, norm.len()));
            v
        };
        let n = bounds.len();
        let max_n = n.min(10);
        for len in (1..=max_n).rev() {
            let mut found: Vec<AliasRef> = Vec::new();
            for s in 0..=(n - len) {
                if len == n {
                    continue; // the whole string was tried as an exact hit
                }
                let gram = &norm[bounds[s].0..bounds[s + len - 1].1];
                if len == 1 && gram.len() <= 2 {
                    continue; // "is", "ei": too ambiguous inside a phrase
                }
                if let Some(hits) = self.alias_index.get(gram) {
                    for &h in hits {
                        let curated = self.actors[h.actor].origin == crate::model::Origin::Curated;
                        let generic_target = self.actors[h.actor].id == UNIDENTIFIED;
                        if curated && !generic_target && !found.contains(&h) {
                            found.push(h);
                        }
                    }
                }
            }
            if !found.is_empty() {
                return Some(found);
            }
        }
        None
    }

    fn fuzzy_hits(&self, norm: &str) -> Vec<(AliasRef, f64)> {
        let Some(first) = norm.chars().next() else {
            return Vec::new();
        };
        let Some(keys) = self.fuzzy.get(&first) else {
            return Vec::new();
        };
        let len = norm.len();
        let mut out: Vec<(AliasRef, f64)> = Vec::new();
        if len < 4 {
            return out; // acronyms are matched exactly, never fuzzily
        }
        let bag = crate::registry::letter_bag(norm);
        // Jaro–Winkler ≥ 0.92 needs nearly the same letters: a cheap bag-of-letters bound
        // skips most keys before the quadratic comparison.
        let max_bag = (len / 6).max(3) as u32;
        for k in keys {
            if k.key.len().abs_diff(len) > 4 || k.key.len() < 4 {
                continue;
            }
            if crate::registry::bag_distance(&bag, &k.bag) > max_bag {
                continue;
            }
            let jw = strsim::jaro_winkler(norm, &k.key);
            if jw >= 0.92 {
                out.push((k.at, jw));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Fast path for dataset actor names (ACLED `actor1`/`actor2`, UCDP `side_a`/`side_b`):
    /// one normalisation and one lookup, no fuzzy matching, no dates. ACLED year suffixes
    /// are ignored ("Military Forces of Mali (2013-)") and "Civilians (Country)" resolves to
    /// the civilians actor.
    pub fn resolve_exact_name(&self, name: &str) -> Option<&crate::model::Actor> {
        let norm = normalize(name);
        if let Some(h) = self.exact_hits(&norm).and_then(|h| h.first()) {
            return Some(&self.actors[h.actor]);
        }
        if norm.starts_with("civilians ") {
            return self.get("civilians");
        }
        None
    }

    /// For UCDP GED sides: the actor mapped to the UCDP id, else the one named `name`.
    pub fn resolve_ucdp(&self, ucdp_id: Option<u32>, name: &str) -> Option<&crate::model::Actor> {
        ucdp_id
            .and_then(|id| self.by_ucdp_id(id))
            .or_else(|| self.resolve_exact_name(name))
    }

    /// Finds an actor by id or by name (exact, then the best non-generic resolution with a
    /// score ≥ 0.8). For the CLI.
    pub fn lookup(&self, id_or_name: &str) -> Option<&crate::model::Actor> {
        if let Some(a) = self.get(id_or_name.trim()) {
            return Some(a);
        }
        let res = self.resolve(id_or_name, None);
        if res.generic_qualifier.is_some() {
            return None;
        }
        res.best()
            .filter(|c| c.score >= 0.8)
            .and_then(|c| self.get(&c.actor_id))
    }
}

fn kind_word(k: AliasKind) -> &'static str {
    match k {
        AliasKind::Name => "name",
        AliasKind::Acronym => "acronym",
        AliasKind::Misspelling => "known misspelling",
        AliasKind::Acled => "ACLED name",
        AliasKind::Ucdp => "UCDP name",
    }
}

fn sort_candidates(c: &mut [Candidate]) {
    c.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.actor_id.cmp(&b.actor_id))
    });
}
