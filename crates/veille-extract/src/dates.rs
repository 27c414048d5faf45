//! Dates in report text, English and French: the one place where veille parses a date
//! written in prose. (Dates in dataset columns are parsed by `veille_ingest::common::
//! parse_date`; gold-file dates by [`parse_gold_date`] here.)
//!
//! - absolute: "June 13, 2020", "13 juin 2020", "1er juin", "13th June", "13/06/2020",
//!   "2020-06-13";
//! - ranges: "March 25, 2020 - March 27, 2020", "du 9 au 10 juin", "9-10 June",
//!   "between 9 and 11 May", "dans la nuit du 9 au 10 juin";
//! - month or year only: "May 2020", "in June", "late 2012", "début 2013", "in 2012";
//! - relative to the report date: "today", "yesterday", "hier", "avant-hier", "last
//!   night", "on Tuesday", "mardi dernier", "last week", "la semaine dernière", "last
//!   month", "three days ago", "il y a trois jours".
//!
//! A day and month without a year take the report's year (or the year written elsewhere
//! in the report), moved back a year if that would put the date after the report.
//! Impossible dates (31/02/2020) are dropped, never repaired.

use crate::numbers;
use crate::text::{Doc, Kind};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use veille_model::DatePrecision;

/// One date expression found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// First possible day.
    pub start: NaiveDate,
    /// Last possible day.
    pub end: NaiveDate,
    /// Precision.
    pub precision: DatePrecision,
    /// 0..1: absolute dates with a year are surest; relative ones need the report date.
    pub confidence: f32,
    /// True when computed from the report date.
    pub relative: bool,
}

/// A month number from an English or French name or abbreviation.
pub fn month_of(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" | "janvier" | "janv" => 1,
        "february" | "feb" | "fevrier" | "fev" | "fevr" => 2,
        "march" | "mar" | "mars" => 3,
        "april" | "apr" | "avril" | "avr" => 4,
        "may" | "mai" => 5,
        "june" | "jun" | "juin" => 6,
        "july" | "jul" | "juillet" | "juil" => 7,
        "august" | "aug" | "aout" => 8,
        "september" | "sept" | "sep" | "septembre" => 9,
        "october" | "oct" | "octobre" => 10,
        "november" | "nov" | "novembre" => 11,
        "december" | "dec" | "decembre" => 12,
        _ => return None,
    })
}

fn weekday_of(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "lundi" => Weekday::Mon,
        "tuesday" | "mardi" => Weekday::Tue,
        "wednesday" | "mercredi" => Weekday::Wed,
        "thursday" | "jeudi" => Weekday::Thu,
        "friday" | "vendredi" => Weekday::Fri,
        "saturday" | "samedi" => Weekday::Sat,
        "sunday" | "dimanche" => Weekday::Sun,
        _ => return None,
    })
}

