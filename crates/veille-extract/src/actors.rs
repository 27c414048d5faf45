//! Actor mentions in report text. Spotting uses the names and aliases of the curated
//! actors of the veille-actors registry (normalised with
//! [`veille_actors::normalize::normalize`]); every mention found is then resolved with
//! [`veille_actors::Registry::resolve`] (text plus the incident date), so ids, renames and
//! successors come from the registry. Generic mentions ("unidentified gunmen", "hommes
//! armés", "HANI") resolve there to the unidentified armed group.

use crate::text::{Doc, Kind};
use chrono::NaiveDate;
use std::collections::HashMap;
use veille_actors::{Registry, UNIDENTIFIED};

/// Spotting index: normalised alias → max words, built once from the registry.
#[derive(Debug, Clone, Default)]
pub struct ActorIndex {
    names: HashMap<String, ()>,
    max_words: usize,
}

impl ActorIndex {
    /// Builds the index from the registry's curated actors (not the civilians actor,
    /// whose names describe victims).
    pub fn new(reg: &Registry) -> Self {
        let mut names = HashMap::new();
        let mut max_words = 1;
        for a in reg.actors() {
            if a.origin != veille_actors::Origin::Curated || a.id == "civilians" {
                continue;
            }
            let all =
                std::iter::once(a.name.as_str()).chain(a.aliases.iter().map(|x| x.text.as_str()));
            for text in all {
                let n = veille_actors::normalize::normalize(text);
                if n.len() < 2 {
                    continue;
                }
                max_words = max_words.max(n.split(' ').count());
                names.insert(n, ());
            }
        }
        ActorIndex {
            names,
            max_words: max_words.min(10),
        }
    }

    fn contains(&self, s: &str) -> bool {
        self.names.contains_key(s)
    }
}

/// One actor mention.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorMention {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// The registry id.
    pub actor_id: String,
    /// The mention as written.
    pub name: String,
    /// True for a generic mention (unidentified armed group).
    pub generic: bool,
    /// True when the mention is a disguise ("dressed as hunters").
    pub disguise: bool,
    /// ACLED inter code of the actor (1–8).
    pub inter: u8,
    /// Resolution score.
    pub score: f32,
}

/// Words that make a generic perpetrator mention.
const GENERIC_HEADS: &[&str] = &[
    "gunmen",
    "gunman",
    "assailants",
    "attackers",
    "militants",
    "jihadists",
    "djihadistes",
    "jihadistes",
    "terroristes",
    "terrorists",
    "insurgents",
    "islamists",
    "islamistes",
    "bandits",
    "kidnappers",
    "ravisseurs",
    "hani",
    "raiders",
    "extremists",
    "fighters",
    "assaillants",
    "malfaiteurs",
    "miliciens",
    "militiamen",
];
const GENERIC_PHRASES: &[&str] = &[
    "armed men",
    "armed individuals",
    "armed group",
    "armed groups",
    "hommes armes",
    "individus armes",
    "elements armes",
    "groupe arme",
    "groupes armes",
    "ho armes",
    "hommes en armes",
    "armed assailants",
];

/// Builds the normalised n-gram of tokens `a..b` (apostrophes join, hyphens and dots
/// separate); `None` if it crosses other punctuation.
fn gram(doc: &Doc, a: usize, b: usize) -> Option<String> {
    let mut s = String::new();
    let mut join = false;
    for k in a..b {
        let t = doc.tokens.get(k)?;
        if t.kind == Kind::Punct {
            match t.norm.as_str() {
                "'" => join = true,
                "-" | "." => {}
                _ => return None,
            }
            continue;
        }
        if !s.is_empty() && !join {
            s.push(' ');
        }
        join = false;
        s.push_str(&t.norm);
    }
    Some(s)
}

