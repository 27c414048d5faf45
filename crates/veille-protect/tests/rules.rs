//! POC categorisation rules: the shipped file, the neutrality of the rules, indirect
//! threats, and every load error with its exact message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use veille_model::*;
use veille_protect::{PocCode, RuleSet, RulesError};

fn event(sub: SubEventType) -> Event {
    let d = NaiveDate::from_ymd_opt(2019, 3, 23).unwrap();
    let now = Utc.with_ymd_and_hms(2019, 3, 24, 0, 0, 0).unwrap();
    Event::new(d, sub, "MLI", "test", now)
}

fn actor(
    name: &str,
    role: ActorRole,
    inter: Option<InterCode>,
    id: Option<&str>,
) -> ActorParticipation {
    ActorParticipation {
        actor_id: id.map(str::to_string),
        name: name.into(),
        role,
        side: Some(if role == ActorRole::Target {
            Side::B
        } else {
            Side::A
        }),
        attribution: Attribution::Stated,
        inter_code: inter,
        source_actor_id: None,
    }
}

fn civilians_killed(e: &mut Event, n: u32) {
    e.casualties.killed.total = Some(Count::exact(n));
    e.casualties
        .killed
        .by_category
        .insert(VictimCategory::Civilians, Count::exact(n));
}

fn codes(rules: &RuleSet, e: &Event) -> Vec<&'static str> {
    let reg = veille_actors::Registry::shipped().unwrap();
    rules
        .categorise(e, Some(reg))
        .codes()
        .into_iter()
        .map(PocCode::code)
        .collect()
}

#[test]
fn same_attack_on_civilians_gets_the_perpetrators_category_state_included() {
    let rules = RuleSet::shipped().unwrap();
    let civ = actor(
        "Civilians (Mali)",
        ActorRole::Target,
        Some(InterCode::Civilians),
        None,
    );
    let perps = [
        (
            actor(
                "Military Forces of Mali",
                ActorRole::Perpetrator,
                Some(InterCode::StateForces),
                None,
            ),
            "6",
            "state-violence-against-civilians",
        ),
        (
            actor(
                "Wagner",
                ActorRole::Perpetrator,
                None,
                Some("wagner-africa-corps"),
            ),
            "6",
            "state-violence-against-civilians",
        ),
        (
            actor(
                "Dan Na Ambassagou",
                ActorRole::Perpetrator,
                Some(InterCode::IdentityMilitias),
                None,
            ),
            "1",
            "communal-militia-violence",
        ),
        (
            actor("JNIM", ActorRole::Perpetrator, None, Some("jnim")),
            "3",
            "non-state-violence-against-civilians",
        ),
    ];
    let reg = veille_actors::Registry::shipped().unwrap();
    for (p, want, rule) in perps {
        let mut e = event(SubEventType::Attack);
        e.actors = vec![p.clone(), civ.clone()];
        civilians_killed(&mut e, 3);
        let cat = rules.categorise(&e, Some(reg));
        let fired = cat.categories.iter().find(|f| f.code.code() == want);
        assert_eq!(
            fired.map(|f| f.rule_id.as_str()),
            Some(rule),
            "{}: {:?}",
            p.name,
            cat
        );
    }
}

#[test]
fn mass_killing_by_an_armed_group_is_4a_and_by_the_army_is_6() {
    let rules = RuleSet::shipped().unwrap();
    let mut e = event(SubEventType::Attack);
    e.actors = vec![actor("JNIM", ActorRole::Perpetrator, None, Some("jnim"))];
    civilians_killed(&mut e, 35);
    assert_eq!(codes(&rules, &e), vec!["3", "4a"]);
    civilians_killed(&mut e, 9);
    assert_eq!(
        codes(&rules, &e),
        vec!["3"],
        "9 killed is under the 4a threshold"
    );
    e.actors = vec![actor(
        "FAMa",
        ActorRole::Perpetrator,
        Some(InterCode::StateForces),
        None,
    )];
    civilians_killed(&mut e, 35);
    assert_eq!(codes(&rules, &e), vec!["6"]);
}

#[test]
fn indirect_threats_count_with_zero_fatalities() {
    let rules = RuleSet::shipped().unwrap();
    for sub in [
        SubEventType::Intimidation,
        SubEventType::BlockadeSiege,
        SubEventType::AttackOnEducation,
    ] {
        let mut e = event(sub);
        e.actors = vec![actor("JNIM", ActorRole::Perpetrator, None, Some("jnim"))];
        assert_eq!(e.killed_best(), 0);
        assert_eq!(codes(&rules, &e), vec!["3"], "{sub}");
    }
}

