//! The review queue (drafts accepted or rejected), merge/unmerge of duplicate events and
//! the slim dedup projection, each run on SQLite and (when configured) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use veille_model::{
    ActorParticipation, ActorRole, AdminUnit, Attribution, Count, Credibility, DatePrecision,
    Event, ExternalId, ImportBatch, Provenance, Reliability, RevisionAction, Source, SubEventType,
};
#[macro_use]
mod common;

use common::*;
use veille_store::{
    DedupQuery, DedupRecord, DraftStatus, EventFilter, NewDraft, Store, StoreError,
};

// ---------------------------------------------------------------- fixtures

fn event(n: u128) -> Event {
    let mut e = Event::new(
        day(2020, 6, 13),
        SubEventType::ArmedClash,
        "MLI",
        "analyst",
        t0(),
    );
    e.id = id(n);
    e.location.place_name = Some("Bouka Were".into());
    e.location.admin1 = Some(AdminUnit::named("Ségou"));
    e.location.admin2 = Some(AdminUnit::named("Niono"));
    e.location.latitude = Some(14.5);
    e.location.longitude = Some(-5.9);
    e.casualties.killed.total = Some(Count::exact(24));
    e.actors.push(ActorParticipation {
        actor_id: Some("jnim".into()),
        name: "JNIM".into(),
        role: ActorRole::Perpetrator,
        side: None,
        attribution: Attribution::Claimed,
        inter_code: None,
        source_actor_id: None,
    });
    e
}

fn report_source() -> Source {
    Source {
        publisher: "Radio Kledu".into(),
        headline: Some("Embuscade près de Bouka Were".into()),
        reliability: Reliability::B,
        credibility: Credibility::ProbablyTrue,
        ..Source::default()
    }
}

fn new_draft(n: u128) -> NewDraft {
    NewDraft {
        event: event(n),
        evidence: serde_json::json!({"killed": {"span": [52, 60], "confidence": 0.9}}),
        report_text: "Le 13 juin 2020, une embuscade près de Bouka Were a tué 24 soldats.".into(),
        source: report_source(),
    }
}

fn msg<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    r.expect_err("expected an error").to_string()
}

// ---------------------------------------------------------------- stories

