//! DB-less tests: every reader on real GED files, invented ACLED-shaped files and crafted
//! bad files, with exact messages; plus a random-bytes test that no reader panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use veille_ingest::*;
use veille_model::*;

fn fx(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn read(p: &str) -> (Vec<Event>, Vec<RowError>) {
    read_file(&fx(p), None, MapContext::new("test")).unwrap()
}

fn ext(e: &Event) -> &str {
    &e.external_ids[0].0
}

#[test]
fn ged_mali_release_row_12989_maps_every_part() {
    let (events, errors) = read("ged/ged231_sample1000_mali.csv");
    assert!(errors.is_empty());
    assert_eq!(events.len(), 7);
    let e = events.iter().find(|e| ext(e) == "ged:12989").unwrap();
    assert_eq!(e.date_start.to_string(), "1991-05-20");
    assert_eq!(e.date_precision, DatePrecision::Day);
    assert_eq!(e.event_type, EventType::ViolenceAgainstCivilians);
    assert_eq!(e.sub_event_type, SubEventType::Attack);
    assert_eq!(e.violence_type, Some(ViolenceType::OneSided));
    let l = &e.location;
    assert_eq!(l.place_name.as_deref(), Some("Lere town"));
    assert_eq!(l.admin1.as_ref().unwrap().name, "Tombouctou");
    assert_eq!(l.admin2.as_ref().unwrap().name, "Niafunke");
    assert_eq!(l.admin_vintage.as_deref(), Some("source"));
    assert_eq!((l.latitude, l.longitude), (Some(15.7118), Some(-4.9118)));
    assert_eq!(l.geo_precision, GeoPrecision::Exact);
    assert_eq!(l.country, "MLI");
    assert_eq!(l.priogrid_gid, Some(152271));
    assert_eq!(e.actors.len(), 2);
    assert_eq!(e.actors[0].name, "Government of Mali");
    assert_eq!(e.actors[0].role, ActorRole::Perpetrator);
    assert_eq!(e.actors[0].side, Some(Side::A));
    assert_eq!(e.actors[0].inter_code, Some(InterCode::StateForces));
    assert_eq!(e.actors[0].source_actor_id.as_deref(), Some("72"));
    assert_eq!(e.actors[1].inter_code, Some(InterCode::Civilians));
    assert_eq!(e.actors[1].role, ActorRole::Target);
    let k = &e.casualties.killed;
    assert_eq!(
        k.total,
        Some(Count {
            low: 20,
            best: 20,
            high: 48
        })
    );
    assert_eq!(k.by_category[&VictimCategory::Civilians], Count::exact(20));
    assert_eq!(e.verification, VerificationStatus::Verified);
    assert_eq!(e.sensitivity, Sensitivity::Public);
    let p = e.provenance.as_ref().unwrap();
    assert_eq!(p.format, "ged");
    assert_eq!(p.original.len(), 49);
    assert_eq!(p.original["adm_1"], "Tombouctou region");
    assert_eq!(p.original["number_of_sources"], "-1");
    // Old row: the bibliographic reference becomes the source.
    assert_eq!(
        e.sources[0].publisher,
        "Humphreys and ag Mohamed, \"Senegal & Mali\", 22"
    );
    assert_eq!(e.sources[0].grade(), "F6");
}

#[test]
fn ged_sources_are_split_from_parallel_lists() {
    let (events, _) = read("ged/ged231_sample1000_mali.csv");
    let e = events.iter().find(|e| ext(e) == "ged:203499").unwrap();
    assert_eq!(e.sources.len(), 4);
    assert_eq!(e.sources[1].publisher, "Reuters");
    assert_eq!(e.sources[1].date.unwrap().to_string(), "2015-06-27");
    assert_eq!(
        e.sources[1].headline.as_deref(),
        Some("Islamist gunmen attack western Mali town, 12 dead")
    );
    // deaths_a (own government) 2, deaths_b (Ansar Dine) 3, unknown 1.
    let k = &e.casualties.killed;
    assert_eq!(k.best_of(VictimCategory::StateForces), 2);
    assert_eq!(k.best_of(VictimCategory::NonStateArmed), 3);
    assert_eq!(k.best_of(VictimCategory::Unknown), 1);
}

#[test]
fn ged_global_release_maps_59_countries_and_widens_13_off_by_one_rows() {
    let (events, errors) = read("ged/ged231_sample1000_global.csv");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 1000);
    let adjusted: Vec<&str> = events
        .iter()
        .filter(|e| {
            e.tags
                .iter()
                .any(|t| t == veille_ingest::ged::LOW_HIGH_ADJUSTED_TAG)
        })
        .map(ext)
        .collect();
    assert_eq!(adjusted.len(), 13);
    assert!(adjusted.contains(&"ged:464847"), "{adjusted:?}");
    let countries: BTreeSet<&str> = events.iter().map(|e| e.location.country.as_str()).collect();
    assert_eq!(countries.len(), 59);
    // Government of Uganda fighting the LRA in Sudan: a foreign government.
    let e = events.iter().find(|e| ext(e) == "ged:37421").unwrap();
    assert_eq!(e.location.country, "SDN");
    assert_eq!(e.actors[0].inter_code, Some(InterCode::ExternalOtherForces));
    assert_eq!(
        e.casualties
            .killed
            .best_of(VictimCategory::InternationalForces),
        3
    );
    let by_type = |v| events.iter().filter(|e| e.violence_type == Some(v)).count();
    assert_eq!(
        by_type(ViolenceType::StateBased)
            + by_type(ViolenceType::NonState)
            + by_type(ViolenceType::OneSided),
        1000
    );
}

