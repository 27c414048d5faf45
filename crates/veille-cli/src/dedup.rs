//! `veille dedup` (whole-database merge clusters), `veille dedup candidates ID`,
//! `veille merge A B`, `veille unmerge B` and `veille bench dedup`. Scoring and
//! clustering live in `veille-dedup`; merging in the store.

use crate::events::resolve_id;
use crate::Global;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;
use veille_dedup::{store_candidates, Dedup, DedupConfig, Families, ScanReport, StoreCandidates};
use veille_store::{DedupQuery, DedupRecord, Store};

/// `veille dedup` arguments.
#[derive(Debug, Args)]
pub struct DedupArgs {
    #[command(subcommand)]
    command: Option<DedupCommand>,
    /// Pairs scoring at least this (0–1) are proposed as duplicates.
    #[arg(long, default_value_t = DedupConfig::default().threshold, global = true)]
    threshold: f64,
    /// Show at most this many clusters (or candidates).
    #[arg(long, default_value_t = 20, global = true)]
    limit: usize,
}

/// `veille dedup` subcommands.
#[derive(Debug, Subcommand)]
pub enum DedupCommand {
    /// Likely duplicates of one event (id or external id such as ged:12989) or draft,
    /// with scores and explanations.
    Candidates {
        /// Event id, external id, or draft id.
        id: String,
    },
}

/// `veille merge` arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The event that stays (id or external id).
    survivor: String,
    /// The event merged into it (id or external id).
    absorbed: String,
    /// Why (kept in both histories).
    #[arg(long)]
    reason: Option<String>,
}

/// `veille unmerge` arguments.
#[derive(Debug, Args)]
pub struct UnmergeArgs {
    /// The absorbed event (its id; its external ids point to the survivor while merged).
    absorbed: String,
    /// Why (kept in both histories).
    #[arg(long)]
    reason: Option<String>,
}

/// Page size when reading the slim projection.
const PAGE: u64 = 50_000;

/// Every live event's slim projection, in pages.
pub async fn load_all(store: &dyn Store) -> Result<Vec<DedupRecord>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .dedup_records(&DedupQuery {
                after,
                limit: Some(PAGE),
                ..DedupQuery::default()
            })
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let n = page.len();
        out.extend(page);
        if (n as u64) < PAGE {
            break;
        }
    }
    Ok(out)
}

/// A scorer whose actor families come from the registry (with analysts' edits).
async fn scorer(store: &dyn Store, records: &[DedupRecord], threshold: f64) -> Result<Dedup> {
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1, not {threshold}");
    }
    let registry = veille_ingest::reference::load_registry(Some(store)).await?;
    let ids = Families::ids_of(records);
    Ok(Dedup::new(
        DedupConfig {
            threshold,
            ..DedupConfig::default()
        },
        Families::from_registry(&registry, ids.iter().map(String::as_str)),
    ))
}

/// Runs `veille dedup`.
pub async fn run(args: DedupArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    match &args.command {
        Some(DedupCommand::Candidates { id }) => candidates(&store, id, &args, global).await,
        None => scan(&store, &args, global).await,
    }
}

/// One line describing a record: date, type, place, killed.
fn describe(r: &DedupRecord) -> String {
    let place = match (&r.admin2, &r.admin1) {
        (Some(a2), Some(a1)) => format!("{a2}, {a1}"),
        (None, Some(a1)) => a1.clone(),
        (Some(a2), None) => a2.clone(),
        (None, None) => "?".into(),
    };
    let date = if r.date_start == r.date_end {
        r.date_start.to_string()
    } else {
        format!("{}..{}", r.date_start, r.date_end)
    };
    format!(
        "{date}  {}  {place}  killed {}",
        r.sub_event_type.label(),
        r.killed_best
    )
}

async fn candidates(
    store: &Arc<dyn Store>,
    id: &str,
    args: &DedupArgs,
    global: &Global,
) -> Result<()> {
    // An event (by id or external id), else a draft.
    let mut target: Option<DedupRecord> = None;
    let mut what = "event";
    let mut label = None;
    if let Ok(u) = Uuid::parse_str(id.trim()) {
        if let Some(e) = store.get_event(u).await? {
            target = Some(DedupRecord::from_event(&e));
        } else if let Some(d) = store.get_draft(u).await? {
            target = Some(DedupRecord::from_event(&d.event));
            what = "draft";
            label = Some(d.id);
        } else {
            bail!("no event or draft with id {u}");
        }
    }
    let target = match target {
        Some(t) => t,
        None => {
            let u = resolve_id(store, id).await?;
            let e = store
                .get_event(u)
                .await?
                .with_context(|| format!("no event with id {u}"))?;
            DedupRecord::from_event(&e)
        }
    };
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!(
            "--threshold must be between 0 and 1, not {}",
            args.threshold
        );
    }
    let registry = veille_ingest::reference::load_registry(Some(store.as_ref())).await?;
    let config = DedupConfig {
        threshold: args.threshold,
        ..DedupConfig::default()
    };
    let StoreCandidates {
        window: (from, to),
        pool,
        candidates: found,
    } = store_candidates(store.as_ref(), &registry, &target, config, args.limit).await?;
    let by_id: HashMap<Uuid, &DedupRecord> = pool.iter().map(|r| (r.id, r)).collect();
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "target": label.unwrap_or(target.id), "kind": what, "candidates": found
            }))?
        );
        return Ok(());
    }
    println!(
        "{what} {}  {}",
        label.unwrap_or(target.id),
        describe(&target)
    );
    if found.is_empty() {
        println!(
            "no candidates at or above {:.2} among {} events in {}..{}",
            args.threshold,
            pool.len(),
            from,
            to
        );
    }
    for p in &found {
        let d = by_id.get(&p.b).map(|r| describe(r)).unwrap_or_default();
        println!("  {:.2}  {}  {d}\n        {}", p.score, p.b, p.explanation);
    }
    Ok(())
}

