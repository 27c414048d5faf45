//! The dashboard's reads on both backends: capped counts, the map projection, date ranges
//! over long events, both SQLite text-search plans, and the data version that keys the
//! server's response cache.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use uuid::Uuid;
use veille_model::{AdminUnit, Count, Event, EventType, GeoPrecision, Sensitivity, SubEventType};
#[macro_use]
mod common;

use common::*;
use veille_store::{EventFilter, Store};

fn event(n: u128, date: NaiveDate, sub: SubEventType) -> Event {
    let mut e = Event::new(date, sub, "MLI", "analyst", t0());
    e.id = id(n);
    e
}

fn located(mut e: Event, region: (&str, &str), cercle: (&str, &str), at: (f64, f64)) -> Event {
    e.location.admin1 = Some(AdminUnit {
        name: region.0.into(),
        code: Some(region.1.into()),
    });
    e.location.admin2 = Some(AdminUnit {
        name: cercle.0.into(),
        code: Some(cercle.1.into()),
    });
    e.location.latitude = Some(at.0);
    e.location.longitude = Some(at.1);
    e.location.geo_precision = GeoPrecision::Exact;
    e
}

/// Eight events: a long one (January to June 2019), victim-related and not, one
/// without coordinates, one retracted later, one confidential.
fn dataset() -> Vec<Event> {
    let mopti = ("Mopti", "04");
    let bankass = ("Bankass", "2460591");
    let segou = ("Ségou", "05");
    let niono = ("Niono", "2454532");
    let mut long = located(
        event(
            1,
            day(2019, 1, 1),
            SubEventType::AbductionForcedDisappearance,
        ),
        mopti,
        bankass,
        (14.08, -3.52),
    );
    long.date_end = day(2019, 6, 30);
    long.notes = "Hostages held for months".into();
    let mut clash = located(
        event(2, day(2019, 5, 10), SubEventType::ArmedClash),
        mopti,
        bankass,
        (14.1, -3.5),
    );
    clash.casualties.killed.total = Some(Count::exact(4));
    let protest = located(
        event(3, day(2019, 5, 20), SubEventType::PeacefulProtest),
        segou,
        niono,
        (14.25, -5.99),
    );
    let mut unlocated = event(4, day(2019, 5, 21), SubEventType::Attack);
    unlocated.location.admin1 = Some(AdminUnit::named("Mopti"));
    let early = located(
        event(5, day(2019, 3, 1), SubEventType::ArmedClash),
        segou,
        niono,
        (14.2, -6.0),
    );
    let mut secret = located(
        event(6, day(2019, 5, 25), SubEventType::ArmedClash),
        mopti,
        bankass,
        (14.0, -3.4),
    );
    secret.sensitivity = Sensitivity::Confidential;
    let to_retract = located(
        event(7, day(2019, 5, 26), SubEventType::ArmedClash),
        segou,
        niono,
        (14.3, -6.1),
    );
    let later = located(
        event(8, day(2020, 2, 2), SubEventType::Attack),
        mopti,
        bankass,
        (14.05, -3.6),
    );
    vec![
        long, clash, protest, unlocated, early, secret, to_retract, later,
    ]
}

/// Every event of [`dataset`] but the retracted one, oldest first.
fn want_all() -> Vec<Uuid> {
    [1, 5, 2, 3, 4, 6, 8].iter().map(|n| id(*n)).collect()
}

fn ids(events: &[Event]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}

