//! Casualties in report text: the one place where veille reads a casualty figure from
//! prose.
//!
//! A *count item* is a number (digits, number words, or an ACLED vague amount) with the
//! victims it counts: "24 soldiers", "trois civils", "dozens of villagers", "a
//! peacekeeper". Its harm (killed, injured, abducted, missing) comes from the words
//! right after it ("were killed", "dead", "blessés") or from the verb before it
//! ("killing at least 24", "a tué 3", "claimed the lives of 10"). Lists share the harm:
//! "killing 31 villagers and nine soldiers".
//!
//! Qualifiers: "at least N" / "au moins N" gives low = best = N; "up to N" / "jusqu'à N"
//! gives high = N (best N, low 0); "more than N" / "plus de N" gives low = best = N;
//! "between N and M" gives low N, best N, high M.
//!
//! Totals: per victim category the lowest figure wins when counts conflict (ACLED); the
//! total is the sum over categories, or the generic count ("40 people, including...")
//! when that is larger. Hostages released are not casualties. "No casualties" / "aucune
//! victime" gives killed = 0.

use crate::numbers::number_at;
use crate::text::{Doc, Kind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use veille_model::{Casualties, CasualtyFigure, Count, VictimCategory};

/// The kind of harm a count item reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Harm {
    /// Killed.
    Killed,
    /// Injured or wounded.
    Injured,
    /// Kidnapped or abducted.
    Abducted,
    /// Missing.
    Missing,
}

impl Harm {
    /// The model field name.
    pub fn field(self) -> &'static str {
        match self {
            Harm::Killed => "killed",
            Harm::Injured => "injured",
            Harm::Abducted => "abducted",
            Harm::Missing => "missing",
        }
    }
}

/// One count item with its harm.
#[derive(Debug, Clone, PartialEq)]
pub struct CasualtyMention {
    /// The harm.
    pub harm: Harm,
    /// Who the victims were ([`VictimCategory::Unknown`] for "people", "dead", ...).
    pub category: VictimCategory,
    /// The figure with its uncertainty.
    pub count: Count,
    /// True for an ACLED vague amount ("dozens" = 12).
    pub vague: bool,
    /// The qualifier as read ("at least", "up to", ...), if any.
    pub qualifier: Option<&'static str>,
    /// First token of the evidence.
    pub first: usize,
    /// One past the last token of the evidence.
    pub last: usize,
}

/// Victim nouns (after the number, possibly after a few modifiers).
fn category_of(w: &str) -> Option<VictimCategory> {
    use VictimCategory::*;
    Some(match w {
        "civilians" | "civilian" | "villagers" | "villager" | "residents" | "resident"
        | "inhabitants" | "passengers" | "passenger" | "traders" | "trader" | "merchants"
        | "herders" | "herder" | "farmers" | "farmer" | "women" | "woman" | "children"
        | "child" | "worshippers" | "students" | "pupils" | "teachers" | "teacher" | "chiefs"
        | "chief" | "miners" | "fishermen" | "travellers" | "travelers" | "drivers" | "driver"
        | "shepherds" | "workers" | "worker" | "officials" | "official" | "elders" | "imam"
        | "imams" | "boys" | "girls" | "civils" | "civil" | "civiles" | "hostages" | "otages"
        | "guests" | "invites" | "journalists" | "journalistes" | "journalist" | "journaliste"
        | "villageois" | "habitants" | "habitant" | "passagers" | "commercants" | "commercant"
        | "bergers" | "berger" | "eleveurs" | "eleveur" | "agriculteurs" | "cultivateurs"
        | "paysans" | "femmes" | "femme" | "enfants" | "enfant" | "fideles" | "eleves"
        | "enseignants" | "enseignant" | "chef" | "orpailleurs" | "pecheurs" | "voyageurs"
        | "chauffeurs" | "chauffeur" | "forains" | "notables" | "notable" | "conseillers"
        | "maire" | "mayor" | "humanitaires" | "agents" | "occupants" | "sons" | "son" | "fils"
        | "bucherons" | "loggers" | "tourists" | "touristes" | "missionaries" => Civilians,
        "soldiers" | "soldier" | "troops" | "servicemen" | "gendarmes" | "gendarme"
        | "policemen" | "policeman" | "police" | "policiers" | "policier" | "guardsmen"
        | "militaires" | "militaire" | "soldats" | "soldat" | "army" | "forces" | "fama"
        | "recruits" | "douaniers" | "gardes" | "officers" | "guards" | "customs" | "guard" => {
            StateForces
        }
        "peacekeepers" | "peacekeeper" | "casques" | "helmets" | "minusma" => Peacekeepers,
        "militants" | "militant" | "attackers" | "attacker" | "assailants" | "assailant"
        | "terrorists" | "terrorist" | "jihadists" | "jihadist" | "insurgents" | "insurgent"
        | "fighters" | "fighter" | "gunmen" | "gunman" | "rebels" | "rebel" | "bandits"
        | "militiamen" | "militiaman" | "assaillants" | "assaillant" | "terroristes"
        | "terroriste" | "djihadistes" | "jihadistes" | "djihadiste" | "combattants"
        | "combattant" | "miliciens" | "milicien" | "rebelles" | "hunters" | "dozos"
        | "elements" | "islamists" | "islamistes" | "kidnappers" | "raiders" | "ravisseurs"
        | "hani" => NonStateArmed,
        "mercenaries" | "mercenaires" | "instructors" => InternationalForces,
        "people" | "persons" | "person" | "personnes" | "personne" | "individuals"
        | "individus" | "individu" | "victims" | "victimes" | "men" | "hommes" | "others"
        | "autres" | "bodies" | "corps" | "members" | "membres" => Unknown,
        _ => return None,
    })
}

