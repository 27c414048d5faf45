//! End-to-end extraction on the shipped gazetteer and actor registry: fields, evidence
//! spans, multi-incident reports, bad input, the evaluator and the dedup scorer, plus a
//! property test that `extract` never panics on arbitrary strings.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;
use proptest::prelude::*;
use std::sync::OnceLock;
use veille_extract::{dedup, eval, ExtractOutcome, Extractor, Report};
use veille_model::{Attribution, DatePrecision, GeoPrecision, SubEventType, VictimCategory};

fn geo() -> &'static veille_geo::Geo {
    static G: OnceLock<veille_geo::Geo> = OnceLock::new();
    G.get_or_init(|| veille_geo::Geo::shipped().unwrap())
}

fn ex() -> Extractor<'static> {
    Extractor::new(geo(), veille_actors::Registry::shipped().unwrap())
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn report(text: &str, date: Option<NaiveDate>) -> Report {
    Report {
        id: Some("t".into()),
        text: text.into(),
        report_date: date,
        country: Some("MLI".into()),
    }
}

#[test]
fn issue_example_sentence() {
    let r = report(
        "On June 13, 2020, unidentified gunmen ambushed a convoy in central Mali, killing at least 24 soldiers.",
        None,
    );
    let out = ex().extract(&r);
    let drafts = out.drafts();
    assert_eq!(drafts.len(), 1);
    let e = &drafts[0].event;
    assert_eq!(
        (e.date_start, e.date_precision),
        (d(2020, 6, 13), DatePrecision::Day)
    );
    assert_eq!(e.sub_event_type, SubEventType::ArmedClash);
    assert_eq!(e.casualties.killed.total.unwrap().best, 24);
    assert_eq!(e.casualties.killed.best_of(VictimCategory::StateForces), 24);
    // "central Mali": an area of the country, never a made-up village.
    assert_eq!(e.location.geo_precision, GeoPrecision::Country);
    assert!(e.location.place_name.is_none());
    let p = e.perpetrators().next().unwrap();
    assert_eq!(p.actor_id.as_deref(), Some(veille_actors::UNIDENTIFIED));
    assert_eq!(p.attribution, Attribution::Unattributed);
}

#[test]
fn evidence_spans_point_at_the_supporting_words() {
    let text = "Le 13 juin 2020, des hommes armés ont tué trois civils à Ogossagou, dans la région de Mopti.";
    let out = ex().extract(&report(text, None));
    let dr = &out.drafts()[0];
    let chars: Vec<char> = text.chars().collect();
    for f in &dr.evidence {
        if f.span == (0, 0) {
            continue;
        }
        let s: String = chars[f.span.0..f.span.1].iter().collect();
        assert_eq!(s, f.text, "field {}", f.field);
    }
    assert_eq!(dr.evidence_for("date").unwrap().text, "13 juin 2020");
    assert_eq!(dr.evidence_for("killed").unwrap().text, "tué trois civils");
    assert_eq!(dr.locations, vec!["Ogossagou".to_string()]);
    assert_eq!(dr.event.location.admin1.as_ref().unwrap().name, "Mopti");
    assert_eq!(dr.event.sub_event_type, SubEventType::Attack);
}

#[test]
fn relative_dates_use_the_report_date() {
    let r = report(
        "Hier soir, des jihadistes présumés ont enlevé deux enseignants près de Douentza.",
        Some(d(2021, 3, 10)),
    );
    let out = ex().extract(&r);
    let dr = &out.drafts()[0];
    assert_eq!(dr.event.date_start, d(2021, 3, 9));
    assert_eq!(
        dr.event.sub_event_type,
        SubEventType::AbductionForcedDisappearance
    );
    assert_eq!(dr.event.casualties.abducted.total.unwrap().best, 2);
    assert_eq!(dr.event.location.geo_precision, GeoPrecision::Near);
    assert_eq!(
        dr.event.perpetrators().next().unwrap().attribution,
        Attribution::Attributed
    );
}