#[test]
fn ged_candidate_extract_quirks() {
    let (events, errors) = read("ged/ged_candidate_v26_0_7_mali_extract.csv");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(events.len(), 126);
    assert!(events
        .iter()
        .all(|e| e.provenance.as_ref().unwrap().format == "ged-candidate"));
    let count = |v| events.iter().filter(|e| e.verification == v).count();
    assert_eq!(count(VerificationStatus::PartiallyVerified), 60);
    assert_eq!(count(VerificationStatus::Unverified), 66);
    let best: u32 = events.iter().map(|e| e.killed_best()).sum();
    assert_eq!(best, 269);
    let civ: u32 = events
        .iter()
        .map(|e| e.casualties.killed.best_of(VictimCategory::Civilians))
        .sum();
    assert_eq!(civ, 28);
    // Emoji and embedded blank lines survive in the provenance.
    assert!(events.iter().any(|e| e
        .provenance
        .as_ref()
        .unwrap()
        .original
        .values()
        .any(|v| v.contains('🇲'))));
    assert!(events.iter().any(|e| e
        .location
        .where_description
        .as_deref()
        .unwrap_or("")
        .contains("\n\n")));
    // "Government of Mali, Government of Russia (Soviet Union)" is led by Mali's government.
    let joint = events
        .iter()
        .find(|e| {
            e.actors[0]
                .name
                .starts_with("Government of Mali, Government of Russia")
        })
        .unwrap();
    assert_eq!(joint.actors[0].inter_code, Some(InterCode::StateForces));
    // The relid prefix does not decide the country.
    let ben = events
        .iter()
        .find(|e| e.provenance.as_ref().unwrap().original["relid"].starts_with("BEN-"))
        .unwrap();
    assert_eq!(ben.location.country, "MLI");
}

#[test]
fn acled_current_format() {
    let (events, errors) = read("acled/current.csv");
    assert!(errors.is_empty());
    assert_eq!(events.len(), 3);
    let e = &events[0];
    assert_eq!(ext(e), "acled:TST90001");
    assert_eq!(e.actors.len(), 4);
    assert_eq!(e.actors[1].role, ActorRole::Associated);
    assert_eq!(e.actors[2].name, "Wagner Group");
    assert_eq!(e.actors[2].side, Some(Side::A));
    assert_eq!(e.actors[3].inter_code, Some(InterCode::RebelGroups));
    assert_eq!(e.violence_type, Some(ViolenceType::StateBased));
    assert_eq!(e.sources.len(), 2);
    assert_eq!(e.casualties.killed.total, Some(Count::exact(4)));
    assert!(e.casualties.killed.by_category.is_empty());
    let v = &events[1];
    assert_eq!(v.date_precision, DatePrecision::Week);
    assert_eq!(v.location.geo_precision, GeoPrecision::Near);
    assert_eq!(v.location.admin1.as_ref().unwrap().name, "Ségou");
    assert_eq!(v.actors[0].attribution, Attribution::Unattributed);
    assert_eq!(v.actors[0].inter_code, Some(InterCode::PoliticalMilitias));
    assert_eq!(
        v.casualties.killed.by_category[&VictimCategory::Civilians],
        Count::exact(3)
    );
    assert_eq!(v.tags, vec!["women targeted: girls".to_string()]);
    assert_eq!(v.sensitivity, Sensitivity::Restricted);
    assert_eq!(events[2].actors.len(), 1);
}