/// Modifiers that may sit between a number and its noun.
fn is_modifier(w: &str) -> bool {
    matches!(
        w,
        "malian"
            | "maliens"
            | "malien"
            | "french"
            | "francais"
            | "un"
            | "minusma"
            | "fama"
            | "other"
            | "them"
            | "eux"
            | "customs"
            | "more"
            | "innocent"
            | "unarmed"
            | "suspected"
            | "armed"
            | "chadian"
            | "tchadiens"
            | "togolese"
            | "egyptian"
            | "guinean"
            | "bangladeshi"
            | "senegalese"
            | "nigerien"
            | "nigerian"
            | "burkinabe"
            | "russian"
            | "local"
            | "young"
            | "jeunes"
            | "of"
            | "the"
            | "de"
            | "d"
            | "'"
            | "des"
            | "du"
            | "blue"
            | "bleus"
            | "security"
            | "defence"
            | "defense"
            | "government"
            | "wagner"
            | "barkhane"
            | "dozo"
            | "elderly"
            | "-"
            | "their"
            | "its"
            | "his"
            | "our"
            | "nos"
            | "leurs"
            | "ses"
            | "pro"
            | "state"
            | "national"
            | "terroristes"
            | "ennemis"
            | "enemy"
            | "presumed"
            | "school"
            | "village"
            | "health"
            | "aid"
            | "humanitarian"
            | "mine"
            | "gold"
            | "\""
    )
}

/// International forces: "French soldiers", "Barkhane", "Wagner", "Russian".
fn is_international_modifier(w: &str) -> bool {
    matches!(
        w,
        "french" | "francais" | "barkhane" | "wagner" | "russian" | "russes" | "takuba"
    )
}

