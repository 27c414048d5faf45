//! Early warnings on invented events: a spike fires once and is updated while it goes on,
//! reprisal risk covers the neighbouring cercles within the radius only, a returning
//! actor is new, severity thresholds fire at zero deaths for attacks on schools, and the
//! spike backtest counts precision, recall and lead time.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use std::collections::HashMap;
use veille_model::*;
use veille_protect::warnings::{backtest_spikes, detect, WarningConfig, WarningKind, WarningLevel};
use veille_protect::RuleSet;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + Duration::days(n)
}

fn ev(n: i64, cercle: &str, sub: SubEventType, perp: (&str, Option<InterCode>)) -> Event {
    let now = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let mut e = Event::new(day(n), sub, "MLI", "test", now);
    e.location.admin1 = Some(AdminUnit::named("Mopti"));
    e.location.admin2 = Some(AdminUnit::named(cercle));
    e.actors.push(ActorParticipation {
        actor_id: None,
        name: perp.0.into(),
        role: ActorRole::Perpetrator,
        side: Some(Side::A),
        attribution: Attribution::Stated,
        inter_code: perp.1,
        source_actor_id: None,
    });
    e
}

const GUNMEN: (&str, Option<InterCode>) = (
    "Unidentified Armed Group (Mali)",
    Some(InterCode::PoliticalMilitias),
);

fn killed(e: &mut Event, n: u32) {
    e.casualties.killed.total = Some(Count::exact(n));
    e.casualties
        .killed
        .by_category
        .insert(VictimCategory::Civilians, Count::exact(n));
}

fn centroids() -> HashMap<String, (f64, f64)> {
    [
        ("Mopti/Bankass", (14.08, -3.52)),
        ("Mopti/Koro", (14.07, -3.08)),
        ("Mopti/Douentza", (15.0, -2.95)),
        ("Gao/Gao", (16.27, -0.04)),
    ]
    .into_iter()
    .map(|(a, p)| (a.to_string(), p))
    .collect()
}

fn run(events: &[Event]) -> Vec<veille_protect::warnings::Warning> {
    detect(
        events,
        &RuleSet::shipped().unwrap(),
        None,
        &WarningConfig::default(),
        &centroids(),
    )
}

#[test]
fn a_spike_fires_once_and_the_ongoing_situation_updates_it() {
    let mut events: Vec<Event> = (0..20)
        .map(|i| {
            ev(
                i * 10,
                "Bankass",
                SubEventType::LootingPropertyDestruction,
                GUNMEN,
            )
        })
        .collect();
    // Burst: 5 events on days 200-202, then 4 more on days 205-208.
    for d in [200, 201, 201, 202, 202, 205, 206, 207, 208] {
        events.push(ev(
            d,
            "Bankass",
            SubEventType::LootingPropertyDestruction,
            GUNMEN,
        ));
    }
    let spikes: Vec<_> = run(&events)
        .into_iter()
        .filter(|w| w.kind == WarningKind::Spike)
        .collect();
    assert_eq!(spikes.len(), 1, "{spikes:#?}");
    let w = &spikes[0];
    assert_eq!(w.area, "Mopti/Bankass");
    assert!(
        w.period_start >= day(200) && w.period_start <= day(202),
        "{}",
        w.period_start
    );
    assert!(w.updates > 1);
    assert!(w.period_end >= day(205));
    assert!(w.evidence.len() >= 6, "{}", w.evidence.len());
    // The steady background alone raises nothing.
    let quiet: Vec<Event> = (0..30)
        .map(|i| {
            ev(
                i * 10,
                "Bankass",
                SubEventType::LootingPropertyDestruction,
                GUNMEN,
            )
        })
        .collect();
    assert!(run(&quiet).iter().all(|w| w.kind != WarningKind::Spike));
}

