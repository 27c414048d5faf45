//! Reference edits and event ↔ actor links, run on both backends like `story.rs`:
//! `sqlite_<name>` always, `postgres_<name>` in a fresh schema when
//! `VEILLE_TEST_DATABASE_URL` is set (failing when `VEILLE_REQUIRE_POSTGRES=1` and it is
//! not).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;
use veille_model::{
    ActorParticipation, ActorRole, Attribution, Event, ExternalId, Provenance, SubEventType,
};
#[macro_use]
mod common;

use common::*;
use veille_store::{ActorSpan, EventFilter, SqliteStore, Store, UpsertOutcome};

// ---------------------------------------------------------------- fixtures

fn part(actor_id: Option<&str>, name: &str) -> ActorParticipation {
    ActorParticipation {
        actor_id: actor_id.map(str::to_string),
        name: name.into(),
        role: ActorRole::Perpetrator,
        side: None,
        attribution: Attribution::Stated,
        inter_code: None,
        source_actor_id: None,
    }
}

/// An event on `date` with the given `(actor_id, name)` participations.
fn ev(n: u128, date: NaiveDate, actors: &[(Option<&str>, &str)]) -> Event {
    let mut e = Event::new(date, SubEventType::Attack, "MLI", "analyst", t0());
    e.id = id(n);
    e.actors = actors.iter().map(|(a, name)| part(*a, name)).collect();
    e
}

fn imported(n: u128, ext: &str, date: NaiveDate, actors: &[(Option<&str>, &str)]) -> Event {
    let mut e = ev(n, date, actors);
    e.external_ids = vec![ExternalId(ext.into())];
    e.provenance = Some(Provenance {
        format: "ged".into(),
        batch_id: None,
        original: BTreeMap::new(),
    });
    e
}