/// A day of the month from "13", "1er", "13th", "2nd", "premier".
fn day_of(w: &str) -> Option<u32> {
    let digits: String = w.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &w[digits.len()..];
    if digits.is_empty() {
        return (w == "premier").then_some(1);
    }
    if !matches!(rest, "" | "er" | "st" | "nd" | "rd" | "th" | "eme" | "e") || digits.len() > 2 {
        return None;
    }
    let d: u32 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_of(w: &str) -> Option<i32> {
    if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = w.parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// A partly known calendar point.
#[derive(Debug, Clone, Copy, Default)]
struct Point {
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
}

struct Ctx {
    report: Option<NaiveDate>,
    /// A year written elsewhere in the report.
    text_year: Option<i32>,
    /// The current year, the last resort for a day and month without a year.
    now_year: i32,
}

impl Ctx {
    fn year_for(&self, month: u32, day: u32) -> Option<i32> {
        if let Some(r) = self.report {
            let y = r.year();
            let d = NaiveDate::from_ymd_opt(y, month, day.min(28))?;
            return Some(if d > r + Duration::days(1) { y - 1 } else { y });
        }
        self.text_year.or(Some(self.now_year))
    }
}

fn skip_comma(doc: &Doc, i: usize) -> usize {
    if doc.tokens.get(i).is_some_and(|t| t.is_punct(',')) {
        i + 1
    } else {
        i
    }
}

/// Reads "13 June [2020]", "1er juin", "June 13[, 2020]", "June 2020", "13/06/2020",
/// "2020-06-13" at `i`. Returns the point and the next token index.
fn point_at(doc: &Doc, i: usize) -> Option<(Point, usize)> {
    let t = doc.tokens.get(i)?;
    // Numeric forms; the separators must touch the numbers.
    if t.kind == Kind::Number {
        let joined = |k: usize| doc.tokens.get(k).is_some_and(|x| !x.space_before);
        let sep = doc.n(i + 1);
        if (sep == "/" || sep == "-" || sep == ".")
            && joined(i + 1)
            && joined(i + 2)
            && doc.n(i + 3) == sep
            && joined(i + 3)
            && joined(i + 4)
            && doc
                .tokens
                .get(i + 2)
                .is_some_and(|x| x.kind == Kind::Number)
            && doc
                .tokens
                .get(i + 4)
                .is_some_and(|x| x.kind == Kind::Number)
        {
            let a: u32 = t.norm.parse().ok()?;
            let b: u32 = doc.n(i + 2).parse().ok()?;
            let c_txt = doc.n(i + 4);
            let c: i32 = c_txt.parse().ok()?;
            let p = if t.norm.len() == 4 {
                Point {
                    year: Some(a as i32),
                    month: Some(b),
                    day: u32::try_from(c).ok(),
                }
            } else {
                let year = match c_txt.len() {
                    4 => c,
                    2 => 2000 + c,
                    _ => return None,
                };
                Point {
                    day: Some(a),
                    month: Some(b),
                    year: Some(year),
                }
            };
            return Some((p, i + 5));
        }
        // "13/06": day and month, year from context.
        if sep == "/"
            && joined(i + 1)
            && joined(i + 2)
            && doc
                .tokens
                .get(i + 2)
                .is_some_and(|x| x.kind == Kind::Number && x.norm.len() <= 2)
            && !(doc.n(i + 3) == "/" && joined(i + 3))
        {
            let a: u32 = t.norm.parse().ok()?;
            let b: u32 = doc.n(i + 2).parse().ok()?;
            if (1..=31).contains(&a) && (1..=12).contains(&b) {
                return Some((
                    Point {
                        day: Some(a),
                        month: Some(b),
                        year: None,
                    },
                    i + 3,
                ));
            }
        }
        if year_of(&t.norm).is_some() {
            return None;
        }
    }
    // Day then month: "13 juin 2020", "1er juin", "13th of June".
    if let Some(d) = day_of(&t.norm) {
        let mut k = i + 1;
        if doc.n(k) == "of" {
            k += 1;
        }
        if let Some(m) = month_of(doc.n(k)) {
            if doc.n(k) == "may" && doc.tokens.get(k).is_some_and(|x| !x.cap) {
                return None;
            }
            k += 1;
            if doc.n(k) == "." {
                k += 1;
            }
            let k2 = skip_comma(doc, k);
            let year = year_of(doc.n(k2));
            let next = if year.is_some() { k2 + 1 } else { k };
            return Some((
                Point {
                    day: Some(d),
                    month: Some(m),
                    year,
                },
                next,
            ));
        }
        return None;
    }
    // Month first: "June 13, 2020", "June 2020".
    if let Some(m) = month_of(&t.norm) {
        if t.norm == "may" && !t.cap {
            return None;
        }
        let mut k = i + 1;
        if doc.n(k) == "." {
            k += 1;
        }
        if let Some(d) = day_of(doc.n(k)).filter(|_| year_of(doc.n(k)).is_none()) {
            let k2 = skip_comma(doc, k + 1);
            let year = year_of(doc.n(k2));
            let next = if year.is_some() { k2 + 1 } else { k + 1 };
            return Some((
                Point {
                    day: Some(d),
                    month: Some(m),
                    year,
                },
                next,
            ));
        }
        if let Some(y) = year_of(doc.n(k)) {
            return Some((
                Point {
                    day: None,
                    month: Some(m),
                    year: Some(y),
                },
                k + 1,
            ));
        }
        return None;
    }
    None
}

const RANGE_CONNECTORS: &[&str] = &["-", "to", "au", "until", "till", "and", "et", "a"];

fn resolve_point(p: Point, ctx: &Ctx) -> Option<(NaiveDate, NaiveDate, DatePrecision)> {
    let m = p.month?;
    match p.day {
        Some(d) => {
            let y = match p.year {
                Some(y) => y,
                None => ctx.year_for(m, d)?,
            };
            let date = NaiveDate::from_ymd_opt(y, m, d)?;
            Some((date, date, DatePrecision::Day))
        }
        None => {
            let y = match p.year {
                Some(y) => y,
                None => ctx.year_for(m, 1)?,
            };
            let s = NaiveDate::from_ymd_opt(y, m, 1)?;
            Some((s, last_day(y, m)?, DatePrecision::Month))
        }
    }
}

fn precision_of_span(s: NaiveDate, e: NaiveDate) -> DatePrecision {
    let days = (e - s).num_days();
    match days {
        0 => DatePrecision::Day,
        1..=5 => DatePrecision::Days,
        6 => DatePrecision::Week,
        7..=31 => DatePrecision::Month,
        _ => DatePrecision::Year,
    }
}

/// Finds every date expression. `report` is the report date (for relative dates and
/// missing years).
pub fn find_dates(doc: &Doc, report: Option<NaiveDate>) -> Vec<DateMention> {
    let text_year = doc.tokens.iter().find_map(|t| year_of(&t.norm));
    let ctx = Ctx {
        report,
        text_year,
        now_year: chrono::Utc::now().year(),
    };
    let mut out = Vec::new();
    let n = doc.tokens.len();
    let mut i = 0;
    while i < n {
        if let Some((m, next)) = absolute_at(doc, i, &ctx) {
            if let Some(m) = m {
                out.push(m);
            }
            i = next.max(i + 1);
            continue;
        }
        if let Some((m, next)) = relative_at(doc, i, &ctx) {
            out.push(m);
            i = next.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// An absolute date at `i`; `Some((None, next))` when tokens looked like a date but it
/// is impossible (31/02/2020) and were skipped.
fn absolute_at(doc: &Doc, i: usize, ctx: &Ctx) -> Option<(Option<DateMention>, usize)> {
    let w = doc.n(i);
    // "late 2012", "early 2013", "fin 2012", "début 2013", "mid-2019", "in 2012".
    let (qual, k) = match w {
        "late" | "fin" | "end" => (Some(3), i + 1),
        "early" | "debut" => (Some(1), i + 1),
        "mid" | "mi" => (Some(2), i + 1),
        _ => (None, i),
    };
    let mut k = k;
    while matches!(
        doc.n(k),
        "-" | "of" | "de" | "d" | "'" | "du" | "mois" | "the" | "month"
    ) && k > i
        && k < i + 6
    {
        k += 1;
    }
    if let Some(q) = qual {
        if let Some(y) = year_of(doc.n(k)) {
            let (ms, me) = match q {
                1 => (1, 4),
                2 => (5, 8),
                _ => (9, 12),
            };
            let s = NaiveDate::from_ymd_opt(y, ms, 1)?;
            let e = last_day(y, me)?;
            return Some((
                Some(DateMention {
                    first: i,
                    last: k + 1,
                    start: s,
                    end: e,
                    precision: DatePrecision::Year,
                    confidence: 0.7,
                    relative: false,
                }),
                k + 1,
            ));
        }
        if let Some(m) = month_of(doc.n(k))
            .filter(|_| doc.n(k) != "may" || doc.tokens.get(k).is_some_and(|t| t.cap))
        {
            // "late June", "fin juin [2020]".
            let y = year_of(doc.n(k + 1)).or_else(|| ctx.year_for(m, 1));
            let last = if year_of(doc.n(k + 1)).is_some() {
                k + 2
            } else {
                k + 1
            };
            let y = y?;
            let s = NaiveDate::from_ymd_opt(y, m, 1)?;
            return Some((
                Some(DateMention {
                    first: i,
                    last,
                    start: s,
                    end: last_day(y, m)?,
                    precision: DatePrecision::Month,
                    confidence: 0.7,
                    relative: false,
                }),
                last,
            ));
        }
        return None;
    }
    if matches!(w, "in" | "en" | "during" | "durant" | "since" | "depuis") {
        if let Some(y) = year_of(doc.n(i + 1)) {
            if month_of(doc.n(i + 2)).is_none() {
                let s = NaiveDate::from_ymd_opt(y, 1, 1)?;
                let e = NaiveDate::from_ymd_opt(y, 12, 31)?;
                return Some((
                    Some(DateMention {
                        first: i + 1,
                        last: i + 2,
                        start: s,
                        end: e,
                        precision: DatePrecision::Year,
                        confidence: 0.45,
                        relative: false,
                    }),
                    i + 2,
                ));
            }
        }
        // "in June", "en juin": month only, year from context.
        if let Some(m) = month_of(doc.n(i + 1)) {
            let mt = doc.tokens.get(i + 1);
            let is_may_verb = doc.n(i + 1) == "may" && mt.is_some_and(|t| !t.cap);
            let abbreviation = doc.n(i + 1).len() <= 3 && doc.n(i + 1) != "mai";
            if !is_may_verb && !abbreviation && point_at(doc, i + 1).is_none() {
                let y = ctx.year_for(m, 1)?;
                let s = NaiveDate::from_ymd_opt(y, m, 1)?;
                return Some((
                    Some(DateMention {
                        first: i + 1,
                        last: i + 2,
                        start: s,
                        end: last_day(y, m)?,
                        precision: DatePrecision::Month,
                        confidence: 0.6,
                        relative: ctx.report.is_some(),
                    }),
                    i + 2,
                ));
            }
        }
    }
    // "du 9 au 10 juin", "9-10 June", "between 9 and 11 May", "les 9 et 10 juin".
    if let Some(d1) = day_of(w).filter(|_| year_of(w).is_none()) {
        let c = doc.n(i + 1);
        if RANGE_CONNECTORS.contains(&c) && doc.tokens.get(i).is_some_and(|t| t.kind != Kind::Punct)
        {
            if let Some((p2, next)) = point_at(doc, i + 2) {
                if p2.day.is_some() {
                    let p1 = Point {
                        day: Some(d1),
                        month: p2.month,
                        year: p2.year,
                    };
                    let (s, _, _) = match resolve_point(p1, ctx) {
                        Some(x) => x,
                        None => return Some((None, next)),
                    };
                    let (_, e, _) = match resolve_point(p2, ctx) {
                        Some(x) => x,
                        None => return Some((None, next)),
                    };
                    if e >= s {
                        return Some((
                            Some(DateMention {
                                first: i,
                                last: next,
                                start: s,
                                end: e,
                                precision: precision_of_span(s, e),
                                confidence: 0.85,
                                relative: false,
                            }),
                            next,
                        ));
                    }
                }
            }
        }
    }
    let (p, next) = point_at(doc, i)?;
    // "June 9-10" / "June 9 to 10": month day connector day.
    let mut end_point: Option<(Point, usize)> = None;
    if p.day.is_some() && p.year.is_none() && RANGE_CONNECTORS.contains(&doc.n(next)) {
        if let Some(d2) = day_of(doc.n(next + 1)).filter(|_| month_of(doc.n(next + 2)).is_none()) {
            let k2 = skip_comma(doc, next + 2);
            let year = year_of(doc.n(k2));
            let nn = if year.is_some() { k2 + 1 } else { next + 2 };
            end_point = Some((
                Point {
                    day: Some(d2),
                    month: p.month,
                    year,
                },
                nn,
            ));
        }
    }
    // "March 25, 2020 - March 27, 2020", "from 3 June to 5 June".
    let between = i >= 1 && matches!(doc.n(i - 1), "between" | "entre");
    if end_point.is_none()
        && RANGE_CONNECTORS.contains(&doc.n(next))
        && (between || (doc.n(next) != "and" && doc.n(next) != "et"))
    {
        if let Some((p2, nn)) = point_at(doc, next + 1) {
            if p2.day.is_some() == p.day.is_some() {
                end_point = Some((p2, nn));
            }
        }
    }
    let mut p = p;
    let mut last = next;
    let mut end: Option<NaiveDate> = None;
    if let Some((mut p2, nn)) = end_point {
        if p.year.is_none() {
            p.year = p2.year;
        }
        if p2.year.is_none() {
            p2.year = p.year;
        }
        if let Some((_, e, _)) = resolve_point(p2, ctx) {
            end = Some(e);
            last = nn;
        }
    }
    let Some((s, e0, prec)) = resolve_point(p, ctx) else {
        return Some((None, last));
    };
    let mut e = end.filter(|e| *e >= s).unwrap_or(e0);
    // "depuis le 6 octobre", "since 6 October": ongoing until the report.
    let since = (i >= 1 && matches!(doc.n(i - 1), "since" | "depuis"))
        || (i >= 2
            && matches!(doc.n(i - 1), "le" | "the")
            && matches!(doc.n(i - 2), "since" | "depuis"));
    if since && end.is_none() {
        if let Some(r) = ctx.report.filter(|r| *r > e) {
            e = r;
        }
    }
    let precision = if e == e0 {
        prec
    } else {
        precision_of_span(s, e)
    };
    let confidence = if p.year.is_some() { 0.95 } else { 0.8 };
    Some((
        Some(DateMention {
            first: i,
            last,
            start: s,
            end: e,
            precision,
            confidence,
            relative: p.year.is_none() && ctx.report.is_some(),
        }),
        last,
    ))
}

fn day_mention(first: usize, last: usize, d: NaiveDate, conf: f32) -> DateMention {
    DateMention {
        first,
        last,
        start: d,
        end: d,
        precision: DatePrecision::Day,
        confidence: conf,
        relative: true,
    }
}

/// A relative date at `i` (needs the report date).
fn relative_at(doc: &Doc, i: usize, ctx: &Ctx) -> Option<(DateMention, usize)> {
    let r = ctx.report?;
    let w = doc.n(i);
    let one = Duration::days(1);
    // Single and two-word expressions.
    let simple: &[(&str, i64)] = &[
        ("the day before yesterday", -2),
        ("avant - hier", -2),
        ("avant hier", -2),
        ("yesterday", -1),
        ("hier", -1),
        ("last night", -1),
        ("la nuit derniere", -1),
        ("overnight", -1),
        ("today", 0),
        ("aujourd ' hui", 0),
        ("this morning", 0),
        ("ce matin", 0),
        ("this afternoon", 0),
        ("cet apres - midi", 0),
        ("this evening", 0),
        ("tonight", 0),
        ("ce soir", 0),
        ("cette nuit", 0),
        ("ce jour", 0),
        ("en cours", 0),
        ("ongoing", 0),
        ("under way", 0),
        ("underway", 0),
        ("right now", 0),
        ("currently", 0),
        ("a l ' instant", 0),
        ("la veille", -1),
    ];
    if doc.matches(i, "new year ' s day") || doc.matches(i, "jour de l ' an") {
        let len = 5;
        let d = NaiveDate::from_ymd_opt(r.year(), 1, 1)?;
        return Some((day_mention(i, i + len, d, 0.8), i + len));
    }
    // "since 3 days", "depuis 2 semaines": from then until the report.
    if matches!(w, "since" | "depuis" | "for") {
        if let Some((n, k, _)) = numbers::number_at(doc, i + 1) {
            let unit = doc.n(k);
            let days = match unit {
                "days" | "day" | "jours" | "jour" => Some(n as i64),
                "weeks" | "week" | "semaines" | "semaine" => Some(7 * n as i64),
                _ => None,
            };
            if let Some(days) = days.filter(|d| *d <= 400) {
                let s = r - Duration::days(days);
                return Some((
                    DateMention {
                        first: i,
                        last: k + 1,
                        start: s,
                        end: r,
                        precision: precision_of_span(s, r),
                        confidence: 0.65,
                        relative: true,
                    },
                    k + 1,
                ));
            }
        }
    }
    // "a month ago", "two months ago".
    let count_at =
        numbers::number_at(doc, i).or(if matches!(w, "a" | "about") && doc.n(i + 1) == "month" {
            Some((1, i + 1, false))
        } else {
            None
        });
    let months_ago = count_at.and_then(|(n, k, _)| {
        (matches!(doc.n(k), "month" | "months") && doc.n(k + 1) == "ago").then_some((n, k + 2))
    });
    if let Some((n, last)) = months_ago {
        let mut y = r.year();
        let mut m = r.month() as i64 - n as i64;
        while m < 1 {
            m += 12;
            y -= 1;
        }
        let s = NaiveDate::from_ymd_opt(y, m as u32, 1)?;
        return Some((
            DateMention {
                first: i,
                last,
                start: s,
                end: last_day(y, m as u32)?,
                precision: DatePrecision::Month,
                confidence: 0.55,
                relative: true,
            },
            last,
        ));
    }
    for (p, off) in simple {
        if doc.matches(i, p) {
            if *p == "overnight" && weekday_of(doc.n(i + 1)).is_some() {
                continue;
            }
            let len = Doc::len_of(p);
            let d = r + Duration::days(*off);
            return Some((day_mention(i, i + len, d, 0.85), i + len));
        }
    }
    // "three days ago", "il y a trois jours", "two weeks ago".
    if let Some((n, k, _)) = numbers::number_at(doc, i) {
        let unit = doc.n(k);
        if doc.n(k + 1) == "ago" && matches!(unit, "days" | "day" | "weeks" | "week") {
            let days = if unit.starts_with("week") {
                7 * n as i64
            } else {
                n as i64
            };
            let d = r - Duration::days(days);
            let mut m = day_mention(i, k + 2, d, 0.75);
            if unit.starts_with("week") {
                m.start = d - Duration::days(3);
                m.end = d + Duration::days(3);
                m.precision = DatePrecision::Week;
            }
            return Some((m, k + 2));
        }
    }
    if doc.matches(i, "il y a") {
        if let Some((n, k, _)) = numbers::number_at(doc, i + 3) {
            let unit = doc.n(k);
            if matches!(unit, "jours" | "jour" | "semaines" | "semaine") {
                let days = if unit.starts_with("semaine") {
                    7 * n as i64
                } else {
                    n as i64
                };
                let d = r - Duration::days(days);
                return Some((day_mention(i, k + 1, d, 0.75), k + 1));
            }
        }
    }
    // Weeks and months.
    for (p, back) in [
        ("last week", true),
        ("la semaine derniere", true),
        ("la semaine passee", true),
        ("earlier this week", false),
        ("this week", false),
        ("cette semaine", false),
        ("en debut de semaine", false),
    ] {
        if doc.matches(i, p) {
            let len = Doc::len_of(p);
            let monday = r - Duration::days(i64::from(r.weekday().num_days_from_monday()));
            let (s, e) = if back {
                (monday - Duration::days(7), monday - one)
            } else {
                (monday, r)
            };
            return Some((
                DateMention {
                    first: i,
                    last: i + len,
                    start: s,
                    end: e,
                    precision: DatePrecision::Week,
                    confidence: 0.6,
                    relative: true,
                },
                i + len,
            ));
        }
    }
    for (p, back) in [
        ("last month", true),
        ("le mois dernier", true),
        ("le mois passe", true),
        ("earlier this month", false),
        ("this month", false),
        ("ce mois", false),
    ] {
        if doc.matches(i, p) {
            let len = Doc::len_of(p);
            let (y, m) = if back {
                if r.month() == 1 {
                    (r.year() - 1, 12)
                } else {
                    (r.year(), r.month() - 1)
                }
            } else {
                (r.year(), r.month())
            };
            let s = NaiveDate::from_ymd_opt(y, m, 1)?;
            return Some((
                DateMention {
                    first: i,
                    last: i + len,
                    start: s,
                    end: last_day(y, m)?,
                    precision: DatePrecision::Month,
                    confidence: 0.6,
                    relative: true,
                },
                i + len,
            ));
        }
    }
    // Weekdays: "on Tuesday", "Tuesday night", "mardi dernier", "last Tuesday",
    // "dans la nuit de samedi à dimanche".
    let (strict, k) = if w == "last" {
        (true, i + 1)
    } else {
        (false, i)
    };
    if let Some(wd) = weekday_of(doc.n(k)) {
        // "Monday 13 June" is an absolute date handled elsewhere; a weekday followed by a
        // day number is left to it.
        if day_of(doc.n(k + 1)).is_some() || point_at(doc, k + 1).is_some() {
            return None;
        }
        let dernier = matches!(doc.n(k + 1), "dernier" | "passe" | "last");
        let strict = strict || dernier;
        let back =
            (7 + r.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64) % 7;
        let back = if back == 0 && strict { 7 } else { back };
        let d = r - Duration::days(back);
        let mut last = if dernier { k + 2 } else { k + 1 };
        // "de samedi à dimanche", "samedi et dimanche": two days.
        if matches!(doc.n(last), "a" | "to" | "au" | "and" | "et") {
            if let Some(wd2) = weekday_of(doc.n(last + 1)) {
                let diff =
                    (7 + wd2.num_days_from_monday() as i64 - wd.num_days_from_monday() as i64) % 7;
                let e = d + Duration::days(diff);
                if e <= r + one {
                    let m = DateMention {
                        first: i,
                        last: last + 2,
                        start: d,
                        end: e,
                        precision: precision_of_span(d, e),
                        confidence: 0.7,
                        relative: true,
                    };
                    return Some((m, last + 2));
                }
            }
        }
        if doc.n(last) == "," {
            last = k + 1;
        }
        return Some((day_mention(i, last, d, 0.7), last));
    }
    // "le 13", "on the 13th": a day of the report's month (or the month before).
    if (w == "le" || doc.matches(i, "on the")) && month_of(doc.n(i + 2)).is_none() {
        let k = if w == "le" { i + 1 } else { i + 2 };
        if let Some(d) =
            day_of(doc.n(k)).filter(|_| doc.tokens.get(k).is_some_and(|t| t.norm.len() <= 4))
        {
            let nxt = doc.n(k + 1);
            let follows_ok = matches!(
                nxt,
                "," | "." | "courant" | "" | "at" | "a" | "vers" | "dans" | "in" | "when" | "lors"
            );
            if follows_ok && doc.tokens.get(k).is_some_and(|t| t.kind != Kind::Punct) {
                let (mut y, mut m) = (r.year(), r.month());
                if d > r.day() {
                    if m == 1 {
                        y -= 1;
                        m = 12;
                    } else {
                        m -= 1;
                    }
                }
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    let last = if nxt == "courant" { k + 2 } else { k + 1 };
                    return Some((day_mention(i, last, date, 0.6), last));
                }
            }
        }
    }
    None
}

/// Parses a gold-file date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, giving the first day and
/// the precision it is written at.
pub fn parse_gold_date(s: &str) -> Option<(NaiveDate, DatePrecision)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |x: &str| -> Option<u32> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        x.parse().ok()
    };
    match parts.as_slice() {
        [y] if y.len() == 4 => Some((
            NaiveDate::from_ymd_opt(num(y)? as i32, 1, 1)?,
            DatePrecision::Year,
        )),
        [y, m] if y.len() == 4 => Some((
            NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, 1)?,
            DatePrecision::Month,
        )),
        [y, m, d] if y.len() == 4 => Some((
            NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)?,
            DatePrecision::Day,
        )),
        _ => None,
    }
}

