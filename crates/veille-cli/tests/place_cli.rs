//! End-to-end tests of `veille place` persistence: user places, aliases and boundary
//! layers are stored as revisions and seen by later processes, including imports.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{json, ok, veille};
use std::path::Path;

#[test]
fn user_places_and_aliases_persist_as_revisions_and_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    // Boulkessi (a military camp in GED) is not in GeoNames under any spelling.
    let before = json(&veille(&db, &["--json", "place", "resolve", "Boulkessi"]));
    assert_eq!(before["status"], "not_found", "{before}");

    let added = ok(&veille(
        &db,
        &[
            "place",
            "add",
            "Boulkessi",
            "14.60",
            "-1.60",
            "--id",
            "boulkessi",
            "--reason",
            "camp named in GED reports; absent from GeoNames",
        ],
    ));
    assert!(added.contains("saved: place edit #1 by tester"), "{added}");

    // A later process sees it.
    let after = json(&veille(&db, &["--json", "place", "resolve", "Boulkessi"]));
    assert_eq!(after["status"], "resolved", "{after}");
    assert_eq!(after["candidates"][0]["place"]["id"], "user:boulkessi");

    ok(&veille(
        &db,
        &[
            "place",
            "alias",
            "Boulikessi",
            "user:boulkessi",
            "--reason",
            "GED spelling",
        ],
    ));
    let via_alias = json(&veille(&db, &["--json", "place", "resolve", "Boulikessi"]));
    assert_eq!(
        via_alias["candidates"][0]["place"]["id"], "user:boulkessi",
        "{via_alias}"
    );

    // Adding the same id again is refused and stores nothing.
    let dup = veille(
        &db,
        &[
            "place",
            "add",
            "Boulkessi",
            "14.6",
            "-1.6",
            "--id",
            "boulkessi",
        ],
    );
    assert!(!dup.status.success());
    let hist = json(&veille(&db, &["--json", "place", "history"]));
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 2, "{hist:?}");
    assert_eq!(hist[0]["kind"], "place");
    assert_eq!(hist[0]["by"], "tester");
    assert_eq!(
        hist[0]["reason"],
        "camp named in GED reports; absent from GeoNames"
    );
    assert_eq!(hist[1]["kind"], "place_alias");
}

/// A square around (lat, lon) as a one-feature GeoJSON level-2 layer.
fn square_layer(lat: f64, lon: f64, name: &str, code: &str) -> String {
    let d = 0.15;
    serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"nom": name, "pcode": code},
            "geometry": {"type": "Polygon", "coordinates": [[
                [lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                [lon - d, lat + d], [lon - d, lat - d]
            ]]}
        }]
    })
    .to_string()
}

#[test]
fn loaded_boundaries_persist_and_drive_reverse_geocoding_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    // Konna (GED 636505, 14.943290, -3.894740): without a cercle layer its admin2 is
    // only approximate, from the nearest gazetteer place.
    let before = json(&veille(
        &db,
        &["--json", "place", "at", "14.94329", "-3.89474"],
    ));
    assert_eq!(before["admin2"]["approximate"], true, "{before}");

    let layer = dir.path().join("cercles.geojson");
    std::fs::write(
        &layer,
        square_layer(14.94329, -3.89474, "Cercle test", "ML-TEST-2"),
    )
    .unwrap();
    let loaded = ok(&veille(
        &db,
        &[
            "place",
            "load-boundaries",
            layer.to_str().unwrap(),
            "--level",
            "2",
            "--vintage",
            "2016",
            "--name-prop",
            "nom",
            "--code-prop",
            "pcode",
            "--reason",
            "test layer",
        ],
    ));
    assert!(
        loaded.contains("saved: boundary edit #1 by tester"),
        "{loaded}"
    );

    let after = json(&veille(
        &db,
        &["--json", "place", "at", "14.94329", "-3.89474"],
    ));
    assert_eq!(after["admin2"]["code"], "ML-TEST-2", "{after}");
    assert_eq!(after["admin2"]["approximate"], false);

    // Imports use the stored layer too.
    let ged = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/ucdp/ged_candidate_v26_0_7_mali_extract.csv");
    ok(&veille(&db, &["import", "--quiet", ged.to_str().unwrap()]));
    let konna = json(&veille(&db, &["--json", "show", "ged:636505"]));
    assert_eq!(konna["location"]["admin2"]["code"], "ML-TEST-2", "{konna}");

    // A broken layer (a self-intersecting "bow tie") is refused; nothing is stored.
    let bad = dir.path().join("bowtie.geojson");
    let bowtie = serde_json::json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"nom": "x", "pcode": "y"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [-4.0, 14.0], [-3.0, 15.0], [-3.0, 14.0], [-4.0, 15.0], [-4.0, 14.0]]]}}]});
    std::fs::write(&bad, bowtie.to_string()).unwrap();
    let out = veille(
        &db,
        &[
            "place",
            "load-boundaries",
            bad.to_str().unwrap(),
            "--level",
            "2",
            "--vintage",
            "2016",
            "--name-prop",
            "nom",
            "--code-prop",
            "pcode",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("self-intersect"), "{err}");
    let hist = json(&veille(&db, &["--json", "place", "history"]));
    assert_eq!(hist.as_array().unwrap().len(), 1);
}

#[test]
fn resolve_and_at_take_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let r = json(&veille(
        &db,
        &[
            "--json",
            "place",
            "resolve",
            "Ménaka region",
            "--date",
            "2014-05-17",
        ],
    ));
    assert_eq!(r["status"], "resolved", "{r}");
    assert_eq!(r["candidates"][0]["admin1_on_date"][1], "Gao", "{r}");
    let human = ok(&veille(
        &db,
        &["place", "resolve", "Ménaka region", "--date", "2014-05-17"],
    ));
    assert!(
        human.contains("on 2014-05-17: in the Gao region (09)"),
        "{human}"
    );
    let later = json(&veille(
        &db,
        &[
            "--json",
            "place",
            "resolve",
            "Ménaka region",
            "--date",
            "2019-01-01",
        ],
    ));
    assert!(
        later["candidates"][0].get("admin1_on_date").is_none(),
        "{later}"
    );
    let bad = veille(&db, &["place", "resolve", "Ménaka", "--date", "2014-13-40"]);
    assert!(!bad.status.success());
    let at = json(&veille(
        &db,
        &[
            "--json",
            "place",
            "at",
            "15.9182",
            "2.4022",
            "--date",
            "2014-05-17",
        ],
    ));
    assert_eq!(at["admin1"]["code"], "09", "{at}");
    assert_eq!(at["admin1"]["vintage"], "pre2016", "{at}");
}