async fn dashboard_reads(s: &dyn Store) {
    let events = dataset();
    for e in events.iter().rev() {
        s.create_event(e, "analyst", None).await.unwrap();
    }
    s.retract_event(id(7), "analyst", "duplicate report")
        .await
        .unwrap();
    let restricted = Some(Sensitivity::Restricted);
    let filters = [
        EventFilter::default(),
        // A range inside the long event: it ends after the range starts.
        EventFilter {
            date_from: Some(day(2019, 5, 1)),
            date_to: Some(day(2019, 5, 31)),
            ..Default::default()
        },
        // After the long event ended.
        EventFilter {
            date_from: Some(day(2019, 7, 1)),
            ..Default::default()
        },
        EventFilter {
            admin1: Some("MOPTI".into()),
            date_from: Some(day(2019, 5, 1)),
            date_to: Some(day(2019, 5, 31)),
            ..Default::default()
        },
        EventFilter {
            event_type: Some(EventType::Battles),
            max_sensitivity: restricted,
            ..Default::default()
        },
        EventFilter {
            text: Some("hostages".into()),
            ..Default::default()
        },
        EventFilter {
            include_retracted: true,
            ..Default::default()
        },
    ];
    let want: [&[u128]; 7] = [
        &[1, 5, 2, 3, 4, 6, 8],
        &[1, 2, 3, 4, 6],
        &[8],
        &[1, 2, 4, 6],
        &[5, 2],
        &[1],
        &[1, 5, 2, 3, 4, 6, 7, 8],
    ];
    for (f, want) in filters.iter().zip(want) {
        let want: Vec<Uuid> = want.iter().map(|n| id(*n)).collect();
        let listed = s.list_events(f).await.unwrap();
        assert_eq!(ids(&listed), want, "list {f:?}");
        let n = want.len() as u64;
        assert_eq!(s.count_events(f).await.unwrap(), n, "count {f:?}");
        // The capped count is exact below its cap and stops at it.
        assert_eq!(s.count_events_upto(f, 100).await.unwrap(), n, "{f:?}");
        assert_eq!(
            s.count_events_upto(f, 2).await.unwrap(),
            n.min(2),
            "capped {f:?}"
        );
        // The map projection: the same events in the same order, those with a point,
        // each field as in its document.
        let points = s.map_points(f).await.unwrap();
        let with_point: Vec<&Event> = listed
            .iter()
            .filter(|e| e.location.latitude.is_some())
            .collect();
        assert_eq!(points.len(), with_point.len(), "map {f:?}");
        for (p, e) in points.iter().zip(with_point) {
            assert_eq!(p.id, e.id);
            assert_eq!(p.date_start, e.date_start);
            assert_eq!(p.event_type, e.event_type);
            assert_eq!(p.sub_event_type, e.sub_event_type);
            assert_eq!(p.killed, e.killed_best());
            assert_eq!(Some(p.latitude), e.location.latitude);
            assert_eq!(Some(p.longitude), e.location.longitude);
            assert_eq!(p.geo_precision, e.location.geo_precision);
            assert_eq!(p.admin1, e.location.admin1.as_ref().map(|a| a.name.clone()));
            assert_eq!(p.admin2, e.location.admin2.as_ref().map(|a| a.name.clone()));
            assert_eq!(
                p.admin2_code,
                e.location.admin2.as_ref().and_then(|a| a.code.clone())
            );
            assert_eq!(p.verification, e.verification);
            assert_eq!(p.victim_related, e.is_victim_related());
        }
    }
    // The abduction and the attack are violence against civilians, the clash has deaths:
    // victim-related; the protest and the clashes without casualties are not.
    let points = s.map_points(&EventFilter::default()).await.unwrap();
    let victim: Vec<Uuid> = points
        .iter()
        .filter(|p| p.victim_related)
        .map(|p| p.id)
        .collect();
    assert_eq!(victim, vec![id(1), id(2), id(8)]);
    // Newest first: the same events in reverse, and a capped answer keeps the latest.
    let newest = |limit: Option<u64>| EventFilter {
        newest_first: true,
        limit,
        ..Default::default()
    };
    let mut reversed = want_all();
    reversed.reverse();
    assert_eq!(ids(&s.list_events(&newest(None)).await.unwrap()), reversed);
    assert_eq!(
        ids(&s.list_events(&newest(Some(2))).await.unwrap()),
        vec![id(8), id(6)]
    );
    let newest_points: Vec<Uuid> = s
        .map_points(&newest(Some(2)))
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(newest_points, vec![id(8), id(6)]);
    // Pages are slices of the whole ordered list, offsets included.
    let all = ids(&s.list_events(&EventFilter::default()).await.unwrap());
    for (limit, offset) in [(2, 0), (2, 3), (3, 5), (5, 6)] {
        let page = s
            .list_events(&EventFilter {
                limit: Some(limit),
                offset: Some(offset),
                ..Default::default()
            })
            .await
            .unwrap();
        let end = (offset + limit).min(all.len() as u64) as usize;
        assert_eq!(ids(&page), all[offset as usize..end].to_vec());
    }
}
both!(
    dashboard_reads,
    sqlite_dashboard_reads,
    postgres_dashboard_reads
);

