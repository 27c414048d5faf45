//! Atrocity risk: a structured, versioned assessment per country or region against the
//! UN Framework of Analysis for Atrocity Crimes (2014) — 14 risk factors, each scored on
//! the framework file's scale (0–3 shipped) with a justification and evidence links — and
//! a Genocide Watch stage (1–10) with its alert level.
//!
//! - The framework (factors, indicators, stages, scale, overall bands) is read from a
//!   readable TOML file (`data/poc/atrocity_framework.toml` is shipped); a malformed file
//!   is refused at load with `file:line: reason`.
//! - **Suggested scores.** Factors with a `suggest` entry get a score computed from the
//!   area's events over the `months` before the assessment month: the number of the
//!   entry's thresholds the measure reaches ([`Measure`]). A suggestion is marked as such
//!   until an analyst confirms or changes it; the analyst's score always wins, and both
//!   are kept and shown. Suggestions carry their evidence: the ids of the events behind
//!   the measure (the most lethal first) and their source URLs — URLs only from events
//!   whose sensitivity is at most `restricted`; more sensitive events are linked by id
//!   only, which opens under the reader's own access rights.
//! - **Overall score** = the sum of the factors' effective scores (the analyst's, else the
//!   suggestion; unscored factors count 0), read on the file's bands.
//! - **Versioning** lives in the store (kind `atrocity_assessment`, key = the area in
//!   lower case): each save is a new version with author, time and reason; [`diff`]
//!   compares two versions; [`rise`] tells whether the later one scores higher (overall or
//!   stage) and names the factors that rose, which raises a
//!   [`crate::warnings::WarningKind::Atrocity`] warning.
//! - **Do no harm.** Nothing here stores, infers or shows the ethnicity of a place or a
//!   person: measures count acts, actors and places; identity militias are actors, not
//!   communities; factors 9 and 10 are about protected groups and are never inferred from
//!   who lives where.

use crate::category::{perpetrator_classes, PerpClass, PocCode};
use crate::rules::{line_of, toml_error, RuleSet, RulesError};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use toml::Spanned;
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, Sensitivity};

/// The shipped framework, embedded in the binary.
pub const SHIPPED_FRAMEWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/poc/atrocity_framework.toml"
));

/// Most evidence links kept per suggestion.
pub const MAX_EVIDENCE: usize = 10;

/// Events with at least this many civilians killed are mass killings
/// ([`Measure::MassKillings`]).
pub const MASS_KILLING_CIVILIANS: u32 = 10;

/// The four groups of the Framework's factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorGroup {
    /// Factors 1–8, common to all atrocity crimes.
    Common,
    /// Factors 9–10.
    Genocide,
    /// Factors 11–12.
    CrimesAgainstHumanity,
    /// Factors 13–14.
    WarCrimes,
}

/// A measure computed from the events to suggest a factor's score. Every measure counts
/// acts, actors and places, never identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Deaths (best estimate) in all events.
    ConflictDeaths,
    /// Civilians killed (best estimate).
    CiviliansKilled,
    /// Events with an identity or communal militia as perpetrator.
    IdentityMilitia,
    /// POC 4b events: retaliation against presumed informants and community leaders.
    LeaderAttacks,
    /// POC 1 events: inter- or intra-communal clashes.
    CommunalEvents,
    /// Events with at least [`MASS_KILLING_CIVILIANS`] civilians killed.
    MassKillings,
    /// Events in which civilians were killed, injured or abducted, by anyone.
    CivilianHarmEvents,
    /// Attacks on humanitarian workers, health or education.
    AidAttacks,
}

impl Measure {
    const ALL: [Measure; 8] = [
        Measure::ConflictDeaths,
        Measure::CiviliansKilled,
        Measure::IdentityMilitia,
        Measure::LeaderAttacks,
        Measure::CommunalEvents,
        Measure::MassKillings,
        Measure::CivilianHarmEvents,
        Measure::AidAttacks,
    ];

