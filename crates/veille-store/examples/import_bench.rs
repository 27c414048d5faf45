//! Bulk-import throughput: generates GED-like events and upserts them through an
//! [`ImportSession`](veille_store::ImportSession), printing events per second.
//!
//! ```text
//! cargo run --release -p veille-store --example import_bench -- [EVENTS] [CHUNK]
//! ```
//!
//! Defaults: 200,000 events in chunks of 5,000, into a fresh SQLite file in a temp dir.
//! With `VEILLE_TEST_DATABASE_URL` set it also runs on PostgreSQL, in a throwaway schema.
//! A second pass re-imports the same rows (all unchanged) to time the lookup path;
//! `BENCH_CREATE_ONLY=1` skips it.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;
use std::time::Instant;
use veille_model::{
    ActorParticipation, ActorRole, AdminUnit, Attribution, Count, Event, ExternalId, ImportBatch,
    Provenance, Source, SubEventType,
};
use veille_store::{PgStore, SqliteStore, Store};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const ADMIN1: &[&str] = &["Mopti", "Ségou", "Tombouctou", "Gao", "Kidal", "Koulikoro"];
const SUBS: &[SubEventType] = &[
    SubEventType::Attack,
    SubEventType::ArmedClash,
    SubEventType::RemoteExplosiveLandmineIed,
    SubEventType::AbductionForcedDisappearance,
];

fn gen(i: u64) -> Event {
    let base = NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default();
    let date = base + Duration::days((i % 4000) as i64);
    let now = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let sub = SUBS[(i % SUBS.len() as u64) as usize];
    let mut e = Event::new(date, sub, "MLI", "import", now);
    e.external_ids = vec![ExternalId(format!("ged:{i}"))];
    let admin1 = ADMIN1[(i % ADMIN1.len() as u64) as usize];
    e.location.admin1 = Some(AdminUnit::named(admin1));
    e.location.place_name = Some(format!("Village {}", i % 997));
    e.location.latitude = Some(14.0 + (i % 100) as f64 / 100.0);
    e.location.longitude = Some(-4.0 + (i % 77) as f64 / 100.0);
    e.casualties.killed.total = Some(Count::exact((i % 13) as u32));
    e.actors = vec![ActorParticipation {
        actor_id: None,
        name: "JNIM: Group for Support of Islam and Muslims".into(),
        role: ActorRole::Perpetrator,
        side: None,
        attribution: Attribution::Attributed,
        inter_code: None,
        source_actor_id: Some("6716".into()),
    }];
    e.sources = vec![Source {
        publisher: "Reuters".into(),
        headline: Some(format!("Attack near village {}", i % 997)),
        ..Source::default()
    }];
    e.notes = format!("Gunmen attacked village {} in {admin1}.", i % 997);
    let original: BTreeMap<String, String> = [
        ("id", i.to_string()),
        ("year", date.format("%Y").to_string()),
        ("type_of_violence", "3".into()),
        ("side_a", "JNIM".into()),
        ("side_b", "Civilians".into()),
        ("adm_1", format!("{admin1} region")),
        ("where_coordinates", format!("Village {}", i % 997)),
        ("best", (i % 13).to_string()),
        ("date_start", date.to_string()),
        ("date_end", date.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    e.provenance = Some(Provenance {
        format: "ged".into(),
        batch_id: None,
        original,
    });
    e
}

async fn run(store: &dyn Store, n: u64, chunk: u64, label: &str) -> Res<()> {
    let passes: &[&str] = if std::env::var("BENCH_CREATE_ONLY").is_ok() {
        &["create"]
    } else {
        &["create", "unchanged"]
    };
    for pass in passes {
        let batch = ImportBatch {
            id: uuid::Uuid::now_v7(),
            file_name: "bench.csv".into(),
            sha256: "0".repeat(64),
            format: "ged".into(),
            rows_read: n,
            rows_created: 0,
            rows_updated: 0,
            rows_unchanged: 0,
            rows_rejected: 0,
            by: "bench".into(),
            at: Utc::now(),
        };
        let mut gen_time = std::time::Duration::ZERO;
        let start = Instant::now();
        let mut session = store.begin_import(&batch).await?;
        let mut i = 0;
        while i < n {
            let g = Instant::now();
            let events: Vec<Event> = (i..(i + chunk).min(n)).map(gen).collect();
            gen_time += g.elapsed();
            session.upsert_chunk(events).await?;
            i += chunk;
        }
        session.commit(&batch).await?;
        let secs = (start.elapsed() - gen_time).as_secs_f64();
        println!(
            "{label} {pass}: {n} events in {secs:.2} s (excluding {:.2} s generating) = {:.0} events/s",
            gen_time.as_secs_f64(),
            n as f64 / secs
        );
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200_000);
    let chunk: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5_000);
    let doc = serde_json::to_string(&gen(1))?;
    println!("{n} events, chunks of {chunk}, doc ~{} bytes", doc.len());

    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(&dir.path().join("bench.db")).await?;
    run(&store, n, chunk, "sqlite").await?;
    store.close().await;

    if let Ok(url) = std::env::var("VEILLE_TEST_DATABASE_URL") {
        let schema = format!("veille_bench_{}", std::process::id());
        let store = PgStore::connect_in_schema(&url, &schema).await?;
        let r = run(&store, n, chunk, "postgres").await;
        store.drop_schema().await?;
        r?;
    }
    Ok(())
}
