//! One storage story, run on both backends (the atuin / ripgrep pattern).
//!
//! `both!(story, sqlite_name, postgres_name)` turns each `async fn story(&dyn Store)`
//! into two tests: `sqlite_<name>` always runs, on a fresh file in a temp dir;
//! `postgres_<name>` runs in its own fresh schema when `VEILLE_TEST_DATABASE_URL` is set,
//! prints a skip line when it is not, and fails when `VEILLE_REQUIRE_POSTGRES=1` asks for
//! PostgreSQL and the URL is missing.
//!
//! `same_answers_on_both_backends` runs one scripted story on both and compares the JSON
//! of everything it read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;
use veille_model::{
    ActorParticipation, ActorRole, AdminUnit, Attribution, Count, Event, EventType, ExternalId,
    ImportBatch, Provenance, RevisionAction, Source, SubEventType, VerificationStatus,
};
#[macro_use]
mod common;

use common::*;
use veille_store::{EventFilter, SqliteStore, Store, StoreError, UpsertOutcome};

// ---------------------------------------------------------------- fixtures

fn event(n: u128, date: NaiveDate, sub: SubEventType) -> Event {
    let mut e = Event::new(date, sub, "MLI", "analyst", t0());
    e.id = id(n);
    e
}

fn actor(name: &str) -> ActorParticipation {
    ActorParticipation {
        actor_id: None,
        name: name.into(),
        role: ActorRole::Perpetrator,
        side: None,
        attribution: Attribution::Stated,
        inter_code: None,
        source_actor_id: None,
    }
}

fn with_admin1(mut e: Event, name: &str) -> Event {
    e.location.admin1 = Some(AdminUnit::named(name));
    e
}

/// An event as the GED importer would offer it: a fresh id, an external id, provenance.
fn imported(n: u128, ext: &str, killed: u32) -> Event {
    let mut e = event(n, day(2019, 3, 23), SubEventType::Attack);
    e.external_ids = vec![ExternalId(ext.into())];
    e.casualties.killed.total = Some(Count::exact(killed));
    e.location.admin1 = Some(AdminUnit::named("Mopti"));
    e.provenance = Some(Provenance {
        format: "ged".into(),
        batch_id: None,
        original: BTreeMap::from([("id".to_string(), ext.to_string())]),
    });
    e.audit.created_by = "importer".into();
    e.audit.updated_by = "importer".into();
    e
}

fn counted(mut b: ImportBatch, outcomes: &[UpsertOutcome]) -> ImportBatch {
    for o in outcomes {
        b.rows_read += 1;
        match o {
            UpsertOutcome::Created(_) => b.rows_created += 1,
            UpsertOutcome::Updated(_) => b.rows_updated += 1,
            UpsertOutcome::Unchanged(_) => b.rows_unchanged += 1,
        }
    }
    b
}

fn ids(events: &[Event]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}

/// Six events for the filter and stats stories.
fn dataset() -> Vec<Event> {
    let mut a = with_admin1(event(1, day(2019, 3, 23), SubEventType::Attack), "Mopti");
    a.actors = vec![actor("Dan Na Ambassagou")];
    a.location.place_name = Some("Ogossagou".into());
    a.casualties.killed.total = Some(Count::exact(157));
    a.notes = "Dozo militia attack on a Fulani village".into();
    a.external_ids = vec![ExternalId("ged:1".into())];

    let mut b = with_admin1(
        event(2, day(2020, 6, 13), SubEventType::ArmedClash),
        "Ségou",
    );
    b.actors = vec![actor("JNIM: Group for Support of Islam and Muslims")];
    b.casualties.killed.total = Some(Count::exact(24));
    b.sources = vec![Source {
        publisher: "Reuters".into(),
        headline: Some("Soldiers killed near Bouka Wéré".into()),
        ..Source::default()
    }];

    // Same day as `b`: ordered after it by id.
    let mut c = with_admin1(
        event(3, day(2020, 6, 13), SubEventType::PeacefulProtest),
        "Bamako",
    );
    c.notes = "Protest about a 50% rise in fuel prices".into();

    let mut d = event(4, day(2021, 1, 3), SubEventType::AirDroneStrike);
    d.location.admin1 = Some(AdminUnit::named("MOPTI"));
    d.location.where_description = Some("wedding near Bounti".into());
    d.casualties.killed.total = Some(Count::exact(19));
    d.notes = "500 guests".into();

    let mut e = with_admin1(event(5, day(2021, 12, 3), SubEventType::Attack), "Mopti");
    e.actors = vec![actor("JNIM"), actor("Unidentified gunmen")];
    e.casualties.killed.total = Some(Count::exact(31));
    e.date_end = day(2021, 12, 5);

    // A Burkina Faso event.
    let mut f = with_admin1(event(6, day(2022, 2, 1), SubEventType::Attack), "Sahel");
    f.location.country = "BFA".into();
    f.casualties.killed.total = Some(Count::exact(2));
    vec![a, b, c, d, e, f]
}

