//! Tests of the shipped registry: aliases, generic mentions, time-aware family queries,
//! genealogy, bad input, and coverage of the real UCDP GED rows in shared/data.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use veille_actors::{
    Actor, ActorKind, Alias, AliasKind, Designation, DesignationList, Lang, Origin, Registry,
    RegistryEdit, Relation, RelationKind, UNIDENTIFIED,
};

fn reg() -> &'static Registry {
    Registry::shipped().expect("shipped registry loads")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn best(text: &str, date: Option<&str>) -> String {
    reg()
        .resolve(text, date.map(d))
        .best_id()
        .unwrap_or("<none>")
        .to_string()
}

// ------------------------------------------------------------------------------------
// Loading
// ------------------------------------------------------------------------------------

#[test]
fn shipped_registry_loads_with_seed_ucdp_and_supplement() {
    let r = reg();
    let curated = r
        .actors()
        .iter()
        .filter(|a| a.origin == Origin::Curated)
        .count();
    let derived = r
        .actors()
        .iter()
        .filter(|a| a.origin == Origin::UcdpDerived)
        .count();
    assert!(curated >= 40, "curated actors: {curated}");
    // 1,725 UCDP actors, minus those the seed claims.
    assert!(derived > 1650 && derived < 1725, "derived: {derived}");
    assert!(r.relations().len() >= 40);
    assert!(!r.designations().is_empty());
    // Every DOMAIN.md §5 actor is there.
    for id in [
        "gspc",
        "aqim",
        "mujao",
        "ansar-dine",
        "amb",
        "al-mourabitoun",
        "katiba-macina",
        "jnim",
        "isgs",
        "ansaroul-islam",
        "mnla",
        "cma",
        "plateforme",
        "gatia",
        "msa",
        "dan-na-ambassagou",
        "dozo",
        "fama",
        "mali-police",
        "mali-gendarmerie",
        "mali-national-guard",
        "serval",
        "barkhane",
        "takuba",
        "minusma",
        "afisma",
        "g5-sahel-force",
        "wagner-africa-corps",
        "civilians",
        UNIDENTIFIED,
    ] {
        assert!(r.get(id).is_some(), "missing actor {id}");
    }
    // The shipped registry is built once.
    assert!(std::ptr::eq(reg(), Registry::shipped().unwrap()));
}

#[test]
fn community_only_on_identity_militias() {
    for a in reg().actors() {
        if a.community.is_some() {
            assert!(a.kind.may_claim_community(), "{} has a community", a.id);
        }
    }
    assert_eq!(
        reg().get("dan-na-ambassagou").unwrap().community.as_deref(),
        Some("Dogon")
    );
    assert!(reg().get("jnim").unwrap().community.is_none());
    assert!(reg().get("katiba-macina").unwrap().community.is_none());
}

// ------------------------------------------------------------------------------------
// Every alias of the seed registry
// ------------------------------------------------------------------------------------

