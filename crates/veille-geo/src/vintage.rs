//! Admin vintages of Mali and the crosswalk between them.
//!
//! * `pre2016`: 8 regions plus the Bamako district (Natural Earth's ADM1 layer, GED and
//!   ACLED's older frame). Codes are GeoNames admin1 codes: 01 Bamako, 03 Kayes, 04 Mopti,
//!   05 Ségou, 06 Sikasso, 07 Koulikoro, 08 Tombouctou, 09 Gao, 10 Kidal.
//! * `2016`: the 2016 reform added Ménaka (GeoNames code `12070577`, carved out of Gao
//!   `09`) and Taoudénit (`12070575`, carved out of Tombouctou `08`). GeoNames admin1 codes
//!   follow this frame (though most places in the new regions still carry the old code).
//! * The 2023 reform (19 regions) is **not** covered: no open boundary or code list was
//!   available offline.
//!
//! The crosswalk is [`CROSSWALK_2016`]: each 2016 code with the pre-2016 code of the
//! region that contained it. A pre-2016 code maps to one or more 2016 codes.

/// Vintage id of the pre-2016 frame (8 regions + Bamako).
pub const PRE2016: &str = "pre2016";
/// Vintage id of the 2016 frame (10 regions + Bamako).
pub const V2016: &str = "2016";

/// One Mali region: its GeoNames admin1 code, names, and the vintages it exists in.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// GeoNames admin1 code.
    pub code: &'static str,
    /// The French name used by veille.
    pub name: &'static str,
    /// Other spellings and exonyms, matched after folding.
    pub aliases: &'static [&'static str],
    /// The pre-2016 region containing it (itself for the old regions).
    pub pre2016: &'static str,
}

/// Mali's regions in the pre-2016 and 2016 frames.
pub const MALI_REGIONS: &[Region] = &[
    Region {
        code: "01",
        name: "Bamako",
        aliases: &[
            "District de Bamako",
            "Bamako District",
            "Bamako Capital District",
        ],
        pre2016: "01",
    },
    Region {
        code: "03",
        name: "Kayes",
        aliases: &[],
        pre2016: "03",
    },
    Region {
        code: "04",
        name: "Mopti",
        aliases: &[],
        pre2016: "04",
    },
    Region {
        code: "05",
        name: "Ségou",
        aliases: &["Segu"],
        pre2016: "05",
    },
    Region {
        code: "06",
        name: "Sikasso",
        aliases: &[],
        pre2016: "06",
    },
    Region {
        code: "07",
        name: "Koulikoro",
        aliases: &[],
        pre2016: "07",
    },
    Region {
        code: "08",
        name: "Tombouctou",
        aliases: &["Timbuktu", "Tombouctu"],
        pre2016: "08",
    },
    Region {
        code: "09",
        name: "Gao",
        aliases: &[],
        pre2016: "09",
    },
    Region {
        code: "10",
        name: "Kidal",
        aliases: &[],
        pre2016: "10",
    },
    Region {
        code: "12070575",
        name: "Taoudénit",
        aliases: &["Taoudeni", "Taoudenni", "Taoudeni Region"],
        pre2016: "08",
    },
    Region {
        code: "12070577",
        name: "Ménaka",
        aliases: &["Menaka"],
        pre2016: "09",
    },
];

/// The day the 2016 frame took effect: the governors of Ménaka and Taoudénit were
/// installed in January 2016 (the regions were created on paper by law in 2012, but
/// administered as parts of Gao and Tombouctou until then). Before this day a place
/// named "in the Ménaka region" was in the Gao region.
pub const REFORM_2016_EFFECTIVE: (i32, u32, u32) = (2016, 1, 19);

/// The effective date of the 2016 frame as a date.
pub fn reform_2016_date() -> chrono::NaiveDate {
    let (y, m, d) = REFORM_2016_EFFECTIVE;
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or(chrono::NaiveDate::MIN)
}

/// The vintage in force on a date: [`PRE2016`] before the 2016 reform took effect,
/// [`V2016`] from then on (the 2023 frame is not covered; see the module docs).
pub fn vintage_on(date: chrono::NaiveDate) -> &'static str {
    if date < reform_2016_date() {
        PRE2016
    } else {
        V2016
    }
}

/// True when the region with this GeoNames admin1 code existed on `date`
/// (Ménaka and Taoudénit only from the 2016 reform; unknown codes are assumed to exist).
pub fn region_exists_on(code: &str, date: chrono::NaiveDate) -> bool {
    let created_2016 = CROSSWALK_2016.iter().any(|(new, _, _)| *new == code);
    !created_2016 || date >= reform_2016_date()
}

/// The code a region had on `date`: a region created in 2016 maps, before the reform, to
/// the pre-2016 region that contained it (Ménaka → Gao, Taoudénit → Tombouctou).
pub fn code_on(code: &str, date: chrono::NaiveDate) -> &str {
    if region_exists_on(code, date) {
        code
    } else {
        to_pre2016(code)
    }
}

/// The 2016 crosswalk as (code in 2016, containing code pre-2016, note).
pub const CROSSWALK_2016: &[(&str, &str, &str)] = &[
    ("12070577", "09", "Ménaka split from Gao in the 2016 reform"),
    (
        "12070575",
        "08",
        "Taoudénit split from Tombouctou in the 2016 reform",
    ),
];

/// The region record for a GeoNames admin1 code.
pub fn region(code: &str) -> Option<&'static Region> {
    MALI_REGIONS.iter().find(|r| r.code == code)
}