/// Harm words that may follow the item (adjectives, nouns, passives).
fn harm_after(doc: &Doc, k: usize) -> Option<(Harm, usize)> {
    let w = doc.n(k);
    let h = match w {
        "killed" | "dead" | "died" | "deaths" | "death" | "murdered" | "executed" | "slain"
        | "perished" | "neutralized" | "neutralised" | "fatalities" | "tues" | "tue" | "tuees"
        | "tuee" | "morts" | "mort" | "decedes" | "assassines" | "executes" | "abattus"
        | "neutralises" | "massacred" | "massacres" | "shot" | "beheaded" | "egorges"
        | "decapites" | "perdu" | "peri" | "succumbed" | "lost" => {
            if w == "shot" && doc.n(k + 1) == "and" {
                return None;
            }
            if w == "lost" && doc.n(k + 1) != "their" {
                return None;
            }
            if w == "perdu" && doc.n(k + 1) != "la" {
                return None;
            }
            Harm::Killed
        }
        "kia" | "kias" => Harm::Killed,
        "injured" | "wounded" | "hurt" | "blesses" | "blesse" | "blessees" | "blessee"
        | "injuries" | "wia" => Harm::Injured,
        "kidnapped" | "abducted" | "enleves" | "enlevees" | "enleve" | "kidnappes" | "seized"
        | "captured" | "taken" | "pris" | "enlevement" | "abductions" => {
            if matches!(w, "taken" | "pris")
                && !matches!(doc.n(k + 1), "hostage" | "en" | "captive" | "away")
            {
                return None;
            }
            Harm::Abducted
        }
        "missing" | "disparus" | "disparues" | "disparu" | "mia" => Harm::Missing,
        "trouve" | "found" if matches!(doc.n(k + 1), "la" | "dead") => Harm::Killed,
        _ => return None,
    };
    Some((h, k + 1))
}

/// Harm verbs that may precede the item (active forms and nouns like "toll").
fn harm_before(w: &str) -> Option<Harm> {
    Some(match w {
        "killing" | "killed" | "kill" | "kills" | "murdering" | "murdered" | "executing"
        | "executed" | "massacring" | "massacred" | "slaughtered" | "tuant" | "tue" | "tues"
        | "tuer" | "tuent" | "executant" | "execute" | "assassinant" | "assassine" | "abattant"
        | "abattu" | "toll" | "bilan" | "lives" | "neutralise" | "neutralised" | "neutralized"
        | "neutralising" | "neutralizing" | "deaths" | "morts" | "victims" | "vie" | "figure"
        | "death" | "assassines" | "assassinated" | "egorge" | "egorges" => Harm::Killed,
        "wounding" | "wounded" | "injuring" | "injured" | "blessant" | "blesse" | "blesses" => {
            Harm::Injured
        }
        "kidnapping" | "kidnapped" | "abducting" | "abducted" | "seized" | "enlevant"
        | "enleve" | "kidnappe" | "kidnappant" | "captured" | "capturing" => Harm::Abducted,
        _ => return None,
    })
}

const LEFT_FILLERS: &[&str] = &[
    "down",
    "revised",
    "sommairement",
    "summarily",
    "brutally",
    "d",
    "avoir",
    "having",
    "coute",
    "cost",
    "total",
    "at",
    "least",
    "the",
    "of",
    "to",
    "rose",
    "risen",
    "climbed",
    "stands",
    "stood",
    "is",
    "was",
    "a",
    "au",
    "moins",
    "de",
    "le",
    "la",
    "les",
    "des",
    "du",
    "provisional",
    "provisoire",
    "official",
    "officiel",
    "s",
    "'",
    "eleve",
    "have",
    "has",
    "had",
    "ont",
    "an",
    "estimated",
    "some",
    "about",
    "around",
    "nearly",
    "almost",
    "approximately",
    "environ",
    "pres",
    "plus",
    "more",
    "than",
    "over",
    "up",
    "jusqu",
    "as",
    "many",
    "than",
    "no",
    "fewer",
    "reportedly",
    "allegedly",
    "also",
    "then",
    "lui",
    "y",
    "en",
];

