//! Place-name resolution: name plus optional hints → a ranked list of candidates, each
//! with a score and the reason, and a status that says when the name is ambiguous.
//!
//! Matching, best first: exact name; case- and accent-folded ("SEGOU" → Ségou); alternate
//! names and exonyms ("Tombouctou" → Timbuktu); apostrophe, hyphen, space and Roman
//! numeral variants ("NGoutjina", "Denga Ouro", "Wolenguéna 2"); then, only when nothing
//! matched, fuzzy (Jaro-Winkler ≥ [`FUZZY_THRESHOLD`] on the index key).
//!
//! Disambiguation adds small, explained adjustments: admin1 hint (allowing for the 2016
//! reform), country hint (a filter), near-place hint, feature class (populated place
//! before admin unit before natural feature or site), admin seat, and population.
//!
//! Phrases: "near X" / "around X" give precision *near*; "between X and Y" gives the
//! midpoint with precision *near*; "X region" and "X cercle" (and "cercle de X") resolve to
//! the admin unit. A trailing descriptor GED adds ("X town", "X village", "X military
//! camp", …) is stripped when the full text matches nothing.
//!
//! When the two best candidates score within [`AMBIGUITY_MARGIN`] and lie more than
//! [`SAME_PLACE_KM`] apart, the status is [`ResolutionStatus::Ambiguous`] and
//! [`Resolution::best`] returns `None`: the caller must choose. Nothing is guessed
//! silently.

use crate::gazetteer::{Gazetteer, NameKind, Place, PlaceSummary, Posting};
use crate::geo::haversine_km;
use crate::normalize;
use crate::vintage;
use serde::{Deserialize, Serialize};
use veille_model::GeoPrecision;

/// Minimum Jaro-Winkler similarity for a fuzzy match.
pub const FUZZY_THRESHOLD: f64 = 0.90;
/// Score gap under which two far-apart candidates make the name ambiguous.
pub const AMBIGUITY_MARGIN: f64 = 0.02;
/// The margin when the best candidate is a fuzzy match (similarities are noisier).
pub const FUZZY_AMBIGUITY_MARGIN: f64 = 0.03;
/// Candidates closer than this are treated as the same place for ambiguity.
pub const SAME_PLACE_KM: f64 = 10.0;

/// Optional hints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hints {
    /// Country, ISO alpha-3 ("MLI") or alpha-2 ("ML"): candidates elsewhere are dropped.
    #[serde(default)]
    pub country: Option<String>,
    /// Admin1 name or code ("Mopti", "Segou region", "04"); matched allowing for the
    /// 2016 reform.
    #[serde(default)]
    pub admin1: Option<String>,
    /// Admin2 (cercle) name or GeoNames admin2 code ("Bankass", "Niono cercle"):
    /// candidates in that cercle rank higher; candidates whose cercle is unknown get a
    /// bonus that falls with distance from the cercle's gazetteer point.
    #[serde(default)]
    pub admin2: Option<String>,
    /// A place the event is near; candidates close to it rank higher.
    #[serde(default)]
    pub near: Option<String>,
    /// Maximum candidates returned (default 10).
    #[serde(default)]
    pub limit: Option<usize>,
    /// When the event happened. Admin names are read in the frame in force that day: an
    /// admin1 hint "Ménaka" before the 2016 reform means the Gao region of the time, a
    /// place now in Ménaka matches a pre-2016 hint "Gao" exactly, and each candidate
    /// says which region it belonged to that day when that differs from today's code.
    #[serde(default)]
    pub date: Option<chrono::NaiveDate>,
}

/// The outcome class of a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionStatus {
    /// One candidate stands out; [`Resolution::best`] returns it.
    Resolved,
    /// Several far-apart candidates score alike; see the candidates.
    Ambiguous,
    /// Nothing matched, or the best match is fuzzy and contradicts the admin hints
    /// (then the candidates are still listed).
    NotFound,
}

