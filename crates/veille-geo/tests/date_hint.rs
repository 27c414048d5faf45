//! The date hint: admin names are read in the frame in force on the event's date (the
//! 2016 reform created Ménaka out of Gao and Taoudénit out of Tombouctou), and boundary
//! layers are chosen by the vintage in force.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use veille_geo::{Boundaries, Geo, Hints, LayerSpec, ResolutionStatus};
use veille_model::{GeoPrecision, Location};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn hints(admin1: Option<&str>, date: Option<NaiveDate>) -> Hints {
    Hints {
        admin1: admin1.map(str::to_string),
        country: Some("MLI".into()),
        date,
        ..Hints::default()
    }
}

#[test]
fn menaka_region_before_the_reform_was_gao() {
    let geo = Geo::shipped().unwrap();
    let before = geo.resolve("Ménaka region", &hints(None, Some(d(2014, 5, 17))));
    assert_eq!(before.status, ResolutionStatus::Resolved, "{before:#?}");
    let c = before.best().unwrap();
    assert_eq!(c.precision, GeoPrecision::Admin1);
    assert_eq!(
        c.admin1_on_date,
        Some(("09".to_string(), "Gao".to_string()))
    );
    assert!(
        before.notes.iter().any(|n| n
            == &format!(
                "on 2014-05-17 {} was in the Gao region (09): the region it is in today was created by the 2016 reform",
                c.place.name
            )),
        "{:?}",
        before.notes
    );
    // After the reform the region exists: nothing to say.
    let after = geo.resolve("Ménaka region", &hints(None, Some(d(2018, 4, 27))));
    assert_eq!(after.best().unwrap().admin1_on_date, None);
    assert!(!after.notes.iter().any(|n| n.contains("2016 reform")));
    // Without a date, neither.
    let undated = geo.resolve("Ménaka region", &hints(None, None));
    assert_eq!(undated.best().unwrap().admin1_on_date, None);
}

#[test]
fn an_anachronistic_admin1_hint_is_read_as_the_region_of_the_time() {
    let geo = Geo::shipped().unwrap();
    let r = geo.resolve("Ménaka", &hints(Some("Ménaka"), Some(d(2014, 5, 17))));
    assert!(
        r.notes.iter().any(|n| n
            == "admin1 hint \"Ménaka\": that region did not exist on 2014-05-17 (created by the 2016 reform); read as the region of the time, Gao (09)"),
        "{:?}",
        r.notes
    );
    let c = r.best().unwrap();
    assert_eq!(c.place.id, "geonames:2453514", "the town of Ménaka");
    // The town is coded Ménaka (12070577) in GeoNames; on that date it was in Gao, so the
    // (re-read) hint matches it exactly.
    assert!(
        c.reason
            .contains("admin1 hint matches: on 2014-05-17 the place was in that region"),
        "{}",
        c.reason
    );
}

#[test]
fn after_the_reform_the_parent_region_matches_only_in_the_old_frame() {
    let geo = Geo::shipped().unwrap();
    let after = geo.resolve("Ménaka", &hints(Some("Gao"), Some(d(2020, 6, 1))));
    let c = after.candidates.first().unwrap();
    assert_eq!(c.place.id, "geonames:2453514");
    assert!(
        c.reason.contains(
            "admin1 hint matches only in the pre-2016 frame: on 2020-06-01 the place is in 12070577"
        ),
        "{}",
        c.reason
    );
    let before = geo.resolve("Ménaka", &hints(Some("Gao"), Some(d(2012, 4, 1))));
    let b = before.candidates.first().unwrap();
    assert!(b.score > c.score, "{} vs {}", b.score, c.score);
    assert!(b
        .reason
        .contains("on 2012-04-01 the place was in that region"));
}

/// A small 2016-vintage level-1 layer: one square "Ménaka" region around the town.
fn menaka_2016_layer() -> Boundaries {
    let gj = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
      "properties":{"name":"Ménaka","code":"12070577"},
      "geometry":{"type":"Polygon","coordinates":[[[1.5,14.5],[4.3,14.5],[4.3,16.8],[1.5,16.8],[1.5,14.5]]]}}]}"#;
    let spec = LayerSpec {
        level: 1,
        vintage: "2016".into(),
        name_prop: "name".into(),
        code_prop: "code".into(),
        code_strip_prefix: None,
        country: Some("MLI".into()),
        source: "test".into(),
    };
    Boundaries::from_geojson_bytes("menaka2016.geojson", gj.as_bytes(), &spec).unwrap()
}

#[test]
fn layers_are_chosen_by_the_vintage_in_force() {
    let mut geo = Geo::shipped().unwrap();
    geo.add_layer(menaka_2016_layer());
    let (lat, lon) = (15.9182, 2.4022); // Ménaka town
    let old = geo.at_on(lat, lon, Some(d(2014, 5, 17))).unwrap();
    let a = old.admin1.unwrap();
    assert_eq!((a.code.as_str(), a.vintage.as_str()), ("09", "pre2016"));
    let new = geo.at_on(lat, lon, Some(d(2019, 3, 1))).unwrap();
    let a = new.admin1.unwrap();
    assert_eq!((a.code.as_str(), a.vintage.as_str()), ("12070577", "2016"));
    // Undated: the most recently added layer.
    assert_eq!(geo.at(lat, lon).unwrap().admin1.unwrap().vintage, "2016");

    // Enrichment records the vintage its codes come from.
    let loc = || Location {
        latitude: Some(lat),
        longitude: Some(lon),
        geo_precision: GeoPrecision::Exact,
        country: "MLI".into(),
        ..Location::default()
    };
    let mut l2014 = loc();
    geo.enrich_on(&mut l2014, Some(d(2014, 5, 17)));
    assert_eq!(l2014.admin_vintage.as_deref(), Some("pre2016"));
    assert_eq!(l2014.admin1.unwrap().code.as_deref(), Some("09"));
    let mut l2019 = loc();
    geo.enrich_on(&mut l2019, Some(d(2019, 3, 1)));
    assert_eq!(l2019.admin_vintage.as_deref(), Some("2016"));
    assert_eq!(l2019.admin1.unwrap().code.as_deref(), Some("12070577"));
}