    /// The snake_case code used in the framework file.
    pub fn code(self) -> &'static str {
        match self {
            Measure::ConflictDeaths => "conflict_deaths",
            Measure::CiviliansKilled => "civilians_killed",
            Measure::IdentityMilitia => "identity_militia",
            Measure::LeaderAttacks => "leader_attacks",
            Measure::CommunalEvents => "communal_events",
            Measure::MassKillings => "mass_killings",
            Measure::CivilianHarmEvents => "civilian_harm_events",
            Measure::AidAttacks => "aid_attacks",
        }
    }

    /// What the number counts, in words.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::ConflictDeaths => "deaths in all events",
            Measure::CiviliansKilled => "civilians killed",
            Measure::IdentityMilitia => "events by identity or communal militias",
            Measure::LeaderAttacks => {
                "attacks on presumed informants or community leaders (POC 4b)"
            }
            Measure::CommunalEvents => "communal clashes (POC 1)",
            Measure::MassKillings => "events with at least 10 civilians killed",
            Measure::CivilianHarmEvents => {
                "events with civilians killed, injured or abducted (any perpetrator)"
            }
            Measure::AidAttacks => "attacks on humanitarian workers, health or education",
        }
    }

    fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == s.trim())
    }

    /// This event's contribution to the measure (0 when it does not count).
    pub fn of(self, e: &Event, rules: &RuleSet, registry: Option<&Registry>) -> f64 {
        let civ = crate::warnings::civilians_killed(e);
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Measure::ConflictDeaths => f64::from(e.killed_best()),
            Measure::CiviliansKilled => f64::from(civ),
            Measure::IdentityMilitia => {
                yes(perpetrator_classes(e, registry).contains(&PerpClass::IdentityMilitia))
            }
            Measure::LeaderAttacks => yes(rules
                .categorise(e, registry)
                .codes()
                .contains(&PocCode::InformantRetaliation)),
            Measure::CommunalEvents => yes(rules
                .categorise(e, registry)
                .main_categories()
                .contains(&PocCode::Communal)),
            Measure::MassKillings => yes(civ >= MASS_KILLING_CIVILIANS),
            Measure::CivilianHarmEvents => yes(crate::rollup::civilian_harm(e) > 0),
            Measure::AidAttacks => yes(crate::warnings::is_attack_on_aid(e)),
        }
    }
}

/// How a factor's score is suggested from data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestRule {
    /// The measure.
    pub measure: Measure,
    /// Months read before the assessment month.
    pub months: u32,
    /// Ascending thresholds; the score is how many the measure reaches.
    pub thresholds: Vec<f64>,
}

/// One indicator of a factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// The Framework's number, e.g. "7.5".
    pub id: String,
    /// What it is.
    pub text: String,
}

/// One risk factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// 1–14.
    pub id: u8,
    /// Its group.
    pub group: FactorGroup,
    /// Its name.
    pub name: String,
    /// A short description.
    pub description: String,
    /// Indicators.
    pub indicators: Vec<Indicator>,
    /// How a score is suggested from data, if it is.
    pub suggest: Option<SuggestRule>,
}

/// One Genocide Watch stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// 1–10.
    pub number: u8,
    /// Its name.
    pub name: String,
    /// A short description.
    pub description: String,
    /// The alert level it usually goes with: watch, warning or emergency.
    pub alert: String,
}

/// One step of the scoring scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleLevel {
    /// The score.
    pub score: u8,
    /// Its label.
    pub label: String,
    /// What it means.
    pub text: String,
}

/// One band of the overall score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// Lowest overall score of the band.
    pub from: u32,
    /// Its label.
    pub label: String,
}