#[test]
fn acled_old_format_dates_and_numeric_inter_codes() {
    let (events, errors) = read("acled/old.csv");
    assert!(errors.is_empty());
    let dates: Vec<String> = events.iter().map(|e| e.date_start.to_string()).collect();
    assert_eq!(dates, vec!["2020-07-31", "2020-08-05", "2020-07-12"]);
    assert_eq!(events[0].actors[0].inter_code, Some(InterCode::RebelGroups));
    assert_eq!(events[0].actors[1].inter_code, Some(InterCode::StateForces));
    assert_eq!(events[1].date_precision, DatePrecision::Month);
    // No civilian_targeting column: inter2 = 7 (civilians) decides.
    assert_eq!(
        events[2]
            .casualties
            .killed
            .best_of(VictimCategory::Civilians),
        5
    );
    let p = events[0].provenance.as_ref().unwrap();
    assert_eq!(p.original["event_id_no_cnty"], "91001");
    assert_eq!(p.original["data_id"], "9100001");
}

#[test]
fn acled_hdx_format_skips_the_hxl_row() {
    let (events, errors) = read("acled/hdx.csv");
    assert!(errors.is_empty());
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].actors[1].inter_code,
        Some(InterCode::PoliticalMilitias)
    );
    assert_eq!(events[1].actors[1].inter_code, Some(InterCode::Civilians));
    assert_eq!(
        events[1].sub_event_type,
        SubEventType::LootingPropertyDestruction
    );
}

/// Each crafted bad file and the exact message it must produce.
#[test]
fn bad_inputs_give_exact_messages() {
    let row_cases = [
        (
            "bad/ged_wrong_columns.csv",
            "3: row: expected 49 fields, found 48",
        ),
        (
            "bad/ged_bad_date.csv",
            "3: date_start: '2015-13-45 00:00:00.000' is not a date (expected YYYY-MM-DD)",
        ),
        (
            "bad/ged_bad_latitude.csv",
            "3: latitude: latitude 95.5 is outside -90..90",
        ),
        (
            "bad/ged_negative_deaths.csv",
            "3: deaths_a: '-2' is not a non-negative whole number",
        ),
        (
            "bad/ged_low_gt_best.csv",
            "3: low: low (9) is greater than best (6)",
        ),
        (
            "bad/ged_bad_type.csv",
            "3: type_of_violence: unknown type_of_violence '7' (expected 1, 2 or 3)",
        ),
        (
            "bad/ged_unknown_country.csv",
            "3: country_id: unknown Gleditsch-Ward country code '999'",
        ),
        (
            "bad/acled_picnic.csv",
            "3: event_type: unknown event_type 'Picnic' (expected one of: Battles, Protests, \
             Riots, Explosions/Remote violence, Violence against civilians, Strategic developments)",
        ),
        (
            "bad/ged_unclosed_quote.csv",
            "3: where_coordinates: unclosed quote",
        ),
        (
            "bad/ged_not_utf8.csv",
            "3: source_article: not valid UTF-8 (byte 186 of the field)",
        ),
    ];
    for (file, want) in row_cases {
        let p = fx(file);
        let (_, errors) = read_file(&p, None, MapContext::new("t")).unwrap();
        let got: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(got, vec![format!("{}:{want}", p.display())], "{file}");
    }
    let file_cases = [
        ("bad/empty.csv", "1: header: file is empty"),
        (
            "bad/ged_header_only.csv",
            "2: data: no data rows (header only)",
        ),
        (
            "bad/ged_missing_column.csv",
            "1: header: missing column 'adm_1'",
        ),
    ];
    for (file, want) in file_cases {
        let p = fx(file);
        let err = read_file(&p, None, MapContext::new("t")).unwrap_err();
        assert_eq!(err.to_string(), format!("{}:{want}", p.display()), "{file}");
    }
}

