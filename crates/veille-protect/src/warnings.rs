//! Early warnings: spikes, reprisal-cycle risk, new actors in an area, and severity
//! thresholds. Each warning has a level, an area, a period, a trigger, the evidence
//! (event ids) and an explanation, and **de-duplicates**: while the same situation goes
//! on (same kind, same area, same subject, within the kind's window), later triggers
//! update one warning — its period end, evidence and level — instead of spawning new ones.
//!
//! Detectors read events (they need the ids for the evidence), in date order:
//!
//! - **Spike** (Poisson exceedance): for each area and day `d`, the events of the last
//!   `spike_window_days` are compared with the area's baseline rate over the
//!   `spike_baseline_days` before that window (gamma-smoothed: one pseudo-event per
//!   baseline, so a quiet area does not fire on a single event). A spike fires when
//!   `P(X ≥ observed | Poisson(expected)) < spike_alpha` and at least `spike_min_events`
//!   occurred. `spike_alpha` is the tunable false-alarm rate per area-day under a
//!   stationary Poisson baseline.
//! - **Reprisal-cycle risk**: after an event in POC category 1 (communal violence) that
//!   kills at least `reprisal_min_killed`, or a mass-casualty attack by an identity
//!   militia, the same admin2 unit and every admin2 unit whose centroid lies within
//!   `reprisal_radius_km` are at risk for `reprisal_days`. Defaults (90 days, 75 km) are
//!   justified by central Mali's tit-for-tat cycle: Ogossagou (23 March 2019) was followed
//!   by Sobane Da (9–10 June 2019), 78 days later and a few tens of km away, both in the
//!   Bankass–Koro area. The warning names places and the triggering event only: it never
//!   stores, infers or shows the ethnicity of a place or a person, and never labels a
//!   community as perpetrator.
//! - **New actor**: an actor (registry id, else its name) active in an area where it was
//!   not seen in the previous `new_actor_months` months (areas are only watched after
//!   that many months of history, so the start of the data raises nothing).
//! - **Severity**: one event with at least `severity_civilians_killed` civilians killed;
//!   an attack on education, health or humanitarian workers (sub-type or tag); an
//!   abduction of a community leader or presumed informant (POC 4b).

use crate::category::PocCode;
use crate::rules::RuleSet;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, SubEventType, VictimCategory};

/// The kinds of warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// An area's recent count exceeds its baseline's upper bound.
    Spike,
    /// Risk of reprisal after communal or identity-militia mass violence.
    Reprisal,
    /// An actor active where it has not been seen for a long time.
    NewActor,
    /// A severity threshold was crossed.
    Severity,
    /// An atrocity-risk assessment (UN Framework, Genocide Watch stage) scored higher
    /// than its previous version (see [`crate::atrocity`]).
    Atrocity,
}

impl WarningKind {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::Spike => "spike",
            WarningKind::Reprisal => "reprisal",
            WarningKind::NewActor => "new_actor",
            WarningKind::Severity => "severity",
            WarningKind::Atrocity => "atrocity",
        }
    }

    /// Every kind, in order.
    pub const ALL: [WarningKind; 5] = [
        WarningKind::Spike,
        WarningKind::Reprisal,
        WarningKind::NewActor,
        WarningKind::Severity,
        WarningKind::Atrocity,
    ];

    /// Parses a code ("new-actor" is accepted for "new_actor").
    pub fn parse(s: &str) -> Option<WarningKind> {
        let t = s.trim().replace('-', "_");
        WarningKind::ALL.into_iter().find(|k| k.code() == t)
    }
}

/// Warning levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    /// Watch.
    Low,
    /// Prepare.
    Medium,
    /// Act.
    High,
    /// Act now: lives at immediate risk.
    Critical,
}

impl WarningLevel {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            WarningLevel::Low => "low",
            WarningLevel::Medium => "medium",
            WarningLevel::High => "high",
            WarningLevel::Critical => "critical",
        }
    }
}

