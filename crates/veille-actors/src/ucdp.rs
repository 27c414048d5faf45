//! The UCDP Actor Dataset (version 22.1): a reader, and the mapping of UCDP actors to
//! registry actors.
//!
//! The file is UTF-8 with a BOM, 35 columns, one actor per row; list-valued columns
//! (`ConflictId`, `DyadId`, `NewName`, `Location`, `GWNOLoc`, `Region`, …) are
//! comma-separated inside one quoted field.

use crate::error::RegistryError;
use crate::model::{Actor, ActorKind, Alias, AliasKind, Lang, Origin};
use serde::{Deserialize, Serialize};

/// The shipped UCDP Actor Dataset 22.1.
pub const ACTOR_DATASET_221: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/actors/ucdp_actor_221.csv"
));

/// The 35 columns of the UCDP Actor Dataset, in order.
pub const COLUMNS: [&str; 35] = [
    "ActorId",
    "NameData",
    "NameOrig",
    "NameOrigFull",
    "NameOrigFullEng",
    "NameChange",
    "NewName",
    "NewNameFullMotherTongue",
    "NewNameFullEng",
    "Org",
    "ConflictId",
    "DyadId",
    "PrimaryParty",
    "OSID",
    "OSCoalition",
    "OSCoalitionID",
    "NSID",
    "NSCoalition",
    "NSCoalitionID",
    "Splinter",
    "NamePrev",
    "ActorIdPrev",
    "SplitTemp",
    "NameSplitTemp",
    "ActorIdSplitTemp",
    "Alliance",
    "NameAlliance",
    "ActorIdAlliance",
    "JoinGroup",
    "GroupName",
    "ActorIdGroup",
    "Location",
    "GWNOLoc",
    "Region",
    "Version",
];

/// One row of the UCDP Actor Dataset (the columns veille uses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UcdpActor {
    /// `ActorId`.
    pub actor_id: u32,
    /// `NameData`: the name used in UCDP datasets (GED `side_a`/`side_b`).
    pub name_data: String,
    /// `NameOrig`: the name in the original language.
    pub name_orig: String,
    /// `NameOrigFull`.
    pub name_orig_full: String,
    /// `NameOrigFullEng`: full name in English.
    pub name_orig_full_eng: String,
    /// `NewName`: later names (list).
    pub new_names: Vec<String>,
    /// `Org`: 1 rebel / organised group, 2 supporters of a party, 3 informally organised
    /// (e.g. an ethnic or religious group), 4 government.
    pub org: u8,
    /// `Location`: country names (list).
    pub locations: Vec<String>,
    /// `GWNOLoc`: Gleditsch–Ward codes (list).
    pub gwno_loc: Vec<u32>,
    /// `Version`, e.g. "22.1".
    pub version: String,
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the UCDP Actor Dataset from CSV text (a leading BOM is accepted).
pub fn parse_actor_dataset(text: &str, file: &str) -> Result<Vec<UcdpActor>, RegistryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| RegistryError::Csv {
            file: file.into(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    if headers.len() != COLUMNS.len() {
        return Err(RegistryError::Csv {
            file: file.into(),
            line: 1,
            reason: format!(
                "expected {} columns, found {}",
                COLUMNS.len(),
                headers.len()
            ),
        });
    }
    for (i, (got, want)) in headers.iter().zip(COLUMNS).enumerate() {
        if got.trim() != want {
            return Err(RegistryError::Csv {
                file: file.into(),
                line: 1,
                reason: format!("column {}: expected '{want}', found '{got}'", i + 1),
            });
        }
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| RegistryError::Csv {
            file: file.into(),
            line,
            reason: e.to_string(),
        })?;
        if rec.len() != COLUMNS.len() {
            return Err(RegistryError::Csv {
                file: file.into(),
                line,
                reason: format!("expected {} fields, found {}", COLUMNS.len(), rec.len()),
            });
        }
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let actor_id = get(0).parse::<u32>().map_err(|e| RegistryError::Csv {
            file: file.into(),
            line,
            reason: format!("ActorId '{}': {e}", get(0)),
        })?;
        let org = get(9).parse::<u8>().map_err(|e| RegistryError::Csv {
            file: file.into(),
            line,
            reason: format!("Org '{}': {e}", get(9)),
        })?;
        out.push(UcdpActor {
            actor_id,
            name_data: get(1),
            name_orig: get(2),
            name_orig_full: get(3),
            name_orig_full_eng: get(4),
            new_names: split_list(&get(6)),
            org,
            locations: split_list(&get(31)),
            gwno_loc: split_list(&get(32))
                .iter()
                .filter_map(|x| x.parse().ok())
                .collect(),
            version: get(34),
        });
    }
    Ok(out)
}

