//! Resolution, reverse-geocoding and enrichment tests on the shipped Mali data, using
//! real names from GeoNames ML.txt.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use veille_geo::{Geo, Hints, ResolutionStatus};
use veille_model::{AdminUnit, GeoPrecision, Location};

fn geo() -> &'static Geo {
    static G: OnceLock<Geo> = OnceLock::new();
    G.get_or_init(|| Geo::shipped().unwrap())
}

fn best(q: &str) -> veille_geo::Candidate {
    best_with(q, &Hints::default())
}

fn best_with(q: &str, h: &Hints) -> veille_geo::Candidate {
    let r = geo().resolve(q, h);
    assert_eq!(r.status, ResolutionStatus::Resolved, "{q}: {r:#?}");
    r.best().unwrap().clone()
}

#[test]
fn exact_name() {
    let c = best("Ogossogou");
    assert_eq!(c.place.id, "geonames:6867217");
    assert!(c.reason.starts_with("exact match on name"), "{}", c.reason);
    assert_eq!(c.precision, GeoPrecision::Exact);
}

#[test]
fn case_and_accent_folded() {
    for q in ["Segou", "SÉGOU", "segou"] {
        let c = best(q);
        assert_eq!(c.place.id, "geonames:2451478", "{q}");
    }
    let c = best("sevare");
    assert_eq!(c.place.name, "Sévaré");
    assert!(
        c.reason.contains("folded") || c.reason.contains("ASCII"),
        "{}",
        c.reason
    );
}

#[test]
fn alternate_names_and_exonyms() {
    // Tombouctou is an alternate name of the city Timbuktu; the city beats the region
    // and the cercle of the same name.
    let c = best("Tombouctou");
    assert_eq!(c.place.id, "geonames:2449067");
    assert!(
        c.reason.contains("alternate name \"Tombouctou\""),
        "{}",
        c.reason
    );
    assert_eq!(best("Timbuktu").place.id, "geonames:2449067");
    // Aguel-Hoc is an alternate spelling of Aguelhok (the town, not the well).
    let c = best("Aguel-Hoc");
    assert_eq!(c.place.id, "geonames:2461247");
}

#[test]
fn apostrophe_variants() {
    // N'Djicorobougou / NDjicorobougou; N’Djella (GED) → N'Djella
    let a = best("N'Djicorobougou");
    let b = best("NDjicorobougou");
    let c = best("N’Djicorobougou");
    assert_eq!(a.place.id, b.place.id);
    assert_eq!(a.place.id, c.place.id);
    assert!(b.reason.contains("spelling variant"), "{}", b.reason);
}

#[test]
fn hyphen_and_space_variants() {
    let a = best("Ogassagou-Dogon");
    assert_eq!(a.place.id, "geonames:2452382");
    assert_eq!(best("Ogassagou Dogon").place.id, a.place.id);
    assert_eq!(best("OgassagouDogon").place.id, a.place.id);
}

#[test]
fn numeral_variants() {
    // ML.txt has "Wolenguéna II"; "Wolenguena 2" is the same place.
    let a = best("Wolenguéna II");
    assert_eq!(best("Wolenguena 2").place.id, a.place.id);
    assert_eq!(best("wolenguena ii").place.id, a.place.id);
    // "Tibi II" is distinct from "Tibi I".
    assert_ne!(best("Tibi 2").place.id, best("Tibi 1").place.id);
}