/// One early warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable id derived from the de-duplication key and the first trigger day, so the
    /// same situation computed twice gets the same id.
    pub id: Uuid,
    /// The kind.
    pub kind: WarningKind,
    /// The level (the highest reached while the situation went on).
    pub level: WarningLevel,
    /// The area: "Mopti" or "Mopti/Bankass".
    pub area: String,
    /// What it is about within the area (the actor for new-actor warnings, the
    /// threshold for severity warnings), part of the de-duplication key.
    pub subject: String,
    /// First day of the situation.
    pub period_start: NaiveDate,
    /// Last day a trigger updated it (for reprisal: the end of the risk window).
    pub period_end: NaiveDate,
    /// What fired it, in words.
    pub trigger: String,
    /// The events behind it, in date order.
    pub evidence: Vec<Uuid>,
    /// Why it matters and how it was computed.
    pub explanation: String,
    /// How many times a trigger fired for this situation.
    pub updates: u32,
}

impl Warning {
    /// The de-duplication key: kind, area, subject.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.kind.code(), self.area, self.subject)
    }
}

/// Detector settings (all tunable; defaults documented in the module header).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WarningConfig {
    /// Spike: recent window, days.
    pub spike_window_days: i64,
    /// Spike: baseline length, days (before the window).
    pub spike_baseline_days: i64,
    /// Spike: false-alarm rate per area-day.
    pub spike_alpha: f64,
    /// Spike: minimum events in the window.
    pub spike_min_events: u32,
    /// Reprisal: window, days.
    pub reprisal_days: i64,
    /// Reprisal: radius, km.
    pub reprisal_radius_km: f64,
    /// Reprisal: minimum killed in a communal event to raise reprisal risk.
    pub reprisal_min_killed: u32,
    /// New actor: months unseen.
    pub new_actor_months: i64,
    /// Severity: civilians killed in one event.
    pub severity_civilians_killed: u32,
    /// A situation is "ongoing" (updates its warning) if retriggered within this many
    /// days of its last update.
    pub dedup_days: i64,
}

impl Default for WarningConfig {
    fn default() -> Self {
        WarningConfig {
            spike_window_days: 7,
            spike_baseline_days: 90,
            spike_alpha: 0.01,
            spike_min_events: 3,
            reprisal_days: 90,
            reprisal_radius_km: 75.0,
            reprisal_min_killed: 5,
            new_actor_months: 12,
            severity_civilians_killed: 10,
            dedup_days: 14,
        }
    }
}

/// `P(X ≥ k)` for `X ~ Poisson(mu)`.
pub fn poisson_upper_tail(k: u32, mu: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mu <= 0.0 {
        return 0.0;
    }
    // 1 - P(X <= k-1), summed in a numerically stable way.
    let mut term = (-mu).exp();
    let mut cdf = term;
    for i in 1..k {
        term *= mu / f64::from(i);
        cdf += term;
    }
    (1.0 - cdf).max(0.0)
}

/// The admin2 (or admin1 when no admin2) label of an event.
pub fn area_of(e: &Event) -> Option<String> {
    let l = &e.location;
    let a1 = l.admin1.as_ref()?.name.clone();
    Some(match &l.admin2 {
        Some(a2) => format!("{a1}/{}", a2.name),
        None => a1,
    })
}

/// Each area's centroid (the mean position of its events with coordinates), keyed by
/// [`area_of`] labels.
pub fn centroids(events: &[Event]) -> HashMap<String, (f64, f64)> {
    let mut acc: HashMap<String, (f64, f64, f64)> = HashMap::new();
    for e in events.iter().filter(|e| !e.is_retracted()) {
        if let (Some(a), Some(la), Some(lo)) =
            (area_of(e), e.location.latitude, e.location.longitude)
        {
            let x = acc.entry(a).or_default();
            x.0 += la;
            x.1 += lo;
            x.2 += 1.0;
        }
    }
    acc.into_iter()
        .map(|(a, (la, lo, n))| (a, (la / n, lo / n)))
        .collect()
}

struct Builder {
    cfg: WarningConfig,
    open: HashMap<String, usize>,
    out: Vec<Warning>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn raise(
        &mut self,
        kind: WarningKind,
        level: WarningLevel,
        area: &str,
        subject: &str,
        day: NaiveDate,
        end: NaiveDate,
        trigger: String,
        evidence: &[Uuid],
        explanation: String,
    ) {
        let key = format!("{}|{area}|{subject}", kind.code());
        if let Some(&i) = self.open.get(&key) {
            let w = &mut self.out[i];
            if (day - w.period_end).num_days() <= self.cfg.dedup_days {
                w.period_end = w.period_end.max(end);
                w.level = w.level.max(level);
                for id in evidence {
                    if !w.evidence.contains(id) {
                        w.evidence.push(*id);
                    }
                }
                w.updates += 1;
                w.trigger = trigger;
                return;
            }
        }
        let id = Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("veille-warning|{key}|{day}").as_bytes(),
        );
        self.out.push(Warning {
            id,
            kind,
            level,
            area: area.to_string(),
            subject: subject.to_string(),
            period_start: day,
            period_end: end,
            trigger,
            evidence: evidence.to_vec(),
            explanation,
            updates: 1,
        });
        self.open.insert(key, self.out.len() - 1);
    }
}

