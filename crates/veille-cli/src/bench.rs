//! `veille bench import`: imports synthetic GED rows into SQLite and PostgreSQL and
//! compares both with PostgreSQL's own `COPY` of the same CSV.
//!
//! Each measurement runs in a fresh child process (`veille bench import-one`), pinned
//! to one core with `taskset` when available, so that its peak RSS (VmHWM) is its own
//! and the figure is a single-core one. The parent prints medians over the runs.

use crate::Global;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `veille bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import N synthetic GED rows into SQLite and PostgreSQL; compare with COPY.
    Import(ImportBench),
    /// One measurement (run by `bench import` in a child process).
    #[command(hide = true)]
    ImportOne(ImportOne),
    /// API latency (p50/p95/p99) and throughput of the dashboard's calls under load.
    Api(crate::bench_api::ApiBench),
    /// Rollup build, incremental rollup update and full-country threat assessment with N
    /// synthetic events loaded.
    Protect(crate::backtest::ProtectBench),
    /// Persisted rollups with N synthetic events stored: incremental cost per event
    /// written (against a peer without rollups), full-country assessment, full rebuild.
    Rollup(crate::bench_rollup::RollupBench),
    /// Whole-database dedup over N synthetic events in SQLite (imported once).
    Dedup(crate::dedup::DedupBench),
    /// Report-text extraction throughput (reports/s on one thread) over a gold/dev set.
    Extract(ExtractBench),
}

/// `veille bench extract` arguments.
#[derive(Debug, Args)]
pub struct ExtractBench {
    /// Gold or report JSONL file (default: the embedded development set).
    #[arg(long)]
    gold: Option<PathBuf>,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Reports per run at least (the set is repeated).
    #[arg(long, default_value_t = 5000)]
    min_per_run: usize,
}

fn extract_bench(a: ExtractBench, global: &Global) -> Result<()> {
    let text = match &a.gold {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => veille_extract::DEV_GOLD.to_string(),
    };
    let items = veille_extract::eval::read_gold("gold", &text)?;
    let reports: Vec<veille_extract::Report> = items.into_iter().map(|i| i.report).collect();
    let geo = veille_geo::Geo::shipped()?;
    let reg = veille_actors::Registry::shipped()?;
    let ex = veille_extract::Extractor::new(&geo, reg);
    let r = veille_extract::bench::run(&ex, &reports, a.runs, a.min_per_run);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("{r}");
    }
    Ok(())
}

/// `veille bench import` arguments.
#[derive(Debug, Args)]
pub struct ImportBench {
    /// Number of synthetic events.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Synthetic data seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs per target; medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// PostgreSQL URL for the PostgreSQL and COPY targets (default:
    /// VEILLE_TEST_DATABASE_URL). Without one, only SQLite is measured.
    #[arg(long, env = "VEILLE_TEST_DATABASE_URL", hide_env_values = true)]
    postgres: Option<String>,
    /// Working directory for the CSV and the SQLite files.
    #[arg(long, default_value = "target/bench-import")]
    workdir: PathBuf,
}

/// What one child measures.
#[derive(Debug, Clone, Copy, ValueEnum, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `veille import` into a fresh SQLite file.
    Sqlite,
    /// `veille import` into a fresh PostgreSQL schema.
    Postgres,
    /// PostgreSQL `COPY` of the raw CSV into a table with the same columns and indexes.
    Copy,
}

/// `veille bench import-one` arguments.
#[derive(Debug, Args)]
pub struct ImportOne {
    #[arg(long, value_enum)]
    target: Target,
    #[arg(long)]
    file: PathBuf,
    #[arg(long)]
    workdir: PathBuf,
    #[arg(long, env = "VEILLE_BENCH_PG", hide_env_values = true)]
    postgres: Option<String>,
}

/// One measurement, printed by the child as one JSON line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Measurement {
    target: Target,
    events: u64,
    seconds: f64,
    peak_rss_mb: f64,
}

/// Peak resident set size of this process, in MB (Linux VmHWM).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Median of a list (NaN if empty).
pub fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Runs a `veille bench` subcommand.
pub async fn run(cmd: BenchCommand, global: &Global) -> Result<()> {
    match cmd {
        BenchCommand::Import(a) => import(a, global).await,
        BenchCommand::Extract(a) => extract_bench(a, global),
        BenchCommand::ImportOne(a) => {
            let m = import_one(&a).await?;
            println!("{}", serde_json::to_string(&m)?);
            Ok(())
        }
        BenchCommand::Api(a) => crate::bench_api::run(a, global).await,
        BenchCommand::Protect(a) => crate::backtest::bench(a).await,
        BenchCommand::Rollup(a) => crate::bench_rollup::run(a).await,
        BenchCommand::Dedup(a) => crate::dedup::bench(a, global).await,
    }
}

async fn import(a: ImportBench, global: &Global) -> Result<()> {
    std::fs::create_dir_all(&a.workdir)?;
    let csv = a.workdir.join(format!("synth-{}-{}.csv", a.events, a.seed));
    if !csv.exists() {
        eprintln!(
            "generating {} synthetic GED rows (seed {}) → {}",
            a.events,
            a.seed,
            csv.display()
        );
        let tmp = csv.with_extension("csv.part");
        crate::synth::write_file(a.events, a.seed, &tmp)?;
        std::fs::rename(&tmp, &csv)?;
    }
    let bytes = std::fs::metadata(&csv)?.len();
    let exe = std::env::current_exe()?;
    let taskset = which("taskset");
    let mut targets = vec![Target::Sqlite];
    if a.postgres.is_some() {
        targets.extend([Target::Postgres, Target::Copy]);
    } else {
        eprintln!(
            "no PostgreSQL URL (--postgres or VEILLE_TEST_DATABASE_URL): measuring SQLite only"
        );
    }
    let mut results: Vec<Measurement> = Vec::new();
    for run in 1..=a.runs {
        for t in &targets {
            let mut cmd = match &taskset {
                Some(ts) => {
                    let mut c = std::process::Command::new(ts);
                    c.arg("-c").arg("0").arg(&exe);
                    c
                }
                None => std::process::Command::new(&exe),
            };
            cmd.args(["bench", "import-one", "--target"])
                .arg(match t {
                    Target::Sqlite => "sqlite",
                    Target::Postgres => "postgres",
                    Target::Copy => "copy",
                })
                .arg("--file")
                .arg(&csv)
                .arg("--workdir")
                .arg(&a.workdir)
                .arg("--user")
                .arg(&global.user);
            if let Some(pg) = &a.postgres {
                cmd.env("VEILLE_BENCH_PG", pg);
            }
            let out = cmd.output().context("cannot start the benchmark child")?;
            if !out.status.success() {
                bail!(
                    "benchmark child for {t:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            let line = String::from_utf8_lossy(&out.stdout);
            let m: Measurement = serde_json::from_str(line.trim())
                .with_context(|| format!("unexpected child output: {line}"))?;
            eprintln!(
                "run {run}/{}: {:<8} {:>10.0} events/s  ({:.2} s, peak RSS {:.0} MB)",
                a.runs,
                format!("{t:?}"),
                m.events as f64 / m.seconds,
                m.seconds,
                m.peak_rss_mb
            );
            results.push(m);
        }
    }
    let rate = |t: Target| {
        median(
            results
                .iter()
                .filter(|m| m.target == t)
                .map(|m| m.events as f64 / m.seconds)
                .collect(),
        )
    };
    let rss = |t: Target| {
        results
            .iter()
            .filter(|m| m.target == t)
            .map(|m| m.peak_rss_mb)
            .fold(f64::NAN, f64::max)
    };
    let copy = rate(Target::Copy);
    let summary: Vec<serde_json::Value> = targets
        .iter()
        .map(|t| {
            serde_json::json!({
                "target": t,
                "median_events_per_s": rate(*t).round(),
                "ratio_to_copy": if copy.is_finite() { rate(*t) / copy } else { f64::NAN },
                "max_peak_rss_mb": rss(*t).round(),
            })
        })
        .collect();
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "events": a.events, "seed": a.seed, "runs": a.runs, "csv_bytes": bytes,
                "one_core": taskset.is_some(), "results": summary
            }))?
        );
        return Ok(());
    }
    println!(
        "veille bench import: {} synthetic GED rows ({:.0} MB CSV), {} runs each, {}",
        a.events,
        bytes as f64 / 1e6,
        a.runs,
        if taskset.is_some() {
            "pinned to one core"
        } else {
            "not pinned (taskset missing)"
        }
    );
    println!(
        "{:<10} {:>16} {:>14} {:>16}",
        "target", "median events/s", "ratio to COPY", "peak RSS (MB)"
    );
    for t in &targets {
        let ratio = if copy.is_finite() {
            format!("{:.2}", rate(*t) / copy)
        } else {
            "n/a".into()
        };
        println!(
            "{:<10} {:>16.0} {:>14} {:>16.0}",
            format!("{t:?}").to_lowercase(),
            rate(*t),
            ratio,
            rss(*t)
        );
    }
    println!("targets: SQLite ≥ 200000 events/s; SQLite/COPY ≥ 1.0; peak RSS ≤ 300 MB");
    Ok(())
}

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(cmd))
            .find(|p| p.is_file())
    })
}

async fn import_one(a: &ImportOne) -> Result<Measurement> {
    let opts = veille_ingest::ImportOptions {
        format: Some(veille_ingest::ImportFormat::Ged),
        skip_invalid: false,
        rejects_path: None,
        by: "bench".into(),
        enricher: Some(crate::demo::enricher()?),
        ..veille_ingest::ImportOptions::default()
    };
    match a.target {
        Target::Sqlite => {
            let db = a.workdir.join("bench.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let store = crate::open_store(&db.display().to_string()).await?;
            let t = Instant::now();
            let report =
                veille_ingest::import_file(store.as_ref(), &a.file, &opts, &mut |_| {}).await?;
            let seconds = t.elapsed().as_secs_f64();
            Ok(Measurement {
                target: Target::Sqlite,
                events: report.batch.rows_created,
                seconds,
                peak_rss_mb: peak_rss_mb(),
            })
        }
        Target::Postgres => {
            let url = a.postgres.as_deref().context("no PostgreSQL URL")?;
            let schema = format!("veille_bench_{}", std::process::id());
            let store = veille_store::postgres::PgStore::connect_in_schema(url, &schema).await?;
            let t = Instant::now();
            let result = veille_ingest::import_file(&store, &a.file, &opts, &mut |_| {}).await;
            let seconds = t.elapsed().as_secs_f64();
            store.drop_schema().await?;
            let report = result?;
            Ok(Measurement {
                target: Target::Postgres,
                events: report.batch.rows_created,
                seconds,
                peak_rss_mb: peak_rss_mb(),
            })
        }
        Target::Copy => {
            let url = a.postgres.as_deref().context("no PostgreSQL URL")?;
            let (events, seconds) = copy_baseline(url, &a.file).await?;
            Ok(Measurement {
                target: Target::Copy,
                events,
                seconds,
                peak_rss_mb: peak_rss_mb(),
            })
        }
    }
}

/// PostgreSQL `COPY ... FROM STDIN (FORMAT csv, HEADER)` of the raw GED CSV into a
/// table with the GED columns and the same indexes as veille's events table
/// (primary key, date, admin1, type, country).
async fn copy_baseline(url: &str, file: &Path) -> Result<(u64, f64)> {
    use sqlx::Connection;
    use tokio::io::AsyncReadExt;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    let schema = format!("veille_copy_{}", std::process::id());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await?;
    let cols: Vec<String> = veille_model::codebook::GED_COLUMNS
        .iter()
        .map(|c| match *c {
            "id" => "id BIGINT PRIMARY KEY".to_string(),
            "year" | "type_of_violence" | "where_prec" | "date_prec" | "event_clarity"
            | "number_of_sources" | "country_id" => format!("{c} INTEGER"),
            "deaths_a" | "deaths_b" | "deaths_civilians" | "deaths_unknown" | "best" | "high"
            | "low" | "priogrid_gid" => format!("{c} BIGINT"),
            "latitude" | "longitude" => format!("{c} DOUBLE PRECISION"),
            _ => format!("{c} TEXT"),
        })
        .collect();
    let table = format!("{schema}.ged");
    let ddl = [
        format!("CREATE TABLE {table} ({})", cols.join(", ")),
        format!("CREATE INDEX ON {table} (date_start, id)"),
        format!("CREATE INDEX ON {table} (adm_1)"),
        format!("CREATE INDEX ON {table} (type_of_violence)"),
        format!("CREATE INDEX ON {table} (country)"),
    ];
    for stmt in &ddl {
        sqlx::query(stmt).execute(&mut conn).await?;
    }
    let t = Instant::now();
    let mut copy = conn
        .copy_in_raw(&format!(
            "COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
        ))
        .await?;
    let mut f = tokio::fs::File::open(file).await?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        copy.send(&buf[..n]).await?;
    }
    let rows = copy.finish().await?;
    let seconds = t.elapsed().as_secs_f64();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut conn)
        .await?;
    Ok((rows, seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_lists() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    fn peak_rss_is_read_from_proc() {
        let mb = peak_rss_mb();
        assert!(mb > 1.0 && mb < 10_000.0, "{mb}");
    }
}