async fn scan(store: &Arc<dyn Store>, args: &DedupArgs, global: &Global) -> Result<()> {
    let t = Instant::now();
    let records = load_all(store.as_ref()).await?;
    let loaded = t.elapsed().as_secs_f64();
    let scorer = scorer(store.as_ref(), &records, args.threshold).await?;
    let t2 = Instant::now();
    let mut report = scorer.clusters(&records);
    let clustered = t2.elapsed().as_secs_f64();
    let total = report.clusters.len();
    report.clusters.truncate(args.limit);
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "threshold": args.threshold,
                "clusters_total": total,
                "load_seconds": loaded,
                "cluster_seconds": clustered,
                "report": report,
            }))?
        );
        return Ok(());
    }
    print_scan(&report, &records, total, args.threshold, loaded, clustered);
    Ok(())
}

fn print_scan(
    report: &ScanReport,
    records: &[DedupRecord],
    total: usize,
    threshold: f64,
    loaded: f64,
    clustered: f64,
) {
    let by_id: HashMap<Uuid, &DedupRecord> = records.iter().map(|r| (r.id, r)).collect();
    println!(
        "scanned {} events ({} too vague to scan) in {:.1} s (load {:.1} s + cluster {:.1} s): \
         {} pairs compared, {} at or above {:.2}, {} clusters",
        report.events,
        report.skipped,
        loaded + clustered,
        loaded,
        clustered,
        report.pairs_compared,
        report.pairs_matched,
        threshold,
        total
    );
    for (n, c) in report.clusters.iter().enumerate() {
        println!("cluster {} ({} events)", n + 1, c.members.len());
        for m in &c.members {
            let d = by_id.get(m).map(|r| describe(r)).unwrap_or_default();
            println!("  {m}  {d}");
        }
        for p in c.pairs.iter().take(10) {
            println!(
                "    {:.2}  {} ~ {}: {}",
                p.score,
                short(p.a),
                short(p.b),
                p.explanation
            );
        }
        if c.pairs.len() > 10 {
            println!("    … {} more pairs", c.pairs.len() - 10);
        }
    }
    if total > report.clusters.len() {
        println!(
            "showing {} of {total} clusters (--limit); merge with `veille merge SURVIVOR ABSORBED`",
            report.clusters.len()
        );
    }
}

/// The last 12 hex digits of an id (enough to tell cluster members apart).
fn short(u: Uuid) -> String {
    let s = u.simple().to_string();
    s[s.len() - 12..].to_string()
}

/// `veille merge`.
pub async fn merge(args: MergeArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let survivor = resolve_id(&store, &args.survivor).await?;
    let absorbed = resolve_id(&store, &args.absorbed).await?;
    let m = store
        .merge_events(survivor, absorbed, &global.user, args.reason.as_deref())
        .await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
    } else {
        println!(
            "merged {absorbed} into {survivor}: sources and external ids kept on {survivor}; \
             {absorbed} is hidden, not deleted (undo: veille unmerge {absorbed})"
        );
    }
    Ok(())
}

/// `veille unmerge`.
pub async fn unmerge(args: UnmergeArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let absorbed = match Uuid::parse_str(args.absorbed.trim()) {
        Ok(u) => u,
        Err(_) => bail!(
            "'{}' is not an event id (UUID); while merged, its external ids point to the survivor",
            args.absorbed
        ),
    };
    let m = store
        .unmerge_event(absorbed, &global.user, args.reason.as_deref())
        .await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
    } else {
        println!("unmerged {absorbed} from {}: both restored", m.survivor);
    }
    Ok(())
}

/// `veille bench dedup` arguments.
#[derive(Debug, Args)]
pub struct DedupBench {
    /// Number of synthetic events.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Synthetic data seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs; medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Working directory for the CSV and the SQLite database (kept between runs: the
    /// import is done once).
    #[arg(long, default_value = "target/bench-dedup")]
    workdir: PathBuf,
}