/// Maps a region name ("Mopti", "Segou region", "Timbuktu", "Ménaka") or a code ("04")
/// to its GeoNames admin1 code. Case, accents and a " region" suffix are ignored.
pub fn region_code_for(name_or_code: &str) -> Option<&'static str> {
    let t = name_or_code.trim();
    if let Some(r) = region(t) {
        return Some(r.code);
    }
    let mut f = crate::normalize::fold(t);
    for suf in [" region", " district"] {
        if let Some(s) = f.strip_suffix(suf) {
            f = s.to_string();
        }
    }
    for pre in ["region de ", "region of ", "district de "] {
        if let Some(s) = f.strip_prefix(pre) {
            f = s.to_string();
        }
    }
    let k = crate::normalize::key_of_folded(&f);
    MALI_REGIONS
        .iter()
        .find(|r| {
            crate::normalize::key(r.name) == k
                || r.aliases.iter().any(|a| crate::normalize::key(a) == k)
        })
        .map(|r| r.code)
}

/// The pre-2016 code containing `code` (a 2016 or pre-2016 code). Unknown codes map to
/// themselves.
pub fn to_pre2016(code: &str) -> &str {
    CROSSWALK_2016
        .iter()
        .find(|(new, _, _)| *new == code)
        .map(|(_, old, _)| *old)
        .unwrap_or(code)
}

/// The 2016 codes a pre-2016 code may correspond to: 09 → [09, 12070577 (Ménaka)],
/// 08 → [08, 12070575 (Taoudénit)], others → themselves.
pub fn from_pre2016(code: &str) -> Vec<&str> {
    let mut v = vec![code];
    v.extend(
        CROSSWALK_2016
            .iter()
            .filter(|(_, old, _)| *old == code)
            .map(|(new, _, _)| *new),
    );
    v
}

/// Maps a code from one vintage to the possible codes in another.
pub fn crosswalk(code: &str, from: &str, to: &str) -> Vec<String> {
    match (from, to) {
        (PRE2016, V2016) => from_pre2016(code).into_iter().map(String::from).collect(),
        (V2016, PRE2016) => vec![to_pre2016(code).to_string()],
        _ => vec![code.to_string()],
    }
}

/// How two admin1 codes relate once vintages are allowed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Same code.
    Exact,
    /// Different codes, but one region was split from the other in the 2016 reform
    /// (e.g. GED "Menaka region" vs the pre-2016 polygon Gao).
    AllowingForVintage,
    /// Different regions.
    Disagree,
}

/// Compares two admin1 codes allowing for the 2016 reform.
pub fn agreement(a: &str, b: &str) -> Agreement {
    if a == b {
        Agreement::Exact
    } else if to_pre2016(a) == to_pre2016(b) {
        Agreement::AllowingForVintage
    } else {
        Agreement::Disagree
    }
}

/// True when two admin1 codes agree, allowing for the vintage difference.
pub fn agrees_allowing_vintage(a: &str, b: &str) -> bool {
    agreement(a, b) != Agreement::Disagree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crosswalk_2016_reform() {
        assert_eq!(to_pre2016("12070577"), "09");
        assert_eq!(to_pre2016("12070575"), "08");
        assert_eq!(to_pre2016("04"), "04");
        assert_eq!(from_pre2016("09"), vec!["09", "12070577"]);
        assert_eq!(from_pre2016("08"), vec!["08", "12070575"]);
        assert_eq!(crosswalk("09", PRE2016, V2016), vec!["09", "12070577"]);
        assert_eq!(crosswalk("12070575", V2016, PRE2016), vec!["08"]);
    }

    #[test]
    fn names_to_codes() {
        assert_eq!(region_code_for("Menaka region"), Some("12070577"));
        assert_eq!(region_code_for("Segou region"), Some("05"));
        assert_eq!(region_code_for("Timbuktu"), Some("08"));
        assert_eq!(region_code_for("Tombouctou region"), Some("08"));
        assert_eq!(region_code_for("04"), Some("04"));
        assert_eq!(region_code_for("Atlantis"), None);
    }

    #[test]
    fn regions_by_date() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(vintage_on(d(2014, 5, 17)), PRE2016);
        assert_eq!(vintage_on(d(2016, 1, 18)), PRE2016);
        assert_eq!(vintage_on(d(2016, 1, 19)), V2016);
        assert_eq!(vintage_on(d(2020, 6, 13)), V2016);
        assert!(!region_exists_on("12070577", d(2014, 5, 17)));
        assert!(region_exists_on("12070577", d(2018, 4, 27)));
        assert!(region_exists_on("04", d(2001, 1, 1)));
        assert_eq!(code_on("12070577", d(2014, 5, 17)), "09");
        assert_eq!(code_on("12070575", d(2012, 4, 1)), "08");
        assert_eq!(code_on("12070577", d(2019, 1, 1)), "12070577");
        assert_eq!(code_on("04", d(2012, 4, 1)), "04");
    }

    #[test]
    fn agreement_allows_for_vintage() {
        // GED "Menaka region" against the pre-2016 polygon Gao agrees.
        let ged = region_code_for("Menaka region").unwrap();
        assert_eq!(agreement(ged, "09"), Agreement::AllowingForVintage);
        assert!(agrees_allowing_vintage("12070575", "08"));
        assert_eq!(agreement("04", "04"), Agreement::Exact);
        assert!(!agrees_allowing_vintage("12070577", "10"));
    }
}