#[test]
fn informant_abduction_is_4b_ied_is_4c_and_peaceful_protest_is_nothing() {
    let rules = RuleSet::shipped().unwrap();
    let mut e = event(SubEventType::AbductionForcedDisappearance);
    e.actors = vec![actor(
        "Unidentified Armed Group (Mali)",
        ActorRole::Perpetrator,
        Some(InterCode::PoliticalMilitias),
        None,
    )];
    e.tags = vec!["Community leader".into()];
    assert_eq!(codes(&rules, &e), vec!["3", "4b"]);
    let mut e = event(SubEventType::RemoteExplosiveLandmineIed);
    e.actors = vec![actor("JNIM", ActorRole::Perpetrator, None, Some("jnim"))];
    assert_eq!(codes(&rules, &e), vec!["4c"]);
    let mut e = event(SubEventType::PeacefulProtest);
    e.actors = vec![actor(
        "Protesters (Mali)",
        ActorRole::Perpetrator,
        Some(InterCode::Protesters),
        None,
    )];
    assert!(codes(&rules, &e).is_empty());
}

#[test]
fn armed_groups_fighting_each_other_is_5_and_the_rule_is_named() {
    let rules = RuleSet::shipped().unwrap();
    let mut e = event(SubEventType::ArmedClash);
    e.violence_type = Some(ViolenceType::NonState);
    e.actors = vec![
        actor("JNIM", ActorRole::Perpetrator, None, Some("jnim")),
        actor("ISGS", ActorRole::Target, None, Some("isgs")),
    ];
    let cat = rules.categorise(&e, Some(veille_actors::Registry::shipped().unwrap()));
    assert_eq!(cat.codes(), vec![PocCode::NonStateConflict]);
    assert_eq!(cat.categories[0].rule_id, "non-state-conflict");
    assert_eq!(cat.rules, vec!["non-state-conflict", "non-state-battle"]);
}

fn err(text: &str) -> String {
    let e = RuleSet::from_toml_str(text, "rules.toml").unwrap_err();
    assert!(matches!(e, RulesError::Invalid { .. }), "{e:?}");
    e.to_string()
}

#[test]
fn malformed_rules_are_refused_with_file_line_and_reason() {
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"7\"]\n"),
        "rules.toml:3: unknown POC category '7' (expected 1, 2, 3, 4, 4a-4f, 5 or 6)"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"6\"]\n\nperpetrator = [\"army\"]\n"),
        "rules.toml:5: unknown perpetrator value 'army'"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"6\"]\n[[rule]]\nid = \"a\"\ncategories = [\"1\"]\n"),
        "rules.toml:5: duplicate rule id 'a'"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = []\n"),
        "rules.toml:3: rule 'a' assigns no category"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"1\"]\nevent_types = []\n"),
        "rules.toml:4: event_types is empty (leave the key out to match any)"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"1\"]\nsub_event_types = [\"Picnic\"]\n"),
        "rules.toml:4: unknown sub_event_types value 'Picnic'"
    );
    assert_eq!(
        err("[[rule]]\nid = \"  \"\ncategories = [\"1\"]\n"),
        "rules.toml:2: rule id is empty"
    );
    assert_eq!(err("# nothing\n"), "rules.toml:1: no [[rule]] in the file");
    let unknown_key =
        err("[[rule]]\nid = \"a\"\ncategories = [\"1\"]\nperpetrators = [\"state\"]\n");
    assert!(
        unknown_key.starts_with("rules.toml:4: unknown field `perpetrators`"),
        "{unknown_key}"
    );
    assert_eq!(
        err("[[rule]]\nid = \"a\"\ncategories = [\"1\"\n"),
        "rules.toml:4: invalid array: expected `]`"
    );
    let missing = err("[[rule]]\nid = \"a\"\n");
    assert!(
        missing.starts_with("rules.toml:1: missing field `categories`"),
        "{missing}"
    );
}

#[test]
fn unreadable_file_names_the_file() {
    let e = RuleSet::load(std::path::Path::new("/nonexistent/rules.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/rules.toml: cannot read: "),
        "{e}"
    );
}
