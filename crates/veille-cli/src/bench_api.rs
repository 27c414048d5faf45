//! `veille bench api`: latency and throughput of the dashboard's typical API calls under
//! concurrent load, over real HTTP on loopback, against a database filled with synthetic
//! events (SQLite, and PostgreSQL when a URL is given).
//!
//! Calls measured (each for `--seconds`, `--concurrency` clients, at an analyst's
//! clearance), each spread over a working set like a team's day rather than one URL
//! repeated:
//!
//! - map GeoJSON: 10 regions × the 12 latest months of data (120 distinct requests);
//! - events-table page: the first 20 pages, unfiltered or of one of 10 regions (220);
//! - event page: 2,000 events from 20 months across the whole history (not cached);
//! - text search: 20 place and armed-group names (20);
//! - threat matrix: admin1 and admin2 × the 6 latest months (12).
//!
//! Each backend is measured twice: with the server's response cache (answers reused
//! until the data changes; every first request of a key is a miss, counted) and without
//! it (`--cache off`: every answer computed). Nothing is warmed up before the clock starts.
//! `--write-every S` also revises one event every S seconds during each measurement
//! (through the store, rollups maintained), as a live desk does: every write changes the
//! data version, so the cache starts again from misses.

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
    /// PostgreSQL schema holding the events (default `bench_api_<events>`; filled when it
    /// holds fewer).
    #[arg(long)]
    pg_schema: Option<String>,
    /// Which server configurations to measure.
    #[arg(long, value_enum, default_value_t = CacheMode::Both)]
    cache: CacheMode,
    /// Revise one event every this many seconds while measuring (0: no writes).
    #[arg(long, default_value_t = 0.0)]
    write_every: f64,
}

/// With or without the response cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CacheMode {
    /// Only with the cache (the default server configuration).
    On,
    /// Only without it (every answer computed).
    Off,
    /// Both, one after the other.
    Both,
}