#[test]
fn reprisal_risk_covers_the_same_and_nearby_cercles_only() {
    let mut e = ev(
        100,
        "Bankass",
        SubEventType::Attack,
        ("Dan Na Ambassagou", Some(InterCode::IdentityMilitias)),
    );
    killed(&mut e, 25);
    let ws = run(&[e.clone()]);
    let mut areas: Vec<_> = ws
        .iter()
        .filter(|w| w.kind == WarningKind::Reprisal)
        .map(|w| w.area.as_str())
        .collect();
    areas.sort();
    assert_eq!(areas, vec!["Mopti/Bankass", "Mopti/Koro"]);
    let w = ws.iter().find(|w| w.kind == WarningKind::Reprisal).unwrap();
    assert_eq!(w.period_end, day(190));
    assert_eq!(w.level, WarningLevel::Critical);
    assert_eq!(w.evidence, vec![e.id]);
    // The warning names places and the event, never the perpetrator or a community.
    for w in ws.iter().filter(|w| w.kind == WarningKind::Reprisal) {
        let text = format!("{} {} {}", w.trigger, w.explanation, w.subject);
        assert!(!text.contains("Dan Na"), "{text}");
    }
    // And a severity warning for 25 civilians killed.
    assert!(ws
        .iter()
        .any(|w| w.kind == WarningKind::Severity && w.subject == "civilians killed"));
}

#[test]
fn an_actor_back_after_a_year_is_new_and_attacks_on_schools_warn_with_no_deaths() {
    let mut events = vec![
        ev(
            0,
            "Douentza",
            SubEventType::LootingPropertyDestruction,
            GUNMEN,
        ),
        ev(
            10,
            "Bankass",
            SubEventType::LootingPropertyDestruction,
            ("Katiba Serma", Some(InterCode::PoliticalMilitias)),
        ),
        ev(
            400,
            "Bankass",
            SubEventType::LootingPropertyDestruction,
            ("Katiba Serma", Some(InterCode::PoliticalMilitias)),
        ),
        ev(
            430,
            "Bankass",
            SubEventType::LootingPropertyDestruction,
            ("Katiba Serma", Some(InterCode::PoliticalMilitias)),
        ),
    ];
    let ws = run(&events);
    let new: Vec<_> = ws
        .iter()
        .filter(|w| w.kind == WarningKind::NewActor && w.subject == "Katiba Serma")
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].period_start, day(400));
    let school = ev(500, "Koro", SubEventType::AttackOnEducation, GUNMEN);
    events.push(school.clone());
    let ws = run(&events);
    let sev: Vec<_> = ws
        .iter()
        .filter(|w| w.kind == WarningKind::Severity)
        .collect();
    assert_eq!(sev.len(), 1);
    assert_eq!(sev[0].evidence, vec![school.id]);
    assert_eq!(sev[0].subject, "attack on aid, health or education");
}

#[test]
fn spike_backtest_counts_precision_recall_and_lead() {
    let mut events: Vec<Event> = (0..20)
        .map(|i| {
            ev(
                i * 10,
                "Bankass",
                SubEventType::LootingPropertyDestruction,
                GUNMEN,
            )
        })
        .collect();
    for d in [200, 201, 201, 202, 202] {
        events.push(ev(
            d,
            "Bankass",
            SubEventType::LootingPropertyDestruction,
            GUNMEN,
        ));
    }
    let mut severe = ev(215, "Bankass", SubEventType::Attack, GUNMEN);
    killed(&mut severe, 30);
    events.push(severe);
    // A severe event elsewhere with no warning before it.
    let mut cold = ev(300, "Koro", SubEventType::Attack, GUNMEN);
    killed(&mut cold, 12);
    events.push(cold);
    let r = backtest_spikes(&events, &WarningConfig::default(), 10, 30);
    assert_eq!(r.severe_events, 2);
    assert_eq!(r.warned_events, 1);
    assert!((r.recall - 0.5).abs() < 1e-12);
    assert!(r.warnings >= 1);
    assert_eq!(
        r.true_warnings, r.warnings,
        "every spike day precedes the severe event"
    );
    // Random area-days: 2 areas × 301 days (day 0 to 300); 30 days before each severe
    // event are followed by it within 30 days.
    assert!(
        (r.base_precision - 60.0 / 602.0).abs() < 1e-12,
        "{}",
        r.base_precision
    );
    let lead = r.median_lead_days.unwrap();
    assert!((13.0..=15.0).contains(&lead), "{lead}");
}