#[test]
fn claimed_attack_resolves_the_group_through_the_registry() {
    let r = report(
        "Ten Chadian peacekeepers were killed in an attack on a UN base in Aguelhok, in Mali's Kidal region, on Sunday. JNIM claimed responsibility.",
        Some(d(2019, 1, 21)),
    );
    let out = ex().extract(&r);
    let dr = &out.drafts()[0];
    assert_eq!(dr.perpetrator.as_deref(), Some("jnim"));
    assert_eq!(
        dr.event.perpetrators().next().unwrap().attribution,
        Attribution::Claimed
    );
    assert_eq!(dr.event.date_start, d(2019, 1, 20));
    assert_eq!(
        dr.event
            .casualties
            .killed
            .best_of(VictimCategory::Peacekeepers),
        10
    );
    assert_eq!(dr.event.sub_event_type, SubEventType::ArmedClash);
}

#[test]
fn two_incidents_give_two_drafts() {
    let r = report(
        "On Thursday an IED killed three soldiers near Boni. In a separate attack, gunmen killed two traders at the market in Douentza the same day.",
        Some(d(2022, 2, 12)),
    );
    let out = ex().extract(&r);
    let drafts = out.drafts();
    assert_eq!(drafts.len(), 2);
    assert_eq!(
        drafts[0].event.sub_event_type,
        SubEventType::RemoteExplosiveLandmineIed
    );
    assert_eq!(drafts[0].event.casualties.killed.total.unwrap().best, 3);
    assert_eq!(drafts[1].event.sub_event_type, SubEventType::Attack);
    assert_eq!(drafts[1].event.casualties.killed.total.unwrap().best, 2);
    // The second incident has no date of its own: the first one's.
    assert_eq!(drafts[1].event.date_start, drafts[0].event.date_start);
}

#[test]
fn vague_amounts_are_flagged_on_the_draft() {
    let r = report(
        "Des dizaines de villageois ont été tués lors de l'attaque du village de Sobane Da.",
        None,
    );
    let out = ex().extract(&r);
    let dr = &out.drafts()[0];
    assert_eq!(dr.event.casualties.killed.total.unwrap().best, 12);
    assert_eq!(dr.vague, vec!["killed".to_string()]);
}

#[test]
fn released_hostages_are_not_casualties() {
    let r = report(
        "JNIM released four hostages on Friday near Kidal.",
        Some(d(2020, 10, 9)),
    );
    let out = ex().extract(&r);
    for dr in out.drafts() {
        assert!(dr.event.casualties.abducted.is_empty());
    }
}

#[test]
fn bad_input_never_crashes() {
    let e = ex();
    assert_eq!(
        e.extract(&report("", None)),
        ExtractOutcome::NoIncident {
            reason: "the report text is empty".into()
        }
    );
    let garbage: String = (0..5000u32)
        .map(|i| char::from_u32(0x80 + (i * 7919) % 0x2000).unwrap_or('x'))
        .collect();
    assert!(matches!(
        e.extract(&report(&garbage, None)),
        ExtractOutcome::NoIncident { .. }
    ));
    // An impossible date gives no date, not a repaired one.
    let out = e.extract(&report(
        "Le 31/02/2020, des hommes armés ont tué 3 civils à Gao.",
        None,
    ));
    let dr = &out.drafts()[0];
    assert!(dr.missing.contains(&"date".to_string()));
    // Mixed scripts.
    let mixed = "Attaque à Gao 🙂 هجوم 攻撃 killing 5 soldiers";
    assert_eq!(e.extract(&report(mixed, None)).drafts().len(), 1);
    // 1 MB of text is cut, and says so.
    let big = "Gunmen attacked the village of Boni, killing 3 civilians. ".repeat(18_000);
    let out = e.extract(&report(&big, None));
    assert!(out.drafts()[0]
        .event
        .tags
        .contains(&"text-truncated".to_string()));
    assert!(matches!(
        e.extract(&report("The weather in Bamako was hot and dry.", None)),
        ExtractOutcome::NoIncident { .. }
    ));
}

#[test]
fn drafts_serialise_to_json_and_back() {
    let out = ex().extract(&report(
        "JNIM fighters ambushed a FAMa patrol near Boulkessi on 3 May 2021, killing 4 soldiers.",
        None,
    ));
    let json = serde_json::to_string(&out).unwrap();
    let back: ExtractOutcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out);
}