/// One call type's figures.
#[derive(Debug, Serialize)]
pub struct CallStats {
    /// Backend.
    pub backend: String,
    /// Response cache on or off.
    pub cache: bool,
    /// Answers served from the cache at the current data version (cache on only).
    pub cache_hits: u64,
    /// Answers computed by the server while the cache was on.
    pub cache_misses: u64,
    /// Previous answers served while the current one was computed (map and matrix).
    pub cache_stale: u64,
    /// Call name.
    pub call: String,
    /// Requests completed.
    pub requests: usize,
    /// Non-2xx answers.
    pub errors: usize,
    /// Events revised during the measurement (`--write-every`).
    pub writes: usize,
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

/// Regions of the working set.
const REGIONS: [&str; 10] = [
    "Mopti",
    "Ségou",
    "Gao",
    "Tombouctou",
    "Kidal",
    "Ménaka",
    "Koulikoro",
    "Kayes",
    "Sikasso",
    "Bamako",
];

/// Searches of the working set: places and armed groups.
const SEARCHES: [&str; 20] = [
    "ogossagou",
    "mopti",
    "jnim",
    "bankass",
    "famas",
    "sobane",
    "djenne",
    "koro",
    "bandiagara",
    "tenenkou",
    "macina",
    "niono",
    "gao",
    "menaka",
    "kidal",
    "tombouctou",
    "wagner",
    "isgs",
    "ansar",
    "boulkessi",
];

/// The first day of the month `back` months before `d`'s.
fn month_back(d: chrono::NaiveDate, back: i32) -> chrono::NaiveDate {
    use chrono::Datelike;
    let m = d.year() * 12 + d.month0() as i32 - back;
    chrono::NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The request paths of each call type (see the module docs).
async fn working_set(store: &dyn veille_store::Store) -> Result<Vec<(&'static str, PathFn)>> {
    let stats = store.stats().await?;
    let Some(last) = stats.last_date else {
        bail!("no events loaded");
    };
    let first = stats.first_date.unwrap_or(last);
    // Event pages: 100 events from each of 20 months spread over the whole history.
    let span = (last - first).num_days().max(1);
    let mut ids = Vec::new();
    for k in 0..20 {
        let day = first + chrono::Duration::days(span * k / 20);
        let from = month_back(day, 0);
        let page = store
            .list_events(&veille_store::EventFilter {
                date_from: Some(from),
                date_to: Some(month_back(day, -1)),
                limit: Some(100),
                ..Default::default()
            })
            .await?;
        ids.extend(page.iter().map(|e| e.id.to_string()));
    }
    if ids.is_empty() {
        bail!("no events to open");
    }
    let ids = Arc::new(ids);
    let months: Arc<Vec<chrono::NaiveDate>> =
        Arc::new((0..13).rev().map(|b| month_back(last, b)).collect());
    let map_months = months.clone();
    let matrix_months = months.clone();
    let region = |i: usize| urlencode(REGIONS[i % REGIONS.len()]);
    Ok(vec![
        (
            "map: region + month",
            Arc::new(move |i| {
                let m = (i / REGIONS.len()) % 12;
                format!(
                    "/api/map/events.geojson?admin1={}&date_from={}&date_to={}",
                    region(i),
                    map_months[m],
                    map_months[m + 1]
                )
            }),
        ),
        (
            "events table page",
            Arc::new(move |i| {
                let offset = (i % 20) * 50;
                match (i / 20) % 11 {
                    0 => format!("/api/events?limit=50&offset={offset}"),
                    r => format!(
                        "/api/events?admin1={}&limit=50&offset={offset}",
                        region(r - 1)
                    ),
                }
            }),
        ),
        ("event page", {
            Arc::new(move |i| format!("/api/events/{}", ids[(i * 7) % ids.len()]))
        }),
        (
            "search",
            Arc::new(|i| format!("/api/events?q={}&limit=50", SEARCHES[i % SEARCHES.len()])),
        ),
        (
            "threat matrix",
            Arc::new(move |i| {
                let level = ["admin1", "admin2"][i % 2];
                let period = matrix_months[12 - (i / 2) % 6].format("%Y-%m");
                format!("/api/assessments?level={level}&period={period}")
            }),
        ),
    ])
}

/// Percent-encodes a query value (region names have accents).
fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn measure(
    backend: &str,
    store: Arc<dyn veille_store::Store>,
    auth_store: Arc<dyn veille_store::AuthStore>,
    a: &ApiBench,
    cache: bool,
) -> Result<Vec<CallStats>> {
    let config = Config {
        response_cache_bytes: if cache {
            Config::default().response_cache_bytes
        } else {
            0
        },
        ..Config::default()
    };
    let state = Arc::new(AppState::new(store.clone(), auth_store.clone(), config)?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(veille_server::serve(listener, state.clone(), async move {
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
    let calls = working_set(store.as_ref()).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .build()?;
    let mut out = Vec::new();
    for (call, path) in calls {
        let before = state.cache.stats();
        let deadline = Instant::now() + Duration::from_secs(a.seconds);
        let t0 = Instant::now();
        let writer = (a.write_every > 0.0).then(|| {
            tokio::spawn(write_during(
                store.clone(),
                Duration::from_secs_f64(a.write_every),
                deadline,
            ))
        });
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
                        .header("accept-encoding", "gzip")
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
        let writes = match writer {
            Some(w) => w.await??,
            None => 0,
        };
        let secs = t0.elapsed().as_secs_f64();
        let after = state.cache.stats();
        lat.sort_by(f64::total_cmp);
        out.push(CallStats {
            backend: backend.to_string(),
            cache,
            cache_hits: after.hits - before.hits,
            cache_misses: after.misses - before.misses,
            cache_stale: after.stale - before.stale,
            call: call.to_string(),
            requests: lat.len(),
            errors,
            writes,
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

/// Revises one event (one more person killed) every `every` until `deadline`, as an
/// analyst or an alert line would; the number of revisions.
async fn write_during(
    store: Arc<dyn veille_store::Store>,
    every: Duration,
    deadline: Instant,
) -> Result<usize> {
    let events = store
        .list_events(&veille_store::EventFilter {
            limit: Some(100),
            ..Default::default()
        })
        .await?;
    let mut n = 0;
    loop {
        tokio::time::sleep(every).await;
        if Instant::now() >= deadline {
            return Ok(n);
        }
        let Some(e) = events.get(n % events.len().max(1)) else {
            bail!("no events to revise");
        };
        let Some(e) = store.get_event(e.id).await? else {
            bail!("event {} vanished", e.id);
        };
        crate::bench_rollup::revise_one(store.as_ref(), e, 1, "bench write under load").await?;
        n += 1;
    }
}

/// The cache settings to measure.
fn modes(m: CacheMode) -> &'static [bool] {
    match m {
        CacheMode::On => &[true],
        CacheMode::Off => &[false],
        CacheMode::Both => &[true, false],
    }
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
    for &cache in modes(a.cache) {
        all.extend(measure("sqlite", store.clone(), auth_store.clone(), &a, cache).await?);
    }
    if let Some(url) = &a.postgres {
        let schema = a
            .pg_schema
            .clone()
            .unwrap_or_else(|| format!("bench_api_{}", a.events));
        let pg = Arc::new(veille_store::PgStore::connect_in_schema(url, &schema).await?);
        crate::rollup::attach(pg.as_ref()).await?;
        let n = veille_store::Store::count_events(pg.as_ref(), &Default::default()).await?;
        if n < a.events {
            eprintln!("PostgreSQL: filling schema {schema}");
            fill(pg.as_ref(), &csv).await?;
        }
        for &cache in modes(a.cache) {
            all.extend(measure("postgres", pg.clone(), pg.clone(), &a, cache).await?);
        }
    }
    if global.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    println!(
        "API load: {} events, {} concurrent clients, {} s per call, loopback HTTP{}",
        a.events,
        a.concurrency,
        a.seconds,
        if a.write_every > 0.0 {
            format!("; one event revised every {} s", a.write_every)
        } else {
            String::new()
        }
    );
    println!(
        "{:<9} {:<6} {:<22} {:>8} {:>7} {:>7} {:>9} {:>8} {:>8} {:>8} {:>19}",
        "backend",
        "cache",
        "call",
        "requests",
        "errors",
        "writes",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "hits/stale/misses"
    );
    for s in &all {
        println!(
            "{:<9} {:<6} {:<22} {:>8} {:>7} {:>7} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>19}",
            s.backend,
            if s.cache { "on" } else { "off" },
            s.call,
            s.requests,
            s.errors,
            s.writes,
            s.throughput,
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            format!("{}/{}/{}", s.cache_hits, s.cache_stale, s.cache_misses)
        );
    }
    Ok(())
}
