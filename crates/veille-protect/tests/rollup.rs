//! Rollups on the real UCDP GED rows shipped in data/ucdp: incremental apply, revise,
//! retract and merge give the same cube as a full rebuild, and cells agree with a direct
//! count over the events.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;
use std::collections::HashMap;
use veille_ingest::{MapContext, StandardEnricher};
use veille_model::*;
use veille_protect::rollup::{Facet, Grain, Key, Rollup, Unit};
use veille_protect::{PocCode, RuleSet};

fn real_events() -> Vec<Event> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ucdp");
    let enricher = StandardEnricher::shipped().unwrap();
    let mut out = Vec::new();
    for f in [
        "ged231_sample1000_mali.csv",
        "ged_candidate_v26_0_7_mali_extract.csv",
    ] {
        let (events, errors) =
            veille_ingest::read_file(&dir.join(f), None, MapContext::new("test")).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        out.extend(events);
    }
    for e in &mut out {
        enricher.enrich(e);
    }
    assert!(out.len() > 100, "{}", out.len());
    out
}

fn reg() -> &'static veille_actors::Registry {
    veille_actors::Registry::shipped().unwrap()
}

#[test]
fn incremental_updates_equal_a_full_rebuild_on_real_ged_rows() {
    let rules = RuleSet::shipped().unwrap();
    let mut events = real_events();
    let mut r = Rollup::new();
    for e in &events {
        r.apply(e, &rules, Some(reg()));
    }
    // Revise ten events: more deaths, another sub-type, another cercle.
    for e in events.iter_mut().step_by(15).take(10) {
        e.casualties.killed.total = Some(Count::exact(e.killed_best() + 7));
        e.casualties
            .killed
            .by_category
            .insert(VictimCategory::Civilians, Count::exact(7));
        e.location.admin2 = Some(AdminUnit::named("Bankass"));
        e.location.admin1 = Some(AdminUnit::named("Mopti"));
        r.apply(e, &rules, Some(reg()));
    }
    // Retract five.
    for e in events.iter_mut().skip(3).step_by(20).take(5) {
        e.verification = VerificationStatus::Retracted;
        r.apply(e, &rules, Some(reg()));
    }
    // Merge: events 1 and 2 are one incident; 1 survives with 2's deaths added.
    let loser = events[2].id;
    let extra = events[2].killed_best();
    events[1].casualties.killed.total = Some(Count::exact(events[1].killed_best() + extra));
    let survivor = events[1].clone();
    r.merge(&[loser], &survivor, &rules, Some(reg()));
    events.remove(2);
    // Re-applying an unchanged event changes nothing.
    let before = r.canonical();
    r.apply(&events[0], &rules, Some(reg()));
    assert_eq!(r.canonical(), before);

    let rebuilt = Rollup::rebuild(events.iter(), &rules, Some(reg()));
    assert_eq!(r.canonical(), rebuilt.canonical());
    assert_eq!(r.events(), rebuilt.events());
    assert_eq!(
        r.events(),
        events.iter().filter(|e| !e.is_retracted()).count()
    );
}

#[test]
fn cells_agree_with_a_direct_count() {
    let rules = RuleSet::shipped().unwrap();
    let events = real_events();
    let r = Rollup::rebuild(events.iter(), &rules, Some(reg()));
    // Direct count per (admin1, month): events, killed, and events in POC category 6.
    let mut direct: HashMap<(String, NaiveDate), (i64, i64, i64)> = HashMap::new();
    for e in &events {
        let Some(a1) = &e.location.admin1 else {
            continue;
        };
        let m = Grain::Month.period_start(e.date_start);
        let d = direct.entry((a1.name.clone(), m)).or_default();
        d.0 += 1;
        d.1 += i64::from(e.killed_best());
        let cats = rules.categorise(e, Some(reg())).main_categories();
        d.2 += i64::from(cats.contains(&PocCode::StateAbuse));
    }
    assert!(direct.len() > 5, "{}", direct.len());
    let mut state_cells = 0;
    for ((a1, month), (n, killed, state)) in &direct {
        let unit = r.unit_id(&Unit::Admin1(a1.clone())).unwrap();
        let mut got = (0, 0, 0);
        for ty in EventType::ALL {
            let k = Key {
                unit,
                grain: Grain::Month,
                period: *month,
                event_type: *ty,
                poc: Facet::All,
                perp: Facet::All,
                victim: Facet::All,
            };
            got.0 += r.get(&k).events;
            got.1 += r.get(&k).killed;
            got.2 += r
                .get(&Key {
                    poc: Facet::Is(PocCode::StateAbuse),
                    ..k
                })
                .events;
        }
        assert_eq!(got, (*n, *killed, *state), "{a1} {month}");
        state_cells += usize::from(*state > 0);
    }
    assert!(
        state_cells > 0,
        "real GED rows include state violence against civilians"
    );
}

#[test]
fn week_and_day_grains_start_on_monday_and_the_day() {
    let d = NaiveDate::from_ymd_opt(2019, 3, 23).unwrap(); // a Saturday
    assert_eq!(
        Grain::Week.period_start(d),
        NaiveDate::from_ymd_opt(2019, 3, 18).unwrap()
    );
    assert_eq!(
        Grain::Month.period_start(d),
        NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()
    );
    assert_eq!(Grain::Day.period_start(d), d);
}

#[test]
fn an_analysts_override_moves_the_event_between_categories() {
    let rules = RuleSet::shipped().unwrap();
    let events = real_events();
    // An event the rules do not put in category 6.
    let e = events
        .iter()
        .find(|e| {
            e.location.admin1.is_some()
                && !rules
                    .categorise(e, Some(reg()))
                    .main_categories()
                    .contains(&PocCode::StateAbuse)
        })
        .unwrap();
    let count6 = |r: &Rollup| -> i64 {
        let unit = r
            .unit_id(&Unit::Admin1(
                e.location.admin1.as_ref().unwrap().name.clone(),
            ))
            .unwrap();
        r.get(&Key {
            unit,
            grain: Grain::Month,
            period: Grain::Month.period_start(e.date_start),
            event_type: e.event_type,
            poc: Facet::Is(PocCode::StateAbuse),
            perp: Facet::All,
            victim: Facet::All,
        })
        .events
    };
    let plain = Rollup::rebuild(events.iter(), &rules, Some(reg()));
    let mut ov = HashMap::new();
    ov.insert(e.id, vec![PocCode::StateAbuse]);
    let with = Rollup::rebuild_with(events.iter(), &rules, Some(reg()), ov);
    assert_eq!(count6(&with), count6(&plain) + 1);
    let cat = rules
        .categorise(e, Some(reg()))
        .overridden(&[PocCode::StateAbuse]);
    assert_eq!(cat.categories[0].rule_id, "analyst override");
}