#[test]
fn every_curated_alias_resolves_to_its_actor() {
    let r = reg();
    let mut checked = 0;
    for a in r.actors().iter().filter(|a| a.origin == Origin::Curated) {
        for text in std::iter::once(&a.name).chain(a.aliases.iter().map(|al| &al.text)) {
            let res = r.resolve(text, None);
            assert_eq!(
                res.best_id(),
                Some(a.id.as_str()),
                "alias {text:?} of {} resolved to {:?}",
                a.id,
                res.candidates
            );
            assert_eq!(
                r.resolve_exact_name(text).map(|x| x.id.as_str()),
                Some(a.id.as_str()),
                "exact path: {text:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "checked {checked} aliases");
}

#[test]
fn domain_aliases_and_misspellings() {
    let cases = [
        ("GSIM", "jnim"),
        ("Group to Suppress Islam and Muslims", "jnim"),
        ("group to suppress islam and muslims", "jnim"),
        ("Groupe de soutien à l'islam et aux musulmans", "jnim"),
        ("Groupe de soutien a l islam et aux musulmans", "jnim"),
        ("Jama'at Nusrat al-Islam wal-Muslimin", "jnim"),
        ("Jamaat Nusrat al Islam wal Muslimin", "jnim"),
        ("JNIM: Group for Support of Islam and Muslims", "jnim"),
        ("AQMI", "aqim"),
        ("Al-Qaïda au Maghreb islamique", "aqim"),
        ("al-Qaeda in the Islamic Maghreb", "aqim"),
        ("Salafist Group for Preaching and Combat", "gspc"),
        ("MUJWA", "mujao"),
        ("Movement for Unity and Jihad in West Africa", "mujao"),
        ("Ansar Eddine", "ansar-dine"),
        ("Ansar al-Dine", "ansar-dine"),
        ("Those Who Sign in Blood", "amb"),
        ("al-Murabitun", "al-mourabitoun"),
        ("The Sentinels", "al-mourabitoun"),
        ("FLM", "katiba-macina"),
        ("Front de libération du Macina", "katiba-macina"),
        ("EIGS", "isgs"),
        ("État islamique dans le Grand Sahara", "isgs"),
        ("Islamic State (Greater Sahara)", "isgs"),
        ("Ansar ul Islam", "ansaroul-islam"),
        ("IRSAD", "ansaroul-islam"),
        ("Mouvement national de libération de l'Azawad", "mnla"),
        ("Coordination des mouvements de l'Azawad", "cma"),
        ("Platform", "plateforme"),
        ("Imghad Tuareg Self-Defense Group and Allies", "gatia"),
        ("Movement for the Salvation of Azawad", "msa"),
        ("Donso", "dozo"),
        ("Donzo", "dozo"),
        ("traditional hunters", "dozo"),
        ("Forces armées maliennes", "fama"),
        ("Military Forces of Mali", "fama"),
        ("blue helmets", "minusma"),
        ("FC-G5S", "g5-sahel-force"),
        ("Africa Corps", "wagner-africa-corps"),
        ("Russian forces", "wagner-africa-corps"),
    ];
    for (text, want) in cases {
        assert_eq!(best(text, None), want, "{text}");
    }
}

#[test]
fn acled_actor_names() {
    let cases = [
        ("JNIM: Group for Support of Islam and Muslims", "jnim"),
        ("Islamic State (Greater Sahara)", "isgs"),
        ("Islamic State Sahel Province", "isgs"),
        ("Military Forces of Mali (2013-)", "fama"),
        ("Military Forces of Mali (2021-)", "fama"),
        ("Military Forces of Mali (2002-2012)", "fama"),
        ("Police Forces of Mali (2021-)", "mali-police"),
        ("Unidentified Armed Group (Mali)", UNIDENTIFIED),
        ("Wagner Group", "wagner-africa-corps"),
        ("Dan Na Ambassagou", "dan-na-ambassagou"),
        ("Dozo Communal Militia (Mali)", "dozo"),
        ("Fulani Ethnic Militia (Mali)", "fulani-militia-mali"),
        ("Civilians (Mali)", "civilians"),
        ("Civilians (Ghana)", "civilians"),
        (
            "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)",
            "minusma",
        ),
        ("Operation Barkhane", "barkhane"),
        ("CMA: Coordination of Azawad Movements", "cma"),
        ("GATIA: Imghad Tuareg Self-Defense Group and Allies", "gatia"),
        ("MSA: Movement for the Salvation of Azawad", "msa"),
        ("Katiba Macina", "katiba-macina"),
        ("Ansaroul Islam", "ansaroul-islam"),
        ("AQIM: Al Qaeda in the Islamic Maghreb", "aqim"),
    ];
    for (text, want) in cases {
        assert_eq!(
            reg().resolve_exact_name(text).map(|a| a.id.as_str()),
            Some(want),
            "{text}"
        );
    }
}

#[test]
fn fuzzy_catches_small_misspellings() {
    assert_eq!(best("Katiba Macinna", None), "katiba-macina");
    assert_eq!(best("Dan Na Ambasagou", None), "dan-na-ambassagou");
    assert_eq!(best("Al Mourabitounn", None), "al-mourabitoun");
    let r = reg().resolve("Katiba Macinna", None);
    assert!(
        r.best().unwrap().score < 0.9,
        "fuzzy is less sure than exact"
    );
    assert!(
        reg().resolve("Katiba Serma", None).candidates.is_empty()
            || best("Katiba Serma", None) != "jnim"
    );
}

#[test]
fn hedged_and_contained_mentions() {
    let r = reg().resolve("suspected JNIM militants", None);
    assert_eq!(r.best_id(), Some("jnim"));
    assert!(r.best().unwrap().score < 0.9);
    assert!(r.generic_qualifier.is_none());
    assert_eq!(
        best("presumed members of Katiba Macina", None),
        "katiba-macina"
    );
}

// ------------------------------------------------------------------------------------
// Generic mentions
// ------------------------------------------------------------------------------------

#[test]
fn generic_mentions_resolve_to_unidentified_with_qualifier() {
    for text in [
        "unidentified gunmen",
        "suspected jihadists",
        "men dressed as hunters",
        "al-Qaeda-linked group",
        "hommes armés non identifiés",
        "présumés jihadistes",
        "individus armés",
        "des assaillants",
        "armed bandits",
        "unknown attackers",
        "HANI",
        "Fulani gunmen",
        "Dogon men dressed as Dozo hunters",
    ] {
        let r = reg().resolve(text, Some(d("2019-06-01")));
        assert_eq!(
            r.best_id(),
            Some(UNIDENTIFIED),
            "{text}: {:?}",
            r.candidates
        );
        assert_eq!(r.generic_qualifier.as_deref(), Some(text), "{text}");
    }
    // "men dressed as hunters" never offers the Dozo.
    let r = reg().resolve("men dressed as hunters", None);
    assert!(r.candidates.iter().all(|c| c.actor_id != "dozo"));
}

#[test]
fn al_qaeda_affiliate_in_2019_offers_the_jnim_family_with_low_confidence() {
    let r = reg().resolve("al-Qaeda affiliate", Some(d("2019-06-01")));
    assert_eq!(r.best_id(), Some(UNIDENTIFIED));
    assert_eq!(r.generic_qualifier.as_deref(), Some("al-Qaeda affiliate"));
    let ids: Vec<&str> = r.candidates.iter().map(|c| c.actor_id.as_str()).collect();
    for want in ["jnim", "katiba-macina", "aqim-sahara", "aqim"] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    for c in &r.candidates[1..] {
        assert!(c.score <= 0.35, "{c:?}");
    }
    // Not formed yet in 2012: JNIM is not offered; AQIM is.
    let r = reg().resolve("al-Qaeda affiliate", Some(d("2012-06-01")));
    let ids: Vec<&str> = r.candidates.iter().map(|c| c.actor_id.as_str()).collect();
    assert!(!ids.contains(&"jnim"), "{ids:?}");
    assert!(ids.contains(&"aqim"), "{ids:?}");
    // French
    let r = reg().resolve("groupe affilié à Al-Qaïda", Some(d("2019-06-01")));
    assert_eq!(r.best_id(), Some(UNIDENTIFIED));
    assert!(r.candidates.iter().any(|c| c.actor_id == "jnim"));
}

#[test]
fn dated_names_and_successors() {
    // ISSP is the later name: used before 2022 it scores lower.
    let late = reg().resolve("Islamic State Sahel Province", Some(d("2023-01-10")));
    let early = reg().resolve("Islamic State Sahel Province", Some(d("2019-01-10")));
    assert_eq!(late.best_id(), Some("isgs"));
    assert!(early.best().unwrap().score < late.best().unwrap().score);
    // GSPC in 2010 was already AQIM: both offered.
    let r = reg().resolve("GSPC", Some(d("2010-05-01")));
    let ids: Vec<&str> = r.candidates.iter().map(|c| c.actor_id.as_str()).collect();
    assert!(ids.contains(&"gspc") && ids.contains(&"aqim"), "{ids:?}");
    assert_eq!(r.best_id(), Some("aqim"));
    // MUJAO in 2019: merged into Al-Mourabitoun, itself merged into JNIM.
    let r = reg().resolve("MUJAO", Some(d("2019-05-01")));
    assert!(
        r.candidates.iter().any(|c| c.actor_id == "jnim"),
        "{:?}",
        r.candidates
    );
}

// ------------------------------------------------------------------------------------
// Queries
// ------------------------------------------------------------------------------------

#[test]
fn al_mourabitoun_2016_counts_in_jnim_family_only_with_predecessors() {
    let r = reg();
    let day = d("2016-05-01");
    assert!(!r.in_family("jnim", "al-mourabitoun", day, false).unwrap());
    assert!(r.in_family("jnim", "al-mourabitoun", day, true).unwrap());
    // After March 2017 its events count either way.
    assert!(r
        .in_family("jnim", "al-mourabitoun", d("2017-06-01"), false)
        .unwrap());
    // Katiba Macina: member from 2 Mar 2017.
    assert!(!r
        .in_family("jnim", "katiba-macina", d("2017-03-01"), false)
        .unwrap());
    assert!(r
        .in_family("jnim", "katiba-macina", d("2017-03-02"), false)
        .unwrap());
    assert!(r
        .in_family("jnim", "katiba-macina", d("2016-01-01"), true)
        .unwrap());
    // MUJAO 2012 is a predecessor of a predecessor.
    assert!(r.in_family("jnim", "mujao", d("2012-08-01"), true).unwrap());
    assert!(!r
        .in_family("jnim", "mujao", d("2012-08-01"), false)
        .unwrap());
    // ISGS split off: never JNIM family.
    assert!(!r.in_family("jnim", "isgs", d("2016-01-01"), true).unwrap());
    assert!(!r.in_family("jnim", "isgs", d("2019-01-01"), true).unwrap());
    // AQIM as a whole is not JNIM; its Sahara branch is.
    assert!(!r.in_family("jnim", "aqim", d("2019-01-01"), true).unwrap());
    assert!(r
        .in_family("jnim", "aqim-sahara", d("2019-01-01"), false)
        .unwrap());
}

#[test]
fn family_as_of_dates() {
    let r = reg();
    let f2019 = r.family_as_of("jnim", d("2019-06-01")).unwrap();
    for want in [
        "jnim",
        "katiba-macina",
        "aqim-sahara",
        "ansar-dine",
        "al-mourabitoun",
    ] {
        assert!(f2019.contains(&want.to_string()), "{want}: {f2019:?}");
    }
    assert_eq!(f2019[0], "jnim", "root first");
    // Al-Mourabitoun's family in 2014: MUJAO and AMB merged into it (Aug 2013).
    let f = r.family_as_of("al-mourabitoun", d("2014-01-01")).unwrap();
    assert!(f.contains(&"mujao".to_string()) && f.contains(&"amb".to_string()));
    // AQIM in 2016 includes Al-Mourabitoun (joined Dec 2015), not in 2014.
    assert!(r
        .family_as_of("aqim", d("2016-03-01"))
        .unwrap()
        .contains(&"al-mourabitoun".to_string()));
    assert!(!r
        .family_as_of("aqim", d("2014-03-01"))
        .unwrap()
        .contains(&"al-mourabitoun".to_string()));
    // CMA members.
    let f = r.family_as_of("cma", d("2016-01-01")).unwrap();
    for want in ["mnla", "hcua", "maa"] {
        assert!(f.contains(&want.to_string()));
    }
}

#[test]
fn family_ids_rows_for_a_store_query() {
    let r = reg();
    let rows = r.family_ids("jnim", (None, None), false).unwrap();
    let find = |id: &str| rows.iter().find(|x| x.0 == id).cloned();
    assert_eq!(find("jnim"), Some(("jnim".into(), None, None)));
    assert_eq!(
        find("katiba-macina"),
        Some(("katiba-macina".into(), Some(d("2017-03-02")), None))
    );
    assert_eq!(
        find("al-mourabitoun"),
        Some(("al-mourabitoun".into(), Some(d("2017-03-02")), None))
    );
    assert!(find("isgs").is_none());
    // With predecessors: Al-Mourabitoun counts at all dates.
    let rows = r.family_ids("jnim", (None, None), true).unwrap();
    let alm: Vec<_> = rows.iter().filter(|x| x.0 == "al-mourabitoun").collect();
    assert_eq!(alm.len(), 1, "{alm:?}");
    assert_eq!(alm[0].1, None);
    assert_eq!(alm[0].2, None);
    let mujao: Vec<_> = rows.iter().filter(|x| x.0 == "mujao").collect();
    assert!(!mujao.is_empty());
    // A bounded range clips the intervals.
    let rows = r
        .family_ids(
            "jnim",
            (Some(d("2018-01-01")), Some(d("2018-12-31"))),
            false,
        )
        .unwrap();
    assert!(rows
        .iter()
        .all(|x| x.1 == Some(d("2018-01-01")) && x.2 == Some(d("2018-12-31"))));
}

#[test]
fn who_was() {
    let r = reg();
    let w = r.who_was("gspc", d("2010-01-01")).unwrap();
    assert!(!w.active);
    assert!(w.status.contains("renamed"), "{}", w.status);
    assert!(w.status.contains("AQIM"), "{}", w.status);
    let w = r.who_was("isgs", d("2023-01-01")).unwrap();
    assert_eq!(w.name_on_date, "Islamic State Sahel Province");
    assert!(w.memberships.iter().any(|m| m.to == "islamic-state"));
    let w = r.who_was("isgs", d("2020-06-01")).unwrap();
    assert_eq!(w.name_on_date, w.canonical_name);
    assert!(w.memberships.iter().any(|m| m.to == "iswap"));
    assert!(w
        .alignments
        .iter()
        .any(|m| m.kind == RelationKind::FightsWith && m.to == "jnim"));
    let w = r.who_was("katiba-macina", d("2019-01-01")).unwrap();
    assert!(w.memberships.iter().any(|m| m.to == "jnim"));
    let w = r.who_was("jnim", d("2019-01-01")).unwrap();
    assert!(w.members.iter().any(|m| m.from == "katiba-macina"));
    assert!(w
        .designations
        .iter()
        .any(|x| x.list == DesignationList::UsFto));
    let w = r.who_was("jnim", d("2016-01-01")).unwrap();
    assert!(w.status.starts_with("not yet formed"), "{}", w.status);
    let w = r.who_was("dan-na-ambassagou", d("2020-01-01")).unwrap();
    assert!(w.active, "dissolved in 2019 but stayed active");
    assert!(w
        .designations
        .iter()
        .any(|x| x.list == DesignationList::NationalList));
}

#[test]
fn genealogy_of_jnim() {
    let g = reg().genealogy("jnim").unwrap();
    fn ids(n: &veille_actors::GenealogyNode, out: &mut Vec<String>) {
        out.push(n.actor_id.clone());
        for c in &n.children {
            ids(c, out);
        }
    }
    let mut all = Vec::new();
    ids(&g.tree, &mut all);
    for want in [
        "aqim-sahara",
        "ansar-dine",
        "al-mourabitoun",
        "katiba-macina",
        "mujao",
        "amb",
        "aqim",
        "gspc",
    ] {
        assert!(all.contains(&want.to_string()), "{want}: {all:?}");
    }
    assert!(g.successors.iter().any(|r| r.to == "al-qaida"));
    let dates: Vec<_> = g.timeline.iter().filter_map(|t| t.date).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert!(g
        .timeline
        .iter()
        .any(|t| t.text.contains("MUJAO") && t.text.contains("merges into")));
}

// ------------------------------------------------------------------------------------
// Bad input
// ------------------------------------------------------------------------------------

fn rel(from: &str, kind: RelationKind, to: &str, f: Option<&str>, t: Option<&str>) -> Relation {
    Relation {
        from: from.into(),
        kind,
        to: to.into(),
        valid_from: f.map(d),
        valid_to: t.map(d),
        precision: None,
        source: "test".into(),
        verified: true,
        note: None,
    }
}

fn actor(id: &str, name: &str) -> Actor {
    Actor {
        id: id.into(),
        name: name.into(),
        inter: 3,
        kind: ActorKind::RebelGroup,
        countries: vec!["MLI".into()],
        active_from: None,
        active_to: None,
        precision: None,
        leaders: vec![],
        community: None,
        components: vec![],
        ucdp_ids: vec![],
        aliases: vec![],
        source: "test".into(),
        notes: None,
        origin: Origin::Curated,
    }
}

fn alias(text: &str, f: Option<&str>, t: Option<&str>) -> Alias {
    Alias {
        text: text.into(),
        lang: Lang::En,
        kind: AliasKind::Name,
        source: "test".into(),
        valid_from: f.map(d),
        valid_to: t.map(d),
    }
}

#[test]
fn refuses_a_relation_that_makes_an_actor_its_own_ancestor() {
    let mut r = reg().clone();
    let err = r
        .add_relation(rel(
            "jnim",
            RelationKind::MergedInto,
            "mujao",
            Some("2018-01-01"),
            None,
        ))
        .unwrap_err()
        .to_string();
    assert!(err.contains("its own ancestor"), "{err}");
    assert!(err.contains("jnim") && err.contains("mujao"), "{err}");
    assert!(
        err.contains("merged_into al-mourabitoun"),
        "names the existing path: {err}"
    );
    let err = r
        .add_relation(rel(
            "aqim",
            RelationKind::MemberOf,
            "katiba-macina",
            None,
            None,
        ))
        .unwrap_err()
        .to_string();
    assert!(err.contains("its own ancestor"), "{err}");
    let err = r
        .add_relation(rel("jnim", RelationKind::RenamedTo, "jnim", None, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("its own ancestor"), "{err}");
    // Non-genealogical relations may loop.
    r.add_relation(rel(
        "jnim",
        RelationKind::FightsWith,
        "fama",
        Some("2017-03-02"),
        None,
    ))
    .unwrap();
}

#[test]
fn refuses_an_interval_that_ends_before_it_starts() {
    let mut r = reg().clone();
    let err = r
        .add_relation(rel(
            "msa",
            RelationKind::AlliedWith,
            "gatia",
            Some("2019-01-01"),
            Some("2018-01-01"),
        ))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ends (2018-01-01) before it starts (2019-01-01)"),
        "{err}"
    );
    assert!(
        err.contains("\"msa\"") && err.contains("\"gatia\""),
        "names both: {err}"
    );
    let mut a = actor("test-group", "Test group");
    a.active_from = Some(d("2020-01-01"));
    a.active_to = Some(d("2019-01-01"));
    assert!(r
        .add_actor(a)
        .unwrap_err()
        .to_string()
        .contains("before it starts"));
    let err = r
        .add_designation(Designation {
            actor: "jnim".into(),
            list: DesignationList::UnSanctions,
            authority: "x".into(),
            valid_from: Some(d("2020-01-01")),
            valid_to: Some(d("2010-01-01")),
            source: "test".into(),
            verified: true,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("jnim"), "{err}");
}

#[test]
fn refuses_a_duplicate_alias_pointing_to_two_actors_at_the_same_time() {
    let mut r = reg().clone();
    r.add_actor(actor("new-group", "New group")).unwrap();
    let err = r
        .add_alias("new-group", alias("gsim", None, None))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("new-group") && err.contains("jnim"),
        "names both: {err}"
    );
    assert!(err.contains("GSIM"), "{err}");
    // The same alias on an actor with overlapping validity is refused too.
    let err = r
        .add_alias(
            "new-group",
            alias("Islamic State Sahel Province", Some("2023-01-01"), None),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("isgs"), "{err}");
    // Disjoint in time: allowed.
    r.add_alias(
        "new-group",
        alias(
            "Islamic State Sahel Province",
            Some("2015-01-01"),
            Some("2016-01-01"),
        ),
    )
    .unwrap();
    // Same alias twice on one actor: refused.
    let err = r
        .add_alias("jnim", alias("GSIM", None, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("already belongs"), "{err}");
    // An actor whose own aliases collide is refused whole, leaving the registry unchanged.
    let before = r.actors().len();
    let mut a = actor("bad-group", "Bad group");
    a.aliases.push(alias("AQMI", None, None));
    let err = r.add_actor(a).unwrap_err().to_string();
    assert!(err.contains("bad-group") && err.contains("aqim"), "{err}");
    assert_eq!(r.actors().len(), before);
    assert!(r.get("bad-group").is_none());
}

#[test]
fn refuses_community_on_non_identity_actors_and_unknown_ids() {
    let mut r = reg().clone();
    let mut a = actor("x-group", "X group");
    a.community = Some("Fulani".into());
    let err = r.add_actor(a).unwrap_err().to_string();
    assert!(err.contains("claimed community"), "{err}");
    let err = r
        .add_relation(rel("nobody", RelationKind::MemberOf, "jnim", None, None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown actor 'nobody'"), "{err}");
    let err = r.add_actor(actor("jnim", "Dup")).unwrap_err().to_string();
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn edits_are_recorded_and_replayable() {
    let mut r = reg().clone();
    let mut a = actor("katiba-serma", "Katiba Serma");
    a.kind = ActorKind::JihadistGroup;
    a.inter = 2;
    r.add_actor(a).unwrap();
    r.add_alias("katiba-serma", alias("Serma Katiba", None, None))
        .unwrap();
    r.add_relation(rel(
        "katiba-serma",
        RelationKind::MemberOf,
        "jnim",
        Some("2017-03-02"),
        None,
    ))
    .unwrap();
    assert_eq!(r.edits().len(), 3);
    assert_eq!(best_in(&r, "Serma Katiba"), "katiba-serma");
    assert!(r
        .in_family("jnim", "katiba-serma", d("2020-01-01"), false)
        .unwrap());
    // JSON round trip and replay onto a fresh copy.
    let json = serde_json::to_string(r.edits()).unwrap();
    let edits: Vec<RegistryEdit> = serde_json::from_str(&json).unwrap();
    let mut fresh = reg().clone();
    for e in edits {
        fresh.apply(e).unwrap();
    }
    assert_eq!(best_in(&fresh, "Serma Katiba"), "katiba-serma");
}

fn best_in(r: &Registry, text: &str) -> String {
    r.resolve(text, None)
        .best_id()
        .unwrap_or("<none>")
        .to_string()
}

// ------------------------------------------------------------------------------------
// Real UCDP GED rows: every side resolves
// ------------------------------------------------------------------------------------

fn ged_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ucdp_ged_mali")
}

#[test]
fn every_side_of_the_real_ged_rows_resolves() {
    let dir = ged_dir();
    if !dir.exists() {
        eprintln!("SKIPPED: {} not found", dir.display());
        return;
    }
    let r = reg();
    let mut sides = 0;
    let mut unresolved = veille_actors::UnresolvedLog::new();
    for f in [
        "ged231_sample1000_global.csv",
        "ged231_sample1000_mali.csv",
        "ged_candidate_v26_0_7_mali_extract.csv",
    ] {
        let mut rdr = csv::Reader::from_path(dir.join(f)).unwrap();
        let h = rdr.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (ai, an, bi, bn) = (
            col("side_a_new_id"),
            col("side_a"),
            col("side_b_new_id"),
            col("side_b"),
        );
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for (id, name) in [(ai, an), (bi, bn)] {
                sides += 1;
                let ucdp_id: Option<u32> = rec[id].parse().ok();
                let by_id = r.resolve_ucdp(ucdp_id, &rec[name]);
                let by_name = r.resolve_exact_name(&rec[name]);
                if by_id.is_none() || by_name.is_none() {
                    unresolved.record(f, &format!("{} {}", &rec[id], &rec[name]));
                }
                // The id and the name agree (UCDP reuses a few names for two ids).
                if let (Some(a), Some(b)) = (by_id, by_name) {
                    if a.id != b.id {
                        assert!(
                            b.origin == Origin::UcdpDerived,
                            "{} / {}: id→{} name→{}",
                            &rec[id],
                            &rec[name],
                            a.id,
                            b.id
                        );
                    }
                }
            }
        }
    }
    assert_eq!(sides, 2 * (1000 + 7 + 126));
    assert!(
        unresolved.is_empty(),
        "unresolved: {:?}",
        unresolved.entries()
    );
    // Mali sides map to the curated actors.
    for (id, name, want) in [
        (72, "Government of Mali", "fama"),
        (6716, "JNIM", "jnim"),
        (234, "IS", "islamic-state"),
        (6769, "Dozos (Mali)", "dozo"),
        (7092, "Dan na Ambassagou", "dan-na-ambassagou"),
        (8822, "FLA", "fla"),
        (1, "Civilians", "civilians"),
        (
            9249,
            "Government of Mali, Government of Russia (Soviet Union)",
            "fama-russia-joint",
        ),
        (6837, "GATIA, MSA", "gatia-msa-joint"),
        (539, "AQIM", "aqim"),
        (1157, "Ansar Dine", "ansar-dine"),
    ] {
        assert_eq!(r.resolve_ucdp(Some(id), name).unwrap().id, want);
        assert_eq!(r.resolve_exact_name(name).unwrap().id, want);
    }
}

// ------------------------------------------------------------------------------------
// Scanning dataset files for unresolved names
// ------------------------------------------------------------------------------------

#[test]
fn scan_lists_unresolved_acled_names_with_counts() {
    // An invented file in ACLED's shape (no ACLED rows are committed).
    let path = std::env::temp_dir().join(format!("veille-actors-scan-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "event_id_cnty,event_date,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2\n\
         MLI1,2019-06-01,JNIM: Group for Support of Islam and Muslims,Katiba Macina,2,Civilians (Mali),,7\n\
         MLI2,2019-06-02,Katiba Serma,,2,Military Forces of Mali (2013-),Wagner Group; Dozo Communal Militia (Mali),1\n\
         MLI3,2019-06-03,Katiba Serma,,2,Unidentified Armed Group (Mali),,3\n",
    )
    .unwrap();
    let rep = veille_actors::dataset::scan_file(reg(), &path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(rep.names_seen, 9);
    assert_eq!(rep.resolved, 7);
    let e = rep.unresolved.entries();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].text.as_str(), e[0].count, e[0].dataset.as_str()),
        ("Katiba Serma", 2, "acled")
    );
}

#[test]
fn scan_of_the_real_ged_files_finds_nothing_unresolved() {
    let dir = ged_dir();
    if !dir.exists() {
        eprintln!("SKIPPED: {} not found", dir.display());
        return;
    }
    for f in [
        "ged231_sample1000_global.csv",
        "ged231_sample1000_mali.csv",
        "ged_candidate_v26_0_7_mali_extract.csv",
    ] {
        let rep = veille_actors::dataset::scan_file(reg(), &dir.join(f)).unwrap();
        assert!(rep.names_seen > 0);
        assert_eq!(
            rep.resolved,
            rep.names_seen,
            "{f}: {:?}",
            rep.unresolved.entries()
        );
    }
}

#[test]
fn seed_file_alone_loads_and_every_fact_has_a_source() {
    let seed = veille_actors::registry::parse_seed(
        veille_actors::registry::SEED_REGISTRY,
        "registry.toml",
    )
    .unwrap();
    for a in &seed.actors {
        assert!(!a.source.trim().is_empty(), "{}", a.id);
    }
    for r in &seed.relations {
        assert!(!r.source.trim().is_empty(), "{}", r.describe());
    }
    for d in &seed.designations {
        assert!(!d.source.trim().is_empty());
    }
    // The shipped registry fills alias sources from the actor.
    for a in reg().actors() {
        for al in &a.aliases {
            assert!(!al.source.trim().is_empty(), "{} / {}", a.id, al.text);
        }
    }
    let r =
        Registry::from_toml_str(veille_actors::registry::SEED_REGISTRY, "registry.toml").unwrap();
    assert_eq!(r.get("jnim").unwrap().ucdp_ids, vec![6716]);
}

#[test]
fn a_seed_with_a_cycle_or_a_reversed_interval_is_refused_with_both_records_named() {
    let base = r#"
[[actor]]
id = "a"
name = "Group A"
inter = 2
kind = "jihadist_group"
source = "test"

[[actor]]
id = "b"
name = "Group B"
inter = 2
kind = "jihadist_group"
source = "test"
"#;
    let cyc = format!(
        "{base}\n[[relation]]\nfrom = \"a\"\nkind = \"merged_into\"\nto = \"b\"\nsource = \"t\"\n\n[[relation]]\nfrom = \"a\"\nkind = \"split_from\"\nto = \"b\"\nsource = \"t\"\n"
    );
    let err = Registry::from_toml_str(&cyc, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("own ancestor")
            && err.contains("a split_from b")
            && err.contains("a merged_into b"),
        "{err}"
    );
    let rev = format!(
        "{base}\n[[relation]]\nfrom = \"a\"\nkind = \"allied_with\"\nto = \"b\"\nvalid_from = \"2020-01-01\"\nvalid_to = \"2019-01-01\"\nsource = \"t\"\n"
    );
    let err = Registry::from_toml_str(&rev, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Group A") && err.contains("Group B") && err.contains("before it starts"),
        "{err}"
    );
    let dup = format!(
        "{base}\n[[alias]]\nactor = \"a\"\ntext = \"Same\"\n\n[[alias]]\nactor = \"b\"\ntext = \"same\"\n"
    );
    let err = Registry::from_toml_str(&dup, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"a\"") && err.contains("\"b\"") && err.contains("Same"),
        "{err}"
    );
}