/// A loaded, validated framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// Where it was read from.
    pub file: String,
    /// Highest factor score.
    pub max: u8,
    /// The scale, 0..=max.
    pub levels: Vec<ScaleLevel>,
    /// Overall bands, ascending.
    pub bands: Vec<Band>,
    /// The 14 factors, in order.
    pub factors: Vec<Factor>,
    /// The 10 stages, in order.
    pub stages: Vec<Stage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scale: Spanned<RawScale>,
    #[serde(default)]
    factor: Vec<Spanned<RawFactor>>,
    #[serde(default)]
    stage: Vec<Spanned<RawStage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    max: Spanned<u8>,
    levels: Spanned<Vec<ScaleLevel>>,
    bands: Spanned<Vec<Band>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuggest {
    measure: Spanned<String>,
    months: Spanned<u32>,
    thresholds: Spanned<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFactor {
    id: Spanned<u8>,
    group: Spanned<String>,
    name: String,
    description: String,
    indicators: Spanned<Vec<Spanned<Indicator>>>,
    suggest: Option<Spanned<RawSuggest>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    number: Spanned<u8>,
    name: String,
    description: String,
    alert: Spanned<String>,
}

/// Number of risk factors in the UN Framework.
pub const FACTORS: u8 = 14;
/// Number of Genocide Watch stages.
pub const STAGES: u8 = 10;

impl Framework {
    /// The shipped framework.
    pub fn shipped() -> Result<Framework, RulesError> {
        Framework::from_toml_str(SHIPPED_FRAMEWORK, "data/poc/atrocity_framework.toml")
    }

    /// Reads a framework file.
    pub fn load(path: &std::path::Path) -> Result<Framework, RulesError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RulesError::Io {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        Framework::from_toml_str(&text, &file)
    }

    /// Parses and validates framework text; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Framework, RulesError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        let bad = |at: usize, reason: String| RulesError::Invalid {
            file: file.to_string(),
            line: line_of(text, at),
            reason,
        };
        let scale = raw.scale.get_ref();
        let max = *scale.max.get_ref();
        if max == 0 || max > 10 {
            return Err(bad(
                scale.max.span().start,
                format!("scale max must be 1 to 10, got {max}"),
            ));
        }
        let levels = scale.levels.get_ref().clone();
        let scores: Vec<u8> = levels.iter().map(|l| l.score).collect();
        if scores != (0..=max).collect::<Vec<u8>>() {
            return Err(bad(
                scale.levels.span().start,
                format!("scale levels must list the scores 0 to {max} in order, got {scores:?}"),
            ));
        }
        let bands = scale.bands.get_ref().clone();
        if bands.first().map(|b| b.from) != Some(0)
            || bands.windows(2).any(|w| w[0].from >= w[1].from)
        {
            return Err(bad(
                scale.bands.span().start,
                "bands must start at 0 and ascend".into(),
            ));
        }
        let mut factors: Vec<Factor> = Vec::new();
        for sf in &raw.factor {
            let f = sf.get_ref();
            let id = *f.id.get_ref();
            if id == 0 || id > FACTORS {
                return Err(bad(
                    f.id.span().start,
                    format!("factor id must be 1 to {FACTORS}, got {id}"),
                ));
            }
            if id as usize != factors.len() + 1 {
                return Err(bad(
                    f.id.span().start,
                    format!(
                        "factor {id} is out of order (expected factor {})",
                        factors.len() + 1
                    ),
                ));
            }
            let group = match f.group.get_ref().trim() {
                "common" => FactorGroup::Common,
                "genocide" => FactorGroup::Genocide,
                "crimes_against_humanity" => FactorGroup::CrimesAgainstHumanity,
                "war_crimes" => FactorGroup::WarCrimes,
                other => {
                    return Err(bad(
                        f.group.span().start,
                        format!(
                            "unknown group '{other}' (expected common, genocide, \
                             crimes_against_humanity or war_crimes)"
                        ),
                    ))
                }
            };
            if f.indicators.get_ref().is_empty() {
                return Err(bad(
                    f.indicators.span().start,
                    format!("factor {id} has no indicator"),
                ));
            }
            let mut indicators = Vec::new();
            for si in f.indicators.get_ref() {
                let i = si.get_ref();
                if !i.id.starts_with(&format!("{id}.")) {
                    return Err(bad(
                        si.span().start,
                        format!("indicator '{}' does not belong to factor {id}", i.id),
                    ));
                }
                indicators.push(i.clone());
            }
            let suggest = match &f.suggest {
                None => None,
                Some(ss) => {
                    let s = ss.get_ref();
                    let Some(measure) = Measure::parse(s.measure.get_ref()) else {
                        return Err(bad(
                            s.measure.span().start,
                            format!(
                                "unknown measure '{}' (expected one of: {})",
                                s.measure.get_ref(),
                                Measure::ALL.map(Measure::code).join(", ")
                            ),
                        ));
                    };
                    let months = *s.months.get_ref();
                    if months == 0 || months > 120 {
                        return Err(bad(
                            s.months.span().start,
                            format!("months must be 1 to 120, got {months}"),
                        ));
                    }
                    let t = s.thresholds.get_ref().clone();
                    if t.len() != usize::from(max)
                        || t.iter().any(|x| !x.is_finite() || *x <= 0.0)
                        || t.windows(2).any(|w| w[0] >= w[1])
                    {
                        return Err(bad(
                            s.thresholds.span().start,
                            format!(
                                "thresholds must be {max} positive numbers in ascending order \
                                 (one per score above 0)"
                            ),
                        ));
                    }
                    Some(SuggestRule {
                        measure,
                        months,
                        thresholds: t,
                    })
                }
            };
            factors.push(Factor {
                id,
                group,
                name: f.name.trim().to_string(),
                description: f.description.trim().to_string(),
                indicators,
                suggest,
            });
        }
        if factors.len() != usize::from(FACTORS) {
            return Err(bad(
                0,
                format!(
                    "the framework has {} factors; the UN Framework has {FACTORS}",
                    factors.len()
                ),
            ));
        }
        let mut stages: Vec<Stage> = Vec::new();
        for ss in &raw.stage {
            let s = ss.get_ref();
            let n = *s.number.get_ref();
            if n as usize != stages.len() + 1 {
                return Err(bad(
                    s.number.span().start,
                    format!(
                        "stage {n} is out of order (expected stage {})",
                        stages.len() + 1
                    ),
                ));
            }
            let alert = s.alert.get_ref().trim();
            if !["watch", "warning", "emergency"].contains(&alert) {
                return Err(bad(
                    s.alert.span().start,
                    format!("unknown alert '{alert}' (expected watch, warning or emergency)"),
                ));
            }
            stages.push(Stage {
                number: n,
                name: s.name.trim().to_string(),
                description: s.description.trim().to_string(),
                alert: alert.to_string(),
            });
        }
        if stages.len() != usize::from(STAGES) {
            return Err(bad(
                0,
                format!(
                    "the framework has {} stages; Genocide Watch has {STAGES}",
                    stages.len()
                ),
            ));
        }
        Ok(Framework {
            file: file.to_string(),
            max,
            levels,
            bands,
            factors,
            stages,
        })
    }

    /// A factor by id.
    pub fn factor(&self, id: u8) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }

    /// A stage by number.
    pub fn stage(&self, n: u8) -> Option<&Stage> {
        self.stages.iter().find(|s| s.number == n)
    }

    /// Highest possible overall score.
    pub fn overall_max(&self) -> u32 {
        u32::from(self.max) * self.factors.len() as u32
    }

    /// The band label of an overall score.
    pub fn band(&self, overall: u32) -> &str {
        self.bands
            .iter()
            .rev()
            .find(|b| overall >= b.from)
            .map(|b| b.label.as_str())
            .unwrap_or("")
    }

    /// The band index of an overall score (0 = lowest).
    pub fn band_index(&self, overall: u32) -> usize {
        self.bands
            .iter()
            .rposition(|b| overall >= b.from)
            .unwrap_or(0)
    }
}