/// Civilians killed in one event (best estimate): the civilian victim category, or the
/// whole toll of violence against civilians reported without a breakdown.
pub fn civilians_killed(e: &Event) -> u32 {
    let k = &e.casualties.killed;
    let by = k.best_of(VictimCategory::Civilians);
    if by == 0
        && k.by_category.is_empty()
        && e.event_type == veille_model::EventType::ViolenceAgainstCivilians
    {
        k.best()
    } else {
        by
    }
}

/// Tags that mark an attack on humanitarian workers, health or education.
const AID_TAGS: [&str; 6] = [
    "humanitarian",
    "aid worker",
    "health",
    "health worker",
    "school",
    "education",
];

/// True for an attack on education (sub-type) or an event tagged as hitting
/// humanitarian workers, health or education.
pub fn is_attack_on_aid(e: &Event) -> bool {
    e.sub_event_type == SubEventType::AttackOnEducation
        || e.tags
            .iter()
            .any(|t| AID_TAGS.contains(&t.to_lowercase().as_str()))
}

/// Spike warnings only (used by the warnings backtest).
pub fn spikes(events: &[&Event], cfg: &WarningConfig) -> Vec<Warning> {
    let mut b = Builder {
        cfg: *cfg,
        open: HashMap::new(),
        out: Vec::new(),
    };
    let mut by_area: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for e in events {
        if let Some(a) = area_of(e) {
            by_area.entry(a).or_default().push(e);
        }
    }
    for (area, mut evs) in by_area {
        evs.sort_by_key(|e| (e.date_start, e.id));
        let (mut lo_w, mut lo_b) = (0usize, 0usize);
        let mut i = 0;
        while i < evs.len() {
            let day = evs[i].date_start;
            // Include every event of this day.
            let mut j = i;
            while j < evs.len() && evs[j].date_start == day {
                j += 1;
            }
            let w_start = day - Duration::days(cfg.spike_window_days - 1);
            let b_start = w_start - Duration::days(cfg.spike_baseline_days);
            while lo_w < j && evs[lo_w].date_start < w_start {
                lo_w += 1;
            }
            while lo_b < j && evs[lo_b].date_start < b_start {
                lo_b += 1;
            }
            let recent = (j - lo_w) as u32;
            let base = (lo_w - lo_b) as f64;
            let expected = (base + 1.0) * cfg.spike_window_days as f64
                / (cfg.spike_baseline_days as f64 + 1.0);
            let p = poisson_upper_tail(recent, expected);
            if recent >= cfg.spike_min_events && p < cfg.spike_alpha {
                let level = if p < cfg.spike_alpha / 100.0 {
                    WarningLevel::High
                } else {
                    WarningLevel::Medium
                };
                let ids: Vec<Uuid> = evs[lo_w..j].iter().map(|e| e.id).collect();
                b.raise(
                    WarningKind::Spike,
                    level,
                    &area,
                    "events",
                    day,
                    day,
                    format!(
                        "{recent} events in the {} days to {day} against {expected:.2} expected (p = {p:.2e})",
                        cfg.spike_window_days
                    ),
                    &ids,
                    format!(
                        "Poisson exceedance: baseline {} events in the {} days before the window; \
                         false-alarm rate {} per area-day",
                        base, cfg.spike_baseline_days, cfg.spike_alpha
                    ),
                );
            }
            i = j;
        }
    }
    b.out
}

