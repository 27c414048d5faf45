//! Atrocity risk on invented events: suggested scores count what the framework file says
//! over the right window with evidence (and no URL from confidential events), an area
//! without events gets no suggestion, a rise raises one warning that later rises update,
//! and malformed framework files are refused with file, line and reason.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use veille_model::*;
use veille_protect::atrocity::{rise, suggest, AtrocityAssessment, Framework};
use veille_protect::warnings::{atrocity_warning, WarningKind, WarningLevel, ATROCITY_DEDUP_DAYS};
use veille_protect::{RuleSet, RulesError};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ev(d: NaiveDate, region: &str, civilians: u32, militia: bool, url: &str) -> Event {
    let now = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let mut e = Event::new(d, SubEventType::Attack, "MLI", "test", now);
    e.location.admin1 = Some(AdminUnit::named(region));
    e.actors.push(ActorParticipation {
        actor_id: None,
        name: if militia {
            "Some self-defence militia"
        } else {
            "Unidentified Armed Group (Mali)"
        }
        .into(),
        role: ActorRole::Perpetrator,
        side: Some(Side::A),
        attribution: Attribution::Stated,
        inter_code: Some(if militia {
            InterCode::IdentityMilitias
        } else {
            InterCode::PoliticalMilitias
        }),
        source_actor_id: None,
    });
    e.casualties.killed.total = Some(Count::exact(civilians));
    e.casualties
        .killed
        .by_category
        .insert(VictimCategory::Civilians, Count::exact(civilians));
    e.sensitivity = Sensitivity::Public;
    e.sources.push(Source {
        publisher: "test".into(),
        url: Some(url.into()),
        date: None,
        headline: None,
        reliability: Reliability::B,
        credibility: Credibility::ProbablyTrue,
    });
    e
}

#[test]
fn suggestions_count_the_window_and_link_the_evidence() {
    let fw = Framework::shipped().unwrap();
    let rules = RuleSet::shipped().unwrap();
    let mut events = vec![
        // In the 12 months before 2020-08: two mass killings, one by a militia.
        ev(date(2020, 3, 23), "Mopti", 30, true, "https://a"),
        ev(date(2020, 6, 10), "Mopti", 12, false, "https://b"),
        // Outside the window (too old for 12 months, inside 36 for factor 2).
        ev(date(2018, 9, 1), "Mopti", 50, false, "https://c"),
        // After the as-of month: never read.
        ev(date(2020, 8, 2), "Mopti", 99, true, "https://d"),
        // Elsewhere.
        ev(date(2020, 5, 1), "Gao", 40, true, "https://e"),
    ];
    let mut secret = ev(date(2020, 7, 1), "Mopti", 1, false, "https://secret");
    secret.sensitivity = Sensitivity::Confidential;
    events.push(secret.clone());
    let s = suggest(&fw, &events, &rules, None, "mopti", date(2020, 8, 15));
    let get = |id: u8| {
        s.iter()
            .find(|(f, _)| *f == id)
            .map(|(_, s)| s.clone())
            .unwrap()
    };
    // Factor 1: 30 + 12 + 1 deaths → thresholds 1 and 25 → 2.
    assert_eq!(get(1).value, 43.0);
    assert_eq!(get(1).score, 2);
    // The most lethal first; the confidential event is linked by id, not by URL.
    assert_eq!(get(1).events, vec![events[0].id, events[1].id, secret.id]);
    assert_eq!(
        get(1).urls,
        vec!["https://a".to_string(), "https://b".to_string()]
    );
    assert!(
        get(1).basis.contains("2019-08 to 2020-07"),
        "{}",
        get(1).basis
    );
    // Factor 2 reads 36 months: 30 + 12 + 50 + 1 civilians → 1, 25 (not 100) → 2.
    assert_eq!(get(2).value, 93.0);
    assert_eq!(get(2).score, 2);
    // Factor 11: two events with ≥ 10 civilians killed → threshold 1 only → 1.
    assert_eq!(get(11).value, 2.0);
    assert_eq!(get(11).score, 1);
    // Factor 7: one militia event → 1.
    assert_eq!(get(7).value, 1.0);
    assert_eq!(get(7).score, 1);
    // Factors without a measure get no suggestion.
    assert!(s.iter().all(|(f, _)| ![3, 4, 5, 6, 10, 12].contains(f)));
    // The whole country reads Gao too.
    let c = suggest(&fw, &events, &rules, None, "country", date(2020, 8, 1));
    assert_eq!(c.iter().find(|(f, _)| *f == 7).unwrap().1.value, 2.0);
    // No event in the window at all: no data, hence no suggestion (not a zero).
    assert!(suggest(&fw, &events, &rules, None, "Kayes", date(2020, 8, 1)).is_empty());
}