/// Qualifier words just before the number: (phrase, kind).
const QUALIFIERS: &[(&str, &str)] = &[
    ("at least", "at least"),
    ("au moins", "at least"),
    ("no fewer than", "at least"),
    ("pas moins de", "at least"),
    ("up to", "up to"),
    ("as many as", "up to"),
    ("jusqu ' a", "up to"),
    ("more than", "more than"),
    ("over", "more than"),
    ("plus de", "more than"),
    ("upwards of", "more than"),
    ("nearly", "about"),
    ("almost", "about"),
    ("about", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("some", "about"),
    ("environ", "about"),
    ("pres de", "about"),
    ("quelque", "about"),
];

fn qualifier_before(doc: &Doc, i: usize) -> Option<(&'static str, usize)> {
    for (p, kind) in QUALIFIERS {
        let len = Doc::len_of(p);
        if i >= len && doc.matches(i - len, p) {
            return Some((kind, i - len));
        }
    }
    None
}

#[derive(Debug, Clone)]
struct Item {
    first: usize,
    /// Start of the number itself (after the qualifier).
    num_at: usize,
    last: usize,
    count: Count,
    vague: bool,
    qualifier: Option<&'static str>,
    category: VictimCategory,
    /// Whether a victim noun was found.
    #[allow(dead_code)]
    noun: bool,
}

const UNITS: &[&str] = &[
    "km",
    "kilometres",
    "kilometers",
    "kilometre",
    "kilometer",
    "miles",
    "hours",
    "heures",
    "h",
    "hour",
    "am",
    "pm",
    "minutes",
    "days",
    "jours",
    "day",
    "jour",
    "years",
    "ans",
    "year",
    "weeks",
    "semaines",
    "months",
    "mois",
    "%",
    "percent",
    "tonnes",
    "m",
    "metres",
    "meters",
    "fcfa",
    "cfa",
    "dollars",
    "euros",
    "heads",
    "tetes",
    "cattle",
    "vehicles",
    "vehicules",
    "motorcycles",
    "motos",
    "houses",
    "maisons",
    "cases",
    "shops",
    "boutiques",
    "camions",
    "trucks",
    "cars",
    "voitures",
    "motorbikes",
    "vehicule",
    "vehicle",
    "h00",
    "heures",
];

fn item_at(doc: &Doc, i: usize, skip: &[bool]) -> Option<Item> {
    if skip.get(i).copied().unwrap_or(false) {
        return None;
    }
    let t = doc.tokens.get(i)?;
    // Not part of a road name or code ("RN16", "G5"), not after a currency sign.
    if i > 0
        && doc
            .tokens
            .get(i - 1)
            .is_some_and(|p| !t.space_before && p.kind != Kind::Punct)
    {
        return None;
    }
    let vague_first = number_at(doc, i).filter(|x| x.2);
    let (mut count, mut k, vague) = if let Some((v, k, vg)) = vague_first {
        (Count::exact(v), k, vg)
    } else if matches!(t.norm.as_str(), "a" | "an" | "un" | "une") {
        // "a soldier was killed", "un civil a été tué": only before a singular noun.
        let mut j = i + 1;
        while is_modifier(doc.n(j)) && j < i + 3 {
            j += 1;
        }
        let w = doc.n(j);
        let singular = matches!(
            w,
            "soldier"
                | "civilian"
                | "villager"
                | "peacekeeper"
                | "policeman"
                | "gendarme"
                | "teacher"
                | "chief"
                | "trader"
                | "herder"
                | "driver"
                | "soldat"
                | "civil"
                | "casque"
                | "enseignant"
                | "chef"
                | "militaire"
                | "policier"
                | "commercant"
                | "berger"
                | "chauffeur"
                | "woman"
                | "child"
                | "boy"
                | "girl"
                | "femme"
                | "enfant"
                | "man"
                | "homme"
                | "person"
                | "personne"
                | "imam"
                | "notable"
                | "militant"
                | "attacker"
                | "assailant"
                | "terrorist"
                | "jihadist"
                | "mayor"
                | "maire"
                | "official"
                | "resident"
                | "farmer"
                | "student"
                | "worker"
        );
        if !singular {
            return None;
        }
        (Count::exact(1), i + 1, false)
    } else {
        let (v, k, vague) = number_at(doc, i)?;
        (Count::exact(v), k, vague)
    };
    if UNITS.contains(&doc.n(k)) {
        return None;
    }
    // "between 10 and 15"
    let mut first = i;
    let mut qualifier = None;
    if doc.n(k) == "and"
        || doc.n(k) == "et"
        || doc.n(k) == "to"
        || doc.n(k) == "a"
        || doc.n(k) == "-"
    {
        let between = i > 0 && matches!(doc.n(i - 1), "between" | "entre");
        if between || doc.n(k) == "to" || doc.n(k) == "-" {
            if let Some((v2, k2, _)) = number_at(doc, k + 1).filter(|(v2, _, _)| *v2 > count.best) {
                count.high = v2;
                k = k2;
                qualifier = Some("between");
                if between {
                    first = i - 1;
                }
            }
        }
    }
    if qualifier.is_none() {
        if let Some((q, at)) = qualifier_before(doc, i) {
            qualifier = Some(q);
            first = at;
            if q == "up to" {
                count.low = 0;
            }
        }
    }
    // The victims: after up to three modifiers ("12 Malian soldiers", "three UN
    // peacekeepers", "9 members of the security forces"), or French adjectives after.
    let mut category = VictimCategory::Unknown;
    let mut noun = false;
    let mut international = false;
    let mut j = k;
    let mut steps = 0;
    while steps < 5 {
        let w = doc.n(j);
        if let Some(c) = category_of(w) {
            // "9 members of the security forces": keep looking past a generic noun.
            category = c;
            noun = true;
            j += 1;
            if c == VictimCategory::Unknown && matches!(w, "members" | "membres") {
                steps += 1;
                continue;
            }
            if w == "casques" && doc.n(j) == "bleus" {
                j += 1;
            }
            if w == "blue" {
                j += 1;
            }
            break;
        }
        if !is_modifier(w) {
            break;
        }
        international |= is_international_modifier(w);
        j += 1;
        steps += 1;
    }
    if !noun {
        j = k;
    } else {
        // French adjectives after the noun: "soldats maliens", "casques bleus tchadiens".
        while matches!(
            doc.n(j),
            "maliens"
                | "malien"
                | "francais"
                | "tchadiens"
                | "togolais"
                | "burkinabe"
                | "nigeriens"
                | "russes"
                | "bleus"
                | "civils"
        ) {
            international |= matches!(doc.n(j), "francais" | "russes");
            j += 1;
        }
    }
    if international && category == VictimCategory::StateForces {
        category = VictimCategory::InternationalForces;
    }
    Some(Item {
        first,
        num_at: i,
        last: j,
        count,
        vague,
        qualifier,
        category,
        noun,
    })
}

fn is_release(w: &str) -> bool {
    matches!(
        w,
        "released"
            | "freed"
            | "liberated"
            | "liberes"
            | "liberees"
            | "relaches"
            | "relachees"
            | "libere"
            | "release"
            | "liberation"
            | "rescued"
            | "returned"
            | "escaped"
    )
}

/// Finds every casualty mention in tokens `from..to`. `skip` marks tokens already used
/// by dates.
pub fn find_casualties(doc: &Doc, from: usize, to: usize, skip: &[bool]) -> Vec<CasualtyMention> {
    let to = to.min(doc.tokens.len());
    let mut items: Vec<Item> = Vec::new();
    let mut i = from;
    while i < to {
        if let Some(it) = item_at(doc, i, skip) {
            i = it.last.max(i + 1);
            items.push(it);
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    for (n, it) in items.iter().enumerate() {
        let sent = doc.sentence_of(it.num_at);
        // Left first: an active verb before the item, over fillers and list items
        // ("killing at least 24", "a tué 3", "killing 31 villagers and nine soldiers").
        let mut harm: Option<(Harm, usize)> = None;
        {
            let mut k = it.first;
            let mut guard = 0;
            let mut m = n;
            while k > sent.first && guard < 10 {
                guard += 1;
                let w = doc.n(k - 1);
                if let Some(h) = harm_before(w) {
                    // "the killing of a trader" names an earlier death, not this count.
                    if !(w == "killing" && doc.n(k) == "of") {
                        harm = Some((h, k - 1));
                    }
                    break;
                }
                if (w == "and" || w == "et" || w == ",")
                    && m > 0
                    && items.get(m - 1).is_some_and(|x| x.last + 1 == k)
                {
                    m -= 1;
                    k = items.get(m).map(|x| x.first).unwrap_or(k - 1);
                    continue;
                }
                if LEFT_FILLERS.contains(&w)
                    || skip.get(k - 1).copied().unwrap_or(false)
                    || w == "-"
                {
                    k -= 1;
                    continue;
                }
                break;
            }
        }
        // Right: auxiliaries, list continuations, asides (", 49 of them soldiers,",
        // "de la force Barkhane"), then a harm word; not across "and" + another clause or
        // an active verb ("..., wounding 5").
        if harm.is_none() {
            let mut k = it.last;
            let mut guard = 0;
            while k < sent.last && guard < 12 {
                guard += 1;
                if let Some(h) = harm_after(doc, k) {
                    harm = Some(h);
                    break;
                }
                let w = doc.n(k);
                if (w == "and" || w == "et" || w == ",")
                    && items.get(n + 1).is_some_and(|x| x.first == k + 1)
                {
                    if let Some(next) = items.get(n + 1) {
                        k = next.last;
                        continue;
                    }
                }
                let is_num = doc.tokens.get(k).is_some_and(|t| t.kind == Kind::Number);
                if matches!(
                    w,
                    "pas" | "no" | "aucun" | "aucune" | "sans" | "without" | "not"
                ) || (w == "," && !it.noun)
                {
                    break;
                }
                let and_list = matches!(w, "and" | "et")
                    && (category_of(doc.n(k + 1)).is_some() || is_modifier(doc.n(k + 1)));
                if and_list {
                    k += 1;
                    continue;
                }
                if matches!(
                    w,
                    "and"
                        | "et"
                        | "."
                        | ";"
                        | ":"
                        | "but"
                        | "mais"
                        | "while"
                        | "when"
                        | "lorsque"
                        | "after"
                        | "apres"
                ) || harm_before(w).is_some()
                    || (is_num && !matches!(doc.n(k + 1), "of" | "de"))
                {
                    break;
                }
                k += 1;
            }
        }
        // "7 bodies found", "14 corps retrouvés".
        if harm.is_none()
            && (doc.n(it.last.saturating_sub(1)) == "bodies"
                || doc.n(it.last.saturating_sub(1)) == "corps")
        {
            harm = Some((Harm::Killed, it.last));
        }
        let Some((harm, end)) = harm else {
            continue;
        };
        // Hostages released are not casualties.
        let released = (sent.first..sent.last).any(|x| is_release(doc.n(x)));
        if released && matches!(harm, Harm::Abducted) {
            continue;
        }
        let (first, last) = if end > it.last {
            (it.first, end)
        } else {
            (end.min(it.first), it.last)
        };
        out.push(CasualtyMention {
            harm,
            category: it.category,
            count: it.count,
            vague: it.vague,
            qualifier: it.qualifier,
            first,
            last,
        });
    }
    // One person killed without a number: "son garde du corps a été tué", "was shot dead".
    if !out.iter().any(|m| m.harm == Harm::Killed) {
        let singular = [
            "a ete tue",
            "a ete tuee",
            "a ete assassine",
            "a ete assassinee",
            "a ete execute",
            "a ete abattu",
            "was killed",
            "was shot dead",
            "was murdered",
            "was executed",
            "was assassinated",
            "killed a",
            "killing a",
            "killed one",
            "puis tue",
            "then killed",
            "had been killed",
            "l ' assassinat d ' un",
        ];
        if let Some((at, len)) = doc.first_of(from, to, &singular) {
            out.push(CasualtyMention {
                harm: Harm::Killed,
                category: VictimCategory::Unknown,
                count: Count::exact(1),
                vague: false,
                qualifier: None,
                first: at,
                last: at + len,
            });
        }
    }
    // One person abducted without a number: "a été enlevé", "was kidnapped".
    if !out.iter().any(|m| m.harm == Harm::Abducted) {
        let singular = [
            "a ete enleve",
            "a ete enlevee",
            "a ete kidnappe",
            "a ete kidnappee",
            "was kidnapped",
            "was abducted",
            "was taken hostage",
            "a ete pris en otage",
        ];
        let released = (from..to).any(|x| is_release(doc.n(x)));
        if let Some((at, len)) = doc.first_of(from, to, &singular).filter(|_| !released) {
            out.push(CasualtyMention {
                harm: Harm::Abducted,
                category: VictimCategory::Unknown,
                count: Count::exact(1),
                vague: false,
                qualifier: None,
                first: at,
                last: at + len,
            });
        }
    }
    // "No casualties", "aucune victime": a reported zero.
    let zero_killed = [
        "no casualties",
        "no one was killed",
        "nobody was killed",
        "no deaths",
        "no fatalities",
        "no loss of life",
        "no one died",
        "without casualties",
        "without causing casualties",
        "aucune victime",
        "pas de victime",
        "pas fait de victime",
        "sans faire de victime",
        "aucun mort",
        "aucune perte en vie humaine",
        "pas de perte en vie humaine",
        "no one was hurt",
        "no one was injured",
        "pas de morts",
        "pas de mort",
        "pas de victimes",
        "pas eu de victime",
        "aucune victime",
        "pas d ' incident",
        "sans incident",
        "no significant damage",
        "without incident",
    ];
    if !out.iter().any(|m| m.harm == Harm::Killed) {
        if let Some((at, len)) = doc.first_of(from, to, &zero_killed) {
            out.push(CasualtyMention {
                harm: Harm::Killed,
                category: VictimCategory::Unknown,
                count: Count::exact(0),
                vague: false,
                qualifier: None,
                first: at,
                last: at + len,
            });
        }
    }
    out
}

/// True when the text gives a breakdown of a total ("including", "dont", "of them").
pub fn breakdown_cue(doc: &Doc, from: usize, to: usize) -> bool {
    doc.any(
        from,
        to,
        &[
            "including",
            "among them",
            "of them",
            "dont",
            "parmi lesquels",
            "parmi eux",
            "among whom",
            "of whom",
            "among the dead",
            "parmi les victimes",
            "confondus",
        ],
    )
}

/// Per-harm figures built from mentions, plus which harms used vague amounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The casualties.
    pub casualties: Casualties,
    /// Harms whose figure uses a vague amount.
    pub vague: Vec<Harm>,
}

/// Combines mentions into figures (see the module docs).
///
/// `breakdown` says the text gives a total with its parts ("40 people, including 31
/// villagers", "35 morts dont 24 enfants"): the generic figure is then the total.
/// Otherwise a generic and a specific figure are two reports of the same victims and the
/// lowest is used.
pub fn summarize(mentions: &[CasualtyMention], breakdown: bool) -> Summary {
    let mut s = Summary::default();
    for harm in [Harm::Killed, Harm::Injured, Harm::Abducted, Harm::Missing] {
        let ms: Vec<&CasualtyMention> = mentions.iter().filter(|m| m.harm == harm).collect();
        if ms.is_empty() {
            continue;
        }
        let mut by: BTreeMap<VictimCategory, Count> = BTreeMap::new();
        for m in &ms {
            by.entry(m.category)
                .and_modify(|c| {
                    // Conflicting counts: the lowest is used (ACLED).
                    c.low = c.low.min(m.count.low);
                    c.best = c.best.min(m.count.best);
                    c.high = c.high.max(m.count.high);
                })
                .or_insert(m.count);
        }
        let generic = by.get(&VictimCategory::Unknown).copied();
        let specific: Vec<Count> = by
            .iter()
            .filter(|(k, _)| **k != VictimCategory::Unknown)
            .map(|(_, c)| *c)
            .collect();
        let sum = specific.iter().fold(Count::default(), |a, c| Count {
            low: a.low + c.low,
            best: a.best + c.best,
            high: a.high + c.high,
        });
        let total = match generic {
            Some(g) if specific.is_empty() => g,
            Some(g) if breakdown => {
                if g.best >= sum.best {
                    g
                } else {
                    sum
                }
            }
            Some(g) => {
                if g.best <= sum.best {
                    g
                } else {
                    sum
                }
            }
            None => sum,
        };
        let fig = CasualtyFigure {
            total: Some(Count {
                low: total.low.min(total.best),
                best: total.best,
                high: total.high.max(total.best),
            }),
            by_category: by
                .into_iter()
                .filter(|(k, _)| *k != VictimCategory::Unknown)
                .collect(),
        };
        if ms.iter().any(|m| m.vague) {
            s.vague.push(harm);
        }
        match harm {
            Harm::Killed => s.casualties.killed = fig,
            Harm::Injured => s.casualties.injured = fig,
            Harm::Abducted => s.casualties.abducted = fig,
            Harm::Missing => s.casualties.missing = fig,
        }
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn summary(text: &str) -> Summary {
        let d = tokenize(text);
        let skip = vec![false; d.tokens.len()];
        summarize(
            &find_casualties(&d, 0, d.tokens.len(), &skip),
            breakdown_cue(&d, 0, d.tokens.len()),
        )
    }

    fn killed(text: &str) -> Option<u32> {
        summary(text).casualties.killed.total.map(|c| c.best)
    }

    #[test]
    fn killed_counts_in_english_and_french() {
        assert_eq!(
            killed("gunmen ambushed a convoy, killing at least 24 soldiers"),
            Some(24)
        );
        assert_eq!(killed("24 soldiers were killed"), Some(24));
        assert_eq!(killed("L'attaque a fait 12 morts et 3 blessés."), Some(12));
        assert_eq!(killed("des hommes armés ont tué trois civils"), Some(3));
        assert_eq!(killed("a soldier was killed"), Some(1));
        assert_eq!(
            killed("the attack claimed the lives of ten people"),
            Some(10)
        );
        assert_eq!(killed("The convoy was attacked near Gao at 10 am."), None);
    }

    #[test]
    fn breakdown_sums_and_keeps_categories() {
        let s = summary("Attackers killed 31 villagers and nine soldiers.");
        let k = &s.casualties.killed;
        assert_eq!(k.total.map(|c| c.best), Some(40));
        assert_eq!(k.best_of(VictimCategory::Civilians), 31);
        assert_eq!(k.best_of(VictimCategory::StateForces), 9);
        let s = summary("Three French soldiers and two civilians were killed");
        assert_eq!(
            s.casualties
                .killed
                .best_of(VictimCategory::InternationalForces),
            3
        );
        assert_eq!(s.casualties.killed.total.map(|c| c.best), Some(5));
    }

    #[test]
    fn qualifiers_set_low_and_high() {
        let c = summary("up to 30 people were killed")
            .casualties
            .killed
            .total
            .unwrap();
        assert_eq!((c.low, c.best, c.high), (0, 30, 30));
        let c = summary("more than 20 civilians were killed")
            .casualties
            .killed
            .total
            .unwrap();
        assert_eq!((c.low, c.best), (20, 20));
        let c = summary("between 10 and 15 people were killed")
            .casualties
            .killed
            .total
            .unwrap();
        assert_eq!((c.low, c.best, c.high), (10, 10, 15));
    }

    #[test]
    fn vague_amounts_are_flagged() {
        let s = summary("dozens of villagers were killed and several wounded");
        assert_eq!(s.casualties.killed.total.map(|c| c.best), Some(12));
        assert_eq!(s.casualties.injured.total.map(|c| c.best), Some(3));
        assert!(s.vague.contains(&Harm::Killed));
    }

    #[test]
    fn injured_abducted_missing_and_released() {
        let s = summary("killing 5 soldiers and wounding 7 others; 2 soldiers are missing. They kidnapped three teachers.");
        assert_eq!(s.casualties.killed.total.map(|c| c.best), Some(5));
        assert_eq!(s.casualties.injured.total.map(|c| c.best), Some(7));
        assert_eq!(s.casualties.missing.total.map(|c| c.best), Some(2));
        assert_eq!(s.casualties.abducted.total.map(|c| c.best), Some(3));
        let s = summary("The 12 hostages kidnapped in May were released on Monday.");
        assert!(s.casualties.abducted.is_empty());
    }

    #[test]
    fn conflicting_counts_use_the_lowest() {
        assert_eq!(
            killed("12 civilians were killed, local sources said 15 civilians were killed"),
            Some(12)
        );
    }

    #[test]
    fn reported_zero() {
        assert_eq!(
            killed("An IED exploded; no casualties were reported."),
            Some(0)
        );
    }
}
