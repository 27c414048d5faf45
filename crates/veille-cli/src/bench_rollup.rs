//! `veille bench rollup`: the persisted rollups with N synthetic events stored.
//!
//! - **Incremental update**: events revised one at a time through `Store::update_event`
//!   with the rollups maintained in the same transaction, against the peer measured in the
//!   same run: the same kind of revisions through a store handle with no contributor
//!   (which only marks the rollups stale). The difference is the rollups' cost per event.
//! - **Full-country assessment**: read the month cells, build the series, assess every
//!   region (what `veille assess` and the threat-matrix endpoint do).
//! - **Full rebuild** once at the end (it also clears the stale mark the peer left).

use crate::bench::median;
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use veille_protect::assess::{assess_all, month_start, ModelParams, Series};
use veille_protect::rollup::{Level, Rollup};
use veille_store::{EventFilter, RollupQuery, Store};

/// `veille bench rollup` arguments.
#[derive(Debug, Args)]
pub struct RollupBench {
    /// Synthetic events stored first.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Runs; medians are reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Events revised per run and per side.
    #[arg(long, default_value_t = 500)]
    updates: u64,
    /// PostgreSQL URL: measure there instead of SQLite (a schema `bench_rollup_N`).
    #[arg(long)]
    postgres: Option<String>,
    /// Working directory for the synthetic CSV and the SQLite file.
    #[arg(long, default_value = "target/bench-rollup")]
    workdir: PathBuf,
}

/// Revises `n` events from `offset` (one more person killed) one at a time; ms per event.
async fn revise(store: &dyn Store, offset: u64, n: u64, bump: u32) -> Result<f64> {
    let events = store
        .list_events(&EventFilter {
            offset: Some(offset),
            limit: Some(n),
            ..EventFilter::default()
        })
        .await?;
    if events.is_empty() {
        bail!("no events at offset {offset}: store more events or revise fewer");
    }
    let t = Instant::now();
    for e in events.iter().cloned() {
        revise_one(store, e, bump, "bench revision").await?;
    }
    Ok(t.elapsed().as_secs_f64() * 1e3 / events.len() as f64)
}

/// Stores `e` revised with `more` people killed (the benches' kind of revision).
pub(crate) async fn revise_one(
    store: &dyn Store,
    mut e: veille_model::Event,
    more: u32,
    reason: &str,
) -> Result<()> {
    let k = e.killed_best() + more;
    e.casualties.killed.total = Some(veille_model::Count::exact(k));
    store.update_event(&e, "bench", Some(reason)).await?;
    Ok(())
}

/// Reads the month cells and assesses every region; seconds and areas assessed.
async fn assess_country(store: &dyn Store) -> Result<(f64, usize, usize)> {
    let t = Instant::now();
    let cells = store
        .rollup_cells(&RollupQuery {
            unit_kind: Some("admin1".into()),
            grain: Some("month".into()),
            perp: Some(veille_store::rollup::FACET_ALL.into()),
            victim: Some(veille_store::rollup::FACET_ALL.into()),
            ..RollupQuery::default()
        })
        .await?;
    let totals = store
        .rollup_cells(&RollupQuery {
            unit_kind: Some("admin1".into()),
            grain: Some("total".into()),
            ..RollupQuery::default()
        })
        .await?;
    let mut all = cells;
    all.extend(totals);
    let r = Rollup::from_cells(&all).map_err(anyhow::Error::msg)?;
    let params = ModelParams::default();
    let s = Series::from_rollup(&r, Level::Admin1, &params);
    let period = s
        .coverage
        .map(|(_, hi)| month_start(hi + 1))
        .unwrap_or_default();
    let out = assess_all(&s, period, 1, &params);
    Ok((t.elapsed().as_secs_f64(), out.len(), all.len()))
}

/// Runs the benchmark.
pub async fn run(a: RollupBench) -> Result<()> {
    std::fs::create_dir_all(&a.workdir)?;
    let csv = a.workdir.join(format!("synth-{}.csv", a.events));
    if !csv.exists() {
        crate::synth::write_file(a.events, 1, &csv)?;
    }
    let (store, peer): (Arc<dyn Store>, Arc<dyn Store>) = match &a.postgres {
        Some(url) => {
            let schema = format!("bench_rollup_{}", a.events);
            let s: Arc<dyn Store> =
                Arc::new(veille_store::PgStore::connect_in_schema(url, &schema).await?);
            crate::rollup::attach(s.as_ref()).await?;
            let p: Arc<dyn Store> =
                Arc::new(veille_store::PgStore::connect_in_schema(url, &schema).await?);
            (s, p)
        }
        None => {
            let db = a.workdir.join(format!("rollup-{}.db", a.events));
            let url = db.display().to_string();
            (
                crate::open_store(&url).await?,
                veille_store::open(&url).await?,
            )
        }
    };
    let stored = store.count_events(&EventFilter::default()).await?;
    if stored < a.events {
        eprintln!(
            "storing {} synthetic events (rollups maintained)…",
            a.events
        );
        let t = Instant::now();
        crate::bench_api::fill(store.as_ref(), &csv).await?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "import with rollups: {} events in {:.0} s ({:.0} events/s)",
            a.events,
            secs,
            a.events as f64 / secs
        );
    }
    if store.rollup_status().await?.stale {
        eprintln!("rollups stale from an earlier run: rebuilding first");
        crate::rollup::rebuild(store.as_ref(), false).await?;
    }
    let n = store.count_events(&EventFilter::default()).await?;
    let (mut with, mut assess) = (Vec::new(), Vec::new());
    let mut areas = 0;
    let mut cells = 0;
    for run in 0..a.runs {
        let bump = 1 + run as u32;
        with.push(revise(store.as_ref(), run as u64 * a.updates, a.updates, bump).await?);
        let (secs, n_areas, n_cells) = assess_country(store.as_ref()).await?;
        // Printed as it goes: a long rebuild at the end must not hide these.
        eprintln!(
            "run {}: revision with rollups {:.3} ms/event; full-country assessment {secs:.3} s",
            run + 1,
            with[run]
        );
        assess.push(secs);
        (areas, cells) = (n_areas, n_cells);
    }
    let mut without = Vec::new();
    let base = a.runs as u64 * a.updates;
    for run in 0..a.runs {
        let off = base + run as u64 * a.updates;
        without.push(revise(peer.as_ref(), off, a.updates, 1).await?);
        eprintln!(
            "peer run {}: revision without rollups {:.3} ms/event",
            run + 1,
            without[run]
        );
    }
    let t = Instant::now();
    let stats = crate::rollup::rebuild(store.as_ref(), true).await?;
    let rebuild = t.elapsed().as_secs_f64();
    let (w, wo) = (median(with), median(without));
    println!(
        "{} events stored ({}), medians of {} runs:",
        n,
        if a.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        a.runs
    );
    println!(
        "  revision with rollups maintained:   {w:.3} ms/event ({} events per run)",
        a.updates
    );
    println!("  revision without rollups (peer):    {wo:.3} ms/event");
    println!(
        "  incremental rollup cost:            {:.3} ms/event",
        w - wo
    );
    println!(
        "  full-country assessment from the persisted rollups: {:.3} s ({} regions, {} cells read)",
        median(assess),
        areas,
        cells
    );
    println!(
        "  full rebuild: {:.0} s ({} events counted, {} cells); peak RSS {:.0} MB",
        rebuild,
        stats.events_counted,
        stats.cells,
        crate::bench::peak_rss_mb()
    );
    Ok(())
}
