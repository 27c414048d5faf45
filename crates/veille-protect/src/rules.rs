//! Transparent POC categorisation rules, read from a TOML file an analyst can open and
//! change (`data/poc/rules.toml` is shipped).
//!
//! Each `[[rule]]` names the categories it assigns and the conditions an event must meet.
//! Every condition that is present must hold; a list condition holds when any of its
//! values matches. **Every rule that matches fires**; an event's categories are the
//! union, each with the id of the first rule (in file order) that gave it. An event that
//! no rule matches (a peaceful protest, an agreement) gets no category.
//!
//! Conditions:
//!
//! | key | matches | values |
//! |---|---|---|
//! | `event_types` | the event type | ACLED labels or codes |
//! | `sub_event_types` | the sub-event type | ACLED/veille labels or codes |
//! | `violence_types` | UCDP type of violence | `state_based`, `non_state`, `one_sided` |
//! | `perpetrator` | any perpetrator class | [`PerpClass`] codes, or the groups `non_state`, `state_and_proxies`, `any` |
//! | `target` | any target actor's class | as `perpetrator` |
//! | `victim` | any victim category with a casualty (killed, injured, abducted, missing) | victim category codes |
//! | `attribution` | any perpetrator's attribution | `claimed`, `attributed`, `stated`, `unattributed` |
//! | `tags` | any event tag | free text, case-insensitive |
//! | `min_civilians_killed` | civilians killed (best) ≥ N | integer |
//!
//! Indirect threats (intimidation, blockade, attacks on education) carry no fatality
//! condition in the shipped rules, so they count with zero deaths.
//!
//! A malformed file is refused at load with `file:line: reason`.

use crate::category::{perpetrator_classes, target_classes, PerpClass, PocCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use toml::Spanned;
use veille_actors::Registry;
use veille_model::{Attribution, Event, EventType, SubEventType, VictimCategory, ViolenceType};

/// The `rule_id` shown for categories an analyst set by hand.
pub const OVERRIDE_RULE_ID: &str = "analyst override";

/// The shipped rules file, embedded in the binary.
pub const SHIPPED_RULES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/poc/rules.toml"
));

/// Why a rules (or response-matrix) file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// The file is malformed: syntax, an unknown key, an unknown value or a broken rule.
    #[error("{file}:{line}: {reason}")]
    Invalid {
        /// The file name.
        file: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The file could not be read.
    #[error("{file}: cannot read: {reason}")]
    Io {
        /// The file name.
        file: String,
        /// The operating system's message.
        reason: String,
    },
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(at.min(text.len()))
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Turns a TOML deserialisation error into `file:line: reason`.
pub fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> RulesError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    RulesError::Invalid {
        file: file.to_string(),
        line,
        reason: e
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(": "),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

type Strings = Option<Spanned<Vec<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    why: String,
    categories: Spanned<Vec<String>>,
    #[serde(default)]
    event_types: Strings,
    #[serde(default)]
    sub_event_types: Strings,
    #[serde(default)]
    violence_types: Strings,
    #[serde(default)]
    perpetrator: Strings,
    #[serde(default)]
    target: Strings,
    #[serde(default)]
    victim: Strings,
    #[serde(default)]
    attribution: Strings,
    #[serde(default)]
    tags: Strings,
    #[serde(default)]
    min_civilians_killed: Option<u32>,
}

/// One categorisation rule, as loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Unique id, shown wherever the rule fired.
    pub id: String,
    /// The rule's justification, in words.
    pub why: String,
    /// The line the rule starts on.
    pub line: usize,
    /// The categories it assigns.
    pub categories: Vec<PocCode>,
    /// Event types (empty: any).
    pub event_types: Vec<EventType>,
    /// Sub-event types (empty: any).
    pub sub_event_types: Vec<SubEventType>,
    /// UCDP violence types (empty: any).
    pub violence_types: Vec<ViolenceType>,
    /// Perpetrator classes (empty: any).
    pub perpetrator: Vec<PerpClass>,
    /// Target classes (empty: any).
    pub target: Vec<PerpClass>,
    /// Victim categories with a casualty (empty: any).
    pub victim: Vec<VictimCategory>,
    /// Attributions (empty: any).
    pub attribution: Vec<Attribution>,
    /// Tags, lower-cased (empty: any).
    pub tags: Vec<String>,
    /// Minimum civilians killed (best estimate).
    pub min_civilians_killed: Option<u32>,
}

