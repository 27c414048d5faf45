//! Place mentions in report text. Names are found by looking word sequences up in the
//! veille-geo gazetteer index ([`veille_geo::Gazetteer::lookup_key`]) and resolved with
//! [`veille_geo::Geo::resolve`]; this module only reads the *context* of a name:
//!
//! - "X region", "région de X", a sitrep header "MOPTI / Bandiagara –": an admin1 (or
//!   admin2) hint, not the incident's location;
//! - "X cercle", "cercle de X", "the X area", "commune de X": an admin2 (commune) hint,
//!   used as the location only when nothing finer is named;
//! - "near X", "près de X", "8 km W of X": precision *near*; after another place in the
//!   same sentence it is only a reference point ("Ogossagou, near Bankass");
//! - "between X and Y" / "entre X et Y", "the X-Y road": both places, midpoint;
//! - "fled to X", "reinforcements from X": not where it happened;
//! - a wire dateline ("BAMAKO, March 24 -") is where the report was filed: ignored;
//! - "in Mali", "central Mali": country (area) precision, never a made-up village.

use crate::lexicon;
use crate::text::{Doc, Kind};
use veille_geo::Geo;

/// The role a place mention plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRole {
    /// Where the incident happened.
    Site,
    /// A reference point ("near X" after another place).
    Reference,
    /// An admin1 (region) mention.
    Region,
    /// An admin2 (cercle) or commune mention: a hint, a location only as a last resort.
    Area,
    /// Not where it happened (origin or destination of movement, dateline).
    Elsewhere,
}

/// One place mention.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// First token of the name.
    pub first: usize,
    /// One past the last token of the name.
    pub last: usize,
    /// The name as written (the whole capitalised run, e.g. "Bouka Were").
    pub name: String,
    /// The part the gazetteer index knows (e.g. "Bouka"), when shorter than `name`.
    pub lookup: Option<String>,
    /// Its role.
    pub role: PlaceRole,
    /// True after "near", "près de", "outside", "N km from".
    pub near: bool,
    /// For regions: the GeoNames admin1 code.
    pub region_code: Option<&'static str>,
    /// True when the name is joined to the previous place by "and"/"et"/"-" after
    /// "between"/"entre"/"axe"/"road".
    pub between_with_previous: bool,
    /// True for the ends of a road or an axis ("the Gao-Ansongo road", "l'axe
    /// Boni-Hombori"): the incident site only when no other place is named.
    pub road: bool,
}

/// Country-level mention: (first token, last token, text).
#[derive(Debug, Clone, PartialEq)]
pub struct CountryMention {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

fn is_allcaps(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).all(|k| {
        doc.tokens.get(k).is_some_and(|t| {
            t.kind != Kind::Word || {
                let s = t.text(doc.src);
                s.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase())
                    && s.chars().filter(|c| c.is_alphabetic()).count() >= 2
            }
        })
    })
}

/// True when a text is written without capitals (SMS style), so lower-case words may be
/// place names.
pub fn lowercase_style(doc: &Doc) -> bool {
    let words = doc.tokens.iter().filter(|t| t.kind == Kind::Word).count();
    let caps = doc
        .tokens
        .iter()
        .filter(|t| t.kind == Kind::Word && t.cap)
        .count();
    let first_lower = doc
        .tokens
        .iter()
        .find(|t| t.kind == Kind::Word)
        .is_some_and(|t| !t.cap && t.norm.chars().next().is_some_and(char::is_alphabetic));
    words > 0 && (first_lower && caps * 6 < words || caps * 25 < words)
}

/// Builds the lookup string for tokens `a..b`: words joined by spaces, apostrophes and
/// hyphens kept as written.
fn name_text(doc: &Doc, a: usize, b: usize) -> String {
    doc.slice(a, b).to_string()
}