async fn load(s: &dyn Store, events: &[Event]) {
    for e in events {
        s.create_event(e, "analyst", None).await.unwrap();
    }
}

// ---------------------------------------------------------------- stories

async fn create_and_get(s: &dyn Store) {
    let e = dataset().remove(0);
    assert_eq!(s.get_event(e.id).await.unwrap(), None);
    let rev = s
        .create_event(&e, "analyst", Some("field report"))
        .await
        .unwrap();
    assert_eq!(rev.seq, 1);
    assert_eq!(rev.action, RevisionAction::Create);
    assert_eq!(rev.event_id, e.id);
    assert_eq!(rev.reason.as_deref(), Some("field report"));
    assert!(rev.changes.iter().any(|c| c.field == "location.place_name"
        && c.before == Value::Null
        && c.after == json!("Ogossagou")));
    assert_eq!(s.get_event(e.id).await.unwrap(), Some(e.clone()));
    assert_eq!(s.find_by_external_id("ged:1").await.unwrap(), Some(e.id));
    assert_eq!(s.find_by_external_id("ged:2").await.unwrap(), None);
    assert_eq!(s.history(e.id).await.unwrap(), vec![rev]);
    assert_eq!(s.history(id(999)).await.unwrap(), vec![]);
    assert!(matches!(
        s.create_event(&e, "analyst", None).await,
        Err(StoreError::AlreadyExists(i)) if i == e.id
    ));
}
both!(
    create_and_get,
    sqlite_create_and_get,
    postgres_create_and_get
);

async fn validation_error(s: &dyn Store) {
    let mut e = event(1, day(2020, 6, 13), SubEventType::ArmedClash);
    e.location.country = "Mali".into();
    let err = s.create_event(&e, "analyst", None).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { id, .. } if id == e.id));
    assert_eq!(
        err.to_string(),
        format!(
            "invalid event {}: location.country: 'Mali' is not an ISO 3166-1 alpha-3 code",
            e.id
        )
    );
    assert_eq!(s.get_event(e.id).await.unwrap(), None);
    // Updates are validated too.
    e.location.country = "MLI".into();
    s.create_event(&e, "analyst", None).await.unwrap();
    e.date_end = day(2020, 6, 1);
    let err = s.update_event(&e, "analyst", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid event {}: date_end: date_end 2020-06-01 is before date_start 2020-06-13",
            e.id
        )
    );
}
both!(
    validation_error,
    sqlite_validation_error,
    postgres_validation_error
);

async fn duplicate_external_id(s: &dyn Store) {
    let mut a = event(1, day(2020, 1, 1), SubEventType::Attack);
    a.external_ids = vec![ExternalId("acled:MLI1".into())];
    s.create_event(&a, "analyst", None).await.unwrap();
    let mut b = event(2, day(2020, 1, 2), SubEventType::Attack);
    b.external_ids = vec![ExternalId("ged:9".into()), ExternalId("acled:MLI1".into())];
    let err = s.create_event(&b, "analyst", None).await.unwrap_err();
    assert!(matches!(
        &err,
        StoreError::DuplicateExternalId { external_id, existing }
            if external_id == "acled:MLI1" && *existing == a.id
    ));
    assert_eq!(
        err.to_string(),
        format!("external id acled:MLI1 already belongs to event {}", a.id)
    );
    assert_eq!(s.get_event(b.id).await.unwrap(), None);
    assert_eq!(s.find_by_external_id("ged:9").await.unwrap(), None);
    // Nor can an update steal it.
    b.external_ids = vec![ExternalId("ged:9".into())];
    s.create_event(&b, "analyst", None).await.unwrap();
    b.external_ids.push(ExternalId("acled:MLI1".into()));
    assert!(matches!(
        s.update_event(&b, "analyst", None).await,
        Err(StoreError::DuplicateExternalId { .. })
    ));
}
both!(
    duplicate_external_id,
    sqlite_duplicate_external_id,
    postgres_duplicate_external_id
);