/// Every kind of warning over `events` (retracted events are ignored).
/// `centroids` gives each area label's position for the reprisal radius.
pub fn detect(
    events: &[Event],
    rules: &RuleSet,
    registry: Option<&Registry>,
    cfg: &WarningConfig,
    centroids: &HashMap<String, (f64, f64)>,
) -> Vec<Warning> {
    let mut evs: Vec<&Event> = events.iter().filter(|e| !e.is_retracted()).collect();
    evs.sort_by_key(|e| (e.date_start, e.id));
    let mut out = spikes(&evs, cfg);
    let mut b = Builder {
        cfg: *cfg,
        open: HashMap::new(),
        out: Vec::new(),
    };
    let first_day = evs.first().map(|e| e.date_start);
    let mut last_seen: HashMap<(String, String), NaiveDate> = HashMap::new();
    for e in &evs {
        let Some(area) = area_of(e) else { continue };
        let cats = rules.categorise(e, registry);
        let codes = cats.codes();
        let civ = civilians_killed(e);
        let day = e.date_start;
        // Severity.
        if civ >= cfg.severity_civilians_killed {
            let level = if civ >= 3 * cfg.severity_civilians_killed {
                WarningLevel::Critical
            } else {
                WarningLevel::High
            };
            b.raise(
                WarningKind::Severity,
                level,
                &area,
                "civilians killed",
                day,
                day,
                format!("{civ} civilians killed in one event"),
                &[e.id],
                format!(
                    "threshold: {} civilians killed in one event",
                    cfg.severity_civilians_killed
                ),
            );
        }
        if is_attack_on_aid(e) {
            let tags: Vec<String> = e.tags.iter().map(|t| t.to_lowercase()).collect();
            b.raise(
                WarningKind::Severity,
                WarningLevel::High,
                &area,
                "attack on aid, health or education",
                day,
                day,
                format!("{} ({})", e.sub_event_type, tags.join(", ")),
                &[e.id],
                "attacks on humanitarian workers, health or education are severity warnings whatever the toll".into(),
            );
        }
        if codes.contains(&PocCode::InformantRetaliation) {
            b.raise(
                WarningKind::Severity,
                WarningLevel::Critical,
                &area,
                "retaliation against informants or community leaders",
                day,
                day,
                "POC 4b: violence against a presumed informant or community leader".into(),
                &[e.id],
                "community contacts at risk: protect the alert network (identities are never shown here)".into(),
            );
        }
        // Reprisal-cycle risk.
        let communal = cats.main_categories().contains(&PocCode::Communal);
        let militia_mass = codes.contains(&PocCode::MassTargeting)
            && crate::category::perpetrator_classes(e, registry)
                .contains(&crate::category::PerpClass::IdentityMilitia);
        if (communal && e.killed_best() >= cfg.reprisal_min_killed) || militia_mass {
            let end = day + Duration::days(cfg.reprisal_days);
            let mut at_risk = vec![area.clone()];
            if let Some((la, lo)) = centroids.get(&area) {
                let mut near: Vec<(f64, &String)> = centroids
                    .iter()
                    .filter(|(a, _)| **a != area)
                    .map(|(a, (lb, lob))| (veille_geo::haversine_km(*la, *lo, *lb, *lob), a))
                    .filter(|(d, _)| *d <= cfg.reprisal_radius_km)
                    .collect();
                near.sort_by(|x, y| x.0.total_cmp(&y.0));
                at_risk.extend(near.into_iter().map(|(_, a)| a.clone()));
            }
            for a in &at_risk {
                b.raise(
                    WarningKind::Reprisal,
                    if e.killed_best() >= 20 {
                        WarningLevel::Critical
                    } else {
                        WarningLevel::High
                    },
                    a,
                    "reprisal cycle",
                    day,
                    end,
                    format!(
                        "{} killed in communal or identity-militia violence in {area} on {day}",
                        e.killed_best()
                    ),
                    &[e.id],
                    format!(
                        "tit-for-tat risk for {} days within {} km (same and neighbouring cercles)",
                        cfg.reprisal_days, cfg.reprisal_radius_km
                    ),
                );
            }
        }
        // New actor.
        let watched = first_day.is_some_and(|f| (day - f).num_days() >= cfg.new_actor_months * 30);
        for a in &e.actors {
            if a.role == veille_model::ActorRole::Target
                && a.inter_code == Some(veille_model::InterCode::Civilians)
            {
                continue;
            }
            let who = a.actor_id.clone().unwrap_or_else(|| a.name.clone());
            let k = (area.clone(), who.clone());
            let prev = last_seen.insert(k, day);
            let unseen = match prev {
                None => true,
                Some(p) => (day - p).num_days() > cfg.new_actor_months * 30,
            };
            if watched && unseen {
                b.raise(
                    WarningKind::NewActor,
                    WarningLevel::Medium,
                    &area,
                    &who,
                    day,
                    day,
                    format!("{} active in {area}", a.name),
                    &[e.id],
                    format!(
                        "not seen in this area in the previous {} months",
                        cfg.new_actor_months
                    ),
                );
            }
        }
    }
    out.extend(b.out);
    out.sort_by(|a, b| (a.period_start, a.kind, &a.area).cmp(&(b.period_start, b.kind, &b.area)));
    out
}