/// A score suggested from data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The score suggested.
    pub score: u8,
    /// The measure's value.
    pub value: f64,
    /// How it was computed, in words.
    pub basis: String,
    /// Events behind it (most lethal first, at most [`MAX_EVIDENCE`]).
    pub events: Vec<Uuid>,
    /// Their source URLs (only from events at most `restricted`).
    pub urls: Vec<String>,
}

/// One factor of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorScore {
    /// 1–14.
    pub factor: u8,
    /// The analyst's score, if set.
    pub score: Option<u8>,
    /// The analyst's justification.
    #[serde(default)]
    pub justification: String,
    /// Events the analyst cites.
    #[serde(default)]
    pub events: Vec<Uuid>,
    /// Sources the analyst cites.
    #[serde(default)]
    pub urls: Vec<String>,
    /// The score suggested from data, if any.
    pub suggested: Option<Suggestion>,
}

/// Where a factor's score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreStatus {
    /// Neither scored nor suggested.
    Unscored,
    /// Suggested from data, not yet confirmed.
    Suggested,
    /// Scored by an analyst, equal to the suggestion (or with none).
    Confirmed,
    /// Scored by an analyst, different from the suggestion.
    Changed,
}

impl ScoreStatus {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ScoreStatus::Unscored => "unscored",
            ScoreStatus::Suggested => "suggested",
            ScoreStatus::Confirmed => "confirmed",
            ScoreStatus::Changed => "changed",
        }
    }
}

impl FactorScore {
    /// The score that counts: the analyst's, else the suggestion.
    pub fn effective(&self) -> Option<u8> {
        self.score.or(self.suggested.as_ref().map(|s| s.score))
    }

    /// Where the effective score comes from.
    pub fn status(&self) -> ScoreStatus {
        match (self.score, &self.suggested) {
            (None, None) => ScoreStatus::Unscored,
            (None, Some(_)) => ScoreStatus::Suggested,
            (Some(a), Some(s)) if a != s.score => ScoreStatus::Changed,
            (Some(_), _) => ScoreStatus::Confirmed,
        }
    }
}

/// The Genocide Watch stage an analyst set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageScore {
    /// 1–10.
    pub stage: u8,
    /// The justification.
    pub justification: String,
    /// Events cited.
    #[serde(default)]
    pub events: Vec<Uuid>,
    /// Sources cited.
    #[serde(default)]
    pub urls: Vec<String>,
}

