//! Whether two drafts describe one incident. veille has one duplicate scorer,
//! `veille_dedup::Dedup` (what `veille dedup` runs over the database); this module only
//! adapts drafts to it, so the evaluator's dedup figures measure the product's scorer.

use crate::DraftEvent;
use veille_actors::Registry;
use veille_dedup::{Dedup, DedupConfig, Families};
use veille_store::DedupRecord;

pub use veille_dedup::PairScore;

/// The score at or above which two drafts are taken as one incident (the database
/// scan's default threshold).
pub fn threshold() -> f64 {
    DedupConfig::default().threshold
}

/// Scores two drafts with the database's duplicate scorer. `None` when the scorer rules
/// the pair out before scoring (dates or places too far apart, nothing places them
/// together).
pub fn score_drafts(a: &DraftEvent, b: &DraftEvent, reg: Option<&Registry>) -> Option<PairScore> {
    let records = [
        DedupRecord::from_event(&a.event),
        DedupRecord::from_event(&b.event),
    ];
    let families = match reg {
        Some(r) => {
            Families::from_registry(r, Families::ids_of(&records).iter().map(String::as_str))
        }
        None => Families::none(),
    };
    Dedup::new(DedupConfig::default(), families).compare(&records[0], &records[1])
}

/// True when two drafts score as one incident.
pub fn same_incident(a: &DraftEvent, b: &DraftEvent, reg: Option<&Registry>) -> bool {
    score_drafts(a, b, reg).is_some_and(|p| p.score >= threshold())
}