fn span(actor: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> ActorSpan {
    ActorSpan {
        actor_id: actor.into(),
        from,
        to,
    }
}

fn all() -> EventFilter {
    EventFilter::default()
}

fn ids(events: &[Event]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}

// ---------------------------------------------------------------- stories

async fn reference_edits_round_trip(s: &dyn Store) {
    assert!(s.reference_edits("actor").await.unwrap().is_empty());
    let p1 = json!({"op": "add_alias", "actor": "jnim", "alias": {"text": "Nusrat"}});
    let e1 = s
        .append_reference_edit("actor", "jnim", &p1, "amina", Some("field report"))
        .await
        .unwrap();
    assert_eq!(e1.seq, 1);
    assert_eq!(e1.id.get_version_num(), 7);
    let p2 = json!({"op": "add_actor", "actor": {"id": "katiba-x"}});
    let e2 = s
        .append_reference_edit("actor", "katiba-x", &p2, "moussa", None)
        .await
        .unwrap();
    assert_eq!(e2.seq, 2);
    // Another kind has its own numbering.
    let p3 = json!({"name": "Ogossagou"});
    let e3 = s
        .append_reference_edit("place", "ogossagou", &p3, "amina", None)
        .await
        .unwrap();
    assert_eq!(e3.seq, 1);

    let back = s.reference_edits("actor").await.unwrap();
    assert_eq!(back, vec![e1.clone(), e2.clone()]);
    assert_eq!(back[0].key, "jnim");
    assert_eq!(back[0].by, "amina");
    assert_eq!(back[0].reason.as_deref(), Some("field report"));
    assert_eq!(back[0].payload, p1);
    assert_eq!(s.reference_edits("place").await.unwrap(), vec![e3]);
    assert!(s.reference_edits("boundary").await.unwrap().is_empty());
}

async fn family_counts(s: &dyn Store) {
    // Before JNIM existed: al-mourabitoun and ansar-dine events.
    let events = vec![
        ev(
            1,
            day(2016, 11, 20),
            &[(Some("al-mourabitoun"), "Al Mourabitoun")],
        ),
        ev(2, day(2017, 2, 1), &[(Some("ansar-dine"), "Ansar Dine")]),
        ev(3, day(2017, 3, 2), &[(Some("jnim"), "JNIM")]),
        // Two family actors in one event: counted once.
        ev(
            4,
            day(2018, 5, 1),
            &[
                (Some("jnim"), "JNIM"),
                (Some("al-mourabitoun"), "Al Mourabitoun"),
            ],
        ),
        ev(
            5,
            day(2019, 1, 1),
            &[(Some("jnim"), "GSIM"), (None, "Unidentified gunmen")],
        ),
        ev(6, day(2019, 6, 1), &[(Some("isgs"), "ISGS")]),
        ev(7, day(2020, 1, 1), &[(None, "Unidentified gunmen")]),
    ];
    for e in &events {
        s.create_event(e, "analyst", None).await.unwrap();
    }
    let jnim = vec![span("jnim", Some(day(2017, 3, 2)), None)];
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 3);
    assert_eq!(
        ids(&s.list_events_for_actors(&jnim, &all()).await.unwrap()),
        vec![id(3), id(4), id(5)]
    );
    // With al-mourabitoun's span before the merger.
    let mut with_pred = jnim.clone();
    with_pred.push(span("al-mourabitoun", None, Some(day(2017, 3, 1))));
    assert_eq!(
        s.count_events_for_actors(&with_pred, &all()).await.unwrap(),
        4
    );
    assert_eq!(
        ids(&s.list_events_for_actors(&with_pred, &all()).await.unwrap()),
        vec![id(1), id(3), id(4), id(5)]
    );
    // Open span: all its events.
    let open = vec![span("al-mourabitoun", None, None)];
    assert_eq!(s.count_events_for_actors(&open, &all()).await.unwrap(), 2);
    // Span bounds are inclusive.
    let exact = vec![span("jnim", Some(day(2018, 5, 1)), Some(day(2018, 5, 1)))];
    assert_eq!(s.count_events_for_actors(&exact, &all()).await.unwrap(), 1);
    // No spans: nothing.
    assert_eq!(s.count_events_for_actors(&[], &all()).await.unwrap(), 0);
    assert!(s
        .list_events_for_actors(&[], &all())
        .await
        .unwrap()
        .is_empty());
    // The rest of the filter applies, with limit and offset on the list.
    let f = EventFilter {
        date_to: Some(day(2018, 12, 31)),
        ..all()
    };
    assert_eq!(s.count_events_for_actors(&with_pred, &f).await.unwrap(), 3);
    let page = EventFilter {
        limit: Some(2),
        offset: Some(1),
        ..all()
    };
    assert_eq!(
        ids(&s.list_events_for_actors(&with_pred, &page).await.unwrap()),
        vec![id(3), id(4)]
    );
    assert_eq!(
        s.count_events_for_actors(&with_pred, &page).await.unwrap(),
        4
    );

    // Retracted events drop out unless asked for.
    s.retract_event(id(5), "analyst", "duplicate")
        .await
        .unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 2);
    let incl = EventFilter {
        include_retracted: true,
        ..all()
    };
    assert_eq!(s.count_events_for_actors(&jnim, &incl).await.unwrap(), 3);
}

async fn event_actors_follow_writes(s: &dyn Store) {
    let jnim = vec![span("jnim", None, None)];
    // Create.
    let mut e = ev(1, day(2020, 1, 1), &[(None, "JNIM fighters")]);
    s.create_event(&e, "analyst", None).await.unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 0);
    assert_eq!(
        s.unresolved_actor_names().await.unwrap(),
        vec![("JNIM fighters".to_string(), 1)]
    );
    // Update: resolving the name replaces the rows.
    e.actors = vec![part(Some("jnim"), "JNIM fighters")];
    s.update_event(&e, "analyst", None).await.unwrap().unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 1);
    assert!(s.unresolved_actor_names().await.unwrap().is_empty());
    // Update: moving the date moves the span match.
    e.date_start = day(2021, 1, 1);
    e.date_end = day(2021, 1, 1);
    s.update_event(&e, "analyst", None).await.unwrap().unwrap();
    let y2020 = vec![span("jnim", None, Some(day(2020, 12, 31)))];
    assert_eq!(s.count_events_for_actors(&y2020, &all()).await.unwrap(), 0);
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 1);

    // Import: new events in bulk, then a re-import that changes one.
    let b = import_batch(100, "ged.csv", t0());
    let mut session = s.begin_import(&b).await.unwrap();
    let out = session
        .upsert_chunk(vec![
            imported(11, "ged:1", day(2022, 1, 1), &[(Some("jnim"), "JNIM")]),
            imported(12, "ged:2", day(2022, 1, 2), &[(None, "Dozo")]),
            imported(13, "ged:3", day(2022, 1, 3), &[(Some("isgs"), "IS Sahel")]),
        ])
        .await
        .unwrap();
    assert!(out.iter().all(|o| matches!(o, UpsertOutcome::Created(_))));
    session.commit(&b).await.unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 2);
    assert_eq!(
        s.unresolved_actor_names().await.unwrap(),
        vec![("Dozo".to_string(), 1)]
    );

    let b2 = import_batch(101, "ged.csv", t0());
    let mut session = s.begin_import(&b2).await.unwrap();
    let out = session
        .upsert_chunk(vec![imported(
            21,
            "ged:2",
            day(2022, 1, 2),
            &[(Some("jnim"), "JNIM")],
        )])
        .await
        .unwrap();
    assert_eq!(out, vec![UpsertOutcome::Updated(id(12))]);
    session.commit(&b2).await.unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 3);
    assert!(s.unresolved_actor_names().await.unwrap().is_empty());

    // Retract: the event drops out of both queries.
    s.retract_event(id(12), "analyst", "wrong").await.unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 2);
}