async fn update_with_history(s: &dyn Store) {
    let e = event(1, day(2019, 3, 23), SubEventType::Attack);
    let created = s.create_event(&e, "analyst", None).await.unwrap();

    let mut changed = e.clone();
    changed.casualties.killed.total = Some(Count::exact(157));
    changed.location.place_name = Some("Ogossagou".into());
    changed.external_ids = vec![ExternalId("ged:1".into())];
    // Whatever audit the caller sends, creation is kept and the update is stamped.
    changed.audit.created_by = "someone else".into();
    let rev = s
        .update_event(&changed, "editor", Some("MINUSMA report"))
        .await
        .unwrap()
        .expect("a change");
    assert_eq!(rev.seq, 2);
    assert_eq!(rev.action, RevisionAction::Update);
    assert_eq!(rev.by, "editor");
    assert_eq!(rev.reason.as_deref(), Some("MINUSMA report"));
    let fields: Vec<&str> = rev.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "casualties.killed.total.best",
            "casualties.killed.total.high",
            "casualties.killed.total.low",
            "external_ids",
            "location.place_name"
        ]
    );
    assert_eq!(rev.changes[0].after, json!(157));

    let stored = s.get_event(e.id).await.unwrap().unwrap();
    assert_eq!(stored.audit.created_by, "analyst");
    assert_eq!(stored.audit.created_at, t0());
    assert_eq!(stored.audit.updated_by, "editor");
    assert_eq!(stored.audit.updated_at, rev.at);
    assert_eq!(stored.killed_best(), 157);
    assert_eq!(s.find_by_external_id("ged:1").await.unwrap(), Some(e.id));

    // Same content again: no revision.
    assert_eq!(s.update_event(&stored, "editor", None).await.unwrap(), None);
    assert_eq!(s.history(e.id).await.unwrap(), vec![created, rev]);

    // Updating an unknown event.
    let ghost = event(2, day(2019, 3, 23), SubEventType::Attack);
    assert!(matches!(
        s.update_event(&ghost, "editor", None).await,
        Err(StoreError::NotFound(i)) if i == ghost.id
    ));
}
both!(
    update_with_history,
    sqlite_update_with_history,
    postgres_update_with_history
);

async fn retract(s: &dyn Store) {
    let events = dataset();
    load(s, &events).await;
    let target = events[1].id;
    assert!(matches!(
        s.retract_event(target, "editor", "  ").await,
        Err(StoreError::ReasonRequired)
    ));
    assert!(matches!(
        s.retract_event(id(999), "editor", "duplicate").await,
        Err(StoreError::NotFound(_))
    ));
    let rev = s
        .retract_event(target, "editor", "duplicate of ged:1")
        .await
        .unwrap();
    assert_eq!(rev.action, RevisionAction::Retract);
    assert_eq!(rev.seq, 2);
    assert_eq!(rev.reason.as_deref(), Some("duplicate of ged:1"));
    assert_eq!(rev.changes.len(), 1);
    assert_eq!(rev.changes[0].field, "verification");
    assert_eq!(rev.changes[0].before, json!("unverified"));
    assert_eq!(rev.changes[0].after, json!("retracted"));
    assert!(matches!(
        s.retract_event(target, "editor", "again").await,
        Err(StoreError::AlreadyRetracted(i)) if i == target
    ));

    // Still readable, with its history.
    let stored = s.get_event(target).await.unwrap().unwrap();
    assert_eq!(stored.verification, VerificationStatus::Retracted);
    let history = s.history(target).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1], rev);

    // Excluded from lists and counts unless asked.
    let all = EventFilter::default();
    assert!(!ids(&s.list_events(&all).await.unwrap()).contains(&target));
    assert_eq!(s.count_events(&all).await.unwrap(), 5);
    let with = EventFilter {
        include_retracted: true,
        ..EventFilter::default()
    };
    assert!(ids(&s.list_events(&with).await.unwrap()).contains(&target));
    assert_eq!(s.count_events(&with).await.unwrap(), 6);
}
both!(retract, sqlite_retract, postgres_retract);