/// One candidate place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The place.
    pub place: PlaceSummary,
    /// Score (higher is better; about 0.7–1.2).
    pub score: f64,
    /// Why it matched and how it was ranked.
    pub reason: String,
    /// How precisely this candidate locates the event.
    pub precision: GeoPrecision,
    /// With a date hint: the admin1 (GeoNames code, name) the place belonged to on that
    /// date, when it differs from the gazetteer's code (Ménaka before 2016 → Gao).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1_on_date: Option<(String, String)>,
}

/// The answer to a resolution query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The query as given.
    pub query: String,
    /// Resolved, ambiguous or not found.
    pub status: ResolutionStatus,
    /// Ranked candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Notes on how the query was read ("phrase 'near X'", "stripped ' village'", …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Resolution {
    /// The winning candidate, only when the status is `Resolved`.
    pub fn best(&self) -> Option<&Candidate> {
        match self.status {
            ResolutionStatus::Resolved => self.candidates.first(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Any,
    Adm1,
    Adm2,
    Adm3,
}

fn strip_suffix_ci<'a>(s: &'a str, suf: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suf.len())?;
    if !s.is_char_boundary(cut) {
        return None;
    }
    let (head, tail) = s.split_at(cut);
    // Quick reject on the first letter after the space (all phrases start with one).
    if let (Some(a), Some(b)) = (tail.as_bytes().get(1), suf.as_bytes().get(1)) {
        if b.is_ascii_alphabetic() && !a.eq_ignore_ascii_case(b) {
            return None;
        }
    }
    if suf.is_ascii() && tail.is_ascii() {
        return tail.eq_ignore_ascii_case(suf).then(|| head.trim_end());
    }
    (normalize::fold(tail) == normalize::fold(suf)).then(|| head.trim_end())
}

fn strip_prefix_ci<'a>(s: &'a str, pre: &str) -> Option<&'a str> {
    if s.len() < pre.len() || !s.is_char_boundary(pre.len()) {
        return None;
    }
    let (head, tail) = s.split_at(pre.len());
    if let (Some(a), Some(b)) = (head.as_bytes().first(), pre.as_bytes().first()) {
        if b.is_ascii_alphabetic() && !a.eq_ignore_ascii_case(b) {
            return None;
        }
    }
    if pre.is_ascii() && head.is_ascii() {
        return head.eq_ignore_ascii_case(pre).then(|| tail.trim_start());
    }
    (normalize::fold(head) == normalize::fold(pre) && head.ends_with(' '))
        .then(|| tail.trim_start())
}

/// Trailing descriptors GED and others add after a place name.
pub const DESCRIPTORS: &[&str] = &[
    " town",
    " village",
    " city",
    " military camp",
    " military base",
    " army camp",
    " camp",
    " crossroads",
    " crossroad",
    " gold-panning site",
    " gold mine",
    " mine",
    " market",
    " area",
    " hamlet",
    " locality",
    " commune",
];

/// True when a non-populated-place feature can be what a descriptor names: in the
/// Sahara and Sahel people live at wells, oases and camps, so a GED "X village" whose
/// only gazetteer match is a well is that well rather than a same-named dune or area;
/// a "military camp" is a camp or base; a "gold-panning site" or "mine" is a mine.
fn descriptor_fits(descriptor: &str, p: &Place) -> bool {
    let code = p.feature_code.as_str();
    match descriptor {
        "village" | "town" | "city" | "hamlet" | "locality" => matches!(
            code,
            "WLL" | "WLLS" | "WLLQ" | "OAS" | "CMP" | "CMPQ" | "PPLW" | "WTRH" | "MKT"
        ),
        "military camp" | "military base" | "army camp" | "camp" => {
            matches!(code, "CMP" | "MILB" | "INSM" | "CMPQ" | "CMPMN")
        }
        "gold-panning site" | "gold mine" | "mine" => {
            matches!(code, "MN" | "MNAU" | "MNQ" | "MNS" | "CMPMN" | "MNQR")
        }
        "market" => code == "MKT",
        _ => false,
    }
}

/// Strips one trailing descriptor ("Lere town" → "Lere"); `None` if there is none.
pub fn strip_descriptor(name: &str) -> Option<&str> {
    DESCRIPTORS
        .iter()
        .find_map(|d| strip_suffix_ci(name, d))
        .filter(|s| !s.is_empty())
}

