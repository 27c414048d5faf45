//! Text normalisation for matching names: case, accents, punctuation, apostrophes and a
//! leading "the" are folded away, so "Al-Qaïda au Maghreb islamique" and
//! "al qaida au maghreb Islamique" compare equal.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

fn push_folded(out: &mut String, c: char, pending_space: &mut bool) {
    match c {
        // Apostrophes vanish: "Jama'at" == "Jamaat", "Qa'ida" == "Qaida".
        '\'' | '’' | '‘' | '`' | 'ʼ' | 'ʻ' | '´' => {}
        c if c.is_alphanumeric() => {
            if *pending_space && !out.is_empty() {
                out.push(' ');
            }
            *pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                match c {
                    'ß' => out.push_str("ss"),
                    'æ' | 'Æ' => out.push_str("ae"),
                    'œ' | 'Œ' => out.push_str("oe"),
                    'ø' | 'Ø' => out.push('o'),
                    'đ' | 'Đ' => out.push('d'),
                    'ł' | 'Ł' => out.push('l'),
                    _ => out.extend(c.to_lowercase()),
                }
            }
        }
        _ => *pending_space = true,
    }
}

/// Normalises a name for matching: lower case, accents removed, apostrophes dropped, every
/// other non-alphanumeric run becomes one space, and a leading "the " is dropped.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    if s.is_ascii() {
        for c in s.chars() {
            push_folded(&mut out, c, &mut pending_space);
        }
    } else {
        for c in s.nfkd() {
            if is_combining_mark(c) {
                continue;
            }
            push_folded(&mut out, c, &mut pending_space);
        }
    }
    if let Some(rest) = out.strip_prefix("the ") {
        if !rest.is_empty() {
            return rest.to_string();
        }
    }
    out
}

/// Removes trailing year tokens, as in ACLED's "Military Forces of Mali (2021-)" →
/// "military forces of mali". Returns `None` when there is no year suffix.
pub fn strip_year_suffix(norm: &str) -> Option<&str> {
    let mut end = norm.len();
    let mut stripped = false;
    for _ in 0..2 {
        let head = &norm[..end];
        let (rest, last) = match head.rfind(' ') {
            Some(i) => (&head[..i], &head[i + 1..]),
            None => break,
        };
        if last.len() == 4 && last.bytes().all(|b| b.is_ascii_digit()) {
            end = rest.len();
            stripped = true;
        } else {
            break;
        }
    }
    stripped.then(|| &norm[..end])
}

/// Whether the original text looks like an acronym (2–8 characters, mostly upper case,
/// no spaces), e.g. "GSIM", "FAMa", "MUJWA".
pub fn looks_like_acronym(s: &str) -> bool {
    let t = s.trim();
    let n = t.chars().count();
    if !(2..=8).contains(&n) || t.contains(' ') {
        return false;
    }
    let upper = t.chars().filter(|c| c.is_uppercase()).count();
    upper * 2 > n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_punctuation() {
        assert_eq!(
            normalize("Al-Qaïda au Maghreb islamique"),
            "al qaida au maghreb islamique"
        );
        assert_eq!(
            normalize("  Jama'at Nusrat al-Islam wal-Muslimin "),
            "jamaat nusrat al islam wal muslimin"
        );
        assert_eq!(
            normalize("The Sentinels"),
            normalize("sentinels"),
            "leading 'the' dropped"
        );
        assert_eq!(
            normalize("Groupe de soutien à l’islam et aux musulmans"),
            "groupe de soutien a lislam et aux musulmans"
        );
        assert_eq!(normalize("ÉTAT ISLAMIQUE"), "etat islamique");
    }

    #[test]
    fn strips_acled_year_suffix() {
        let n = normalize("Military Forces of Mali (2021-)");
        assert_eq!(strip_year_suffix(&n), Some("military forces of mali"));
        let n = normalize("MINUSMA: United Nations ... Mission in Mali (2013-2023)");
        assert_eq!(
            strip_year_suffix(&n),
            Some("minusma united nations mission in mali")
        );
        assert_eq!(strip_year_suffix("jnim"), None);
    }

    #[test]
    fn acronyms() {
        assert!(looks_like_acronym("GSIM"));
        assert!(looks_like_acronym("FAMa"));
        assert!(!looks_like_acronym("Ansar Dine"));
        assert!(!looks_like_acronym("gunmen"));
    }
}