async fn filters(s: &dyn Store) {
    let events = dataset();
    // Insert in reverse so ordering comes from the query, not insertion.
    let mut rev = events.clone();
    rev.reverse();
    load(s, &rev).await;
    let list = |f: EventFilter| async move { ids(&s.list_events(&f).await.unwrap()) };
    let count = |f: EventFilter| async move { s.count_events(&f).await.unwrap() };
    let all = ids(&events);

    // Ordering: date_start, then id.
    assert_eq!(list(EventFilter::default()).await, all);
    // Date range: overlapping events (date_end >= from, date_start <= to).
    let f = EventFilter {
        date_from: Some(day(2020, 6, 13)),
        date_to: Some(day(2021, 1, 3)),
        ..Default::default()
    };
    assert_eq!(list(f.clone()).await, vec![id(2), id(3), id(4)]);
    assert_eq!(count(f).await, 3);
    let f = EventFilter {
        date_from: Some(day(2021, 12, 5)),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(5), id(6)]);
    // Country.
    let f = EventFilter {
        country: Some("BFA".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(6)]);
    // Admin1, case-insensitive exact (including non-ASCII letters).
    let f = EventFilter {
        admin1: Some("mopti".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(1), id(4), id(5)]);
    let f = EventFilter {
        admin1: Some("SÉGOU".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(2)]);
    let f = EventFilter {
        admin1: Some("Mop".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, Vec::<Uuid>::new());
    // Event type.
    let f = EventFilter {
        event_type: Some(EventType::ViolenceAgainstCivilians),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(1), id(5), id(6)]);
    // Actor text, case-insensitive substring.
    let f = EventFilter {
        actor_text: Some("jNiM".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(2), id(5)]);
    let f = EventFilter {
        actor_text: Some("ambassa".into()),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(1)]);
    // Free text: notes, place, where-description, actors, headlines.
    for (needle, want) in [
        ("FULANI", vec![id(1)]),
        ("ogossagou", vec![id(1)]),
        ("bounti", vec![id(4)]),
        ("bouka wéré", vec![id(2)]),
        ("BOUKA WÉRÉ", vec![id(2)]),
        ("gunmen", vec![id(5)]),
        // % and _ are literal, not wildcards.
        ("50%", vec![id(3)]),
        ("5_0", vec![]),
        ("nowhere", vec![]),
    ] {
        let f = EventFilter {
            text: Some(needle.into()),
            ..Default::default()
        };
        assert_eq!(list(f).await, want, "text {needle}");
    }
    // Combined.
    let f = EventFilter {
        admin1: Some("Mopti".into()),
        event_type: Some(EventType::ViolenceAgainstCivilians),
        date_from: Some(day(2020, 1, 1)),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(5)]);
    // Limit and offset; count ignores them.
    let f = EventFilter {
        limit: Some(2),
        offset: Some(1),
        ..Default::default()
    };
    assert_eq!(list(f.clone()).await, vec![id(2), id(3)]);
    assert_eq!(count(f).await, 6);
    let f = EventFilter {
        offset: Some(4),
        ..Default::default()
    };
    assert_eq!(list(f).await, vec![id(5), id(6)]);
    let f = EventFilter {
        limit: Some(0),
        ..Default::default()
    };
    assert_eq!(list(f).await, Vec::<Uuid>::new());
}
both!(filters, sqlite_filters, postgres_filters);