/// Builds a derived registry actor `ucdp-<ActorId>` from a UCDP row. The finer type is read
/// from `Org`: 4 → state military (inter 1), 1 → rebel group (2), 2 → political militia
/// (3), 3 → identity/communal militia (4), whose claimed community is UCDP's own label.
pub fn derive_actor(u: &UcdpActor) -> Actor {
    let (inter, kind) = match u.org {
        4 => (1, ActorKind::StateMilitary),
        2 => (3, ActorKind::PoliticalMilitia),
        3 => (4, ActorKind::IdentityCommunalMilitia),
        _ => (2, ActorKind::RebelGroup),
    };
    let source = format!("UCDP Actor {} (ActorId {})", u.version, u.actor_id);
    let mut aliases = vec![Alias {
        text: u.name_data.clone(),
        lang: Lang::Und,
        kind: AliasKind::Ucdp,
        source: source.clone(),
        valid_from: None,
        valid_to: None,
    }];
    for extra in [&u.name_orig, &u.name_orig_full, &u.name_orig_full_eng] {
        let t = extra.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("n/a") {
            continue;
        }
        if aliases.iter().any(|a| a.text.eq_ignore_ascii_case(t)) {
            continue;
        }
        aliases.push(Alias {
            text: t.to_string(),
            lang: Lang::Und,
            kind: AliasKind::Name,
            source: source.clone(),
            valid_from: None,
            valid_to: None,
        });
    }
    Actor {
        id: format!("ucdp-{}", u.actor_id),
        name: u.name_data.clone(),
        inter,
        kind,
        countries: u.locations.clone(),
        active_from: None,
        active_to: None,
        precision: None,
        leaders: Vec::new(),
        community: (kind == ActorKind::IdentityCommunalMilitia).then(|| u.name_data.clone()),
        components: Vec::new(),
        ucdp_ids: vec![u.actor_id],
        aliases,
        source,
        notes: Some(format!(
            "Derived automatically from the UCDP Actor Dataset (Org {}); review the type before relying on it.",
            u.org
        )),
        origin: Origin::UcdpDerived,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shipped_dataset() {
        let rows = parse_actor_dataset(ACTOR_DATASET_221, "ucdp_actor_221.csv").unwrap();
        assert_eq!(rows.len(), 1725);
        assert!(rows.iter().all(|r| r.version == "22.1"));
        let mali = rows.iter().filter(|r| r.gwno_loc.contains(&432)).count();
        assert_eq!(mali, 104, "104 actors list Mali (GW 432)");
        let jnim = rows.iter().find(|r| r.actor_id == 6716).unwrap();
        assert_eq!(jnim.name_data, "JNIM");
        let is = rows.iter().find(|r| r.actor_id == 234).unwrap();
        assert_eq!(is.new_names, vec!["TQJBR", "ISI", "ISIS", "IS"]);
        assert!(is.locations.contains(&"Mali".to_string()));
        let d = derive_actor(rows.iter().find(|r| r.actor_id == 72).unwrap());
        assert_eq!(d.kind, ActorKind::StateMilitary);
        assert_eq!(d.inter, 1);
    }

    #[test]
    fn refuses_wrong_column_count() {
        let err = parse_actor_dataset("\u{feff}ActorId,NameData\n1,x\n", "x.csv").unwrap_err();
        assert!(err.to_string().contains("expected 35 columns"), "{err}");
    }
}
