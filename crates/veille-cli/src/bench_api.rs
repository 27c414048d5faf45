//! `veille bench api`: latency and throughput of the dashboard's typical API calls under
//! concurrent load, over real HTTP on loopback, against a database filled with synthetic
//! events (SQLite, and PostgreSQL when a URL is given).
//!
//! Calls measured (each for `--seconds`, `--concurrency` clients): the map GeoJSON of a
//! region and month, an events-table page, an event page, a text search, and the threat
//! matrix (admin1 and admin2 alternately, at an analyst's clearance).

use crate::Global;
use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use veille_ingest::{import_file, ImportOptions};
use veille_server::{auth, AppState, Config, Permission, Role};

/// `veille bench api` arguments.
#[derive(Debug, Args)]
pub struct ApiBench {
    /// Synthetic events loaded first.
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 50)]
    concurrency: usize,
    /// Seconds per call type.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// PostgreSQL URL: also measure on PostgreSQL (default: VEILLE_TEST_DATABASE_URL).
    #[arg(long, env = "VEILLE_TEST_DATABASE_URL", hide_env_values = true)]
    postgres: Option<String>,
    /// Working directory for the synthetic CSV and the SQLite file.
    #[arg(long, default_value = "target/bench-api")]
    workdir: PathBuf,
}

/// One call type's figures.
#[derive(Debug, Serialize)]
pub struct CallStats {
    /// Backend.
    pub backend: String,
    /// Call name.
    pub call: String,
    /// Requests completed.
    pub requests: usize,
    /// Non-2xx answers.
    pub errors: usize,
    /// Requests per second.
    pub throughput: f64,
    /// Latency percentiles in ms.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
}

/// Builds the request path of the i-th request of a call type.
type PathFn = Arc<dyn Fn(usize) -> String + Send + Sync>;

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Imports the synthetic CSV into `store` (enriched), printing the time taken.
pub async fn fill(store: &dyn veille_store::Store, csv: &std::path::Path) -> Result<()> {
    let opts = ImportOptions {
        by: "bench".into(),
        enricher: Some(veille_ingest::StandardEnricher::shipped()?),
        ..ImportOptions::default()
    };
    let t = Instant::now();
    let r = import_file(store, csv, &opts, &mut |_| {}).await?;
    eprintln!(
        "  loaded {} events in {:.0} s",
        r.batch.rows_created,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn measure(
    backend: &str,
    store: Arc<dyn veille_store::Store>,
    auth_store: Arc<dyn veille_store::AuthStore>,
    a: &ApiBench,
) -> Result<Vec<CallStats>> {
    let state = Arc::new(AppState::new(
        store.clone(),
        auth_store.clone(),
        Config::default(),
    )?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(veille_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    let name = format!("bench-{}", uuid::Uuid::now_v7().simple());
    let hash = auth::hash_password(&auth::random_secret())?;
    auth_store
        .create_user(&name, Role::Analyst.code(), "en", &hash, "bench")
        .await?;
    let user = auth_store
        .user_by_name(&name)
        .await?
        .context("bench user vanished")?;
    let (token, _) = auth::issue_token(
        auth_store.as_ref(),
        &user,
        "bench",
        &[Permission::EventsRead, Permission::ProtectRead],
        None,
    )
    .await?;
    let sample = store
        .list_events(&veille_store::EventFilter {
            limit: Some(200),
            ..Default::default()
        })
        .await?;
    if sample.is_empty() {
        bail!("no events loaded");
    }
    let ids: Arc<Vec<String>> = Arc::new(sample.iter().map(|e| e.id.to_string()).collect());
    let month = sample[sample.len() / 2].date_start;
    let first = month.format("%Y-%m-01").to_string();
    let last = (month + chrono::Duration::days(31))
        .format("%Y-%m-01")
        .to_string();
    let calls: Vec<(&str, PathFn)> = vec![
        (
            "map: region + month",
            Arc::new(move |_| {
                format!("/api/map/events.geojson?admin1=Mopti&date_from={first}&date_to={last}")
            }),
        ),
        (
            "events table page",
            Arc::new(|i| format!("/api/events?limit=50&offset={}", (i * 50) % 5000)),
        ),
        ("event page", {
            let ids = ids.clone();
            Arc::new(move |i| format!("/api/events/{}", ids[i % ids.len()]))
        }),
        (
            "search",
            Arc::new(|i| {
                let q = ["ogossagou", "mopti", "jnim", "bankass", "famas"][i % 5];
                format!("/api/events?q={q}&limit=50")
            }),
        ),
        (
            "threat matrix",
            Arc::new(|i| {
                let level = ["admin1", "admin2"][i % 2];
                format!("/api/assessments?level={level}")
            }),
        ),
    ];
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .build()?;
    let mut out = Vec::new();
    for (call, path) in calls {
        let deadline = Instant::now() + Duration::from_secs(a.seconds);
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..a.concurrency {
            let (client, base, token, path) =
                (client.clone(), base.clone(), token.clone(), path.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                let mut i = w * 7919;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let r = client
                        .get(format!("{base}{}", path(i)))
                        .bearer_auth(&token)
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                        }
                        _ => errors += 1,
                    }
                    lat.push(t.elapsed().as_secs_f64() * 1e3);
                    i += 1;
                }
                (lat, errors)
            }));
        }
        let mut lat = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await?;
            lat.extend(l);
            errors += e;
        }
        let secs = t0.elapsed().as_secs_f64();
        lat.sort_by(f64::total_cmp);
        out.push(CallStats {
            backend: backend.to_string(),
            call: call.to_string(),
            requests: lat.len(),
            errors,
            throughput: lat.len() as f64 / secs,
            p50_ms: pct(&lat, 0.50),
            p95_ms: pct(&lat, 0.95),
            p99_ms: pct(&lat, 0.99),
        });
    }
    let _ = stop.send(());
    server.await??;
    Ok(out)
}