async fn import_session(s: &dyn Store) {
    let b1 = import_batch(1001, "ged-2019.csv", t0() + Duration::days(1));
    let mut session = s.begin_import(&b1).await.unwrap();
    let first = vec![
        imported(11, "ged:1", 10),
        imported(12, "ged:2", 5),
        imported(13, "ged:3", 0),
    ];
    let out = session.upsert_chunk(first.clone()).await.unwrap();
    assert_eq!(
        out,
        vec![
            UpsertOutcome::Created(id(11)),
            UpsertOutcome::Created(id(12)),
            UpsertOutcome::Created(id(13)),
        ]
    );
    let b1 = counted(b1, &out);
    session.commit(&b1).await.unwrap();
    // The stored event carries its batch in its provenance.
    let stored = s.get_event(id(11)).await.unwrap().unwrap();
    assert_eq!(stored.provenance.as_ref().unwrap().batch_id, Some(b1.id));
    assert_eq!(s.find_by_external_id("ged:2").await.unwrap(), Some(id(12)));

    // History of an imported event: one import revision synthesised from its batch.
    let h = s.history(id(11)).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].seq, 1);
    assert_eq!(h[0].action, RevisionAction::Import);
    assert_eq!(h[0].by, "importer");
    assert_eq!(h[0].at, b1.at);
    assert_eq!(h[0].batch_id, Some(b1.id));
    assert_eq!(
        h[0].reason.as_deref(),
        Some("imported from ged-2019.csv (sha256 abcdef012345)")
    );
    assert!(h[0].changes.is_empty());

    // Re-import: the importer makes fresh ids; external ids decide.
    let b2 = import_batch(1002, "ged-2019-v2.csv", t0() + Duration::days(2));
    let mut session = s.begin_import(&b2).await.unwrap();
    let mut changed4 = imported(24, "ged:4", 3);
    changed4.notes = "second report".into();
    let out_a = session
        .upsert_chunk(vec![
            imported(21, "ged:1", 10), // unchanged
            imported(22, "ged:2", 6),  // changed
            imported(23, "ged:4", 2),  // new
            changed4,                  // same external id in the same chunk: update
        ])
        .await
        .unwrap();
    assert_eq!(
        out_a,
        vec![
            UpsertOutcome::Unchanged(id(11)),
            UpsertOutcome::Updated(id(12)),
            UpsertOutcome::Created(id(23)),
            UpsertOutcome::Updated(id(23)),
        ]
    );
    let out_b = session
        .upsert_chunk(vec![
            imported(25, "ged:4", 4), // same external id in a later chunk: update
            imported(26, "ged:5", 1), // new
            imported(27, "ged:5", 1), // same again: unchanged
        ])
        .await
        .unwrap();
    assert_eq!(
        out_b,
        vec![
            UpsertOutcome::Updated(id(23)),
            UpsertOutcome::Created(id(26)),
            UpsertOutcome::Unchanged(id(26)),
        ]
    );
    let all: Vec<UpsertOutcome> = out_a.iter().chain(&out_b).copied().collect();
    let b2 = counted(b2, &all);
    session.commit(&b2).await.unwrap();

    assert_eq!(s.count_events(&EventFilter::default()).await.unwrap(), 5);
    assert_eq!(s.find_by_external_id("ged:4").await.unwrap(), Some(id(23)));
    let e2 = s.get_event(id(12)).await.unwrap().unwrap();
    assert_eq!(e2.killed_best(), 6);
    assert_eq!(e2.audit.created_by, "importer");
    assert_eq!(e2.audit.updated_by, "importer");
    let e4 = s.get_event(id(23)).await.unwrap().unwrap();
    assert_eq!(e4.killed_best(), 4);
    assert_eq!(e4.notes, "");

    // History: import (from batch 1), then the re-import's update (seq 2).
    let h = s.history(id(12)).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!((h[0].seq, h[0].action), (1, RevisionAction::Import));
    assert_eq!(h[0].batch_id, Some(b1.id));
    assert_eq!((h[1].seq, h[1].action), (2, RevisionAction::Update));
    assert_eq!(h[1].batch_id, Some(b2.id));
    assert_eq!(h[1].reason, Some(format!("re-import batch {}", b2.id)));
    assert_eq!(h[1].by, "importer");
    let fields: Vec<&str> = h[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "casualties.killed.total.best",
            "casualties.killed.total.high",
            "casualties.killed.total.low"
        ]
    );
    // ged:4: created by batch 2 then changed twice in the same session.
    let h = s.history(id(23)).await.unwrap();
    let seqs: Vec<(u32, RevisionAction)> = h.iter().map(|r| (r.seq, r.action)).collect();
    assert_eq!(
        seqs,
        vec![
            (1, RevisionAction::Import),
            (2, RevisionAction::Update),
            (3, RevisionAction::Update)
        ]
    );
    assert_eq!(h[0].batch_id, Some(b2.id));

    // A hand edit of an imported event continues the sequence.
    let mut edit = e2.clone();
    edit.notes = "checked with the cercle".into();
    let rev = s
        .update_event(&edit, "analyst", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rev.seq, 3);

    // Batches, oldest first, with their counts.
    let batches = s.import_batches().await.unwrap();
    assert_eq!(batches, vec![b1.clone(), b2.clone()]);
    assert_eq!(
        (
            b2.rows_read,
            b2.rows_created,
            b2.rows_updated,
            b2.rows_unchanged
        ),
        (7, 2, 3, 2)
    );
    assert_eq!(s.import_batch(b2.id).await.unwrap(), Some(b2));
    assert_eq!(s.import_batch(id(999)).await.unwrap(), None);

    // No revision row per created event: 5 synthesised + 3 re-import updates + 1 edit.
    assert_eq!(s.stats().await.unwrap().revisions, 9);

    // A re-import that adds an external id, then a row that carries only the new one:
    // the old id stays attached (a row never takes away what the event already has).
    let b3 = import_batch(1003, "acled.csv", t0() + Duration::days(3));
    let mut session = s.begin_import(&b3).await.unwrap();
    let mut both = imported(31, "ged:3", 0);
    both.external_ids.push(ExternalId("acled:MLI3".into()));
    let mut only_acled = imported(32, "acled:MLI3", 0);
    only_acled.notes = "ACLED only".into();
    let out = session.upsert_chunk(vec![both]).await.unwrap();
    assert_eq!(out, vec![UpsertOutcome::Updated(id(13))]);
    let out = session.upsert_chunk(vec![only_acled]).await.unwrap();
    assert_eq!(out, vec![UpsertOutcome::Updated(id(13))]);
    session.commit(&b3).await.unwrap();
    assert_eq!(
        s.find_by_external_id("acled:MLI3").await.unwrap(),
        Some(id(13))
    );
    assert_eq!(s.find_by_external_id("ged:3").await.unwrap(), Some(id(13)));
    assert_eq!(s.history(id(13)).await.unwrap().len(), 3);
}
both!(
    import_session,
    sqlite_import_session,
    postgres_import_session
);