#[test]
fn unknown_format_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "a,b,c\n1,2,3\n").unwrap();
    let err = read_file(&p, None, MapContext::new("t")).unwrap_err();
    assert!(err.to_string().contains("unknown format"), "{err}");
}

/// A small deterministic PRNG (xorshift64*), so the fuzz test needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn no_reader_panics_on_random_or_mangled_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let seeds: Vec<Vec<u8>> = [
        "ged/ged231_sample1000_mali.csv",
        "acled/current.csv",
        "acled/hdx.csv",
    ]
    .iter()
    .map(|p| std::fs::read(fx(p)).unwrap())
    .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let specials = [b'"', b',', b'\n', b'\r', b';', 0xFF, 0xC3, b'#', b'{', b'-'];
    let formats = [
        None,
        Some(ImportFormat::Ged),
        Some(ImportFormat::Acled),
        Some(ImportFormat::VeilleCsv),
        Some(ImportFormat::GeoJson),
    ];
    for i in 0..300 {
        let bytes: Vec<u8> = if i % 3 == 0 {
            (0..rng.below(2000)).map(|_| rng.next() as u8).collect()
        } else {
            let mut b = seeds[i % seeds.len()].clone();
            for _ in 0..1 + rng.below(20) {
                let pos = rng.below(b.len());
                match rng.below(3) {
                    0 => b[pos] = specials[rng.below(specials.len())],
                    1 => b.truncate(pos),
                    _ => b.insert(pos, specials[rng.below(specials.len())]),
                }
                if b.is_empty() {
                    break;
                }
            }
            b
        };
        let p = dir.path().join(format!("f{i}.csv"));
        std::fs::write(&p, &bytes).unwrap();
        for f in formats {
            let _ = read_file(&p, f, MapContext::new("fuzz"));
        }
    }
}

/// An event with every optional part filled, including awkward text.
fn maximal_event() -> Event {
    use chrono::{NaiveDate, TimeZone, Utc};
    let d = NaiveDate::from_ymd_opt(2019, 3, 23).unwrap();
    let now = Utc.with_ymd_and_hms(2019, 3, 24, 8, 30, 15).unwrap();
    let mut e = Event::new(d, SubEventType::Attack, "MLI", "analyst@ngo", now);
    e.external_ids = vec![
        ExternalId::new("acled", "TST99999"),
        ExternalId::new("ged", "999999"),
    ];
    e.date_end = NaiveDate::from_ymd_opt(2019, 3, 25).unwrap();
    e.date_precision = DatePrecision::Days;
    e.location = Location {
        place_name: Some("Ogossagou, \"Peul\" quarter".into()),
        where_description: Some("line one\n\nline three; with ; semicolons".into()),
        admin1: Some(AdminUnit {
            name: "Mopti".into(),
            code: Some("ML-5".into()),
        }),
        admin2: Some(AdminUnit::named("Bankass")),
        admin3: Some(AdminUnit {
            name: "Ségué".into(),
            code: Some("0405".into()),
        }),
        admin_vintage: Some("naturalearth-pre2016".into()),
        admin_approximate: true,
        latitude: Some(14.123456789),
        longitude: Some(-3.000000001),
        geo_precision: GeoPrecision::Near,
        country: "MLI".into(),
        priogrid_gid: Some(150112),
    };
    e.violence_type = Some(ViolenceType::OneSided);
    e.actors = vec![ActorParticipation {
        actor_id: Some("dan-na-ambassagou".into()),
        name: "Dan Na Ambassagou".into(),
        role: ActorRole::Perpetrator,
        side: Some(Side::A),
        attribution: Attribution::Attributed,
        inter_code: Some(InterCode::IdentityMilitias),
        source_actor_id: Some("6020".into()),
    }];
    e.casualties.killed.total = Some(Count {
        low: 150,
        best: 157,
        high: 160,
    });
    e.casualties
        .killed
        .by_category
        .insert(VictimCategory::Civilians, Count::exact(157));
    e.casualties.injured.total = Some(Count::exact(65));
    e.casualties.abducted.by_category.insert(
        VictimCategory::Unknown,
        Count {
            low: 1,
            best: 2,
            high: 3,
        },
    );
    e.sources = vec![Source {
        publisher: "MINUSMA".into(),
        url: Some("https://example.invalid/report".into()),
        date: NaiveDate::from_ymd_opt(2019, 5, 2),
        headline: Some("Rapport, \"spécial\"".into()),
        reliability: Reliability::B,
        credibility: Credibility::ProbablyTrue,
    }];
    e.verification = VerificationStatus::Disputed;
    e.sensitivity = Sensitivity::StrictlyConfidential;
    e.notes = "  Notes with \"quotes\",\ncommas and é à ü  ".into();
    e.tags = vec!["market day".into(), "convoy".into()];
    e.provenance = Some(Provenance {
        format: "acled".into(),
        batch_id: Some(uuid::Uuid::now_v7()),
        original: [("notes".to_string(), "raw \"text\"\n".to_string())]
            .into_iter()
            .collect(),
    });
    e.audit.updated_by = "editor@ngo".into();
    e.audit.updated_at = Utc.with_ymd_and_hms(2020, 1, 2, 3, 4, 5).unwrap()
        + chrono::Duration::nanoseconds(123_456_789);
    e
}