/// Candidate place names at `i`: the longest run (up to 4 tokens, joined by hyphens,
/// apostrophes, "du"/"de"/"el" inside) that the gazetteer index knows.
fn gazetteer_match(geo: &Geo, doc: &Doc, i: usize, lower_ok: bool) -> Option<usize> {
    let t = doc.tokens.get(i)?;
    let elided = t.norm.len() == 1
        && doc.n(i + 1) == "'"
        && doc.tokens.get(i + 1).is_some_and(|x| !x.space_before)
        && doc
            .tokens
            .get(i + 2)
            .is_some_and(|x| !x.space_before && x.kind == Kind::Word);
    if t.kind != Kind::Word || (!t.cap && !lower_ok) || (t.norm.len() < 3 && !elided) {
        return None;
    }
    if lexicon::is_common_word(&t.norm) {
        return None;
    }
    // Collect possible ends.
    let mut ends = Vec::new();
    let mut k = i + 1;
    ends.push(k);
    let mut words = 1;
    while words < 4 {
        let nt = match doc.tokens.get(k) {
            Some(x) => x,
            None => break,
        };
        if nt.kind == Kind::Punct && matches!(nt.norm.as_str(), "-" | "'") && !nt.space_before {
            if let Some(w) = doc
                .tokens
                .get(k + 1)
                .filter(|w| w.kind != Kind::Punct && !w.space_before)
            {
                let _ = w;
                k += 2;
                words += 1;
                ends.push(k);
                continue;
            }
            break;
        }
        if nt.kind == Kind::Word && (nt.cap || (lower_ok && !lexicon::is_common_word(&nt.norm))) {
            k += 1;
            words += 1;
            ends.push(k);
            continue;
        }
        if matches!(nt.norm.as_str(), "du" | "de" | "el" | "al" | "n")
            && doc
                .tokens
                .get(k + 1)
                .is_some_and(|w| w.cap && w.kind == Kind::Word)
        {
            k += 2;
            words += 1;
            ends.push(k);
            continue;
        }
        break;
    }
    for &e in ends.iter().rev() {
        let key = veille_geo::normalize::key(&name_text(doc, i, e));
        if !geo.gazetteer.lookup_key(&key).is_empty() {
            return Some(e);
        }
    }
    None
}

/// A capitalised word that can continue a place name ("Bouka Were", "Koulogon Peul").
fn name_part(norm: &str) -> bool {
    crate::dates::month_of(norm).is_none()
        && !matches!(
            norm,
            "mali"
                | "region"
                | "cercle"
                | "commune"
                | "district"
                | "area"
                | "the"
                | "le"
                | "la"
                | "les"
                | "des"
                | "a"
                | "in"
                | "on"
                | "at"
                | "de"
                | "du"
                | "et"
                | "and"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "lundi"
                | "mardi"
                | "mercredi"
                | "jeudi"
                | "vendredi"
                | "samedi"
                | "dimanche"
                | "fama"
                | "jnim"
                | "minusma"
                | "gsim"
                | "isgs"
                | "eigs"
        )
        && norm.chars().all(|c| c.is_alphabetic())
}

fn prev_word<'d>(doc: &'d Doc, i: usize, back: usize) -> &'d str {
    i.checked_sub(back).map(|k| doc.n(k)).unwrap_or("")
}