async fn rollback_leaves_nothing(s: &dyn Store) {
    let b = import_batch(1001, "ged.csv", t0());
    let mut session = s.begin_import(&b).await.unwrap();
    session
        .upsert_chunk(vec![imported(11, "ged:1", 1), imported(12, "ged:2", 2)])
        .await
        .unwrap();
    session.rollback().await.unwrap();
    assert_eq!(s.count_events(&EventFilter::default()).await.unwrap(), 0);
    assert_eq!(s.find_by_external_id("ged:1").await.unwrap(), None);
    assert_eq!(s.import_batches().await.unwrap(), vec![]);

    // Dropping a session is a rollback too.
    {
        let mut session = s.begin_import(&b).await.unwrap();
        session
            .upsert_chunk(vec![imported(11, "ged:1", 1)])
            .await
            .unwrap();
    }
    assert_eq!(s.get_event(id(11)).await.unwrap(), None);

    // An offered event whose external ids belong to two different events fails.
    let mut session = s.begin_import(&b).await.unwrap();
    session
        .upsert_chunk(vec![imported(11, "ged:1", 1), imported(12, "ged:2", 2)])
        .await
        .unwrap();
    let mut both_ids = imported(13, "ged:1", 1);
    both_ids.external_ids.push(ExternalId("ged:2".into()));
    let err = session.upsert_chunk(vec![both_ids]).await.unwrap_err();
    assert!(matches!(err, StoreError::DuplicateExternalId { .. }));
    // Invalid events are refused.
    let mut bad = imported(14, "ged:9", 1);
    bad.location.latitude = Some(95.0);
    bad.location.longitude = Some(1.0);
    assert!(matches!(
        session.upsert_chunk(vec![bad]).await,
        Err(StoreError::Invalid { .. })
    ));
    session.rollback().await.unwrap();
    assert_eq!(s.stats().await.unwrap(), Default::default());
}
both!(
    rollback_leaves_nothing,
    sqlite_rollback_leaves_nothing,
    postgres_rollback_leaves_nothing
);

/// Re-importing a dataset row updates the fields it carries but keeps the external ids
/// and sources analysts attached since (by hand, or by merging a duplicate into it).
async fn reimport_keeps_what_analysts_added(s: &dyn Store) {
    let b = import_batch(1101, "ged.csv", t0());
    let mut session = s.begin_import(&b).await.unwrap();
    session
        .upsert_chunk(vec![imported(21, "ged:21", 3)])
        .await
        .unwrap();
    session.commit(&b).await.unwrap();
    // An analyst attaches an ACLED id and a second source.
    let mut e = s.get_event(id(21)).await.unwrap().unwrap();
    e.external_ids.push(ExternalId("acled:TST21".into()));
    let extra = veille_model::Source {
        publisher: "OCHA sitrep".into(),
        url: None,
        date: None,
        headline: None,
        reliability: veille_model::Reliability::B,
        credibility: veille_model::Credibility::ProbablyTrue,
    };
    e.sources.push(extra.clone());
    s.update_event(&e, "analyst", Some("same incident in ACLED"))
        .await
        .unwrap();
    // The dataset is re-imported with a corrected death toll.
    let b2 = import_batch(1102, "ged-v2.csv", t0());
    let mut session = s.begin_import(&b2).await.unwrap();
    let out = session
        .upsert_chunk(vec![imported(99, "ged:21", 5)])
        .await
        .unwrap();
    session.commit(&b2).await.unwrap();
    assert_eq!(out, vec![UpsertOutcome::Updated(id(21))]);
    let after = s.get_event(id(21)).await.unwrap().unwrap();
    assert_eq!(after.killed_best(), 5, "the row's new value is taken");
    assert!(after
        .external_ids
        .contains(&ExternalId("acled:TST21".into())));
    assert!(after.sources.contains(&extra), "{:?}", after.sources);
    assert_eq!(
        s.find_by_external_id("acled:TST21").await.unwrap(),
        Some(id(21))
    );
    // Re-importing the same row again changes nothing.
    let b3 = import_batch(1103, "ged-v2.csv", t0());
    let mut session = s.begin_import(&b3).await.unwrap();
    let out = session
        .upsert_chunk(vec![imported(98, "ged:21", 5)])
        .await
        .unwrap();
    session.commit(&b3).await.unwrap();
    assert_eq!(out, vec![UpsertOutcome::Unchanged(id(21))]);
}
both!(
    reimport_keeps_what_analysts_added,
    sqlite_reimport_keeps_what_analysts_added,
    postgres_reimport_keeps_what_analysts_added
);