#[test]
fn veille_csv_and_geojson_round_trip_every_field() {
    let e = maximal_event();
    assert_eq!(e.validate(), Ok(()));
    let dir = tempfile::tempdir().unwrap();

    let csv_path = dir.path().join("one.csv");
    let mut buf = Vec::new();
    {
        let mut w = veille_ingest::veille_csv::VeilleCsvWriter::new(&mut buf).unwrap();
        w.write(&e).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&csv_path, &buf).unwrap();
    let (back, errors) = read_file(&csv_path, None, MapContext::new("other")).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(back, vec![e.clone()]);

    let gj = dir.path().join("one.geojson");
    let mut buf = Vec::new();
    {
        let mut w = veille_ingest::geojson::GeoJsonWriter::new(&mut buf).unwrap();
        w.write(&e).unwrap();
        let mut no_coords = e.clone();
        no_coords.id = uuid::Uuid::now_v7();
        no_coords.location.latitude = None;
        no_coords.location.longitude = None;
        w.write(&no_coords).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&gj, &buf).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(
        v["features"][0]["geometry"]["coordinates"],
        serde_json::json!([-3.000000001, 14.123456789])
    );
    assert!(v["features"][1]["geometry"].is_null());
    assert_eq!(v["features"][0]["properties"]["admin1"], "Mopti");
    assert_eq!(v["features"][0]["properties"]["civilians_killed"], 157);
    let (back, errors) = read_file(&gj, None, MapContext::new("other")).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(back[0], e);
    assert_eq!(back.len(), 2);
}

#[test]
fn a_spreadsheet_edit_of_killed_columns_wins_over_the_json() {
    let e = maximal_event();
    let rec = veille_ingest::veille_csv::event_to_record(&e);
    let cols = veille_ingest::veille_csv::VEILLE_COLUMNS;
    let mut rec = rec;
    let i = cols.iter().position(|c| *c == "killed_best").unwrap();
    rec[i] = "158".into();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols).unwrap();
    w.write_record(&rec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("edited.csv");
    std::fs::write(&p, w.into_inner().unwrap()).unwrap();
    let (back, _) = read_file(&p, None, MapContext::new("t")).unwrap();
    assert_eq!(
        back[0].casualties.killed.total,
        Some(Count {
            low: 150,
            best: 158,
            high: 160
        })
    );
}

#[test]
fn a_veille_csv_resaved_by_french_excel_with_semicolons_still_imports() {
    let e = maximal_event();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(veille_ingest::veille_csv::VEILLE_COLUMNS)
        .unwrap();
    w.write_record(veille_ingest::veille_csv::event_to_record(&e))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("excel_fr.csv");
    std::fs::write(&p, w.into_inner().unwrap()).unwrap();
    let (back, errors) = read_file(&p, None, MapContext::new("t")).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(back, vec![e]);
}