#[test]
fn rises_raise_one_warning_that_later_rises_update() {
    let fw = Framework::shipped().unwrap();
    let mut a = AtrocityAssessment::empty("Mopti", &fw);
    for f in 1..=6 {
        a.set_factor(&fw, f, Some(1), "j", vec![], vec![]).unwrap();
    }
    // First version, 6/42, lowest band, no stage: no rise.
    assert!(rise(None, &a, &fw).is_none());
    let mut b = a.clone();
    for f in 1..=3 {
        b.set_factor(&fw, f, Some(3), "worse", vec![], vec![])
            .unwrap();
    }
    // 6 → 12: +6 and into the "moderate" band: high.
    let r = rise(Some(&a), &b, &fw).unwrap();
    assert_eq!(r.overall, (6, 12));
    assert_eq!(r.band, ("low".to_string(), "moderate".to_string()));
    assert_eq!(r.level, WarningLevel::High);
    assert_eq!(
        r.factors.iter().map(|c| c.factor).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let w1 = atrocity_warning(&[], "Mopti", date(2020, 8, 1), &r);
    assert_eq!(w1.kind, WarningKind::Atrocity);
    assert_eq!(w1.level, WarningLevel::High);
    assert_eq!(w1.updates, 1);
    assert!(w1
        .trigger
        .starts_with("atrocity-risk score rose from 6 (low) to 12 (moderate)"));
    assert!(w1.explanation.contains("factor 2 Record of serious violations of international human rights and humanitarian law 1→3 (confirmed)"), "{}", w1.explanation);
    // A smaller rise a month later updates the same warning; the level is not lowered.
    let mut c = b.clone();
    c.set_factor(&fw, 4, Some(2), "more", vec![], vec![])
        .unwrap();
    let r2 = rise(Some(&b), &c, &fw).unwrap();
    assert_eq!(r2.level, WarningLevel::Low);
    let w2 = atrocity_warning(std::slice::from_ref(&w1), "mopti", date(2020, 9, 1), &r2);
    assert_eq!(w2.id, w1.id);
    assert_eq!(w2.level, WarningLevel::High);
    assert_eq!(w2.updates, 2);
    assert_eq!(w2.period_end, date(2020, 9, 1));
    assert!(w2
        .explanation
        .contains("factor 4 Motives or incentives 1→2"));
    // After the de-duplication window a rise is a new situation.
    let later = date(2020, 9, 1) + chrono::Duration::days(ATROCITY_DEDUP_DAYS + 1);
    let w3 = atrocity_warning(std::slice::from_ref(&w2), "Mopti", later, &r2);
    assert_ne!(w3.id, w1.id);
    assert_eq!(w3.level, WarningLevel::Low);
    // Another area is another warning.
    assert_ne!(
        atrocity_warning(&[w2], "Gao", date(2020, 9, 1), &r2).id,
        w1.id
    );
}

fn err(text: &str) -> String {
    let e = Framework::from_toml_str(text, "f.toml").unwrap_err();
    assert!(matches!(e, RulesError::Invalid { .. }), "{e:?}");
    e.to_string()
}

#[test]
fn malformed_framework_files_are_refused_with_file_line_and_reason() {
    let shipped = veille_protect::atrocity::SHIPPED_FRAMEWORK;
    let line_of = |needle: &str| shipped.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let cases = [
        (
            "measure = \"conflict_deaths\"",
            "measure = \"rumours\"",
            format!(
                "f.toml:{}: unknown measure 'rumours' (expected one of: conflict_deaths, civilians_killed, identity_militia, leader_attacks, communal_events, mass_killings, civilian_harm_events, aid_attacks)",
                line_of("measure = \"conflict_deaths\"")
            ),
        ),
        (
            "thresholds = [1, 25, 1000]",
            "thresholds = [25, 1, 1000]",
            format!(
                "f.toml:{}: thresholds must be 3 positive numbers in ascending order (one per score above 0)",
                line_of("thresholds = [1, 25, 1000]")
            ),
        ),
        (
            "group = \"war_crimes\"",
            "group = \"war\"",
            format!(
                "f.toml:{}: unknown group 'war' (expected common, genocide, crimes_against_humanity or war_crimes)",
                line_of("group = \"war_crimes\"")
            ),
        ),
        (
            "{ id = \"7.5\",",
            "{ id = \"8.5\",",
            format!(
                "f.toml:{}: indicator '8.5' does not belong to factor 7",
                line_of("{ id = \"7.5\",")
            ),
        ),
        (
            "alert = \"emergency\"",
            "alert = \"panic\"",
            format!(
                "f.toml:{}: unknown alert 'panic' (expected watch, warning or emergency)",
                line_of("alert = \"emergency\"")
            ),
        ),
        (
            "id = 14\n",
            "id = 13\n",
            format!(
                "f.toml:{}: factor 13 is out of order (expected factor 14)",
                line_of("id = 14")
            ),
        ),
    ];
    for (from, to, want) in cases {
        assert!(shipped.contains(from), "{from}");
        assert_eq!(err(&shipped.replacen(from, to, 1)), want);
    }
    // A factor too few.
    let cut = shipped.find("[[factor]]\nid = 14").unwrap();
    let stages = shipped.find("# ---- Genocide Watch").unwrap();
    let short = format!("{}{}", &shipped[..cut], &shipped[stages..]);
    assert_eq!(
        err(&short),
        "f.toml:1: the framework has 13 factors; the UN Framework has 14"
    );
    // Unknown keys and syntax errors name their line too.
    assert_eq!(
        err("[scale]\nmax = 3\nlevels = []\nbands = []\ncolour = 1\n"),
        "f.toml:5: unknown field `colour`, expected one of `max`, `levels`, `bands`"
    );
    assert_eq!(
        err("[scale]\nmax = 0\nlevels = []\nbands = []\n"),
        "f.toml:2: scale max must be 1 to 10, got 0"
    );
}