/// CPU time (user + system, all threads) this process has used, in seconds, from
/// `/proc/self/stat` (clock ticks at the usual 100 Hz); 0 where unavailable. Reported next
/// to wall time because the benchmark machine may be shared.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start at ") ".
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ") ".
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// `veille bench dedup`: synthetic GED rows imported once into SQLite, then the whole
/// dedup scan (slim projection read + blocked clustering) timed `runs` times.
pub async fn bench(a: DedupBench, global: &Global) -> Result<()> {
    std::fs::create_dir_all(&a.workdir)?;
    let csv = a.workdir.join(format!("synth-{}-{}.csv", a.events, a.seed));
    if !csv.exists() {
        eprintln!(
            "generating {} synthetic GED rows → {}",
            a.events,
            csv.display()
        );
        let tmp = csv.with_extension("csv.part");
        crate::synth::write_file(a.events, a.seed, &tmp)?;
        std::fs::rename(&tmp, &csv)?;
    }
    let db = a.workdir.join(format!("dedup-{}-{}.db", a.events, a.seed));
    let done = db.with_extension("db.imported");
    if !done.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        eprintln!("importing {} (once) → {}", csv.display(), db.display());
        let store = crate::open_store(&db.display().to_string()).await?;
        let opts = veille_ingest::ImportOptions {
            format: Some(veille_ingest::ImportFormat::Ged),
            by: "bench".into(),
            enricher: Some(crate::demo::enricher()?),
            ..veille_ingest::ImportOptions::default()
        };
        let t = Instant::now();
        let r = veille_ingest::import_file(store.as_ref(), &csv, &opts, &mut |_| {}).await?;
        eprintln!(
            "imported {} events in {:.1} s",
            r.batch.rows_created,
            t.elapsed().as_secs_f64()
        );
        std::fs::write(&done, r.batch.rows_created.to_string())?;
    }
    let store = crate::open_store(&db.display().to_string()).await?;
    let (mut loads, mut clusters, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cpu_loads, mut cpu_clusters) = (Vec::new(), Vec::new());
    let mut last: Option<ScanReport> = None;
    for run in 1..=a.runs.max(1) {
        let t = Instant::now();
        let c0 = cpu_seconds();
        let records = load_all(store.as_ref()).await?;
        let load = t.elapsed().as_secs_f64();
        let c1 = cpu_seconds();
        let mut scorer = scorer(store.as_ref(), &records, DedupConfig::default().threshold).await?;
        // Synthetic rows all come from one dataset (ged): score every pair anyway, the
        // worst case.
        scorer.config.same_dataset_distinct = false;
        let t2 = Instant::now();
        let c2 = cpu_seconds();
        let report = scorer.clusters(&records);
        let cl = t2.elapsed().as_secs_f64();
        let c3 = cpu_seconds();
        cpu_loads.push(c1 - c0);
        cpu_clusters.push(c3 - c2);
        let total = t.elapsed().as_secs_f64();
        eprintln!(
            "run {run}: {} events, load {load:.1} s (CPU {:.1} s), cluster {cl:.1} s (CPU {:.1} s), \
             total {total:.1} s, {} pairs compared, {} matched, {} clusters",
            report.events,
            c1 - c0,
            c3 - c2,
            report.pairs_compared,
            report.pairs_matched,
            report.clusters.len()
        );
        loads.push(load);
        clusters.push(cl);
        totals.push(total);
        last = Some(report);
    }
    let Some(r) = last else { bail!("no runs") };
    let (ml, mc, mt) = (
        crate::bench::median(loads),
        crate::bench::median(clusters),
        crate::bench::median(totals),
    );
    let rss = crate::bench::peak_rss_mb();
    let (cl_cpu, cc_cpu) = (
        crate::bench::median(cpu_loads),
        crate::bench::median(cpu_clusters),
    );
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "events": r.events, "runs": a.runs, "median_load_seconds": ml,
                "median_cluster_seconds": mc, "median_total_seconds": mt,
                "median_load_cpu_seconds": cl_cpu, "median_cluster_cpu_seconds": cc_cpu,
                "pairs_compared": r.pairs_compared, "pairs_matched": r.pairs_matched,
                "clusters": r.clusters.len(), "skipped": r.skipped, "peak_rss_mb": rss,
            }))?
        );
    } else {
        println!(
            "veille bench dedup: {} events (SQLite), {} runs: median load {ml:.1} s (CPU \
             {cl_cpu:.1} s) + cluster {mc:.1} s (CPU {cc_cpu:.1} s) = {mt:.1} s wall; {} pairs compared ({:.1} per event), {} matched, {} clusters, \
             {} skipped; peak RSS {rss:.0} MB",
            r.events,
            a.runs,
            r.pairs_compared,
            r.pairs_compared as f64 / r.events.max(1) as f64,
            r.pairs_matched,
            r.clusters.len(),
            r.skipped
        );
    }
    Ok(())
}
