//! Numbers written in report text: digits ("24", "1,200"), English and French number
//! words ("twenty-four", "vingt-quatre", "quatre-vingt-dix"), and ACLED's vague amounts
//! ("dozens" = 12, "several"/"a few" = 3, "hundreds" = 100, "une dizaine" = 10,
//! "une vingtaine" = 20), which are flagged as vague.

use crate::text::{Doc, Kind};

fn unit_word(w: &str) -> Option<u32> {
    Some(match w {
        "one" | "un" | "une" => 1,
        "two" | "deux" | "both" => 2,
        "three" | "trois" => 3,
        "four" | "quatre" => 4,
        "five" | "cinq" => 5,
        "six" => 6,
        "seven" | "sept" => 7,
        "eight" | "huit" => 8,
        "nine" | "neuf" => 9,
        "ten" | "dix" => 10,
        "eleven" | "onze" => 11,
        "twelve" | "douze" => 12,
        "thirteen" | "treize" => 13,
        "fourteen" | "quatorze" => 14,
        "fifteen" | "quinze" => 15,
        "sixteen" | "seize" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn tens_word(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" | "vingt" | "vingts" => 20,
        "thirty" | "trente" => 30,
        "forty" | "quarante" => 40,
        "fifty" | "cinquante" => 50,
        "sixty" | "soixante" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Vague amount words: (words, value). Longest first.
const VAGUE: &[(&str, u32)] = &[
    ("a few dozen", 12),
    ("several dozen", 12),
    ("a dozen", 12),
    ("dozens of", 12),
    ("dozens", 12),
    ("des dizaines de", 12),
    ("des dizaines", 12),
    ("dizaines de", 12),
    ("une douzaine de", 12),
    ("une douzaine", 12),
    ("une dizaine de", 10),
    ("une dizaine", 10),
    ("une quinzaine de", 15),
    ("une vingtaine de", 20),
    ("une vingtaine", 20),
    ("une trentaine de", 30),
    ("une trentaine", 30),
    ("une quarantaine de", 40),
    ("une cinquantaine de", 50),
    ("une cinquantaine", 50),
    ("une centaine de", 100),
    ("une centaine", 100),
    ("des centaines de", 100),
    ("des centaines", 100),
    ("hundreds of", 100),
    ("hundreds", 100),
    ("several", 3),
    ("a few", 3),
    ("a number of", 3),
    ("plusieurs", 3),
    ("quelques", 3),
    ("some", 3),
];

/// A number at token `i`: (value, next token index, vague). `None` if there is none.
pub fn number_at(doc: &Doc, i: usize) -> Option<(u32, usize, bool)> {
    let t = doc.tokens.get(i)?;
    if t.kind == Kind::Number {
        if t.norm.len() > 7 {
            return None;
        }
        let mut v: u32 = t.norm.parse().ok()?;
        let mut k = i + 1;
        // "1,200" / "1.200" / "1 200" thousands groups.
        while matches!(doc.n(k), "," | ".")
            && doc.tokens.get(k).is_some_and(|x| !x.space_before)
            && doc
                .tokens
                .get(k + 1)
                .is_some_and(|x| x.kind == Kind::Number && x.norm.len() == 3 && !x.space_before)
            && v < 1000
        {
            v = v * 1000 + doc.n(k + 1).parse::<u32>().ok()?;
            k += 2;
        }
        return Some((v, k, false));
    }
    for (p, v) in VAGUE {
        if doc.matches(i, p) {
            return Some((*v, i + Doc::len_of(p), true));
        }
    }
    let w = t.norm.as_str();
    let mut k = i;
    let mut total: u32;
    if w == "a" && doc.n(i + 1) == "hundred" {
        total = 100;
        k = i + 2;
    } else if let Some(tens) = tens_word(w) {
        total = tens;
        k += 1;
        // "twenty-four", "vingt-quatre", "vingt et un", "soixante-dix", "soixante et onze".
        let mut j = k;
        if doc.n(j) == "-" || doc.n(j) == "et" {
            j += 1;
        }
        if let Some(u) = unit_word(doc.n(j)).filter(|u| *u < 20) {
            if tens == 60 || u <= 10 {
                total += u;
                k = j + 1;
            }
        } else if doc.n(j) == "dix" {
            total += 10;
            k = j + 1;
        }
    } else if w == "quatre" && doc.n(i + 1) == "-" && matches!(doc.n(i + 2), "vingt" | "vingts") {
        total = 80;
        k = i + 3;
        if doc.n(k) == "-" {
            if let Some(u) = unit_word(doc.n(k + 1)) {
                total += u;
                k += 2;
            }
        }
    } else if w == "dix" && doc.n(i + 1) == "-" {
        let u = match doc.n(i + 2) {
            "sept" => 7,
            "huit" => 8,
            "neuf" => 9,
            _ => 0,
        };
        total = 10 + u;
        k = if u > 0 { i + 3 } else { i + 1 };
    } else if let Some(u) = unit_word(w) {
        total = u;
        k += 1;
    } else if matches!(w, "hundred" | "cent") {
        total = 100;
        k += 1;
    } else {
        return None;
    }
    // "one hundred", "deux cents", "one hundred and twenty".
    if matches!(doc.n(k), "hundred" | "cent" | "cents") && total < 10 {
        total *= 100;
        k += 1;
        let mut j = k;
        if doc.n(j) == "and" {
            j += 1;
        }
        if let Some((rest, nk, false)) = number_at(doc, j).filter(|r| r.0 < 100) {
            total += rest;
            k = nk;
        }
    }
    Some((total, k, false))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn num(s: &str) -> Option<(u32, bool)> {
        let d = tokenize(s);
        number_at(&d, 0).map(|(v, _, vague)| (v, vague))
    }

    #[test]
    fn digits_and_words() {
        assert_eq!(num("24 soldiers"), Some((24, false)));
        assert_eq!(num("1,200 people"), Some((1200, false)));
        assert_eq!(num("twenty-four"), Some((24, false)));
        assert_eq!(num("twenty four"), Some((24, false)));
        assert_eq!(num("vingt-quatre"), Some((24, false)));
        assert_eq!(num("vingt et un"), Some((21, false)));
        assert_eq!(num("soixante-dix"), Some((70, false)));
        assert_eq!(num("soixante et onze"), Some((71, false)));
        assert_eq!(num("quatre-vingt-dix"), Some((90, false)));
        assert_eq!(num("dix-sept"), Some((17, false)));
        assert_eq!(num("one hundred and twenty"), Some((120, false)));
        assert_eq!(num("deux cents"), Some((200, false)));
        assert_eq!(num("nine"), Some((9, false)));
        assert_eq!(num("soldiers"), None);
    }

    #[test]
    fn vague_amounts_follow_acled() {
        assert_eq!(num("dozens of civilians"), Some((12, true)));
        assert_eq!(num("several soldiers"), Some((3, true)));
        assert_eq!(num("hundreds of people"), Some((100, true)));
        assert_eq!(num("une dizaine de civils"), Some((10, true)));
        assert_eq!(num("des dizaines de morts"), Some((12, true)));
        assert_eq!(num("plusieurs blessés"), Some((3, true)));
    }
}