async fn stats(s: &dyn Store) {
    assert_eq!(s.stats().await.unwrap(), Default::default());
    let events = dataset();
    load(s, &events).await;
    s.retract_event(id(6), "editor", "wrong country")
        .await
        .unwrap();
    let mut no_admin = event(7, day(2018, 5, 1), SubEventType::Arrests);
    no_admin.casualties.killed.total = None;
    s.create_event(&no_admin, "analyst", None).await.unwrap();
    let b = import_batch(1001, "ged.csv", t0());
    let mut session = s.begin_import(&b).await.unwrap();
    session
        .upsert_chunk(vec![imported(11, "ged:11", 3)])
        .await
        .unwrap();
    session.commit(&b).await.unwrap();

    let st = s.stats().await.unwrap();
    assert_eq!(st.events, 7);
    assert_eq!(st.retracted, 1);
    assert_eq!(st.killed_best, 157 + 24 + 19 + 31 + 3);
    assert_eq!(st.first_date, Some(day(2018, 5, 1)));
    assert_eq!(st.last_date, Some(day(2021, 12, 5)));
    assert_eq!(
        st.by_type,
        vec![
            ("Battles".to_string(), 1),
            ("Explosions/Remote violence".to_string(), 1),
            ("Protests".to_string(), 1),
            ("Strategic developments".to_string(), 1),
            ("Violence against civilians".to_string(), 3),
        ]
    );
    assert_eq!(
        st.by_admin1,
        vec![
            (String::new(), 1),
            ("Bamako".to_string(), 1),
            ("MOPTI".to_string(), 1),
            ("Mopti".to_string(), 3),
            ("Ségou".to_string(), 1),
        ]
    );
    assert_eq!(st.by_year, vec![(2018, 1), (2019, 2), (2020, 2), (2021, 2)]);
    assert_eq!(st.import_batches, 1);
    // 7 creates + 1 retraction stored, 1 import synthesised.
    assert_eq!(st.revisions, 9);
}
both!(stats, sqlite_stats, postgres_stats);

// ---------------------------------------------------------------- same answers

/// A scripted story whose every answer is collected as JSON.
async fn script(s: &dyn Store) -> Value {
    let mut out = BTreeMap::<String, Value>::new();
    let mut put = |k: &str, v: Value| {
        out.insert(k.to_string(), v);
    };
    let events = dataset();
    let mut created = Vec::new();
    for e in &events {
        created.push(s.create_event(e, "analyst", Some("seed")).await.unwrap());
    }
    put("created", json!(created));
    let mut e = events[0].clone();
    e.casualties.injured.total = Some(Count {
        low: 3,
        best: 5,
        high: 9,
    });
    put(
        "update",
        json!(s.update_event(&e, "editor", Some("MINUSMA")).await.unwrap()),
    );
    put(
        "unchanged_update",
        json!(s.update_event(&e, "editor", None).await.unwrap()),
    );
    put(
        "retract",
        json!(s.retract_event(id(3), "editor", "duplicate").await.unwrap()),
    );
    put(
        "errors",
        json!([
            s.retract_event(id(3), "editor", "again")
                .await
                .unwrap_err()
                .to_string(),
            s.retract_event(id(3), "editor", "")
                .await
                .unwrap_err()
                .to_string(),
            s.create_event(&events[0], "x", None)
                .await
                .unwrap_err()
                .to_string(),
        ]),
    );

    let b1 = import_batch(1001, "ged-a.csv", t0() + Duration::days(1));
    let mut session = s.begin_import(&b1).await.unwrap();
    let o1 = session
        .upsert_chunk(
            (0..40)
                .map(|i| imported(100 + i, &format!("ged:{}", i % 30), 1))
                .collect(),
        )
        .await
        .unwrap();
    let o2 = session
        .upsert_chunk(
            (0..20)
                .map(|i| imported(200 + i, &format!("ged:{}", i + 20), 2))
                .collect(),
        )
        .await
        .unwrap();
    let all: Vec<UpsertOutcome> = o1.iter().chain(&o2).copied().collect();
    session.commit(&counted(b1, &all)).await.unwrap();
    put("outcomes", json!(all));

    let everything = EventFilter {
        include_retracted: true,
        ..Default::default()
    };
    put("list_all", json!(s.list_events(&everything).await.unwrap()));
    put(
        "list_filtered",
        json!(s
            .list_events(&EventFilter {
                admin1: Some("mopti".into()),
                text: Some("a".into()),
                limit: Some(5),
                offset: Some(1),
                ..Default::default()
            })
            .await
            .unwrap()),
    );
    put(
        "count",
        json!(s.count_events(&EventFilter::default()).await.unwrap()),
    );
    let mut histories = Vec::new();
    for e in s.list_events(&everything).await.unwrap() {
        histories.push(json!([e.id, s.history(e.id).await.unwrap()]));
    }
    put("histories", json!(histories));
    put("stats", json!(s.stats().await.unwrap()));
    put("batches", json!(s.import_batches().await.unwrap()));
    json!(out)
}