/// A category an event got, and the rule that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    /// The category or sub-category.
    pub code: PocCode,
    /// The id of the rule that fired.
    pub rule_id: String,
}

/// The result of categorising one event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Categorisation {
    /// Categories in strategy order, each with the first rule that gave it.
    pub categories: Vec<Fired>,
    /// Every rule that matched, in file order.
    pub rules: Vec<String>,
}

impl Categorisation {
    /// An analyst's override: the categories become `codes`, each shown as given by
    /// "analyst override"; `rules` still lists the rules that matched, so the original
    /// stays visible next to the override.
    pub fn overridden(mut self, codes: &[PocCode]) -> Categorisation {
        let mut codes = codes.to_vec();
        codes.sort();
        codes.dedup();
        self.categories = codes
            .into_iter()
            .map(|code| Fired {
                code,
                rule_id: OVERRIDE_RULE_ID.to_string(),
            })
            .collect();
        self
    }

    /// The codes alone.
    pub fn codes(&self) -> Vec<PocCode> {
        self.categories.iter().map(|f| f.code).collect()
    }

    /// The main categories (1–6) touched, sorted, unique: "4a" counts as 4.
    pub fn main_categories(&self) -> Vec<PocCode> {
        let set: BTreeSet<PocCode> = self.categories.iter().map(|f| f.code.main()).collect();
        set.into_iter().collect()
    }
}

/// A loaded, validated rules file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSet {
    /// Where it was read from.
    pub file: String,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

fn parse_list<T>(
    file: &str,
    text: &str,
    field: &str,
    list: &Strings,
    parse: impl Fn(&str) -> Option<Vec<T>>,
) -> Result<Vec<T>, RulesError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    let line = line_of(text, list.span().start);
    if list.get_ref().is_empty() {
        return Err(RulesError::Invalid {
            file: file.to_string(),
            line,
            reason: format!("{field} is empty (leave the key out to match any)"),
        });
    }
    let mut out = Vec::new();
    for v in list.get_ref() {
        match parse(v) {
            Some(mut vs) => out.append(&mut vs),
            None => {
                return Err(RulesError::Invalid {
                    file: file.to_string(),
                    line,
                    reason: format!("unknown {field} value '{v}'"),
                })
            }
        }
    }
    Ok(out)
}

fn perp_values(v: &str) -> Option<Vec<PerpClass>> {
    match v.trim() {
        "any" => Some(PerpClass::ALL.to_vec()),
        "non_state" => Some(
            PerpClass::ALL
                .iter()
                .copied()
                .filter(|c| c.is_non_state_armed())
                .collect(),
        ),
        "state_and_proxies" => Some(vec![PerpClass::State, PerpClass::StateProxy]),
        other => PerpClass::parse(other).map(|c| vec![c]),
    }
}

impl RuleSet {
    /// The shipped rules (`data/poc/rules.toml`).
    pub fn shipped() -> Result<RuleSet, RulesError> {
        RuleSet::from_toml_str(SHIPPED_RULES, "data/poc/rules.toml")
    }

    /// Reads a rules file.
    pub fn load(path: &Path) -> Result<RuleSet, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RulesError::Io {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        RuleSet::from_toml_str(&text, &file)
    }