/// Finds place mentions in the whole report.
pub fn find_places(
    geo: &Geo,
    doc: &Doc,
    skip: &[bool],
) -> (Vec<PlaceMention>, Vec<CountryMention>) {
    let lower = lowercase_style(doc);
    let mut out: Vec<PlaceMention> = Vec::new();
    let mut countries = Vec::new();
    let n = doc.tokens.len();
    // Wire dateline: "BAMAKO, March 24 -", "MOPTI, Mali, June 11 -".
    let mut dateline_end = 0;
    if let Some(first_word) = doc.tokens.iter().position(|t| t.kind == Kind::Word) {
        let mut e = first_word;
        while e < n
            && doc.tokens.get(e).is_some_and(|t| t.kind == Kind::Word)
            && is_allcaps(doc, e, e + 1)
        {
            e += 1;
        }
        if e > first_word && doc.n(e) == "," && e < 6 {
            dateline_end = e;
        }
    }
    let mut i = 0;
    while i < n {
        if skip.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        let w = doc.n(i);
        // Country-level.
        if w == "mali" {
            countries.push(CountryMention {
                first: i,
                last: i + 1,
            });
            i += 1;
            continue;
        }
        let Some(end) = gazetteer_match(geo, doc, i, lower) else {
            // A capitalised name the gazetteer does not know, in a strong place context
            // ("the village of Hadj Weri", "at Marsi", a header "Belanta, 25/07 :", a list
            // "Ouatagouna, Karou and Daoutegeft"): kept as written, resolved later if it
            // can be.
            if let Some(t) = doc.tokens.get(i) {
                let p1 = prev_word(doc, i, 1);
                let p2 = prev_word(doc, i, 2);
                let after_place_noun = matches!(p1, "of" | "de" | "d" | "'")
                    && (matches!(
                        p2,
                        "village"
                            | "localite"
                            | "town"
                            | "villages"
                            | "hamlet"
                            | "hameau"
                            | "quartier"
                    ) || (p2 == "d" || p2 == "'")
                        && matches!(
                            prev_word(doc, i, 3),
                            "village" | "localite" | "villages" | "hameau" | "quartier" | "d"
                        ));
                let accented_a = i >= 1
                    && doc
                        .tokens
                        .get(i - 1)
                        .is_some_and(|x| matches!(x.text(doc.src), "à" | "À"));
                let prep = matches!(p1, "in" | "at" | "near" | "nr" | "vic" | "around")
                    || accented_a
                    || (p1 == "de" && matches!(p2, "pres" | "proximite"));
                let header = (i == 0
                    || doc.tokens.get(i - 1).is_some_and(|x| {
                        x.kind == Kind::Punct
                            && matches!(x.norm.as_str(), "-" | "/" | ":" | ".")
                            && x.space_before
                    }) && t.space_before)
                    && matches!(doc.n(i + 1), ":" | "," | "-" | "(");
                let list = matches!(p1, "and" | "et" | ",")
                    && out
                        .last()
                        .is_some_and(|prev| prev.role == PlaceRole::Site && prev.last + 2 >= i);
                let ctx = if lower {
                    i == 0
                } else {
                    after_place_noun || prep || header || list
                };
                let is_number_word = crate::numbers::number_at(doc, i).is_some();
                if ctx
                    && t.kind == Kind::Word
                    && (t.cap || lower)
                    && t.norm.len() >= 4
                    && !lexicon::is_common_word(&t.norm)
                    && !is_number_word
                    && veille_geo::vintage::region_code_for(t.text(doc.src)).is_none()
                {
                    // The capitalised run ("Hadj Weri", "Koulogon Peul", "Sobane-Da").
                    let mut e = i + 1;
                    while e < n && e < i + 4 {
                        let nt = match doc.tokens.get(e) {
                            Some(x) => x,
                            None => break,
                        };
                        if nt.kind == Kind::Word && nt.cap && name_part(&nt.norm) && !lower {
                            e += 1;
                        } else if nt.kind == Kind::Punct
                            && matches!(nt.norm.as_str(), "-" | "'")
                            && !nt.space_before
                            && doc
                                .tokens
                                .get(e + 1)
                                .is_some_and(|w| w.kind == Kind::Word && !w.space_before)
                        {
                            e += 2;
                        } else {
                            break;
                        }
                    }
                    let near = matches!(p1, "near" | "nr" | "around" | "vic")
                        || (p1 == "de" && matches!(p2, "pres" | "proximite"));
                    out.push(PlaceMention {
                        first: i,
                        last: e,
                        name: name_text(doc, i, e),
                        lookup: None,
                        role: PlaceRole::Site,
                        near,
                        region_code: None,
                        between_with_previous: false,
                        road: false,
                    });
                    i = e;
                    continue;
                }
            }
            i += 1;
            continue;
        };
        let mut name = name_text(doc, i, end);
        let mut lookup = None;
        // The whole capitalised run is the name as written ("Bouka Were" when only
        // "Bouka" is indexed).
        let mut full = end;
        while full < n
            && full < end + 3
            && doc
                .tokens
                .get(full)
                .is_some_and(|t| t.kind == Kind::Word && t.cap && name_part(&t.norm))
        {
            full += 1;
        }
        let end = if full > end && !lower {
            lookup = Some(name.clone());
            name = name_text(doc, i, full);
            full
        } else {
            end
        };
        let mut role = PlaceRole::Site;
        let mut region_code = None;
        let next = doc.n(end);
        let p1 = prev_word(doc, i, 1);
        let p2 = prev_word(doc, i, 2);
        let caps = is_allcaps(doc, i, end);
        if i < dateline_end {
            role = PlaceRole::Elsewhere;
        } else if let Some(code) = veille_geo::vintage::region_code_for(&name) {
            let region_word = matches!(next, "region" | "regions");
            let region_before = matches!(p1, "region" | "regions")
                || (matches!(p1, "de" | "du" | "of" | "d") && matches!(p2, "region" | "regions"))
                || (p1 == "'" && p2 == "d" && matches!(prev_word(doc, i, 3), "region" | "regions"));
            let header = caps && matches!(next, "/" | "-" | ":" | "," | "");
            if region_word || region_before || header {
                role = PlaceRole::Region;
                region_code = Some(code);
            }
        }
        if role == PlaceRole::Site {
            let area_after = matches!(
                next,
                "cercle" | "circle" | "area" | "commune" | "zone" | "forest" | "reserve"
            ) || (next == "region" || next == "regions");
            let area_before = (matches!(p1, "de" | "d" | "of")
                && matches!(p2, "cercle" | "commune"))
                || (p1 == "'" && p2 == "d" && matches!(prev_word(doc, i, 3), "cercle" | "commune"))
                || (matches!(p1, "de" | "du" | "of")
                    && matches!(
                        p2,
                        "region" | "regions" | "foret" | "forest" | "reserve" | "parc"
                    ))
                || matches!(p1, "cercle" | "commune");
            // Sitrep header "REGION / Cercle –".
            let header_area = p1 == "/"
                && i >= 2
                && doc
                    .tokens
                    .get(i - 2)
                    .is_some_and(|_| is_allcaps(doc, i - 2, i - 1));
            if area_after || area_before || header_area {
                role = PlaceRole::Area;
            }
        }
        let mut near = false;
        if role == PlaceRole::Site {
            if matches!(
                p1,
                "to" | "towards"
                    | "toward"
                    | "vers"
                    | "from"
                    | "depuis"
                    | "until"
                    | "jusqu"
                    | "boat"
                    | "bateau"
                    | "ship"
                    | "vessel"
                    | "navire"
                    | "\""
                    | "reliant"
                    | "linking"
                    | "connecting"
            ) || (p1 == "a" && prev_word(doc, i, 3) == "reliant")
            {
                role = PlaceRole::Elsewhere;
            }
            near = matches!(
                p1,
                "near"
                    | "nr"
                    | "outside"
                    | "around"
                    | "nearby"
                    | "pres"
                    | "environs"
                    | "alentours"
                    | "proximite"
            ) || (p1 == "de"
                && matches!(p2, "pres" | "proximite" | "environs" | "alentours"))
                || (p1 == "of"
                    && matches!(
                        p2,
                        "w" | "e"
                            | "n"
                            | "s"
                            | "west"
                            | "east"
                            | "north"
                            | "south"
                            | "outskirts"
                            | "vicinity"
                            | "northeast"
                            | "northwest"
                            | "southeast"
                            | "southwest"
                    ))
                || (p1 == "de" && matches!(p2, "nord" | "sud" | "est" | "ouest" | "loin"))
                || (p1 == "to" && p2 == "close")
                || (matches!(p1, "de" | "of" | "from")
                    && matches!(p2, "kilometres" | "kilometers" | "km" | "miles"))
                || (p1 == "from" && prev_word(doc, i, 3) == "km");
            if p1 == "from" && prev_word(doc, i, 3) == "km" {
                role = PlaceRole::Site;
            }
        }
        let between_with_previous = matches!(p1, "and" | "et" | "-")
            && out.last().is_some_and(|prev| prev.last + 1 == i)
            && (doc.any(
                i.saturating_sub(8),
                i,
                &["between", "entre", "axe", "road", "route", "axis"],
            ) || p1 == "-");
        let road = (p1 == "-" && out.last().is_some_and(|prev| prev.last + 1 == i))
            || (next == "-" && doc.tokens.get(end).is_some_and(|x| !x.space_before));
        if road && p1 == "-" {
            if let Some(prev) = out.last_mut() {
                prev.road = true;
            }
        }
        out.push(PlaceMention {
            first: i,
            last: end,
            name,
            lookup,
            role,
            near,
            region_code,
            between_with_previous,
            road,
        });
        i = end;
    }
    // "between X and Y" after another site in the same sentence: reference points.
    for k in 0..out.len() {
        let starts_between = matches!(prev_word(doc, out[k].first, 1), "between" | "entre");
        if !starts_between || out[k].role != PlaceRole::Site {
            continue;
        }
        let sent = doc.sentence_of(out[k].first);
        let earlier_site = out[..k]
            .iter()
            .any(|p| p.role == PlaceRole::Site && p.first >= sent.first);
        if earlier_site {
            out[k].role = PlaceRole::Reference;
            if let Some(next) = out.get_mut(k + 1) {
                if next.between_with_previous {
                    next.role = PlaceRole::Reference;
                }
            }
        }
    }
    // "near X" after another site in the same sentence is a reference point.
    for k in 0..out.len() {
        if !out[k].near || out[k].role != PlaceRole::Site {
            continue;
        }
        let sent = doc.sentence_of(out[k].first);
        let earlier_site = out[..k]
            .iter()
            .any(|p| p.role == PlaceRole::Site && p.first >= sent.first);
        if earlier_site {
            out[k].role = PlaceRole::Reference;
        }
    }
    (out, countries)
}