/// A structured atrocity-risk assessment of one country or region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtrocityAssessment {
    /// The area: "country" or a region (admin1) name.
    pub area: String,
    /// The month the suggestions were computed for (they read the months before it).
    pub as_of: Option<NaiveDate>,
    /// One line per factor, 1–14.
    pub factors: Vec<FactorScore>,
    /// The Genocide Watch stage, if set.
    pub stage: Option<StageScore>,
}

/// Why an analyst's change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtrocityError {
    /// The change is not valid.
    #[error("{0}")]
    Refused(String),
}

fn refused(s: impl Into<String>) -> AtrocityError {
    AtrocityError::Refused(s.into())
}

/// True when `area` names the whole country.
pub fn is_country(area: &str) -> bool {
    matches!(area.trim().to_lowercase().as_str(), "country" | "all")
}

/// True when `e` lies in `area` ("country", or its admin1 name, case-insensitive).
pub fn in_area(e: &Event, area: &str) -> bool {
    is_country(area)
        || e.location
            .admin1
            .as_ref()
            .is_some_and(|a| a.name.to_lowercase() == area.trim().to_lowercase())
}

/// The first day of `as_of`'s month minus `months` months.
fn window_start(as_of: NaiveDate, months: u32) -> NaiveDate {
    let m = as_of.with_day(1).unwrap_or(as_of);
    m.checked_sub_months(Months::new(months)).unwrap_or(m)
}

/// Suggested scores for every factor with a `suggest` rule, from the events of `area`
/// in the `months` before `as_of`'s month (retracted events are ignored). A factor whose
/// window holds no event of the area at all gets no suggestion: that is missing data,
/// not an absent risk.
pub fn suggest(
    fw: &Framework,
    events: &[Event],
    rules: &RuleSet,
    registry: Option<&Registry>,
    area: &str,
    as_of: NaiveDate,
) -> Vec<(u8, Suggestion)> {
    let end = as_of.with_day(1).unwrap_or(as_of);
    let here: Vec<&Event> = events
        .iter()
        .filter(|e| !e.is_retracted() && in_area(e, area) && e.date_start < end)
        .collect();
    let mut out = Vec::new();
    for f in &fw.factors {
        let Some(rule) = &f.suggest else { continue };
        let start = window_start(as_of, rule.months);
        // No event at all in the area over the window: no data, not a low score.
        if !here.iter().any(|e| e.date_start >= start) {
            continue;
        }
        let mut value = 0.0;
        let mut hits: Vec<(&Event, f64)> = Vec::new();
        for e in here.iter().filter(|e| e.date_start >= start) {
            let v = rule.measure.of(e, rules, registry);
            if v > 0.0 {
                value += v;
                hits.push((e, v));
            }
        }
        hits.sort_by(|a, b| {
            b.0.killed_best()
                .cmp(&a.0.killed_best())
                .then(b.0.date_start.cmp(&a.0.date_start))
                .then(a.0.id.cmp(&b.0.id))
        });
        let score = rule.thresholds.iter().filter(|t| value >= **t).count() as u8;
        let mut urls: Vec<String> = Vec::new();
        for (e, _) in &hits {
            if e.sensitivity > Sensitivity::Restricted {
                continue;
            }
            for u in e.sources.iter().filter_map(|s| s.url.as_ref()) {
                if urls.len() < MAX_EVIDENCE && !urls.contains(u) {
                    urls.push(u.clone());
                }
            }
        }
        let thresholds: Vec<String> = rule.thresholds.iter().map(|t| format!("{t}")).collect();
        out.push((
            f.id,
            Suggestion {
                score,
                value,
                basis: format!(
                    "{value} {} in {} to {} (score = thresholds reached of {})",
                    rule.measure.unit(),
                    start.format("%Y-%m"),
                    window_start(as_of, 1).format("%Y-%m"),
                    thresholds.join(", ")
                ),
                events: hits.iter().take(MAX_EVIDENCE).map(|(e, _)| e.id).collect(),
                urls,
            },
        ));
    }
    out
}

impl AtrocityAssessment {
    /// An assessment with every factor unscored and no stage.
    pub fn empty(area: &str, fw: &Framework) -> AtrocityAssessment {
        AtrocityAssessment {
            area: area.trim().to_string(),
            as_of: None,
            factors: fw
                .factors
                .iter()
                .map(|f| FactorScore {
                    factor: f.id,
                    score: None,
                    justification: String::new(),
                    events: Vec::new(),
                    urls: Vec::new(),
                    suggested: None,
                })
                .collect(),
            stage: None,
        }
    }