/// Enough events that a needle becomes "dense" for SQLite's FTS probe (5,000 matches):
/// the date-order scan must give what the index gives for rare needles.
async fn text_search_plans(s: &dyn Store) {
    let batch = import_batch(900_000, "many.csv", t0());
    let mut session = s.begin_import(&batch).await.unwrap();
    let n = 5_200u32;
    let mut chunk = Vec::new();
    for i in 0..n {
        let date = day(2018, 1, 1) + chrono::Duration::days(i64::from(i % 900));
        let mut e = event(1_000 + u128::from(i), date, SubEventType::ArmedClash);
        e.notes = if i % 1_000 == 7 {
            format!("Checkpoint at Boulkessi, report {i}")
        } else {
            format!("Clash near the market, report {i}")
        };
        if i % 10 == 0 {
            e.sensitivity = Sensitivity::Confidential;
        }
        chunk.push(e);
        if chunk.len() == 1_000 {
            session
                .upsert_chunk(std::mem::take(&mut chunk))
                .await
                .unwrap();
        }
    }
    session.upsert_chunk(chunk).await.unwrap();
    session.commit(&batch).await.unwrap();

    let search = |text: &str, max: Option<Sensitivity>, limit: u64, offset: u64| EventFilter {
        text: Some(text.into()),
        max_sensitivity: max,
        limit: Some(limit),
        offset: Some(offset),
        ..Default::default()
    };
    // Dense ("market": every event but six) and rare ("boulkessi": six).
    let all = s.list_events(&EventFilter::default()).await.unwrap();
    for (needle, max) in [
        ("market", None),
        ("MARKET", Some(Sensitivity::Restricted)),
        ("boulkessi", None),
        ("boulkessi", Some(Sensitivity::Restricted)),
        ("nowhere at all", None),
    ] {
        let matching: Vec<Uuid> = all
            .iter()
            .filter(|e| e.notes.to_lowercase().contains(&needle.to_lowercase()))
            .filter(|e| max.is_none_or(|m| e.sensitivity <= m))
            .map(|e| e.id)
            .collect();
        for (limit, offset) in [(50, 0), (50, 4_000), (3, 2)] {
            let page = s
                .list_events(&search(needle, max, limit, offset))
                .await
                .unwrap();
            let from = (offset as usize).min(matching.len());
            let to = (from + limit as usize).min(matching.len());
            assert_eq!(
                ids(&page),
                matching[from..to].to_vec(),
                "{needle} {max:?} {limit}+{offset}"
            );
        }
        let f = search(needle, max, 1, 0);
        let exact = matching.len() as u64;
        assert_eq!(s.count_events(&f).await.unwrap(), exact, "{needle}");
        assert_eq!(
            s.count_events_upto(&f, 1_000).await.unwrap(),
            exact.min(1_000),
            "{needle} capped"
        );
        let mapped = s
            .map_points(&EventFilter {
                limit: None,
                offset: None,
                ..f
            })
            .await
            .unwrap();
        assert!(mapped.is_empty(), "none of these events has a point");
    }
}
both!(
    text_search_plans,
    sqlite_text_search_plans,
    postgres_text_search_plans
);

/// The data version moves with every write a cached answer depends on, and only then.
async fn data_version(s: &dyn Store) {
    let v0 = s.data_version().await.unwrap();
    let mut e = dataset().remove(1);
    s.create_event(&e, "analyst", None).await.unwrap();
    let v1 = s.data_version().await.unwrap();
    assert!(v1 > v0, "create: {v0} -> {v1}");
    // Reads leave it alone.
    s.list_events(&EventFilter::default()).await.unwrap();
    s.count_events_upto(&EventFilter::default(), 10)
        .await
        .unwrap();
    s.map_points(&EventFilter::default()).await.unwrap();
    s.get_event(e.id).await.unwrap();
    assert_eq!(s.data_version().await.unwrap(), v1, "reads");
    e.notes = "revised".into();
    s.update_event(&e, "analyst", Some("typo")).await.unwrap();
    let v2 = s.data_version().await.unwrap();
    assert!(v2 > v1, "update");
    s.retract_event(e.id, "analyst", "duplicate").await.unwrap();
    let v3 = s.data_version().await.unwrap();
    assert!(v3 > v2, "retract");
    s.put_protection_record(
        "cell_override",
        "Mopti|2019-05-01|1|any",
        &serde_json::json!({"likelihood": "high"}),
        "analyst",
        Some("field report"),
    )
    .await
    .unwrap();
    let v4 = s.data_version().await.unwrap();
    assert!(v4 > v3, "protection record");
    s.append_reference_edit(
        "actor",
        "new-militia",
        &serde_json::json!({"op": "add"}),
        "analyst",
        Some("new group"),
    )
    .await
    .unwrap();
    let v5 = s.data_version().await.unwrap();
    assert!(v5 > v4, "reference edit");
}
both!(data_version, sqlite_data_version, postgres_data_version);