/// Runs the benchmark.
pub async fn run(a: ApiBench, global: &Global) -> Result<()> {
    std::fs::create_dir_all(&a.workdir)?;
    let csv = a.workdir.join(format!("synth-{}.csv", a.events));
    if !csv.exists() {
        crate::synth::write_file(a.events, 1, &csv)?;
    }
    let mut all = Vec::new();
    let db = a.workdir.join(format!("api-{}.db", a.events));
    let fresh = !db.exists();
    let (store, auth_store) = crate::open_store_with_auth(&db.display().to_string()).await?;
    if fresh {
        eprintln!("SQLite: filling {}", db.display());
        fill(store.as_ref(), &csv).await?;
    }
    all.extend(measure("sqlite", store, auth_store, &a).await?);
    if let Some(url) = &a.postgres {
        let schema = format!("bench_api_{}", a.events);
        let pg = Arc::new(veille_store::PgStore::connect_in_schema(url, &schema).await?);
        crate::rollup::attach(pg.as_ref()).await?;
        let n = veille_store::Store::count_events(pg.as_ref(), &Default::default()).await?;
        if n < a.events {
            eprintln!("PostgreSQL: filling schema {schema}");
            fill(pg.as_ref(), &csv).await?;
        }
        all.extend(measure("postgres", pg.clone(), pg, &a).await?);
    }
    if global.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    println!(
        "API load: {} events, {} concurrent clients, {} s per call, loopback HTTP",
        a.events, a.concurrency, a.seconds
    );
    println!(
        "{:<9} {:<22} {:>8} {:>7} {:>9} {:>8} {:>8} {:>8}",
        "backend", "call", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"
    );
    for s in &all {
        println!(
            "{:<9} {:<22} {:>8} {:>7} {:>9.0} {:>8.1} {:>8.1} {:>8.1}",
            s.backend, s.call, s.requests, s.errors, s.throughput, s.p50_ms, s.p95_ms, s.p99_ms
        );
    }
    Ok(())
}