/// The precision order: finer first.
fn rank(p: GeoPrecision) -> u8 {
    match p {
        GeoPrecision::Exact => 0,
        GeoPrecision::Near => 1,
        GeoPrecision::Admin2 => 2,
        GeoPrecision::Admin1 => 3,
        GeoPrecision::Country => 4,
    }
}

/// The coarser of two precisions.
pub fn coarser(a: GeoPrecision, b: GeoPrecision) -> GeoPrecision {
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

/// How precisely a place's point locates something at it.
pub fn place_precision(p: &Place) -> GeoPrecision {
    match (p.feature_class.as_str(), p.feature_code.as_str()) {
        ("A", "ADM1") | ("A", "ADM1H") => GeoPrecision::Admin1,
        ("A", "ADM2") | ("A", "ADM2H") => GeoPrecision::Admin2,
        ("A", "PCLI") | ("A", "PCL") => GeoPrecision::Country,
        ("A", _) => GeoPrecision::Near,
        ("P", _) | ("S", _) | ("H", _) => GeoPrecision::Exact,
        _ => GeoPrecision::Near,
    }
}

fn iso2(country: &str) -> String {
    let c = country.trim().to_ascii_uppercase();
    match c.as_str() {
        "MLI" => "ML",
        "BFA" => "BF",
        "NER" => "NE",
        "MRT" => "MR",
        "SEN" => "SN",
        "GIN" => "GN",
        "CIV" => "CI",
        "DZA" => "DZ",
        "NGA" => "NG",
        "TCD" => "TD",
        "BEN" => "BJ",
        "TGO" => "TG",
        "GHA" => "GH",
        _ => return c,
    }
    .to_string()
}

struct Scored {
    place: u32,
    score: f64,
    reason: String,
    /// The candidate contradicts an admin hint.
    contradicts: bool,
}

/// Resolves a query against a gazetteer.
pub fn resolve(g: &Gazetteer, query: &str, hints: &Hints) -> Resolution {
    let q = query
        .trim()
        .trim_matches(|c| c == '"' || c == '“' || c == '”')
        .trim();
    let mut notes = Vec::new();
    // "between X and Y"
    if let Some(rest) = strip_prefix_ci(q, "between ").or_else(|| strip_prefix_ci(q, "entre ")) {
        let lower = rest.to_lowercase();
        let sep = lower
            .find(" and ")
            .map(|i| (i, 5))
            .or_else(|| lower.find(" et ").map(|i| (i, 4)));
        if let Some((i, n)) = sep {
            if rest.is_char_boundary(i) && rest.is_char_boundary(i + n) {
                return between(g, query, &rest[..i], &rest[i + n..], hints);
            }
        }
    }
    let mut name = q;
    let mut near = false;
    for p in [
        "near ",
        "nearby ",
        "around ",
        "close to ",
        "outside ",
        "in the vicinity of ",
        "près de ",
        "pres de ",
        "aux environs de ",
        "vers ",
    ] {
        if let Some(r) = strip_prefix_ci(name, p) {
            name = r;
            near = true;
            notes.push(format!("phrase \"{}X\": precision near", p));
            break;
        }
    }
    let mut filter = Filter::Any;
    for (suf, f) in [
        (" region", Filter::Adm1),
        (" région", Filter::Adm1),
        (" cercle", Filter::Adm2),
        (" circle", Filter::Adm2),
    ] {
        if let Some(r) = strip_suffix_ci(name, suf) {
            if !r.is_empty() {
                name = r;
                filter = f;
                notes.push(format!("phrase \"X{suf}\": admin unit only"));
                break;
            }
        }
    }
    if filter == Filter::Any {
        for (pre, f) in [
            ("region de ", Filter::Adm1),
            ("région de ", Filter::Adm1),
            ("region of ", Filter::Adm1),
            ("cercle de ", Filter::Adm2),
            ("cercle of ", Filter::Adm2),
            ("commune de ", Filter::Adm3),
            ("commune of ", Filter::Adm3),
        ] {
            if let Some(r) = strip_prefix_ci(name, pre) {
                name = r;
                filter = f;
                notes.push(format!("phrase \"{pre}X\": admin unit only"));
                break;
            }
        }
    }
    let near_point = hints.near.as_deref().and_then(|n| {
        let h = Hints {
            near: None,
            limit: Some(1),
            ..hints.clone()
        };
        let r = resolve(g, n, &Hints { admin1: None, ..h });
        match r.best() {
            Some(c) => Some((c.place.latitude, c.place.longitude, c.place.name.clone())),
            None => {
                notes.push(format!("near-place hint {n:?} did not resolve; ignored"));
                None
            }
        }
    });
    let mut ctx = Ctx::new(g, hints, near_point, &mut notes);
    let mut scored = score_name(g, name, filter, &ctx, false);
    let mut used = name;
    if scored.is_empty() {
        if let Some(stripped) = strip_descriptor(name) {
            notes.push(format!(
                "no match for {name:?}; stripped the descriptor {:?}",
                name[stripped.len()..].trim()
            ));
            used = stripped;
            ctx.descriptor = Some(name[stripped.len()..].trim().to_lowercase());
            scored = score_name(g, stripped, filter, &ctx, false);
        }
    }
    if scored.is_empty() {
        scored = score_name(g, used, filter, &ctx, true);
    }
    finish(g, query, scored, near, hints, notes)
}

fn finish(
    g: &Gazetteer,
    query: &str,
    mut scored: Vec<Scored>,
    near: bool,
    hints: &Hints,
    notes: Vec<String>,
) -> Resolution {
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    scored.truncate(hints.limit.unwrap_or(10).max(2));
    let mut notes = notes;
    let top_contradicts = scored.first().is_some_and(|s| s.contradicts);
    if top_contradicts {
        notes.push("the best fuzzy candidate contradicts the admin hints; not resolved".into());
    }
    let mut candidates: Vec<Candidate> = scored
        .into_iter()
        .filter_map(|s| {
            let p = g.place(s.place)?;
            let mut precision = place_precision(p);
            if near {
                precision = coarser(precision, GeoPrecision::Near);
            }
            Some(Candidate {
                place: g.summary(p),
                score: (s.score * 1000.0).round() / 1000.0,
                reason: s.reason,
                precision,
                admin1_on_date: hints.date.and_then(|d| admin1_on(g, p, d)),
            })
        })
        .collect();
    if let (Some(d), Some(c)) = (hints.date, candidates.first()) {
        if let Some((code, name)) = &c.admin1_on_date {
            notes.push(format!(
                "on {d} {} was in the {name} region ({code}): the region it is in today \
                 was created by the 2016 reform",
                c.place.name
            ));
        }
    }
    let status = if top_contradicts {
        ResolutionStatus::NotFound
    } else {
        status_of(&candidates)
    };
    candidates.truncate(hints.limit.unwrap_or(10).max(1));
    Resolution {
        query: query.to_string(),
        status,
        candidates,
        notes,
    }
}

/// The admin1 a Mali place belonged to on `date`, when that differs from its code today.
fn admin1_on(g: &Gazetteer, p: &Place, date: chrono::NaiveDate) -> Option<(String, String)> {
    if p.country_code != "ML" {
        return None;
    }
    let on = vintage::code_on(&p.admin1_code, date);
    (on != p.admin1_code).then(|| {
        let name = g
            .admin1_name("ML", on)
            .map(str::to_string)
            .or_else(|| vintage::region(on).map(|r| r.name.to_string()))
            .unwrap_or_default();
        (on.to_string(), name)
    })
}

fn status_of(c: &[Candidate]) -> ResolutionStatus {
    match c {
        [] => ResolutionStatus::NotFound,
        [_] => ResolutionStatus::Resolved,
        [a, rest @ ..] => {
            let margin = if a.reason.starts_with("fuzzy") {
                FUZZY_AMBIGUITY_MARGIN
            } else {
                AMBIGUITY_MARGIN
            };
            let close = rest.iter().take_while(|b| b.score >= a.score - margin);
            let far = close.into_iter().any(|b| {
                haversine_km(
                    a.place.latitude,
                    a.place.longitude,
                    b.place.latitude,
                    b.place.longitude,
                ) > SAME_PLACE_KM
            });
            if far {
                ResolutionStatus::Ambiguous
            } else {
                ResolutionStatus::Resolved
            }
        }
    }
}

fn passes(p: &Place, filter: Filter) -> bool {
    match filter {
        Filter::Any => true,
        Filter::Adm1 => p.is_adm1(),
        Filter::Adm2 => p.is_adm2(),
        Filter::Adm3 => p.is_adm3(),
    }
}

struct Ctx {
    country: Option<String>,
    admin1_code: Option<String>,
    date: Option<chrono::NaiveDate>,
    /// The descriptor stripped from the query ("village", "military camp"), which says
    /// what kind of feature to prefer.
    descriptor: Option<String>,
    /// (admin2 code, lat, lon, name) of the cercles matching the admin2 hint.
    admin2: Vec<(String, f64, f64, String)>,
    near: Option<(f64, f64, String)>,
    limit: usize,
}

impl Ctx {
    fn new(
        g: &Gazetteer,
        hints: &Hints,
        near: Option<(f64, f64, String)>,
        notes: &mut Vec<String>,
    ) -> Ctx {
        let country = hints.country.as_deref().map(iso2);
        let admin1_code: Option<String> = hints.admin1.as_deref().and_then(|h| {
            let c = vintage::region_code_for(h).map(str::to_string).or_else(|| {
                // Neighbour countries: match an ADM1 feature's names.
                let mut k = normalize::fold(h);
                if let Some(s) = k.strip_suffix(" region") {
                    k = s.to_string();
                }
                g.lookup_key(&normalize::key_of_folded(&k))
                    .iter()
                    .filter_map(|p| g.place(p.place))
                    .find(|p| p.is_adm1())
                    .map(|p| p.admin1_code.clone())
            });
            if c.is_none() {
                notes.push(format!("admin1 hint {h:?} not recognised; ignored"));
            }
            match (c, hints.date) {
                (Some(code), Some(d)) if !vintage::region_exists_on(&code, d) => {
                    let old = vintage::to_pre2016(&code).to_string();
                    notes.push(format!(
                        "admin1 hint {h:?}: that region did not exist on {d} (created by \
                         the 2016 reform); read as the region of the time, {} ({old})",
                        vintage::region(&old).map(|r| r.name).unwrap_or("?")
                    ));
                    Some(old)
                }
                (c, _) => c,
            }
        });
        let admin2 = match hints.admin2.as_deref() {
            None => Vec::new(),
            Some(h) => {
                let mut k = normalize::fold(h);
                for suf in [" cercle", " circle", " district"] {
                    if let Some(s) = k.strip_suffix(suf) {
                        k = s.to_string();
                    }
                }
                if let Some(s) = k.strip_prefix("cercle de ") {
                    k = s.to_string();
                }
                let key = normalize::key_of_folded(&k);
                let v: Vec<_> = g
                    .lookup_key(&key)
                    .iter()
                    .filter_map(|p| g.place(p.place))
                    .chain(g.by_id(&format!("geonames:{}", h.trim())))
                    .filter(|p| p.is_adm2())
                    .filter(|p| {
                        admin1_code
                            .as_deref()
                            .is_none_or(|a| vintage::agrees_allowing_vintage(&p.admin1_code, a))
                    })
                    .map(|p| {
                        (
                            p.admin2_code.clone(),
                            p.latitude,
                            p.longitude,
                            p.name.clone(),
                        )
                    })
                    .collect();
                if v.is_empty() {
                    notes.push(format!("admin2 hint {h:?} not recognised; ignored"));
                }
                v
            }
        };
        Ctx {
            country,
            admin1_code,
            date: hints.date,
            descriptor: None,
            admin2,
            near,
            limit: hints.limit.unwrap_or(10),
        }
    }
}

fn score_name(g: &Gazetteer, name: &str, filter: Filter, ctx: &Ctx, fuzzy: bool) -> Vec<Scored> {
    let folded = normalize::fold(name);
    let key = normalize::key_of_folded(&folded);
    if key.is_empty() {
        return Vec::new();
    }
    let country = ctx.country.clone();
    let admin1_code = ctx.admin1_code.clone();
    let near = ctx.near.as_ref();
    let country_c = country.clone();
    // Scores a posting; builds the reason text only when `explain` (the costly part),
    // which is done for the few candidates returned.
    let consider = |posting: &Posting,
                    base: f64,
                    how: &How,
                    explain: bool|
     -> Option<(f64, bool, String)> {
        let p = g.place(posting.place)?;
        if !passes(p, filter) {
            return None;
        }
        if let Some(c) = &country_c {
            if &p.country_code != c {
                return None;
            }
        }
        let mut score = base;
        let mut why: Vec<String> = Vec::new();
        if explain {
            why.push(how_text(g, p, posting, how));
        }
        let mut contradicts = false;
        // Hints locate the event; they do not promote an admin unit that merely has the
        // same name ("Goundam" with hint "Goundam cercle" is the town).
        let hintable = filter != Filter::Any || p.feature_class != "A";
        if filter == Filter::Any {
            let (adj, label) = match p.feature_class.as_str() {
                "P" => (0.0, "populated place"),
                "A" => (-0.04, "admin unit"),
                "L" => (-0.05, "locality/area"),
                "S" => (-0.06, "site/building"),
                _ => (-0.08, "natural or other feature"),
            };
            score += adj;
            if explain {
                why.push(format!("{label} ({}.{})", p.feature_class, p.feature_code));
            }
            if let Some(d) = ctx.descriptor.as_deref() {
                // Small: a populated place matched on an alternate name still wins.
                if descriptor_fits(d, p) {
                    score += 0.025;
                    if explain {
                        why.push(format!("a {d} may be at a {}", p.feature_code));
                    }
                }
            }
        } else {
            if explain {
                why.push(format!(
                    "admin unit ({}.{})",
                    p.feature_class, p.feature_code
                ));
            }
        }
        let seat = match p.feature_code.as_str() {
            "PPLC" => 0.04,
            "PPLA" => 0.03,
            "PPLA2" => 0.02,
            "PPLA3" | "PPLA4" => 0.01,
            _ => 0.0,
        };
        if seat > 0.0 {
            score += seat;
            if explain {
                why.push("admin seat".into());
            }
        }
        if p.population > 0 && p.feature_class != "A" {
            score += ((p.population as f64).log10() * 0.005).min(0.03);
            if explain {
                why.push(format!("population {}", p.population));
            }
        }
        if let Some(h) = admin1_code.as_ref().filter(|_| hintable) {
            let a1 = p.admin1_code.as_str();
            if a1.is_empty() || a1 == "00" {
                if explain {
                    why.push("admin1 unknown in gazetteer".into());
                }
            } else {
                match vintage::agreement(a1, h) {
                    vintage::Agreement::Exact => {
                        score += 0.10;
                        if explain {
                            why.push("admin1 hint matches".into());
                        }
                    }
                    vintage::Agreement::AllowingForVintage => match ctx.date {
                        // On the hint's date the place was in the hinted region
                        // (a place now in Ménaka, a pre-2016 "Gao" hint).
                        Some(d) if vintage::code_on(a1, d) == h.as_str() => {
                            score += 0.10;
                            if explain {
                                why.push(format!(
                                    "admin1 hint matches: on {d} the place was in that region"
                                ));
                            }
                        }
                        // After the reform, a hint for the region a place was carved
                        // out of matches only in the old frame.
                        Some(d)
                            if vintage::region_exists_on(a1, d)
                                && a1 != h.as_str()
                                && vintage::to_pre2016(a1) == h.as_str() =>
                        {
                            score += 0.04;
                            if explain {
                                why.push(format!(
                                        "admin1 hint matches only in the pre-2016 frame: on {d} the place is in {a1}"
                                    ));
                            }
                        }
                        _ => {
                            score += 0.08;
                            if explain {
                                why.push("admin1 hint matches allowing for the 2016 reform".into());
                            }
                        }
                    },
                    vintage::Agreement::Disagree => {
                        score -= 0.30;
                        contradicts = true;
                        if explain {
                            why.push(format!("admin1 {a1} contradicts hint"));
                        }
                    }
                }
            }
        }
        if !ctx.admin2.is_empty() && hintable {
            if !p.admin2_code.is_empty() {
                if ctx.admin2.iter().any(|a| a.0 == p.admin2_code) {
                    score += 0.08;
                    if explain {
                        why.push("admin2 hint matches".into());
                    }
                } else {
                    score -= 0.10;
                    contradicts = true;
                    if explain {
                        why.push(format!("admin2 {} contradicts hint", p.admin2_code));
                    }
                }
            } else {
                let (d, nm) = ctx
                    .admin2
                    .iter()
                    .map(|a| (haversine_km(a.1, a.2, p.latitude, p.longitude), &a.3))
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .unwrap_or((f64::MAX, &ctx.admin2[0].3));
                score += 0.06 * (1.0 - d / 100.0).max(0.0);
                if d > 150.0 {
                    // Counts against a fuzzy match only (see below).
                    contradicts = true;
                }
                if explain {
                    why.push(format!("admin2 unknown; {d:.0} km from the {nm} point"));
                }
            }
        }
        if let Some((lat, lon, nm)) = near {
            let d = haversine_km(*lat, *lon, p.latitude, p.longitude);
            let b = 0.10 * (1.0 - d / 250.0).max(0.0);
            score += b;
            if explain {
                why.push(format!("{d:.0} km from {nm}"));
            }
        }
        // Only a fuzzy match is disqualified by contradicting a hint; an exact name
        // that GeoNames files under another region is kept (ranked lower) because
        // border places are often coded differently by different sources.
        let contradicts = contradicts && fuzzy;
        Some((score, contradicts, why.join("; ")))
    };
    let mut items: Vec<(Posting, f64, How)> = Vec::new();
    let postings_hit: Vec<Posting> = g
        .lookup_key(&key)
        .iter()
        .copied()
        .filter(|p| g.place(p.place).is_some_and(|pl| passes(pl, filter)))
        .filter(|p| {
            country
                .as_ref()
                .is_none_or(|c| g.place(p.place).is_some_and(|pl| &pl.country_code == c))
        })
        .collect();
    let soft = normalize::fold_case_accents(name);
    for posting in postings_hit.iter().filter(|_| !fuzzy) {
        let Some(p) = g.place(posting.place) else {
            continue;
        };
        let matched = g.matched_name(p, posting);
        let alt = matches!(posting.kind, NameKind::Alternate(_) | NameKind::Alias(_));
        let (base, how) = if matched == name && posting.kind != NameKind::Ascii {
            (if alt { 0.97 } else { 1.0 }, How::Exact)
        } else if normalize::fold_case_accents(matched) == soft {
            (if alt { 0.94 } else { 0.96 }, How::Folded)
        } else {
            (if alt { 0.90 } else { 0.92 }, How::Variant)
        };
        items.push((*posting, base, how));
    }
    if fuzzy {
        let mut fz = g.fuzzy_keys(&key, FUZZY_THRESHOLD);
        fz.sort_by(|a, b| b.0.total_cmp(&a.0));
        fz.truncate(20);
        for (jw, k, postings) in fz {
            // Rank by the mean of Jaro-Winkler and normalised Levenshtein: JW alone
            // over-rewards shared prefixes.
            let lev = strsim::normalized_levenshtein(&key, k);
            let sim = 0.5 * jw + 0.5 * lev;
            for posting in postings {
                items.push((*posting, 0.85 * sim, How::Fuzzy { jw, lev }));
            }
        }
    }
    // Pass 1: scores only, best item per place.
    let mut best: Vec<(u32, f64, bool, usize)> = Vec::new();
    for (i, (posting, base, how)) in items.iter().enumerate() {
        let Some((score, contradicts, _)) = consider(posting, *base, how, false) else {
            continue;
        };
        match best.iter_mut().find(|b| b.0 == posting.place) {
            Some(b) if b.1 >= score => {}
            Some(b) => *b = (posting.place, score, contradicts, i),
            None => best.push((posting.place, score, contradicts, i)),
        }
    }
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.truncate(ctx.limit.max(2));
    // Pass 2: reasons for the candidates kept.
    best.into_iter()
        .map(|(place, score, contradicts, i)| {
            let (posting, base, how) = &items[i];
            let reason = consider(posting, *base, how, true)
                .map(|r| r.2)
                .unwrap_or_default();
            Scored {
                place,
                score,
                reason,
                contradicts,
            }
        })
        .collect()
}

/// How a name matched (the reason text is built only for returned candidates).
enum How {
    Exact,
    Folded,
    Variant,
    Fuzzy { jw: f64, lev: f64 },
}

fn how_text(g: &Gazetteer, p: &Place, posting: &Posting, how: &How) -> String {
    let matched = g.matched_name(p, posting);
    let which = match posting.kind {
        NameKind::Primary => "name",
        NameKind::Ascii => "ASCII name",
        NameKind::Alternate(_) => "alternate name",
        NameKind::AdminBase => "admin name",
        NameKind::Alias(_) => "user alias",
    };
    match how {
        How::Exact => format!("exact match on {which} {matched:?}"),
        How::Folded => format!("case/accent-folded match on {which} {matched:?}"),
        How::Variant => {
            format!("spelling variant (apostrophe/hyphen/space/numeral) of {which} {matched:?}")
        }
        How::Fuzzy { jw, lev } => {
            format!("fuzzy match (Jaro-Winkler {jw:.3}, Levenshtein {lev:.3}) on {matched:?}")
        }
    }
}

fn between(g: &Gazetteer, query: &str, x: &str, y: &str, hints: &Hints) -> Resolution {
    let h = Hints {
        limit: Some(5),
        ..hints.clone()
    };
    let rx = resolve(g, x, &h);
    let ry = resolve(g, y, &h);
    let (Some(a), Some(b)) = (rx.best(), ry.best()) else {
        let (bad, which) = if rx.best().is_none() {
            (rx, x)
        } else {
            (ry, y)
        };
        let mut notes = vec![format!(
            "\"between X and Y\": {which:?} is {}; no midpoint",
            match bad.status {
                ResolutionStatus::Ambiguous => "ambiguous",
                _ => "not found",
            }
        )];
        notes.extend(bad.notes);
        return Resolution {
            query: query.to_string(),
            status: bad.status,
            candidates: bad.candidates,
            notes,
        };
    };
    let lat = (a.place.latitude + b.place.latitude) / 2.0;
    let lon = (a.place.longitude + b.place.longitude) / 2.0;
    let d = haversine_km(
        a.place.latitude,
        a.place.longitude,
        b.place.latitude,
        b.place.longitude,
    );
    let same = |f: fn(&PlaceSummary) -> &Option<(String, String)>| {
        (f(&a.place) == f(&b.place))
            .then(|| f(&a.place).clone())
            .flatten()
    };
    let place = PlaceSummary {
        id: format!("between:{}+{}", a.place.id, b.place.id),
        name: format!("between {} and {}", a.place.name, b.place.name),
        latitude: lat,
        longitude: lon,
        feature: "midpoint".into(),
        country_code: if a.place.country_code == b.place.country_code {
            a.place.country_code.clone()
        } else {
            String::new()
        },
        admin1: same(|p| &p.admin1),
        admin2: same(|p| &p.admin2),
        population: 0,
    };
    let precision = coarser(coarser(a.precision, b.precision), GeoPrecision::Near);
    Resolution {
        query: query.to_string(),
        status: ResolutionStatus::Resolved,
        candidates: vec![Candidate {
            place,
            score: a.score.min(b.score),
            reason: format!(
                "midpoint of {} ({}) and {} ({}), {d:.1} km apart",
                a.place.name, a.place.id, b.place.name, b.place.id
            ),
            precision,
            admin1_on_date: None,
        }],
        notes: vec!["phrase \"between X and Y\": midpoint, precision near".into()],
    }
}