/// Days within which a new rise of an area's atrocity-risk assessment updates the area's
/// atrocity warning instead of raising a new one. Assessments are revised monthly to
/// quarterly, so two quarters: a rise in each of two successive quarters is one
/// deteriorating situation.
pub const ATROCITY_DEDUP_DAYS: i64 = 180;

/// Subject of atrocity warnings (part of the de-duplication key).
pub const ATROCITY_SUBJECT: &str = "atrocity risk";

/// The warning for a rise of `area`'s atrocity-risk assessment saved on `day`
/// ([`crate::atrocity::rise`]). De-duplicated like the detectors' warnings: when
/// `existing` holds an atrocity warning for the same area (case-insensitive) last
/// updated at most [`ATROCITY_DEDUP_DAYS`] before `day`, that warning is returned
/// updated — level never lowered, evidence merged, trigger and explanation replaced,
/// one more update — otherwise a new warning with a stable id.
pub fn atrocity_warning(
    existing: &[Warning],
    area: &str,
    day: NaiveDate,
    rise: &crate::atrocity::Rise,
) -> Warning {
    let open = existing
        .iter()
        .filter(|w| {
            w.kind == WarningKind::Atrocity
                && w.subject == ATROCITY_SUBJECT
                && w.area.to_lowercase() == area.trim().to_lowercase()
        })
        .max_by_key(|w| (w.period_end, w.period_start));
    let mut b = Builder {
        cfg: WarningConfig {
            dedup_days: ATROCITY_DEDUP_DAYS,
            ..WarningConfig::default()
        },
        open: HashMap::new(),
        out: Vec::new(),
    };
    let area = match open {
        Some(w) => {
            b.out.push(w.clone());
            b.open.insert(w.key(), 0);
            w.area.clone()
        }
        None => area.trim().to_string(),
    };
    b.raise(
        WarningKind::Atrocity,
        rise.level,
        &area,
        ATROCITY_SUBJECT,
        day,
        day,
        rise.trigger(),
        &rise.events,
        rise.explanation(),
    );
    let mut w = b.out.pop().unwrap_or_else(|| Warning {
        id: Uuid::nil(),
        kind: WarningKind::Atrocity,
        level: rise.level,
        area: area.clone(),
        subject: ATROCITY_SUBJECT.into(),
        period_start: day,
        period_end: day,
        trigger: rise.trigger(),
        evidence: rise.events.clone(),
        explanation: rise.explanation(),
        updates: 1,
    });
    w.explanation = rise.explanation();
    w
}

/// Results of the spike-warning backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarningBacktest {
    /// Spike warnings issued.
    pub warnings: usize,
    /// Of which followed by a severe event in the same area within `horizon_days`.
    pub true_warnings: usize,
    /// Severe events.
    pub severe_events: usize,
    /// Of which preceded by a warning in the same area within `horizon_days`.
    pub warned_events: usize,
    /// true_warnings / warnings.
    pub precision: f64,
    /// warned_events / severe_events.
    pub recall: f64,
    /// Median days between the earliest such warning and the severe event.
    pub median_lead_days: Option<f64>,
    /// The precision of a warning issued on a random area-day (areas with events, days
    /// between the data's first and last event): the bar a detector must clear.
    pub base_precision: f64,
    /// The horizon, days.
    pub horizon_days: i64,
    /// What counts as severe.
    pub severe_definition: String,
}

