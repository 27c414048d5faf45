//! Response tracking: actions bound to warnings (owner, tier, option, due time, status,
//! outcome), overdue detection, and the warning-to-action metrics that answer "reports
//! but no action": time to acknowledge, time to first action, share of warnings with any
//! action, share closed with an outcome.

use crate::response::Tier;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// An action's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Suggested, nobody assigned yet.
    Proposed,
    /// Someone owns it.
    Assigned,
    /// The owner has acknowledged it.
    Acknowledged,
    /// Under way.
    InProgress,
    /// Done (with an outcome note).
    Done,
    /// Declined, with a reason.
    Declined,
}

impl ActionStatus {
    /// Parses a status code.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        Some(match s.trim().replace('-', "_").as_str() {
            "proposed" => ActionStatus::Proposed,
            "assigned" => ActionStatus::Assigned,
            "acknowledged" => ActionStatus::Acknowledged,
            "in_progress" => ActionStatus::InProgress,
            "done" => ActionStatus::Done,
            "declined" => ActionStatus::Declined,
            _ => return None,
        })
    }

    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ActionStatus::Proposed => "proposed",
            ActionStatus::Assigned => "assigned",
            ActionStatus::Acknowledged => "acknowledged",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Declined => "declined",
        }
    }

    /// Done or declined.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Declined)
    }
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    /// Declining needs a reason.
    #[error("declining an action needs a reason")]
    ReasonRequired,
    /// Done needs an outcome note.
    #[error("closing an action as done needs an outcome note")]
    OutcomeRequired,
    /// A closed action cannot change.
    #[error("action {0} is already closed ({1})")]
    Closed(String, &'static str),
}

/// One response action on a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// The warning it answers.
    pub warning_id: Uuid,
    /// 1, 2, 3… within the warning.
    pub n: u32,
    /// Who owns it (a role or a person's work title; never an informant).
    pub owner: String,
    /// Responsible component (a key of the response matrix).
    pub component: String,
    /// Tier of protection.
    pub tier: Tier,
    /// The response option, in words.
    pub option: String,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Current status.
    pub status: ActionStatus,
    /// Why it was declined.
    pub reason: Option<String>,
    /// What came of it.
    pub outcome: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its status last changed.
    pub updated_at: DateTime<Utc>,
}

impl Action {
    /// The action's key: `WARNING_ID/N`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.warning_id, self.n)
    }

    /// Changes the status; `declined` needs a reason and `done` an outcome note; a closed
    /// action cannot change.
    pub fn set_status(
        &mut self,
        status: ActionStatus,
        reason: Option<&str>,
        outcome: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), TrackingError> {
        if self.status.is_closed() {
            return Err(TrackingError::Closed(self.key(), self.status.code()));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let outcome = outcome.map(str::trim).filter(|r| !r.is_empty());
        if status == ActionStatus::Declined && reason.is_none() {
            return Err(TrackingError::ReasonRequired);
        }
        if status == ActionStatus::Done && outcome.is_none() {
            return Err(TrackingError::OutcomeRequired);
        }
        self.status = status;
        if let Some(r) = reason {
            self.reason = Some(r.to_string());
        }
        if let Some(o) = outcome {
            self.outcome = Some(o.to_string());
        }
        self.updated_at = at;
        Ok(())
    }

    /// True when past due and not closed.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        !self.status.is_closed() && now > self.due
    }
}

/// A warning as the metrics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedWarning {
    /// Its id.
    pub id: Uuid,
    /// Grouping label (area, or anything the caller picks).
    pub group: String,
    /// When it was first stored (issued).
    pub issued_at: DateTime<Utc>,
    /// When it was acknowledged, if it was.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Warning-to-action metrics for one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Warnings issued.
    pub warnings: usize,
    /// Of which acknowledged.
    pub acknowledged: usize,
    /// Median hours from issue to acknowledgement (acknowledged warnings).
    pub median_hours_to_acknowledge: Option<f64>,
    /// Median hours from issue to the first action (warnings with an action).
    pub median_hours_to_first_action: Option<f64>,
    /// Share of warnings with any action.
    pub share_with_action: f64,
    /// Share of warnings with an action closed as done with an outcome.
    pub share_closed_with_outcome: f64,
    /// Open actions past due.
    pub overdue_actions: usize,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Metrics per group of warnings.
