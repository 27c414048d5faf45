//! Pairwise duplicate scoring: how likely two events (or drafts) describe one incident,
//! with a plain-language explanation such as "same day ±1, 3 km apart, both Armed
//! clash, killed 24 vs 24, same perpetrator family".
//!
//! [`score_pair`] is pure: it reads the two events and, for actor families, the registry.
//! Components (weights): date 0.30 (overlap after widening each event by its date
//! precision), place 0.30 (distance, else the same admin2/admin1), type 0.15 (same
//! sub-type, same type, or compatible violent types), casualties 0.10 (killed figures
//! close), actors 0.15 (same perpetrator, same family, or one unidentified). Dates that do
//! not overlap even when widened, or places more than 100 km apart / in different
//! regions, cap the score low.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use veille_actors::{Registry, UNIDENTIFIED};
use veille_geo::haversine_km;
use veille_model::{DatePrecision, Event, EventType};

/// The score above which two events are proposed as the same incident.
pub const SAME_INCIDENT_THRESHOLD: f64 = 0.65;

/// The result of comparing two events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    /// 0–1; ≥ [`SAME_INCIDENT_THRESHOLD`] means "probably the same incident".
    pub score: f64,
    /// The plain-language reasons, comma-separated.
    pub explanation: String,
}

impl PairScore {
    /// True when the score reaches the threshold.
    pub fn same_incident(&self) -> bool {
        self.score >= SAME_INCIDENT_THRESHOLD
    }
}

fn widen(p: DatePrecision) -> i64 {
    match p {
        DatePrecision::Day => 1,
        DatePrecision::Days => 2,
        DatePrecision::Week => 4,
        DatePrecision::Month => 16,
        DatePrecision::Year => 183,
    }
}

fn perpetrator(e: &Event) -> Option<&str> {
    e.perpetrators().next().and_then(|a| a.actor_id.as_deref())
}

fn same_family(reg: Option<&Registry>, a: &str, b: &str, date: NaiveDate) -> bool {
    let Some(reg) = reg else {
        return false;
    };
    let check = |root: &str, x: &str| reg.in_family(root, x, date, true).unwrap_or(false);
    // Either is in the other's family, or both in the family of a common parent.
    if check(a, b) || check(b, a) {
        return true;
    }
    reg.relations_from(a)
        .iter()
        .filter(|r| r.holds_on(date))
        .any(|r| check(&r.to, b))
}