/// What the store itself generates at write time (revision ids are `Uuid::now_v7()`,
/// revision `at` and `audit.updated_at` are the clock) differs between two runs on any
/// backend, so it is replaced by its order of appearance. Everything else is compared
/// as is.
fn normalise(v: &mut Value, seen: &mut BTreeMap<String, String>) {
    let token = |s: &str, kind: &str, seen: &mut BTreeMap<String, String>| {
        let n = seen.len();
        seen.entry(format!("{kind}{s}"))
            .or_insert_with(|| format!("<{kind} {n}>"))
            .clone()
    };
    match v {
        Value::Object(m) => {
            let is_revision = m.contains_key("seq") && m.contains_key("action");
            if is_revision && m.get("action") != Some(&json!("import")) {
                for k in ["id", "at"] {
                    if let Some(Value::String(s)) = m.get(k) {
                        let t = token(s, k, seen);
                        m.insert(k.into(), Value::String(t));
                    }
                }
            }
            if let Some(Value::Object(a)) = m.get_mut("audit") {
                if let Some(Value::String(s)) = a.get("updated_at") {
                    if *s != json!(t0()).as_str().unwrap_or_default() {
                        let t = token(s, "at", seen);
                        a.insert("updated_at".into(), Value::String(t));
                    }
                }
            }
            for (_, x) in m.iter_mut() {
                normalise(x, seen);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| normalise(x, seen)),
        _ => {}
    }
}

#[tokio::test]
async fn same_answers_on_both_backends() {
    let h = Harness::sqlite().await;
    let mut a = script(h.store.as_ref()).await;
    h.finish().await;
    normalise(&mut a, &mut BTreeMap::new());
    // The script must have produced something substantial.
    // 5 live seed events, ged:0..39 imported except ged:1, which updates seed event 1.
    assert_eq!(a["count"], json!(5 + 39));
    let Some(h) = Harness::postgres("same_answers").await else {
        return;
    };
    let mut b = script(h.store.as_ref()).await;
    h.finish().await;
    normalise(&mut b, &mut BTreeMap::new());
    if a != b {
        let pa = serde_json::to_string_pretty(&a).unwrap();
        let pb = serde_json::to_string_pretty(&b).unwrap();
        for (i, (x, y)) in pa.lines().zip(pb.lines()).enumerate() {
            if x != y {
                panic!("backends differ at line {i}:\nsqlite:   {x}\npostgres: {y}");
            }
        }
        panic!("backends differ in length");
    }
}

// ---------------------------------------------------------------- backend-specific

#[tokio::test]
async fn open_picks_the_backend_from_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.db");
    let s = veille_store::open(p.to_str().unwrap()).await.unwrap();
    assert_eq!(s.backend(), veille_store::Backend::Sqlite);
    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    let s = veille_store::open(&url).await.unwrap();
    assert_eq!(s.backend(), veille_store::Backend::Sqlite);
    assert!(dir.path().join("b.db").exists());
    let err = veille_store::open("mysql://root:hunter2@db/veille")
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)));
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn a_corrupt_document_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("c.db")).await.unwrap();
    let e = event(1, day(2020, 1, 1), SubEventType::Attack);
    store.create_event(&e, "analyst", None).await.unwrap();
    sqlx::query("UPDATE events SET doc = '{\"id\": 1}'")
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.get_event(e.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(store.list_events(&EventFilter::default()).await.is_err());
}