    /// Replaces the data-suggested scores (analysts' scores are kept).
    pub fn refresh(&mut self, as_of: NaiveDate, suggestions: Vec<(u8, Suggestion)>) {
        self.as_of = Some(as_of.with_day(1).unwrap_or(as_of));
        for f in &mut self.factors {
            f.suggested = None;
        }
        for (id, s) in suggestions {
            if let Some(f) = self.factors.iter_mut().find(|f| f.factor == id) {
                f.suggested = Some(s);
            }
        }
    }

    /// The factor line of `id`.
    pub fn factor(&self, id: u8) -> Option<&FactorScore> {
        self.factors.iter().find(|f| f.factor == id)
    }

    /// Sets (or, with `score` None, confirms the suggested) score of a factor.
    pub fn set_factor(
        &mut self,
        fw: &Framework,
        id: u8,
        score: Option<u8>,
        justification: &str,
        events: Vec<Uuid>,
        urls: Vec<String>,
    ) -> Result<(), AtrocityError> {
        if fw.factor(id).is_none() {
            return Err(refused(format!(
                "unknown risk factor {id} (expected 1 to {})",
                fw.factors.len()
            )));
        }
        if justification.trim().is_empty() {
            return Err(refused("a score needs a justification"));
        }
        let Some(f) = self.factors.iter_mut().find(|f| f.factor == id) else {
            return Err(refused(format!("the assessment has no factor {id}")));
        };
        let s = match score {
            Some(s) if s > fw.max => {
                return Err(refused(format!(
                    "score {s} is outside the scale 0 to {}",
                    fw.max
                )))
            }
            Some(s) => s,
            None => match &f.suggested {
                Some(sg) => sg.score,
                None => {
                    return Err(refused(format!(
                        "factor {id} has no suggested score to confirm: give a score"
                    )))
                }
            },
        };
        f.score = Some(s);
        f.justification = justification.trim().to_string();
        f.events = events;
        f.urls = urls;
        Ok(())
    }

    /// Sets the Genocide Watch stage.
    pub fn set_stage(
        &mut self,
        fw: &Framework,
        stage: u8,
        justification: &str,
        events: Vec<Uuid>,
        urls: Vec<String>,
    ) -> Result<(), AtrocityError> {
        if fw.stage(stage).is_none() {
            return Err(refused(format!(
                "unknown stage {stage} (expected 1 to {})",
                fw.stages.len()
            )));
        }
        if justification.trim().is_empty() {
            return Err(refused("a stage needs a justification"));
        }
        self.stage = Some(StageScore {
            stage,
            justification: justification.trim().to_string(),
            events,
            urls,
        });
        Ok(())
    }

    /// The overall score: the sum of the effective factor scores.
    pub fn overall(&self) -> u32 {
        self.factors
            .iter()
            .filter_map(FactorScore::effective)
            .map(u32::from)
            .sum()
    }

    /// Factors whose effective score is an unconfirmed suggestion.
    pub fn unconfirmed(&self) -> usize {
        self.factors
            .iter()
            .filter(|f| f.status() == ScoreStatus::Suggested)
            .count()
    }

    /// The stage number, if set.
    pub fn stage_number(&self) -> Option<u8> {
        self.stage.as_ref().map(|s| s.stage)
    }
}

/// One factor's change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorChange {
    /// 1–14.
    pub factor: u8,
    /// Its name.
    pub name: String,
    /// Effective score before.
    pub from: Option<u8>,
    /// Effective score after.
    pub to: Option<u8>,
    /// Status before.
    pub from_status: ScoreStatus,
    /// Status after.
    pub to_status: ScoreStatus,
    /// True when the analyst's justification changed.
    pub justification_changed: bool,
}

impl FactorChange {
    /// True when the effective score went up (unscored counts 0).
    pub fn rose(&self) -> bool {
        self.to.unwrap_or(0) > self.from.unwrap_or(0)
    }
}

/// What changed between two versions of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentDiff {
    /// Overall score before and after.
    pub overall: (u32, u32),
    /// Stage before and after.
    pub stage: (Option<u8>, Option<u8>),
    /// True when the stage's justification changed.
    pub stage_justification_changed: bool,
    /// Factors whose score, status or justification changed.
    pub factors: Vec<FactorChange>,
}