    /// Parses and validates rules text; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<RuleSet, RulesError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let invalid = |line: usize, reason: String| RulesError::Invalid {
            file: file.to_string(),
            line,
            reason,
        };
        if raw.rule.is_empty() {
            return Err(invalid(1, "no [[rule]] in the file".into()));
        }
        let mut rules = Vec::new();
        let mut seen = BTreeSet::new();
        for spanned in &raw.rule {
            let r = spanned.get_ref();
            let line = line_of(text, spanned.span().start);
            let id = r.id.get_ref().trim().to_string();
            let id_line = line_of(text, r.id.span().start);
            if id.is_empty() {
                return Err(invalid(id_line, "rule id is empty".into()));
            }
            if !seen.insert(id.clone()) {
                return Err(invalid(id_line, format!("duplicate rule id '{id}'")));
            }
            let cat_line = line_of(text, r.categories.span().start);
            if r.categories.get_ref().is_empty() {
                return Err(invalid(
                    cat_line,
                    format!("rule '{id}' assigns no category"),
                ));
            }
            let mut categories = Vec::new();
            for c in r.categories.get_ref() {
                match PocCode::parse(c) {
                    Some(code) => categories.push(code),
                    None => {
                        return Err(invalid(
                            cat_line,
                            format!(
                                "unknown POC category '{c}' (expected 1, 2, 3, 4, 4a-4f, 5 or 6)"
                            ),
                        ))
                    }
                }
            }
            let rule = Rule {
                id: id.clone(),
                why: r.why.trim().to_string(),
                line,
                categories,
                event_types: parse_list(file, text, "event_types", &r.event_types, |v| {
                    v.parse().ok().map(|x| vec![x])
                })?,
                sub_event_types: parse_list(
                    file,
                    text,
                    "sub_event_types",
                    &r.sub_event_types,
                    |v| v.parse().ok().map(|x| vec![x]),
                )?,
                violence_types: parse_list(file, text, "violence_types", &r.violence_types, |v| {
                    v.parse().ok().map(|x| vec![x])
                })?,
                perpetrator: parse_list(file, text, "perpetrator", &r.perpetrator, perp_values)?,
                target: parse_list(file, text, "target", &r.target, perp_values)?,
                victim: parse_list(file, text, "victim", &r.victim, |v| {
                    v.parse().ok().map(|x| vec![x])
                })?,
                attribution: parse_list(file, text, "attribution", &r.attribution, |v| {
                    v.parse().ok().map(|x| vec![x])
                })?,
                tags: parse_list(file, text, "tags", &r.tags, |v| {
                    Some(vec![v.trim().to_lowercase()])
                })?,
                min_civilians_killed: r.min_civilians_killed,
            };
            rules.push(rule);
        }
        Ok(RuleSet {
            file: file.to_string(),
            rules,
        })
    }

    /// One rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Categorises one event. `registry` gives resolved actors their finer kind.
    pub fn categorise(&self, event: &Event, registry: Option<&Registry>) -> Categorisation {
        let facts = Facts::of(event, registry);
        let mut out = Categorisation::default();
        for rule in &self.rules {
            if !facts.matches(rule, event) {
                continue;
            }
            out.rules.push(rule.id.clone());
            for code in &rule.categories {
                if !out.categories.iter().any(|f| f.code == *code) {
                    out.categories.push(Fired {
                        code: *code,
                        rule_id: rule.id.clone(),
                    });
                }
            }
        }
        out.categories.sort_by_key(|f| f.code);
        out
    }
}

/// What rules read about an event, computed once.
struct Facts {
    perps: Vec<PerpClass>,
    targets: Vec<PerpClass>,
    victims: Vec<VictimCategory>,
    attributions: Vec<Attribution>,
    tags: Vec<String>,
    civilians_killed: u32,
}

impl Facts {
    fn of(event: &Event, registry: Option<&Registry>) -> Facts {
        let c = &event.casualties;
        let victims = VictimCategory::ALL
            .iter()
            .copied()
            .filter(|v| {
                c.killed.best_of(*v)
                    + c.injured.best_of(*v)
                    + c.abducted.best_of(*v)
                    + c.missing.best_of(*v)
                    > 0
            })
            .collect();
        let mut attributions: Vec<Attribution> =
            event.perpetrators().map(|p| p.attribution).collect();
        if attributions.is_empty() {
            attributions.push(Attribution::Unattributed);
        }
        Facts {
            perps: perpetrator_classes(event, registry),
            targets: target_classes(event, registry),
            victims,
            attributions,
            tags: event.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
            civilians_killed: c.killed.best_of(VictimCategory::Civilians),
        }
    }

    fn matches(&self, r: &Rule, e: &Event) -> bool {
        fn any<T: PartialEq>(want: &[T], have: &[T]) -> bool {
            want.is_empty() || have.iter().any(|h| want.contains(h))
        }
        (r.event_types.is_empty() || r.event_types.contains(&e.event_type))
            && (r.sub_event_types.is_empty() || r.sub_event_types.contains(&e.sub_event_type))
            && (r.violence_types.is_empty()
                || e.violence_type
                    .is_some_and(|v| r.violence_types.contains(&v)))
            && any(&r.perpetrator, &self.perps)
            && any(&r.target, &self.targets)
            && any(&r.victim, &self.victims)
            && any(&r.attribution, &self.attributions)
            && any(&r.tags, &self.tags)
            && r.min_civilians_killed
                .is_none_or(|n| self.civilians_killed >= n)
    }
}