/// True when `a` and `b` agree at `precision` (year, month, or the exact day; week and
/// multi-day precisions compare the day).
pub fn same_at(a: NaiveDate, b: NaiveDate, precision: DatePrecision) -> bool {
    match precision {
        DatePrecision::Year => a.year() == b.year(),
        DatePrecision::Month => a.year() == b.year() && a.month() == b.month(),
        _ => a == b,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn first(text: &str, report: Option<NaiveDate>) -> Option<DateMention> {
        find_dates(&tokenize(text), report).into_iter().next()
    }

    #[test]
    fn absolute_dates_english_french_numeric() {
        for t in [
            "On June 13, 2020, gunmen attacked",
            "Le 13 juin 2020, des hommes armés",
            "Attack on 13/06/2020 near Gao",
            "on 13th June 2020",
            "le 2020-06-13",
        ] {
            let m = first(t, None).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(
                (m.start, m.end, m.precision),
                (d(2020, 6, 13), d(2020, 6, 13), DatePrecision::Day),
                "{t}"
            );
        }
        let m = first("le 1er juin 2021", None).unwrap();
        assert_eq!(m.start, d(2021, 6, 1));
    }

    #[test]
    fn ranges() {
        let m = first("March 25, 2020 - March 27, 2020", None).unwrap();
        assert_eq!(
            (m.start, m.end, m.precision),
            (d(2020, 3, 25), d(2020, 3, 27), DatePrecision::Days)
        );
        let m = first("dans la nuit du 9 au 10 juin", Some(d(2020, 6, 12))).unwrap();
        assert_eq!((m.start, m.end), (d(2020, 6, 9), d(2020, 6, 10)));
        let m = first("between 9 and 11 May 2019", None).unwrap();
        assert_eq!((m.start, m.end), (d(2019, 5, 9), d(2019, 5, 11)));
        let m = first("on June 9-10, 2021", None).unwrap();
        assert_eq!((m.start, m.end), (d(2021, 6, 9), d(2021, 6, 10)));
    }

    #[test]
    fn month_and_year_only() {
        let m = first("In May 2020 the group", None).unwrap();
        assert_eq!(
            (m.start, m.end, m.precision),
            (d(2020, 5, 1), d(2020, 5, 31), DatePrecision::Month)
        );
        let m = first("violence in late 2012", None).unwrap();
        assert_eq!((m.start.year(), m.precision), (2012, DatePrecision::Year));
        assert!(first("the army may respond", None).is_none());
    }

    #[test]
    fn relative_dates() {
        let r = Some(d(2020, 6, 17)); // a Wednesday
        assert_eq!(first("Yesterday gunmen", r).unwrap().start, d(2020, 6, 16));
        assert_eq!(first("hier soir", r).unwrap().start, d(2020, 6, 16));
        assert_eq!(first("on Tuesday", r).unwrap().start, d(2020, 6, 16));
        assert_eq!(first("mardi dernier", r).unwrap().start, d(2020, 6, 16));
        assert_eq!(first("on Wednesday", r).unwrap().start, d(2020, 6, 17));
        assert_eq!(first("last Wednesday", r).unwrap().start, d(2020, 6, 10));
        let w = first("last week", r).unwrap();
        assert_eq!(
            (w.start, w.end, w.precision),
            (d(2020, 6, 8), d(2020, 6, 14), DatePrecision::Week)
        );
        assert_eq!(
            first("il y a trois jours", r).unwrap().start,
            d(2020, 6, 14)
        );
        // Without a report date a relative expression gives nothing.
        assert!(first("yesterday", None).is_none());
    }

    #[test]
    fn missing_year_comes_from_report_and_never_lands_after_it() {
        let m = first("le 20 décembre", Some(d(2021, 1, 5))).unwrap();
        assert_eq!(m.start, d(2020, 12, 20));
    }

    #[test]
    fn impossible_dates_are_dropped() {
        assert!(first("le 31/02/2020", None).is_none());
        assert!(first("31 February 2020", None).is_none());
    }

    #[test]
    fn gold_dates() {
        assert_eq!(
            parse_gold_date("2020"),
            Some((d(2020, 1, 1), DatePrecision::Year))
        );
        assert_eq!(
            parse_gold_date("2020-06"),
            Some((d(2020, 6, 1), DatePrecision::Month))
        );
        assert_eq!(
            parse_gold_date("2020-06-13"),
            Some((d(2020, 6, 13), DatePrecision::Day))
        );
        assert_eq!(parse_gold_date("2020-02-31"), None);
        assert_eq!(parse_gold_date("June"), None);
    }
}