async fn unresolved_counts(s: &dyn Store) {
    let events = vec![
        ev(
            1,
            day(2020, 1, 1),
            &[(None, "Unidentified gunmen"), (None, "Dozo")],
        ),
        ev(2, day(2020, 1, 2), &[(None, "Unidentified gunmen")]),
        ev(
            3,
            day(2020, 1, 3),
            &[(None, "Bandits"), (Some("jnim"), "JNIM")],
        ),
        ev(4, day(2020, 1, 4), &[(None, "Unidentified gunmen")]),
        ev(5, day(2020, 1, 5), &[(None, "Retracted name")]),
        ev(6, day(2020, 1, 6), &[(None, "Dozo")]),
    ];
    for e in &events {
        s.create_event(e, "analyst", None).await.unwrap();
    }
    s.retract_event(id(5), "analyst", "false report")
        .await
        .unwrap();
    assert_eq!(
        s.unresolved_actor_names().await.unwrap(),
        vec![
            ("Unidentified gunmen".to_string(), 3),
            ("Dozo".to_string(), 2),
            ("Bandits".to_string(), 1),
        ]
    );
}

both!(
    reference_edits_round_trip,
    sqlite_reference_edits_round_trip,
    postgres_reference_edits_round_trip
);
both!(family_counts, sqlite_family_counts, postgres_family_counts);
both!(
    event_actors_follow_writes,
    sqlite_event_actors_follow_writes,
    postgres_event_actors_follow_writes
);
both!(
    unresolved_counts,
    sqlite_unresolved_counts,
    postgres_unresolved_counts
);

/// A database written before `event_actors` existed: emptying the table stands for it;
/// opening the file again fills it from the stored documents.
#[tokio::test]
async fn sqlite_backfills_event_actors_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let jnim = vec![span("jnim", None, None)];
    {
        let s = SqliteStore::open(&path).await.unwrap();
        s.create_event(
            &ev(1, day(2020, 1, 1), &[(Some("jnim"), "JNIM")]),
            "a",
            None,
        )
        .await
        .unwrap();
        s.create_event(&ev(2, day(2020, 1, 2), &[(None, "Dozo")]), "a", None)
            .await
            .unwrap();
        s.create_event(&ev(3, day(2020, 1, 3), &[]), "a", None)
            .await
            .unwrap();
        sqlx::query("DELETE FROM event_actors")
            .execute(s.pool())
            .await
            .unwrap();
        assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 0);
        s.close().await;
    }
    let s = SqliteStore::open(&path).await.unwrap();
    assert_eq!(s.count_events_for_actors(&jnim, &all()).await.unwrap(), 1);
    assert_eq!(
        s.unresolved_actor_names().await.unwrap(),
        vec![("Dozo".to_string(), 1)]
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_actors")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
    s.close().await;
    // Opening again does not duplicate the rows.
    let s = SqliteStore::open(&path).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_actors")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
    s.close().await;
}