/// Scores a pair of events; `reg` enables the actor-family comparison.
pub fn score_pair(a: &Event, b: &Event, reg: Option<&Registry>) -> PairScore {
    let mut why: Vec<String> = Vec::new();
    // Date.
    let wa = widen(a.date_precision);
    let wb = widen(b.date_precision);
    let (as_, ae) = (
        a.date_start - Duration::days(wa),
        a.date_end + Duration::days(wa),
    );
    let (bs, be) = (
        b.date_start - Duration::days(wb),
        b.date_end + Duration::days(wb),
    );
    let overlap = as_ <= be && bs <= ae;
    let gap = if overlap {
        0
    } else if ae < bs {
        (bs - ae).num_days()
    } else {
        (as_ - be).num_days()
    };
    let date_s = if a.date_start == b.date_start && a.date_end == b.date_end {
        why.push(if a.date_precision == DatePrecision::Day {
            "same day".into()
        } else {
            format!("same dates ({} precision)", a.date_precision)
        });
        1.0
    } else if overlap {
        let d = (a.date_start - b.date_start).num_days().abs();
        why.push(
            if d <= 1
                && a.date_precision == DatePrecision::Day
                && b.date_precision == DatePrecision::Day
            {
                "same day ±1".into()
            } else {
                format!(
                    "dates overlap ({} and {} precision)",
                    a.date_precision, b.date_precision
                )
            },
        );
        let coarse = |p: DatePrecision| match p {
            DatePrecision::Day | DatePrecision::Days | DatePrecision::Week => 0,
            DatePrecision::Month => 1,
            DatePrecision::Year => 2,
        };
        match coarse(a.date_precision).max(coarse(b.date_precision)) {
            0 => 0.8,
            1 => 0.5,
            _ => 0.3,
        }
    } else {
        why.push(format!("{gap} days apart even allowing for date precision"));
        0.0
    };
    // Place.
    let (la, lb) = (&a.location, &b.location);
    let mut far = false;
    let same_name = match (&la.place_name, &lb.place_name) {
        (Some(x), Some(y)) => veille_geo::normalize::key(x) == veille_geo::normalize::key(y),
        _ => false,
    };
    let place_s = match (la.latitude.zip(la.longitude), lb.latitude.zip(lb.longitude)) {
        _ if same_name => {
            why.push("same place name".into());
            1.0
        }
        (Some((y1, x1)), Some((y2, x2))) => {
            let d = haversine_km(y1, x1, y2, x2);
            why.push(format!("{d:.0} km apart"));
            if d > 100.0 {
                far = true;
            }
            if d <= 5.0 {
                1.0
            } else if d <= 25.0 {
                0.8
            } else if d <= 50.0 {
                0.4
            } else {
                0.05
            }
        }
        _ => {
            let same = |x: &Option<veille_model::AdminUnit>,
                        y: &Option<veille_model::AdminUnit>| match (x, y) {
                (Some(p), Some(q)) => {
                    Some(veille_geo::normalize::key(&p.name) == veille_geo::normalize::key(&q.name))
                }
                _ => None,
            };
            match (same(&la.admin2, &lb.admin2), same(&la.admin1, &lb.admin1)) {
                (Some(true), _) => {
                    why.push("same admin2".into());
                    0.6
                }
                (_, Some(true)) => {
                    why.push("same admin1".into());
                    0.3
                }
                (_, Some(false)) => {
                    why.push("different regions".into());
                    far = true;
                    0.0
                }
                _ => {
                    why.push("place unknown".into());
                    0.15
                }
            }
        }
    };
    // Type.
    let type_s = if a.sub_event_type == b.sub_event_type {
        why.push(format!("both {}", a.sub_event_type));
        1.0
    } else if a.event_type == b.event_type {
        why.push(format!("both {}", a.event_type));
        0.7
    } else {
        let violent = |t: EventType| {
            matches!(
                t,
                EventType::Battles
                    | EventType::ExplosionsRemoteViolence
                    | EventType::ViolenceAgainstCivilians
            )
        };
        if violent(a.event_type) && violent(b.event_type) {
            why.push(format!("{} vs {}", a.sub_event_type, b.sub_event_type));
            0.4
        } else {
            why.push(format!("{} vs {}", a.event_type, b.event_type));
            0.0
        }
    };
    // Casualties.
    let ka = a.casualties.killed.total.map(|c| c.best);
    let kb = b.casualties.killed.total.map(|c| c.best);
    let cas_s = match (ka, kb) {
        (Some(x), Some(y)) => {
            why.push(format!("killed {x} vs {y}"));
            let (lo, hi) = (x.min(y) as f64, x.max(y) as f64);
            if hi == 0.0 {
                0.9
            } else if lo / hi >= 0.75 {
                0.5 + 0.5 * lo / hi
            } else if lo / hi >= 0.5 {
                0.4
            } else {
                0.1
            }
        }
        _ => 0.5,
    };
    // Actors.
    let act_s = match (perpetrator(a), perpetrator(b)) {
        (Some(x), Some(y)) if x == y && x != UNIDENTIFIED => {
            why.push("same perpetrator".into());
            1.0
        }
        (Some(x), Some(y)) if x == UNIDENTIFIED || y == UNIDENTIFIED => {
            why.push("perpetrator unidentified in one".into());
            0.6
        }
        (Some(x), Some(y)) if same_family(reg, x, y, a.date_start) => {
            why.push("same perpetrator family".into());
            0.85
        }
        (Some(_), Some(_)) => {
            why.push("different perpetrators".into());
            0.1
        }
        _ => 0.5,
    };
    let mut score = 0.30 * date_s + 0.30 * place_s + 0.15 * type_s + 0.10 * cas_s + 0.15 * act_s;
    if date_s == 0.0 {
        score = score.min(0.3);
    }
    if far {
        score = score.min(0.3);
    }
    PairScore {
        score: (score * 1000.0).round() / 1000.0,
        explanation: why.join(", "),
    }
}

/// [`score_pair`] on two drafts.
pub fn score_drafts(
    a: &crate::DraftEvent,
    b: &crate::DraftEvent,
    reg: Option<&Registry>,
) -> PairScore {
    score_pair(&a.event, &b.event, reg)
}