#[test]
fn dedup_scores_two_reports_of_one_incident() {
    let e = ex();
    let reg = veille_actors::Registry::shipped().unwrap();
    let a = e.extract(&report("On 13 June 2020 JNIM fighters ambushed a convoy near Bouka Were, in the Segou region, killing 24 soldiers.", None));
    let b = e.extract(&report("Le 13 juin 2020, 24 militaires ont été tués dans une embuscade près de Bouka Weré, dans la région de Ségou, revendiquée par le GSIM.", None));
    let c = e.extract(&report(
        "On 2 March 2019 gunmen killed 5 civilians in Kidal.",
        None,
    ));
    let s = dedup::score_drafts(&a.drafts()[0], &b.drafts()[0], Some(reg)).unwrap();
    assert!(s.score >= dedup::threshold(), "{s:?}");
    assert!(s.explanation.contains("same day"), "{}", s.explanation);
    assert!(
        s.explanation.contains("killed 24 vs 24"),
        "{}",
        s.explanation
    );
    assert!(
        s.explanation.contains("same perpetrator"),
        "{}",
        s.explanation
    );
    assert!(!dedup::same_incident(
        &a.drafts()[0],
        &c.drafts()[0],
        Some(reg)
    ));
}

#[test]
fn evaluator_scores_fields_and_reports_misses() {
    let gold = r#"{"id":"a1","text":"On June 13, 2020, unidentified gunmen killed 24 soldiers near Bouka Were, in the Segou region.","report_date":"2020-06-20","country":"MLI","gold":{"date_start":"2020-06-13","date_end":"2020-06","locations":["Bouka Were"],"admin1":"segou","event_type":"Battles","sub_event_type":"Armed clash","perpetrator":"UNIDENTIFIED","attribution":"unattributed","killed":25,"injured":null,"same_incident_as":[]}}"#;
    let items = eval::read_gold("g.jsonl", gold).unwrap();
    let reg = veille_actors::Registry::shipped().unwrap();
    let rep = eval::evaluate(&ex(), reg, &items);
    let acc = |f: &str| rep.fields.iter().find(|s| s.field == f).unwrap().accuracy;
    assert_eq!(acc("date_start"), 1.0);
    assert_eq!(acc("date_end"), 1.0, "month precision compares the month");
    assert_eq!(acc("admin1"), 1.0, "case- and accent-insensitive region");
    assert_eq!(acc("perpetrator"), 1.0);
    assert_eq!(acc("injured"), 1.0, "null predicted null");
    assert_eq!(acc("killed"), 0.0);
    assert_eq!(
        rep.fields
            .iter()
            .find(|s| s.field == "abducted")
            .unwrap()
            .scored,
        0,
        "missing field not scored"
    );
    assert_eq!(rep.misses.len(), 1);
    assert_eq!(rep.misses[0].diffs[0].field, "killed");
    assert_eq!(rep.misses[0].diffs[0].gold, "25");
    assert_eq!(rep.misses[0].diffs[0].predicted, "24");
    assert_eq!(rep.locations.f1, 1.0);
}

#[test]
fn gold_file_errors_name_the_line() {
    let err = eval::read_gold(
        "g.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"gold\":{}}\nnot json",
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("g.jsonl:2: not JSON"), "{err}");
    let err = eval::read_gold("g.jsonl", "{\"text\":\"x\",\"gold\":{}}").unwrap_err();
    assert_eq!(err.to_string(), "g.jsonl:1: missing \"id\"");
    let err = eval::read_gold("g.jsonl", "{\"id\":\"a\",\"text\":\"x\"}").unwrap_err();
    assert_eq!(err.to_string(), "g.jsonl:1: missing \"gold\" object");
    let err = eval::read_gold(
        "g.jsonl",
        "{\"id\":\"a\",\"text\":\"x\",\"report_date\":\"13/06/2020\",\"gold\":{}}",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "g.jsonl:1: report_date \"13/06/2020\" is not YYYY-MM-DD"
    );
}

proptest! {
    // PROPTEST_CASES=N runs N cases (64 by default).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    /// `extract` never panics, on any string, and every evidence span lies inside the text.
    #[test]
    fn extract_never_panics(s in "\\PC{0,400}", words in proptest::collection::vec("(killed|tués|attack|le|13|juin|2020|/|Gao|JNIM|near|between|and|at least|dozens|,|\\.|31/02/2020| )", 0..40)) {
        let e = ex();
        let text = format!("{s} {}", words.join(" "));
        let out = e.extract(&report(&text, Some(d(2021, 5, 5))));
        let n = text.chars().count();
        for dr in out.drafts() {
            for f in &dr.evidence {
                prop_assert!(f.span.0 <= f.span.1 && f.span.1 <= n);
            }
        }
    }
}