/// Compares two versions of an assessment.
pub fn diff(old: &AtrocityAssessment, new: &AtrocityAssessment, fw: &Framework) -> AssessmentDiff {
    let mut factors = Vec::new();
    for f in &fw.factors {
        let a = old.factor(f.id);
        let b = new.factor(f.id);
        let eff = |x: Option<&FactorScore>| x.and_then(FactorScore::effective);
        let st =
            |x: Option<&FactorScore>| x.map(FactorScore::status).unwrap_or(ScoreStatus::Unscored);
        let j = |x: Option<&FactorScore>| x.map(|x| x.justification.clone()).unwrap_or_default();
        let c = FactorChange {
            factor: f.id,
            name: f.name.clone(),
            from: eff(a),
            to: eff(b),
            from_status: st(a),
            to_status: st(b),
            justification_changed: j(a) != j(b),
        };
        if c.from != c.to || c.from_status != c.to_status || c.justification_changed {
            factors.push(c);
        }
    }
    AssessmentDiff {
        overall: (old.overall(), new.overall()),
        stage: (old.stage_number(), new.stage_number()),
        stage_justification_changed: old.stage.as_ref().map(|s| &s.justification)
            != new.stage.as_ref().map(|s| &s.justification),
        factors,
    }
}

/// A rise in atrocity risk between two versions: what raises a warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rise {
    /// Overall score before and after.
    pub overall: (u32, u32),
    /// Overall band before and after.
    pub band: (String, String),
    /// Stage before and after.
    pub stage: (Option<u8>, Option<u8>),
    /// The factors whose score rose.
    pub factors: Vec<FactorChange>,
    /// Evidence: the events behind the factors that rose (and the stage, if it rose).
    pub events: Vec<Uuid>,
    /// Their source URLs.
    pub urls: Vec<String>,
    /// The warning level the rise calls for.
    pub level: crate::warnings::WarningLevel,
}

/// The rise from `old` (the previous version) to `new`, if the overall score or the
/// stage went up. A first assessment (`old` = `None`) is compared with an empty one but
/// only rises when it lands above the lowest band or sets a stage: scoring a quiet area
/// for the first time is not a deterioration.
///
/// Level: **critical** when the stage rose to extermination or beyond (the stage whose
/// alert is `emergency`) or the overall score rose into the top band; **high** when the
/// overall score rose by at least 2 × the scale maximum (6 on the shipped 0–3 scale),
/// the stage rose by 2 or more, or the overall score changed band; **medium** when it
/// rose by at least the scale maximum or the stage rose; **low** otherwise.
pub fn rise(
    old: Option<&AtrocityAssessment>,
    new: &AtrocityAssessment,
    fw: &Framework,
) -> Option<Rise> {
    use crate::warnings::WarningLevel;
    let empty = AtrocityAssessment::empty(&new.area, fw);
    let first = old.is_none();
    let old = old.unwrap_or(&empty);
    let d = diff(old, new, fw);
    let (a, b) = d.overall;
    let (sa, sb) = (d.stage.0.unwrap_or(0), d.stage.1.unwrap_or(0));
    if b <= a && sb <= sa {
        return None;
    }
    if first && fw.band_index(b) == 0 && sb == 0 {
        return None;
    }
    let rose: Vec<FactorChange> = d.factors.into_iter().filter(FactorChange::rose).collect();
    let mut events = Vec::new();
    let mut urls = Vec::new();
    let mut add = |ev: &[Uuid], us: &[String]| {
        for e in ev {
            if !events.contains(e) {
                events.push(*e);
            }
        }
        for u in us {
            if !urls.contains(u) {
                urls.push(u.clone());
            }
        }
    };
    for c in &rose {
        if let Some(f) = new.factor(c.factor) {
            if f.score.is_some() {
                add(&f.events, &f.urls);
            }
            if let Some(s) = &f.suggested {
                add(&s.events, &s.urls);
            }
        }
    }
    if sb > sa {
        if let Some(s) = &new.stage {
            add(&s.events, &s.urls);
        }
    }
    let (ba, bb) = (fw.band_index(a), fw.band_index(b));
    let top = fw.bands.len().saturating_sub(1);
    let emergency = fw.stage(sb).is_some_and(|s| s.alert == "emergency")
        && fw.stage(sa).is_none_or(|s| s.alert != "emergency");
    let up = b.saturating_sub(a);
    let m = u32::from(fw.max);
    let level = if emergency || (bb == top && ba < top) {
        WarningLevel::Critical
    } else if up >= 2 * m || sb >= sa + 2 || bb > ba {
        WarningLevel::High
    } else if up >= m || sb > sa {
        WarningLevel::Medium
    } else {
        WarningLevel::Low
    };
    Some(Rise {
        overall: (a, b),
        band: (fw.band(a).to_string(), fw.band(b).to_string()),
        stage: d.stage,
        factors: rose,
        events,
        urls,
        level,
    })
}

