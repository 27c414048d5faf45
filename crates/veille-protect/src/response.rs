//! The POC early-warning and response matrix, read from a readable TOML file
//! (`data/poc/response_matrix.toml` is shipped): warning type × level → responsible
//! components, response options per tier of protection (I dialogue and engagement,
//! II physical protection, III protective environment), time to acknowledge and to act,
//! and the level an overdue warning escalates to.
//!
//! A malformed file is refused at load with `file:line: reason`.

use crate::rules::{line_of, toml_error, RulesError};
use crate::warnings::{WarningKind, WarningLevel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// The shipped matrix, embedded in the binary.
pub const SHIPPED_MATRIX: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/poc/response_matrix.toml"
));

/// A tier of UN protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// I: protection through dialogue and engagement.
    I,
    /// II: provision of physical protection.
    II,
    /// III: establishment of a protective environment.
    III,
}

/// One response option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseOption {
    /// Its tier.
    pub tier: Tier,
    /// What to do.
    pub text: String,
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixEntry {
    /// Warning type.
    pub warning: WarningKind,
    /// The level it starts at.
    pub level: WarningLevel,
    /// Responsible components (keys of the matrix's `[components]`).
    pub components: Vec<String>,
    /// Hours to acknowledge.
    pub acknowledge_hours: u32,
    /// Hours to act.
    pub act_hours: u32,
    /// Level an overdue warning escalates to.
    pub escalate_to: WarningLevel,
    /// Response options.
    pub options: Vec<ResponseOption>,
    /// Line of the entry in the file.
    pub line: usize,
}

/// A loaded, validated response matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseMatrix {
    /// Where it was read from.
    pub file: String,
    /// Component key → name.
    pub components: BTreeMap<String, String>,
    /// The entries, in file order.
    pub entries: Vec<MatrixEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    components: BTreeMap<String, String>,
    entry: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    tier: Spanned<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    warning: Spanned<String>,
    level: Spanned<String>,
    components: Spanned<Vec<String>>,
    acknowledge_hours: Spanned<u32>,
    act_hours: Spanned<u32>,
    escalate_to: Spanned<String>,
    options: Spanned<Vec<RawOption>>,
}

/// Parses a level code.
pub fn level(s: &str) -> Option<WarningLevel> {
    Some(match s.trim() {
        "low" => WarningLevel::Low,
        "medium" => WarningLevel::Medium,
        "high" => WarningLevel::High,
        "critical" => WarningLevel::Critical,
        _ => return None,
    })
}

impl ResponseMatrix {
    /// The shipped matrix.
    pub fn shipped() -> Result<ResponseMatrix, RulesError> {
        ResponseMatrix::from_toml_str(SHIPPED_MATRIX, "data/poc/response_matrix.toml")
    }

    /// Reads a matrix file.
    pub fn load(path: &std::path::Path) -> Result<ResponseMatrix, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RulesError::Io {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        ResponseMatrix::from_toml_str(&text, &file)
    }

    /// Parses and validates matrix text; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<ResponseMatrix, RulesError> {
        let raw: RawMatrix = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let bad = |at: usize, reason: String| RulesError::Invalid {
            file: file.to_string(),
            line: line_of(text, at),
            reason,
        };
        let mut entries: Vec<MatrixEntry> = Vec::new();
        for se in &raw.entry {
            let e = se.get_ref();
            let w = WarningKind::parse(e.warning.get_ref()).ok_or_else(|| {
                bad(
                    e.warning.span().start,
                    format!(
                        "unknown warning type '{}' (expected spike, reprisal, new_actor, severity or atrocity)",
                        e.warning.get_ref()
                    ),
                )
            })?;
            let lv = |s: &Spanned<String>| {
                level(s.get_ref()).ok_or_else(|| {
                    bad(
                        s.span().start,
                        format!(
                            "unknown level '{}' (expected low, medium, high or critical)",
                            s.get_ref()
                        ),
                    )
                })
            };
            let l = lv(&e.level)?;
            let esc = lv(&e.escalate_to)?;
            if esc < l {
                return Err(bad(
                    e.escalate_to.span().start,
                    format!(
                        "escalate_to '{}' is below the entry's level '{}'",
                        esc.code(),
                        l.code()
                    ),
                ));
            }
            if entries.iter().any(|x| x.warning == w && x.level == l) {
                return Err(bad(
                    e.warning.span().start,
                    format!("duplicate entry for {} at level {}", w.code(), l.code()),
                ));
            }
            if e.components.get_ref().is_empty() {
                return Err(bad(
                    e.components.span().start,
                    "no responsible component".into(),
                ));
            }
            for c in e.components.get_ref() {
                if !raw.components.contains_key(c) {
                    return Err(bad(
                        e.components.span().start,
                        format!("unknown component '{c}' (not in [components])"),
                    ));
                }
            }
            let ack = *e.acknowledge_hours.get_ref();
            let act = *e.act_hours.get_ref();
            if ack == 0 {
                return Err(bad(
                    e.acknowledge_hours.span().start,
                    "acknowledge_hours must be at least 1".into(),
                ));
            }
            if act < ack {
                return Err(bad(
                    e.act_hours.span().start,
                    format!("act_hours ({act}) is shorter than acknowledge_hours ({ack})"),
                ));
            }
            if e.options.get_ref().is_empty() {
                return Err(bad(e.options.span().start, "no response option".into()));
            }
            let mut options = Vec::new();
            for o in e.options.get_ref() {
                let tier = match o.tier.get_ref().trim() {
                    "I" => Tier::I,
                    "II" => Tier::II,
                    "III" => Tier::III,
                    other => {
                        return Err(bad(
                            o.tier.span().start,
                            format!("unknown tier '{other}' (expected I, II or III)"),
                        ))
                    }
                };
                options.push(ResponseOption {
                    tier,
                    text: o.text.trim().to_string(),
                });
            }
            entries.push(MatrixEntry {
                warning: w,
                level: l,
                components: e.components.get_ref().clone(),
                acknowledge_hours: ack,
                act_hours: act,
                escalate_to: esc,
                options,
                line: line_of(text, se.span().start),
            });
        }
        Ok(ResponseMatrix {
            file: file.to_string(),
            components: raw.components,
            entries,
        })
    }

    /// The entry for a warning: the one of its type with the highest level not above the
    /// warning's; `None` if the type has no entry at or below that level.
    pub fn lookup(&self, warning: WarningKind, lvl: WarningLevel) -> Option<&MatrixEntry> {
        self.entries
            .iter()
            .filter(|e| e.warning == warning && e.level <= lvl)
            .max_by_key(|e| e.level)
    }
}