/// Scores spike warnings against "a severe event (≥ `severe_killed` killed) followed in
/// the same area within `horizon_days`". A warning issued on day `d` is true if a severe
/// event falls in `(d, d + horizon]`; a severe event on day `s` is warned if a warning
/// was issued in `[s − horizon, s)` (strictly before: same-day warnings have no lead).
/// Every spike trigger day counts as an issue (de-duplicated warnings are updated,
/// and each update is a fresh alert to the analyst).
pub fn backtest_spikes(
    events: &[Event],
    cfg: &WarningConfig,
    severe_killed: u32,
    horizon_days: i64,
) -> WarningBacktest {
    let evs: Vec<&Event> = events.iter().filter(|e| !e.is_retracted()).collect();
    // Issue days per area: rerun the detector with no de-duplication so every trigger
    // day is visible.
    let raw = spikes(
        &evs,
        &WarningConfig {
            dedup_days: -1,
            ..*cfg
        },
    );
    let mut issued: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for w in &raw {
        issued
            .entry(w.area.clone())
            .or_default()
            .push(w.period_start);
    }
    let mut severe: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    let mut n_severe = 0;
    for e in &evs {
        if e.killed_best() >= severe_killed {
            if let Some(a) = area_of(e) {
                severe.entry(a).or_default().push(e.date_start);
                n_severe += 1;
            }
        }
    }
    let h = Duration::days(horizon_days);
    let mut true_w = 0;
    for (a, days) in &issued {
        let s = severe.get(a);
        for d in days {
            if s.is_some_and(|s| s.iter().any(|x| *x > *d && *x <= *d + h)) {
                true_w += 1;
            }
        }
    }
    let mut warned = 0;
    let mut leads = Vec::new();
    for (a, days) in &severe {
        let w = issued.get(a);
        for s in days {
            let earliest = w.and_then(|w| w.iter().filter(|d| **d < *s && **d >= *s - h).min());
            if let Some(d) = earliest {
                warned += 1;
                leads.push((*s - *d).num_days() as f64);
            }
        }
    }
    // Base precision: share of all area-days followed by a severe event within h.
    let (lo, hi) = (
        evs.iter().map(|e| e.date_start).min(),
        evs.iter().map(|e| e.date_start).max(),
    );
    let mut days_total = 0u64;
    let mut days_hit = 0u64;
    if let (Some(lo), Some(hi)) = (lo, hi) {
        let span = (hi - lo).num_days() + 1;
        let areas: std::collections::BTreeSet<String> =
            evs.iter().filter_map(|e| area_of(e)).collect();
        for a in &areas {
            days_total += span as u64;
            if let Some(s) = severe.get(a) {
                let mut covered = vec![false; span as usize];
                for x in s {
                    // Days d with x in (d, d + h]: d in [x - h, x - 1].
                    let from = ((*x - lo).num_days() - horizon_days).max(0);
                    let to = ((*x - lo).num_days() - 1).min(span - 1);
                    for d in from..=to {
                        if d >= 0 && d < span {
                            covered[d as usize] = true;
                        }
                    }
                }
                days_hit += covered.iter().filter(|c| **c).count() as u64;
            }
        }
    }
    leads.sort_by(f64::total_cmp);
    let median = if leads.is_empty() {
        None
    } else if leads.len() % 2 == 1 {
        Some(leads[leads.len() / 2])
    } else {
        Some((leads[leads.len() / 2 - 1] + leads[leads.len() / 2]) / 2.0)
    };
    WarningBacktest {
        warnings: raw.len(),
        true_warnings: true_w,
        severe_events: n_severe,
        warned_events: warned,
        precision: if raw.is_empty() {
            0.0
        } else {
            true_w as f64 / raw.len() as f64
        },
        recall: if n_severe == 0 {
            0.0
        } else {
            warned as f64 / n_severe as f64
        },
        median_lead_days: median,
        base_precision: if days_total == 0 {
            0.0
        } else {
            days_hit as f64 / days_total as f64
        },
        horizon_days,
        severe_definition: format!(
            "an event with at least {severe_killed} killed (best estimate) in the same area"
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_closed_forms() {
        // P(X >= 1) = 1 - e^-mu
        assert!((poisson_upper_tail(1, 0.5) - (1.0 - (-0.5f64).exp())).abs() < 1e-12);
        // P(X >= 2 | mu = 1) = 1 - 2/e
        assert!((poisson_upper_tail(2, 1.0) - (1.0 - 2.0 / std::f64::consts::E)).abs() < 1e-12);
        assert_eq!(poisson_upper_tail(0, 3.0), 1.0);
        assert_eq!(poisson_upper_tail(3, 0.0), 0.0);
    }
}