impl Rise {
    /// The warning's trigger, in words.
    pub fn trigger(&self) -> String {
        let mut s = format!(
            "atrocity-risk score rose from {} ({}) to {} ({})",
            self.overall.0, self.band.0, self.overall.1, self.band.1
        );
        if self.stage.1.unwrap_or(0) > self.stage.0.unwrap_or(0) {
            let st = |x: Option<u8>| x.map(|n| n.to_string()).unwrap_or_else(|| "none".into());
            s.push_str(&format!(
                "; Genocide Watch stage {} → {}",
                st(self.stage.0),
                st(self.stage.1)
            ));
        }
        s
    }

    /// The warning's explanation: the factors that rose, and the sources.
    pub fn explanation(&self) -> String {
        let sc = |x: Option<u8>| x.map(|n| n.to_string()).unwrap_or_else(|| "–".into());
        let f: Vec<String> = self
            .factors
            .iter()
            .map(|c| {
                format!(
                    "factor {} {} {}→{} ({})",
                    c.factor,
                    c.name,
                    sc(c.from),
                    sc(c.to),
                    c.to_status.code()
                )
            })
            .collect();
        let mut s = format!(
            "UN Framework of Analysis for Atrocity Crimes: {}",
            if f.is_empty() {
                "no factor rose".to_string()
            } else {
                f.join("; ")
            }
        );
        if !self.urls.is_empty() {
            s.push_str(&format!("; sources: {}", self.urls.join(" ")));
        }
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn shipped_framework_has_14_factors_and_10_stages() {
        let fw = Framework::shipped().unwrap();
        assert_eq!(fw.factors.len(), 14);
        assert_eq!(fw.stages.len(), 10);
        assert_eq!(fw.overall_max(), 42);
        assert_eq!(fw.stage(9).unwrap().name, "Extermination");
        assert_eq!(fw.stage(9).unwrap().alert, "emergency");
        assert_eq!(
            fw.factors
                .iter()
                .filter(|f| f.group == FactorGroup::Common)
                .count(),
            8
        );
        assert!(fw
            .factor(7)
            .unwrap()
            .indicators
            .iter()
            .any(|i| i.id == "7.5"));
        assert_eq!(fw.band(0), "low");
        assert_eq!(fw.band(17), "high");
        assert_eq!(fw.band(42), "very high");
    }

    #[test]
    fn status_and_rise_follow_the_scores() {
        let fw = Framework::shipped().unwrap();
        let mut a = AtrocityAssessment::empty("Mopti", &fw);
        a.refresh(
            NaiveDate::from_ymd_opt(2020, 8, 1).unwrap(),
            vec![(
                1,
                Suggestion {
                    score: 2,
                    value: 30.0,
                    basis: String::new(),
                    events: vec![Uuid::nil()],
                    urls: vec![],
                },
            )],
        );
        assert_eq!(a.factor(1).unwrap().status(), ScoreStatus::Suggested);
        assert_eq!(a.overall(), 2);
        let before = a.clone();
        a.set_factor(&fw, 1, None, "confirmed", vec![], vec![])
            .unwrap();
        assert_eq!(a.factor(1).unwrap().status(), ScoreStatus::Confirmed);
        assert!(rise(Some(&before), &a, &fw).is_none());
        a.set_factor(
            &fw,
            7,
            Some(3),
            "militias armed",
            vec![],
            vec!["https://x".into()],
        )
        .unwrap();
        let r = rise(Some(&before), &a, &fw).unwrap();
        assert_eq!(r.overall, (2, 5));
        assert_eq!(r.level, crate::warnings::WarningLevel::Medium);
        assert_eq!(r.factors.len(), 1);
        assert_eq!(r.urls, vec!["https://x".to_string()]);
        let mut b = a.clone();
        b.set_stage(&fw, 9, "mass killing under way", vec![], vec![])
            .unwrap();
        assert_eq!(
            rise(Some(&a), &b, &fw).unwrap().level,
            crate::warnings::WarningLevel::Critical
        );
        assert_eq!(
            a.set_factor(&fw, 15, Some(1), "x", vec![], vec![])
                .unwrap_err()
                .to_string(),
            "unknown risk factor 15 (expected 1 to 14)"
        );
        assert_eq!(
            a.set_factor(&fw, 3, None, "x", vec![], vec![])
                .unwrap_err()
                .to_string(),
            "factor 3 has no suggested score to confirm: give a score"
        );
    }
}