async fn draft_accept(s: &dyn Store) {
    let d = s.create_draft(&new_draft(1), "extractor").await.unwrap();
    assert_eq!(d.status, DraftStatus::Draft);
    let d2 = s.create_draft(&new_draft(2), "extractor").await.unwrap();
    assert_eq!(
        s.list_drafts(Some(DraftStatus::Draft)).await.unwrap().len(),
        2
    );
    // Stored as given, with the report text and its graded source.
    let got = s.get_draft(d.id).await.unwrap().unwrap();
    assert_eq!(got, d);
    assert_eq!(got.source.grade(), "B2");
    assert!(got.report_text.contains("Bouka Were"));

    // Accepted as proposed: the event exists, carries the report's source, and its
    // create revision names the draft.
    let e = s.accept_draft(d.id, None, "ana").await.unwrap();
    assert_eq!(e.id, id(1));
    assert_eq!(e.sources, vec![report_source()]);
    let stored = s.get_event(id(1)).await.unwrap().unwrap();
    assert_eq!(stored, e);
    let h = s.history(id(1)).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].action, RevisionAction::Create);
    assert_eq!(
        h[0].reason.as_deref(),
        Some(format!("accepted from draft {}", d.id).as_str())
    );
    assert_eq!(h[0].by, "ana");
    let got = s.get_draft(d.id).await.unwrap().unwrap();
    assert_eq!(got.status, DraftStatus::Accepted);
    assert_eq!(got.event_id, Some(id(1)));
    let dh = s.draft_history(d.id).await.unwrap();
    let actions: Vec<&str> = dh.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["create", "accept"]);
    // The only change from the proposal is the report's source being attached.
    assert!(
        dh[1].changes.iter().all(|c| c.field == "sources"),
        "{:?}",
        dh[1].changes
    );

    // Twice: exact errors, nothing changes.
    assert_eq!(
        msg(s.accept_draft(d.id, None, "ana").await),
        format!("draft {} is already accepted", d.id)
    );
    assert_eq!(
        msg(s.reject_draft(d.id, "dup", "ana").await),
        format!("draft {} is already accepted", d.id)
    );
    assert_eq!(s.draft_history(d.id).await.unwrap().len(), 2);

    // Accepted with edits: the diff is recorded on the draft.
    let mut edited = d2.event.clone();
    edited.casualties.killed.total = Some(Count::exact(25));
    edited.id = id(99); // ignored: the draft's event id is kept
    let e2 = s.accept_draft(d2.id, Some(&edited), "ana").await.unwrap();
    assert_eq!(e2.id, id(2));
    assert_eq!(e2.killed_best(), 25);
    let dh = s.draft_history(d2.id).await.unwrap();
    let fields: Vec<&str> = dh[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert!(
        fields.contains(&"casualties.killed.total.best"),
        "{fields:?}"
    );
    assert_eq!(
        s.list_drafts(Some(DraftStatus::Draft)).await.unwrap().len(),
        0
    );
    assert_eq!(
        s.list_drafts(Some(DraftStatus::Accepted))
            .await
            .unwrap()
            .len(),
        2
    );

    // An invalid edit is refused and the draft stays in the queue.
    let d3 = s.create_draft(&new_draft(3), "extractor").await.unwrap();
    let mut bad = d3.event.clone();
    bad.location.latitude = Some(123.0);
    assert!(matches!(
        s.accept_draft(d3.id, Some(&bad), "ana").await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        s.get_draft(d3.id).await.unwrap().unwrap().status,
        DraftStatus::Draft
    );
    assert!(s.get_event(id(3)).await.unwrap().is_none());
    // Unknown draft.
    assert_eq!(
        msg(s.accept_draft(id(500), None, "ana").await),
        format!("no draft with id {}", id(500))
    );
}
both!(draft_accept, sqlite_draft_accept, postgres_draft_accept);

async fn draft_reject(s: &dyn Store) {
    let d = s.create_draft(&new_draft(1), "extractor").await.unwrap();
    assert_eq!(
        msg(s.reject_draft(d.id, "  ", "ana").await),
        "a rejection needs a reason"
    );
    let r = s
        .reject_draft(d.id, "duplicate of ged:12989", "ana")
        .await
        .unwrap();
    assert_eq!(r.status, DraftStatus::Rejected);
    assert!(s.get_event(id(1)).await.unwrap().is_none());
    let dh = s.draft_history(d.id).await.unwrap();
    assert_eq!(dh.len(), 2);
    assert_eq!(dh[1].action, "reject");
    assert_eq!(dh[1].by, "ana");
    assert_eq!(dh[1].reason.as_deref(), Some("duplicate of ged:12989"));
    assert_eq!(
        msg(s.accept_draft(d.id, None, "ana").await),
        format!("draft {} is already rejected", d.id)
    );
    assert_eq!(
        msg(s.reject_draft(d.id, "again", "ana").await),
        format!("draft {} is already rejected", d.id)
    );
    assert_eq!(
        s.list_drafts(Some(DraftStatus::Rejected))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.list_drafts(None).await.unwrap().len(), 1);
}
both!(draft_reject, sqlite_draft_reject, postgres_draft_reject);

/// An event as an import would bring it: external id, provenance, a source.
fn imported(n: u128, ext: &str, publisher: &str) -> Event {
    let mut e = event(n);
    e.external_ids = vec![ExternalId(ext.into())];
    e.sources = vec![Source {
        publisher: publisher.into(),
        ..Source::default()
    }];
    e.tags = vec![format!("tag-{n}")];
    e.provenance = Some(Provenance {
        format: "ged".into(),
        batch_id: None,
        original: BTreeMap::from([("id".to_string(), ext.to_string())]),
    });
    e
}

async fn merge_unmerge(s: &dyn Store) {
    let a = imported(1, "ged:1", "AFP");
    let mut b = imported(2, "ged:2", "Reuters");
    b.external_ids.push(ExternalId("acled:TST1".into()));
    b.actors.push(ActorParticipation {
        actor_id: None,
        name: "Dan Na Ambassagou".into(),
        role: ActorRole::Target,
        side: None,
        attribution: Attribution::Stated,
        inter_code: None,
        source_actor_id: None,
    });
    let c = imported(3, "ged:3", "MINUSMA");
    // A is imported (synthesised import revision), B and C created by hand.
    let batch = ImportBatch {
        id: id(900),
        file_name: "ged.csv".into(),
        sha256: "ab".repeat(32),
        format: "ged".into(),
        rows_read: 1,
        rows_created: 1,
        rows_updated: 0,
        rows_unchanged: 0,
        rows_rejected: 0,
        by: "importer".into(),
        at: t0(),
    };
    let mut session = s.begin_import(&batch).await.unwrap();
    session.upsert_chunk(vec![a.clone()]).await.unwrap();
    session.commit(&batch).await.unwrap();
    s.create_event(&b, "ana", None).await.unwrap();
    s.create_event(&c, "ana", None).await.unwrap();
    let a0 = s.get_event(id(1)).await.unwrap().unwrap();
    let b0 = s.get_event(id(2)).await.unwrap().unwrap();

    // Named errors first.
    assert_eq!(
        msg(s.merge_events(id(1), id(1), "ana", None).await),
        format!("cannot merge event {} with itself", id(1))
    );
    assert_eq!(
        msg(s.unmerge_event(id(2), "ana", None).await),
        format!("event {} was never merged into another event", id(2))
    );
    s.retract_event(id(3), "ana", "wrong country")
        .await
        .unwrap();
    let before_stats = s.stats().await.unwrap();
    assert_eq!((before_stats.events, before_stats.killed_best), (2, 48));
    assert_eq!(
        msg(s.merge_events(id(1), id(3), "ana", None).await),
        format!("cannot merge event {}: it is retracted", id(3))
    );
    assert_eq!(
        msg(s.merge_events(id(3), id(1), "ana", None).await),
        format!("cannot merge event {}: it is retracted", id(3))
    );
    assert_eq!(
        msg(s.merge_events(id(1), id(404), "ana", None).await),
        format!("no event with id {}", id(404))
    );

    // Merge B into A.
    let m = s
        .merge_events(id(1), id(2), "ana", Some("same ambush"))
        .await
        .unwrap();
    assert_eq!((m.survivor, m.absorbed), (id(1), id(2)));
    let a1 = s.get_event(id(1)).await.unwrap().unwrap();
    let ext: Vec<&str> = a1.external_ids.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(ext, ["ged:1", "ged:2", "acled:TST1"]);
    let pubs: Vec<&str> = a1.sources.iter().map(|x| x.publisher.as_str()).collect();
    assert_eq!(pubs, ["AFP", "Reuters"]);
    assert_eq!(a1.tags, ["tag-1", "tag-2"]);
    assert_eq!(a1.provenance, a0.provenance);
    // External ids now lead to the survivor; the absorbed event stays, unchanged, hidden.
    assert_eq!(
        s.find_by_external_id("acled:TST1").await.unwrap(),
        Some(id(1))
    );
    assert_eq!(s.find_by_external_id("ged:2").await.unwrap(), Some(id(1)));
    let b1 = s.get_event(id(2)).await.unwrap().unwrap();
    assert!(veille_model::diff_events(Some(&b0), &b1).is_empty());
    assert_eq!(s.merged_into(id(2)).await.unwrap(), Some(id(1)));
    assert_eq!(s.merged_into(id(1)).await.unwrap(), None);
    let listed: Vec<_> = s
        .list_events(&EventFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed, [id(1)]);
    let all = EventFilter {
        include_merged: true,
        ..EventFilter::default()
    };
    assert_eq!(s.count_events(&all).await.unwrap(), 2);
    // B's unresolved actor name is no longer counted while B is merged.
    assert!(s.unresolved_actor_names().await.unwrap().is_empty());
    let st = s.stats().await.unwrap();
    assert_eq!(st.events, before_stats.events - 1);
    assert_eq!(st.killed_best, before_stats.killed_best - 24);
    // Revisions on both.
    let ha = s.history(id(1)).await.unwrap();
    let last = ha.last().unwrap();
    assert_eq!(last.seq, 2);
    assert_eq!(
        last.reason.as_deref(),
        Some(format!("merged: absorbed event {}: same ambush", id(2)).as_str())
    );
    assert!(last.changes.iter().any(|c| c.field == "external_ids"));
    let hb = s.history(id(2)).await.unwrap();
    assert_eq!(
        hb.last().unwrap().reason.as_deref(),
        Some(format!("merged into event {}: same ambush", id(1)).as_str())
    );
    assert_eq!(hb.last().unwrap().changes[0].field, "merged_into");
    // Merging again, either way round, names the survivor.
    let already = format!("event {} is already merged into {}", id(2), id(1));
    assert_eq!(
        msg(s.merge_events(id(1), id(2), "ana", None).await),
        already
    );
    assert_eq!(
        msg(s.merge_events(id(2), id(1), "ana", None).await),
        already
    );

    // Unmerge restores both, field for field.
    let u = s
        .unmerge_event(id(2), "ana", Some("different day"))
        .await
        .unwrap();
    assert!(u.undone_at.is_some());
    let a2 = s.get_event(id(1)).await.unwrap().unwrap();
    let b2 = s.get_event(id(2)).await.unwrap().unwrap();
    assert!(
        veille_model::diff_events(Some(&a0), &a2).is_empty(),
        "{:?}",
        veille_model::diff_events(Some(&a0), &a2)
    );
    assert!(veille_model::diff_events(Some(&b0), &b2).is_empty());
    assert_eq!(
        s.find_by_external_id("acled:TST1").await.unwrap(),
        Some(id(2))
    );
    assert_eq!(s.find_by_external_id("ged:1").await.unwrap(), Some(id(1)));
    assert_eq!(s.merged_into(id(2)).await.unwrap(), None);
    assert_eq!(s.count_events(&EventFilter::default()).await.unwrap(), 2);
    assert_eq!(
        s.stats().await.unwrap().killed_best,
        before_stats.killed_best
    );
    assert_eq!(
        s.unresolved_actor_names().await.unwrap(),
        [("Dan Na Ambassagou".to_string(), 1)]
    );
    assert_eq!(
        msg(s.unmerge_event(id(2), "ana", None).await),
        format!("event {} was never merged into another event", id(2))
    );
    assert_eq!(s.history(id(1)).await.unwrap().len(), 3);
    assert_eq!(s.merges_of(id(1)).await.unwrap().len(), 1);
    // The event can be edited afterwards as any other (its external ids are its own).
    let mut b3 = b2.clone();
    b3.notes = "edited after unmerge".into();
    assert!(s.update_event(&b3, "ana", None).await.unwrap().is_some());

    // Nested: A absorbs B, then C' absorbs A; B cannot be unmerged before A.
    let d = imported(4, "ged:4", "AP");
    s.create_event(&d, "ana", None).await.unwrap();
    s.merge_events(id(1), id(2), "ana", None).await.unwrap();
    s.merge_events(id(4), id(1), "ana", None).await.unwrap();
    assert_eq!(
        msg(s.unmerge_event(id(2), "ana", None).await),
        format!(
            "event {} was merged into {}, which is now merged into {}: unmerge {} first",
            id(2),
            id(1),
            id(4),
            id(1)
        )
    );
    s.unmerge_event(id(1), "ana", None).await.unwrap();
    s.unmerge_event(id(2), "ana", None).await.unwrap();
    let a3 = s.get_event(id(1)).await.unwrap().unwrap();
    assert!(veille_model::diff_events(Some(&a0), &a3).is_empty());
    assert_eq!(s.find_by_external_id("ged:4").await.unwrap(), Some(id(4)));
    assert_eq!(s.find_by_external_id("ged:2").await.unwrap(), Some(id(2)));
}
both!(merge_unmerge, sqlite_merge_unmerge, postgres_merge_unmerge);

async fn dedup_projection(s: &dyn Store) {
    let mut events = Vec::new();
    for n in 1..=25u128 {
        let mut e = event(n);
        e.date_start = day(2020, 1, 1) + chrono::Duration::days(n as i64 * 3);
        e.date_end = e.date_start;
        if n % 5 == 0 {
            e.date_precision = DatePrecision::Month;
            e.date_end = e.date_start + chrono::Duration::days(29);
            e.location.latitude = None;
            e.location.longitude = None;
        }
        if n % 4 == 0 {
            e.external_ids = vec![
                ExternalId(format!("ged:{n}")),
                ExternalId(format!("acled:TST{n}")),
            ];
        }
        if n % 3 == 0 {
            e.actors.push(ActorParticipation {
                actor_id: None,
                name: "Unknown gunmen".into(),
                role: ActorRole::Target,
                side: None,
                attribution: Attribution::Unattributed,
                inter_code: None,
                source_actor_id: None,
            });
        }
        s.create_event(&e, "ana", None).await.unwrap();
        events.push(e);
    }
    s.retract_event(id(7), "ana", "test").await.unwrap();
    s.merge_events(id(8), id(9), "ana", None).await.unwrap();
    // Paged by id, same records as the one derivation from the full event.
    let mut got: Vec<DedupRecord> = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .dedup_records(&DedupQuery {
                after,
                limit: Some(7),
                ..DedupQuery::default()
            })
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        got.extend(page);
    }
    let want: Vec<DedupRecord> = events
        .iter()
        .filter(|e| e.id != id(7) && e.id != id(9))
        .map(DedupRecord::from_event)
        .collect();
    assert_eq!(got, want);
    assert_eq!(got[3].datasets, ["acled", "ged"]);
    // Date window: overlapping only.
    let win = s
        .dedup_records(&DedupQuery {
            date_from: Some(day(2020, 1, 10)),
            date_to: Some(day(2020, 1, 16)),
            ..DedupQuery::default()
        })
        .await
        .unwrap();
    let ids: Vec<_> = win.iter().map(|r| r.id).collect();
    // n=3 (Jan 10), 4 (Jan 13), 5 (Jan 16, month-long).
    assert_eq!(ids, [id(3), id(4), id(5)]);
}
both!(
    dedup_projection,
    sqlite_dedup_projection,
    postgres_dedup_projection
);
