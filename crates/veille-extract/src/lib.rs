//! # veille-extract
//!
//! The first pass from a prose report (news dispatch, sitrep line, SMS, French radio
//! bulletin) to **draft events**: every model field the rules can fill, each with a
//! confidence and the evidence span (character offsets) that supports it. The analyst
//! judges; the extractor shows its evidence.
//!
//! - [`Extractor`]: built from the veille-geo [`Geo`](veille_geo::Geo) and the
//!   veille-actors [`Registry`](veille_actors::Registry); places and actors are resolved
//!   only through them.
//! - [`Extractor::extract`]: a [`Report`] → [`ExtractOutcome`] (drafts, one per
//!   incident, or "no incident found" with the reason).
//! - [`eval`]: the evaluation harness over a gold JSONL file (issue 5 format).
//! - [`dedup::score_drafts`]: how likely two drafts describe one incident, by the
//!   database's duplicate scorer (`veille_dedup`), with a plain-language explanation.
//! - [`bench`]: reports per second on one core over a gold/dev file.
//!
//! Dates are parsed from prose only in [`dates`]; casualty figures only in
//! [`casualties`].

pub mod actors;
pub mod bench;
pub mod casualties;
pub mod classify;
pub mod dates;
pub mod dedup;
pub mod eval;
mod extract;
pub mod lexicon;
pub mod numbers;
pub mod places;
pub mod text;

pub use extract::{Extractor, MAX_TEXT_BYTES};

/// The development gold set (issue 5 format), embedded for `veille bench extract`.
pub const DEV_GOLD: &str = include_str!("../tests/fixtures/dev_gold.jsonl");

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use veille_model::Event;

/// One report to extract from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Report {
    /// The report's id, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The report text.
    pub text: String,
    /// When the report was written (anchors "yesterday", "on Tuesday", missing years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_date: Option<NaiveDate>,
    /// Default country, ISO alpha-3 ("MLI").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The evidence for one filled field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldEvidence {
    /// The field, e.g. "date", "location", "perpetrator", "killed".
    pub field: String,
    /// The value filled, as text.
    pub value: String,
    /// Confidence, 0–1.
    pub confidence: f32,
    /// Character offsets (start, end) into the report text of the supporting words.
    pub span: (usize, usize),
    /// The supporting words themselves (the text of `span`).
    pub text: String,
}

/// One draft event: an [`Event`] as filled from the text, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftEvent {
    /// The event as extracted (verification `unverified`; the report is its source).
    pub event: Event,
    /// Evidence per filled field.
    pub evidence: Vec<FieldEvidence>,
    /// Overall confidence, 0–1.
    pub confidence: f32,
    /// Casualty fields whose figure came from a vague amount ("dozens" = 12).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vague: Vec<String>,
    /// Fields the text did not give ("date", "location", "perpetrator"); the event holds
    /// a placeholder there (the report date, the country) that the analyst must check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Place names of the incident as written (several for "attacks on X and Y").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// The perpetrator's registry id (`unidentified-armed-group` for generic mentions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perpetrator: Option<String>,
    /// Character range of the report this incident was read from.
    pub segment: (usize, usize),
}

impl DraftEvent {
    /// The evidence for a field, if filled.
    pub fn evidence_for(&self, field: &str) -> Option<&FieldEvidence> {
        self.evidence.iter().find(|e| e.field == field)
    }

    /// The review-queue entry for this draft: the proposed event, this whole draft as the
    /// evidence (its `evidence` spans are what the review screen highlights), the report
    /// text and the report's graded source.
    pub fn to_new_draft(
        &self,
        report_text: &str,
        source: veille_model::Source,
    ) -> Result<veille_store::NewDraft, serde_json::Error> {
        Ok(veille_store::NewDraft {
            event: self.event.clone(),
            evidence: serde_json::to_value(self)?,
            report_text: report_text.to_string(),
            source,
        })
    }
}

/// What extraction found in one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExtractOutcome {
    /// One draft per incident described.
    Drafts {
        /// The drafts, in text order.
        drafts: Vec<DraftEvent>,
    },
    /// Nothing that reads as an incident.
    NoIncident {
        /// Why, in plain language.
        reason: String,
    },
}

impl ExtractOutcome {
    /// The drafts (empty for "no incident").
    pub fn drafts(&self) -> &[DraftEvent] {
        match self {
            ExtractOutcome::Drafts { drafts } => drafts,
            ExtractOutcome::NoIncident { .. } => &[],
        }
    }
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// A gold or report file line that is not valid.
    #[error("{file}:{line}: {reason}")]
    Line {
        /// The file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Reading a file failed.
    #[error("cannot read {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
}