/// Finds actor mentions in tokens `from..to`.
pub fn find_actors(
    ix: &ActorIndex,
    reg: &Registry,
    doc: &Doc,
    date: Option<NaiveDate>,
    from: usize,
    to: usize,
) -> Vec<ActorMention> {
    let mut out: Vec<ActorMention> = Vec::new();
    let to = to.min(doc.tokens.len());
    let mut i = from;
    while i < to {
        let t = match doc.tokens.get(i) {
            Some(t) => t,
            None => break,
        };
        if t.kind == Kind::Punct {
            i += 1;
            continue;
        }
        // Longest named alias first (count words, allowing joining punctuation).
        let mut found: Option<usize> = None;
        let mut words = 0;
        let mut e = i;
        let mut ends = Vec::new();
        while e < to && words < ix.max_words {
            let tk = match doc.tokens.get(e) {
                Some(x) => x,
                None => break,
            };
            e += 1;
            if tk.kind == Kind::Punct {
                if matches!(tk.norm.as_str(), "'" | "-" | ".") {
                    continue;
                }
                break;
            }
            words += 1;
            ends.push(e);
        }
        for &end in ends.iter().rev() {
            if let Some(g) = gram(doc, i, end) {
                if ix.contains(&g) {
                    // Short acronyms must be written with capitals ("IS" not "is").
                    if g.len() <= 3 && !g.contains(' ') && !doc.tokens.get(i).is_some_and(|t| t.cap)
                    {
                        continue;
                    }
                    found = Some(end);
                    break;
                }
            }
        }
        if let Some(end) = found {
            // "al-Qaeda-linked", "lié à al-Qaïda": an affiliation, not the actor.
            let after = doc.n(end);
            let after2 = doc.n(end + 1);
            let affiliation = (after == "-"
                && matches!(after2, "linked" | "affiliated" | "aligned" | "allied"))
                || matches!(after, "linked" | "affiliated")
                || (i >= 2
                    && matches!(doc.n(i - 1), "a" | "au" | "de")
                    && matches!(
                        doc.n(i - 2),
                        "lie" | "liee" | "lies" | "affilie" | "proche" | "proches"
                    ));
            let name = doc.slice(i, end).to_string();
            if !affiliation {
                let res = reg.resolve(&name, date);
                if let Some(best) = res.best() {
                    let inter = reg.get(&best.actor_id).map(|a| a.inter).unwrap_or(3);
                    let disguise = disguised(doc, i);
                    out.push(ActorMention {
                        first: i,
                        last: end,
                        actor_id: best.actor_id.clone(),
                        name,
                        generic: best.actor_id == UNIDENTIFIED,
                        disguise,
                        inter,
                        score: best.score,
                    });
                }
            }
            i = end;
            continue;
        }
        // Generic mentions.
        let mut gen_end = None;
        for p in GENERIC_PHRASES {
            if doc.matches(i, p) {
                gen_end = Some(i + Doc::len_of(p));
                break;
            }
        }
        if gen_end.is_none() && GENERIC_HEADS.contains(&t.norm.as_str()) {
            gen_end = Some(i + 1);
        }
        if let Some(mut end) = gen_end {
            // "hommes armés non identifiés", "gunmen on motorbikes".
            if doc.matches(end, "non identifies") || doc.matches(end, "non identifie") {
                end += 2;
            } else if doc.n(end) == "inconnus" {
                end += 1;
            }
            let start = if i > 0
                && matches!(
                    doc.n(i - 1),
                    "unidentified" | "unknown" | "suspected" | "armed"
                ) {
                i - 1
            } else {
                i
            };
            let name = doc.slice(start, end).to_string();
            let res = reg.resolve(&name, date);
            let id = res.best_id().unwrap_or(UNIDENTIFIED).to_string();
            let inter = reg.get(&id).map(|a| a.inter).unwrap_or(3);
            out.push(ActorMention {
                first: start,
                last: end,
                generic: id == UNIDENTIFIED,
                actor_id: id,
                name,
                disguise: false,
                inter,
                score: res.best().map(|b| b.score).unwrap_or(0.5),
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

fn disguised(doc: &Doc, i: usize) -> bool {
    let lo = i.saturating_sub(4);
    doc.any(
        lo,
        i,
        &[
            "dressed as",
            "dressed like",
            "disguised as",
            "en tenue de",
            "habilles en",
            "deguises en",
            "posing as",
        ],
    )
}