#[test]
fn fuzzy_misspelling() {
    // "Ogossagou" (the 2019 massacre's usual spelling) is not in ML.txt; GeoNames has
    // "Ogossogou" (Bankass area) and "Ogassogou" 40 km away. Fuzzy matching ranks
    // Ogossogou first but, the two being close in similarity, reports the ambiguity.
    let r = geo().resolve("Ogossagou", &Hints::default());
    assert_eq!(r.status, ResolutionStatus::Ambiguous);
    assert_eq!(r.candidates[0].place.id, "geonames:6867217");
    assert!(
        r.candidates[0]
            .reason
            .starts_with("fuzzy match (Jaro-Winkler"),
        "{}",
        r.candidates[0].reason
    );
    assert!(r
        .candidates
        .iter()
        .any(|c| c.place.id == "geonames:6867123"));
    // A near-place hint settles it.
    let c = best_with(
        "Ogossagou",
        &Hints {
            near: Some("Bankass".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:6867217");
    let c = best("Bandiagra");
    assert_eq!(c.place.name, "Bandiagara");
    // Below the threshold: nothing.
    assert_eq!(
        geo().resolve("Xqzwv", &Hints::default()).status,
        ResolutionStatus::NotFound
    );
}

#[test]
fn boulkessi_variants_via_user_alias() {
    // GeoNames has none of Boulkessi/Boulikessi/Boulikessy; a user adds the place and
    // its aliases (persisted with revisions by the store).
    let mut g = geo().clone();
    let id = g
        .gazetteer
        .add_place(&veille_geo::UserPlace {
            id: "boulikessi".into(),
            name: "Boulikessi".into(),
            alternate_names: vec!["Boulikessy".into()],
            latitude: 14.79832,
            longitude: -1.302596,
            feature_class: "P".into(),
            feature_code: "PPL".into(),
            country_code: "ML".into(),
            admin1_code: Some("04".into()),
            admin2_code: Some("7670549".into()),
            population: 0,
            note: Some("GED 23.1 / candidate coordinates".into()),
        })
        .unwrap();
    g.gazetteer
        .add_alias(&veille_geo::PlaceAlias {
            alias: "Boulkessi".into(),
            place_id: id.clone(),
            note: None,
        })
        .unwrap();
    for q in ["Boulikessi", "Boulikessy", "Boulkessi", "BOULKESSI"] {
        let r = g.resolve(q, &Hints::default());
        assert_eq!(r.best().unwrap().place.id, id, "{q}");
    }
    let r = g.resolve("Boulkessi", &Hints::default());
    assert!(
        r.candidates[0].reason.contains("user alias"),
        "{}",
        r.candidates[0].reason
    );
}

#[test]
fn near_phrase() {
    let r = geo().resolve("near Mopti", &Hints::default());
    let c = r.best().unwrap();
    assert_eq!(c.place.id, "geonames:2453348");
    assert_eq!(c.precision, GeoPrecision::Near);
}

#[test]
fn between_phrase_gives_midpoint() {
    let r = geo().resolve("between Sévaré and Mopti", &Hints::default());
    let c = r.best().unwrap();
    assert!((c.place.latitude - (14.52742 + 14.4843) / 2.0).abs() < 1e-9);
    assert!((c.place.longitude - (-4.09344 + -4.18296) / 2.0).abs() < 1e-9);
    assert_eq!(c.precision, GeoPrecision::Near);
    assert!(c.reason.starts_with("midpoint of Sévaré"), "{}", c.reason);
    // GED writes "Between Hombori and Simbi".
    let r = geo().resolve(
        "Between Hombori and Simbi",
        &Hints {
            admin1: Some("Mopti".into()),
            ..Hints::default()
        },
    );
    assert_eq!(r.status, ResolutionStatus::Resolved, "{r:#?}");
}

#[test]
fn region_and_cercle_phrases() {
    let c = best("Mopti region");
    assert_eq!(c.place.id, "geonames:2453347");
    assert_eq!(c.precision, GeoPrecision::Admin1);
    let c = best("Bankass cercle");
    assert_eq!(c.place.id, "geonames:7701493");
    assert_eq!(c.precision, GeoPrecision::Admin2);
    let c = best("Cercle de Niono");
    assert_eq!(c.place.id, "geonames:8631514");
    // Plain "Bankass" is the town.
    assert_eq!(best("Bankass").place.id, "geonames:2460401");
}

#[test]
fn ambiguous_name_reports_candidates() {
    // Two villages named Léré: one in Tombouctou (Niafunké), one in Mopti.
    let r = geo().resolve("Léré", &Hints::default());
    assert_eq!(r.status, ResolutionStatus::Ambiguous);
    assert!(r.best().is_none(), "no silent guess");
    let ids: Vec<_> = r.candidates.iter().map(|c| c.place.id.as_str()).collect();
    assert!(
        ids.contains(&"geonames:2454104") && ids.contains(&"geonames:6866964"),
        "{ids:?}"
    );
    // Madina: 52 places.
    let r = geo().resolve(
        "Madina",
        &Hints {
            limit: Some(20),
            ..Hints::default()
        },
    );
    assert_eq!(r.status, ResolutionStatus::Ambiguous);
    assert_eq!(r.candidates.len(), 20);
}

#[test]
fn admin1_hint_disambiguates() {
    let c = best_with(
        "Léré",
        &Hints {
            admin1: Some("Tombouctou".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:2454104");
    assert!(c.reason.contains("admin1 hint matches"), "{}", c.reason);
    let c = best_with(
        "Léré",
        &Hints {
            admin1: Some("Mopti".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:6866964");
    // GED-style hint with the exonym.
    let c = best_with(
        "Lere",
        &Hints {
            admin1: Some("Timbuktu region".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:2454104");
}

#[test]
fn near_hint_disambiguates() {
    let c = best_with(
        "Léré",
        &Hints {
            near: Some("Niafunké".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:2454104");
}

#[test]
fn feature_class_order() {
    // Kidal: the town (P.PPLA) before the cercle (A.ADM2) before the wadi (H.WAD).
    let r = geo().resolve("Kidal", &Hints::default());
    let feats: Vec<_> = r
        .candidates
        .iter()
        .map(|c| c.place.feature.as_str())
        .collect();
    assert_eq!(r.status, ResolutionStatus::Resolved);
    assert_eq!(feats[0], "P.PPLA");
    let pa = feats.iter().position(|f| f.starts_with("A.")).unwrap();
    let ph = feats.iter().position(|f| f.starts_with("H.")).unwrap();
    assert!(pa < ph, "{feats:?}");
}

#[test]
fn ged_descriptor_suffix_stripped() {
    let c = best_with(
        "Lere town",
        &Hints {
            admin1: Some("Tombouctou region".into()),
            ..Hints::default()
        },
    );
    assert_eq!(c.place.id, "geonames:2454104");
    let r = geo().resolve("Kouakourou village", &Hints::default());
    assert!(
        r.notes.iter().any(|n| n.contains("stripped")),
        "{:?}",
        r.notes
    );
}

#[test]
fn country_hint_filters() {
    let r = geo().resolve(
        "Mopti",
        &Hints {
            country: Some("BFA".into()),
            ..Hints::default()
        },
    );
    assert_eq!(r.status, ResolutionStatus::NotFound);
    assert_eq!(
        best_with(
            "Mopti",
            &Hints {
                country: Some("MLI".into()),
                ..Hints::default()
            }
        )
        .place
        .id,
        "geonames:2453348"
    );
}

#[test]
fn reverse_geocoding() {
    let r = geo().at(14.49, -4.19).unwrap();
    assert_eq!(r.admin1.as_ref().unwrap().name, "Mopti");
    assert_eq!(r.admin1.as_ref().unwrap().code, "04");
    assert_eq!(r.admin1.as_ref().unwrap().vintage, "pre2016");
    let a2 = r.admin2.as_ref().unwrap();
    assert!(a2.approximate);
    assert_eq!(a2.name, "Mopti");
    assert_eq!(r.country.as_deref(), Some("MLI"));
    assert_eq!(r.priogrid_gid, Some(150112));
    let (p, d) = r.nearest_place.as_ref().unwrap();
    assert!(*d < 2.0, "{p:?} {d}");
    // Ouagadougou: outside all loaded boundaries → no region; country unknown (BF dump
    // not loaded) — never a wrong region.
    let r = geo().at(12.3714, -1.5197).unwrap();
    assert!(r.admin1.is_none() && r.admin2.is_none());
    assert_eq!(r.country, None);
    assert!(geo().at(95.0, 0.0).is_err());
}

#[test]
fn enrich_with_coordinates() {
    let mut loc = Location {
        place_name: Some("Kouakourou village".into()),
        admin1: Some(AdminUnit::named("Mopti region")),
        latitude: Some(14.2223),
        longitude: Some(-4.49593),
        geo_precision: GeoPrecision::from_ged(2).unwrap(),
        country: "MLI".into(),
        ..Location::default()
    };
    let e = geo().enrich(&mut loc);
    assert_eq!(loc.latitude, Some(14.2223), "coordinates kept");
    assert_eq!(loc.geo_precision, GeoPrecision::Near);
    assert_eq!(loc.admin1.as_ref().unwrap().code.as_deref(), Some("04"));
    assert_eq!(loc.admin_vintage.as_deref(), Some("pre2016"));
    assert_eq!(loc.admin2.as_ref().unwrap().name, "Djenne");
    assert!(loc.admin_approximate && e.admin2_approximate && e.admin1_from_polygon);
    assert_eq!(loc.priogrid_gid, Some(150112));
}

#[test]
fn enrich_without_coordinates() {
    let mut loc = Location {
        place_name: Some("Ogossogou".into()),
        admin1: Some(AdminUnit::named("Mopti")),
        geo_precision: GeoPrecision::from_acled(1).unwrap(),
        country: "MLI".into(),
        ..Location::default()
    };
    let e = geo().enrich(&mut loc);
    assert!(e.coordinates_from_place);
    assert_eq!(loc.latitude, Some(14.1907));
    assert_eq!(loc.geo_precision, GeoPrecision::Exact);
    assert_eq!(loc.admin2.as_ref().unwrap().name, "Bankass");
    assert!(loc.admin_approximate);
    assert!(loc.priogrid_gid.is_some());

    let mut near = Location {
        place_name: Some("near Bankass".into()),
        country: "MLI".into(),
        geo_precision: GeoPrecision::Exact,
        ..Location::default()
    };
    geo().enrich(&mut near);
    assert_eq!(near.geo_precision, GeoPrecision::Near);

    // Ambiguous: never guessed.
    let mut amb = Location {
        place_name: Some("Léré".into()),
        country: "MLI".into(),
        ..Location::default()
    };
    let e = geo().enrich(&mut amb);
    assert_eq!(amb.latitude, None);
    assert_eq!(amb.priogrid_gid, None);
    assert!(
        e.notes.iter().any(|n| n.contains("ambiguous")),
        "{:?}",
        e.notes
    );
}

#[test]
fn enrich_outside_polygons_keeps_source_admin() {
    let mut loc = Location {
        admin1: Some(AdminUnit::named("Sahel")),
        latitude: Some(14.0),
        longitude: Some(-0.5),
        geo_precision: GeoPrecision::Exact,
        country: "BFA".into(),
        ..Location::default()
    };
    geo().enrich(&mut loc);
    assert_eq!(loc.admin1.as_ref().unwrap().name, "Sahel");
    assert_eq!(loc.admin_vintage.as_deref(), Some("source"));
    assert_eq!(loc.priogrid_gid, Some(150120));
}

#[test]
fn menaka_point_in_gao_polygon_agrees_allowing_vintage() {
    let r = geo().at(15.9182, 2.4022).unwrap();
    let poly = r.admin1.unwrap().code;
    assert_eq!(poly, "09");
    let ged = veille_geo::vintage::region_code_for("Menaka region").unwrap();
    assert!(veille_geo::vintage::agrees_allowing_vintage(ged, &poly));
}