pub fn metrics(
    warnings: &[TrackedWarning],
    actions: &[Action],
    now: DateTime<Utc>,
) -> BTreeMap<String, Metrics> {
    let mut groups: BTreeMap<String, Vec<&TrackedWarning>> = BTreeMap::new();
    for w in warnings {
        groups.entry(w.group.clone()).or_default().push(w);
    }
    let hours = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds() as f64 / 3600.0;
    groups
        .into_iter()
        .map(|(g, ws)| {
            let mut ack = Vec::new();
            let mut first = Vec::new();
            let (mut with_action, mut closed, mut overdue) = (0, 0, 0);
            for w in &ws {
                if let Some(a) = w.acknowledged_at {
                    ack.push(hours(w.issued_at, a));
                }
                let acts: Vec<&Action> = actions.iter().filter(|a| a.warning_id == w.id).collect();
                if let Some(t) = acts.iter().map(|a| a.created_at).min() {
                    with_action += 1;
                    first.push(hours(w.issued_at, t));
                }
                if acts
                    .iter()
                    .any(|a| a.status == ActionStatus::Done && a.outcome.is_some())
                {
                    closed += 1;
                }
                overdue += acts.iter().filter(|a| a.is_overdue(now)).count();
            }
            let n = ws.len().max(1) as f64;
            (
                g,
                Metrics {
                    warnings: ws.len(),
                    acknowledged: ack.len(),
                    median_hours_to_acknowledge: median(ack),
                    median_hours_to_first_action: median(first),
                    share_with_action: with_action as f64 / n,
                    share_closed_with_outcome: closed as f64 / n,
                    overdue_actions: overdue,
                },
            )
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn action(w: Uuid, n: u32, created: i64, due: i64) -> Action {
        Action {
            warning_id: w,
            n,
            owner: "head of office".into(),
            component: "protection".into(),
            tier: Tier::I,
            option: "call".into(),
            due: t(due),
            status: ActionStatus::Assigned,
            reason: None,
            outcome: None,
            created_at: t(created),
            updated_at: t(created),
        }
    }

    #[test]
    fn status_rules_have_exact_messages() {
        let mut a = action(Uuid::nil(), 1, 0, 24);
        assert_eq!(
            a.set_status(ActionStatus::Declined, Some("  "), None, t(1))
                .unwrap_err()
                .to_string(),
            "declining an action needs a reason"
        );
        assert_eq!(
            a.set_status(ActionStatus::Done, None, None, t(1))
                .unwrap_err()
                .to_string(),
            "closing an action as done needs an outcome note"
        );
        a.set_status(ActionStatus::Declined, Some("no access"), None, t(2))
            .unwrap();
        assert_eq!(
            a.set_status(ActionStatus::InProgress, None, None, t(3))
                .unwrap_err()
                .to_string(),
            "action 00000000-0000-0000-0000-000000000000/1 is already closed (declined)"
        );
        assert!(!a.is_overdue(t(100)), "closed actions are never overdue");
    }

    #[test]
    fn metrics_measure_time_to_acknowledge_and_act() {
        let (w1, w2, w3) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let ws = vec![
            TrackedWarning {
                id: w1,
                group: "Mopti".into(),
                issued_at: t(0),
                acknowledged_at: Some(t(2)),
            },
            TrackedWarning {
                id: w2,
                group: "Mopti".into(),
                issued_at: t(10),
                acknowledged_at: Some(t(16)),
            },
            TrackedWarning {
                id: w3,
                group: "Gao".into(),
                issued_at: t(0),
                acknowledged_at: None,
            },
        ];
        let mut a1 = action(w1, 1, 4, 24);
        a1.set_status(
            ActionStatus::Done,
            None,
            Some("patrol sent; attackers left"),
            t(20),
        )
        .unwrap();
        let a2 = action(w1, 2, 8, 30);
        let a3 = action(w2, 1, 30, 40);
        let m = metrics(&ws, &[a1, a2, a3], t(50));
        let mo = &m["Mopti"];
        assert_eq!(mo.warnings, 2);
        assert_eq!(mo.median_hours_to_acknowledge, Some(4.0)); // 2 and 6
        assert_eq!(mo.median_hours_to_first_action, Some(12.0)); // 4 and 20
        assert_eq!(mo.share_with_action, 1.0);
        assert_eq!(mo.share_closed_with_outcome, 0.5);
        assert_eq!(mo.overdue_actions, 2); // a2 (due 30) and a3 (due 40), open at 50
        let gao = &m["Gao"];
        assert_eq!(gao.share_with_action, 0.0);
        assert_eq!(gao.median_hours_to_acknowledge, None);
    }
}
