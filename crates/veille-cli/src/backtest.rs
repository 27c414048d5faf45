//! `veille backtest likelihood`: rolling-origin evaluation of the likelihood model, and
//! `veille bench protect`: rollup and assessment speed with N synthetic events.

use crate::assess::{LevelArg, SourceArgs};
use crate::Global;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Instant;
use veille_protect::assess::{assess_all, month_start, ModelParams, Series};
use veille_protect::rollup::{Level, Rollup};
use veille_protect::{PocCode, RuleSet};

/// `veille backtest` subcommands.
#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Rolling-origin Brier score and reliability of the likelihood model per area × month,
    /// against the area's base rate and "same as last period".
    Likelihood(LikelihoodArgs),
    /// Precision, recall and median lead time of spike warnings against "a severe event
    /// followed within 30 days".
    Warnings(crate::warn::BacktestWarningsArgs),
}

/// `veille backtest likelihood` arguments.
#[derive(Debug, Args)]
pub struct LikelihoodArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Admin level of the areas.
    #[arg(long, value_enum, default_value = "admin1")]
    level: LevelArg,
    /// Category: "any" (any event), a main category 1–6, or "all" (the six categories
    /// pooled).
    #[arg(long, default_value = "any")]
    category: String,
    /// Fit the model's parameters on the first half of the origins (grid search) and
    /// score all forecasts on the second half only.
    #[arg(long)]
    fit: bool,
    /// Origins the rolling fit reads before each origin (0: fixed parameters; default:
    /// the model's, 36).
    #[arg(long)]
    fit_window: Option<usize>,
}

/// `veille backtest`.
pub async fn run(cmd: BacktestCommand, global: &Global) -> Result<()> {
    match cmd {
        BacktestCommand::Likelihood(a) => likelihood(a, global).await,
        BacktestCommand::Warnings(a) => crate::warn::backtest(a, global).await,
    }
}

fn category_indices(s: &Series, category: &str) -> Result<Vec<usize>> {
    let c = category.trim();
    if c == "any" {
        return Ok(vec![0]);
    }
    if c == "all" {
        return Ok((1..s.categories.len()).collect());
    }
    match PocCode::parse(c).filter(|p| p.main() == *p) {
        Some(p) => Ok(s
            .categories
            .iter()
            .position(|x| *x == Some(p))
            .into_iter()
            .collect()),
        None => bail!("--category must be any, all or a main category 1-6, got '{category}'"),
    }
}

async fn likelihood(a: LikelihoodArgs, global: &Global) -> Result<()> {
    let level: Level = a.level.into();
    let (s, n_events) = crate::assess::series(global, &a.source, level).await?;
    let cats = category_indices(&s, &a.category)?;
    let mut params = a.source.params();
    if let Some(w) = a.fit_window {
        params.fit_window = w;
    }
    let Some((r, _)) = veille_protect::backtest::likelihood(&s, &params, &cats, a.fit) else {
        bail!(
            "not enough history to backtest: {} events over {} month(s) with an admin unit; \
             the rolling origin needs at least 14 months (12 of burn-in) and months the data \
             cover",
            n_events,
            s.len
        );
    };
    if global.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "likelihood backtest — {} events, {} areas ({:?}), category {}, origins {} to {}{}",
        n_events,
        r.areas,
        level,
        a.category,
        r.scored.0,
        r.scored.1,
        if a.fit {
            " (parameters fitted on the earlier half; scored out of sample)"
        } else {
            ""
        }
    );
    if r.params.fit_window > 0 && !a.fit {
        println!(
            "model: parameters re-fitted per category at each origin on the previous {} origins (past data only); fallback half-life {} months, κ {}, β {}",
            r.params.fit_window, r.params.half_life, r.params.kappa, r.params.beta
        );
    } else {
        println!(
            "model: half-life {} months, κ {}, β {}",
            r.params.half_life, r.params.kappa, r.params.beta
        );
    }
    println!(
        "forecasts scored: {} (area × month{}); share with an event: {:.3}",
        r.n,
        if cats.len() > 1 { " × category" } else { "" },
        r.event_share
    );
    let skill = |b: f64| {
        if b > 0.0 {
            1.0 - r.brier_model / b
        } else {
            f64::NAN
        }
    };
    println!("Brier score (lower is better):");
    println!("  model      {:.4}", r.brier_model);
    println!(
        "  base rate  {:.4}   (model skill vs base rate: {:+.1}%)",
        r.brier_base_rate,
        100.0 * skill(r.brier_base_rate)
    );
    println!(
        "  last       {:.4}   (model skill vs last period: {:+.1}%)",
        r.brier_last,
        100.0 * skill(r.brier_last)
    );
    println!("reliability (model):");
    println!(
        "  {:<11} {:>8} {:>10} {:>9}",
        "predicted", "n", "mean pred", "observed"
    );
    for b in &r.reliability {
        if b.n == 0 {
            continue;
        }
        println!(
            "  {:.1} – {:.1}  {:>8} {:>10.3} {:>9.3}",
            b.from, b.to, b.n, b.mean_predicted, b.observed
        );
    }
    Ok(())
}

/// `veille bench protect` arguments.
#[derive(Debug, Args)]
pub struct ProtectBench {
    /// Number of synthetic events loaded.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Synthetic data seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Runs; medians are reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Events revised per run for the incremental-update timing.
    #[arg(long, default_value_t = 10_000)]
    updates: usize,
    /// Working directory for the synthetic CSV.
    #[arg(long, default_value = "target/bench-protect")]
    workdir: PathBuf,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `veille bench protect`: full rollup build, incremental update per event (revise =
/// unapply old + apply new) and the full-country assessment from the rollup, with N
/// synthetic events loaded in memory.
pub async fn bench(a: ProtectBench) -> Result<()> {
    std::fs::create_dir_all(&a.workdir)?;
    let csv = a.workdir.join(format!("synth-{}-{}.csv", a.events, a.seed));
    if !csv.exists() {
        crate::synth::write_file(a.events, a.seed, &csv)?;
    }
    let t = Instant::now();
    let (events, errors) =
        veille_ingest::read_file(&csv, None, veille_ingest::MapContext::new("bench"))?;
    if let Some(e) = errors.first() {
        bail!("synthetic rows failed to read: {e}");
    }
    println!(
        "read {} synthetic events in {:.1} s (not part of the measurements)",
        events.len(),
        t.elapsed().as_secs_f64()
    );
    let rules = RuleSet::shipped()?;
    let reg = veille_actors::Registry::shipped()?;
    let params = ModelParams::default();
    let (mut build, mut per_update, mut assess_s, mut cells) = (vec![], vec![], vec![], 0);
    let step = (events.len() / a.updates.max(1)).max(1);
    for run in 0..a.runs {
        let t = Instant::now();
        let mut r = Rollup::rebuild(events.iter(), &rules, Some(reg));
        build.push(t.elapsed().as_secs_f64());
        cells = r.len();
        // Revisions: one more civilian killed on every step-th event.
        let mut revised: Vec<_> = events
            .iter()
            .step_by(step)
            .take(a.updates)
            .cloned()
            .collect();
        for e in &mut revised {
            let k = e.killed_best() + 1 + run as u32;
            e.casualties.killed.total = Some(veille_model::Count::exact(k));
        }
        let t = Instant::now();
        for e in &revised {
            r.apply(e, &rules, Some(reg));
        }
        per_update.push(t.elapsed().as_secs_f64() * 1e3 / revised.len().max(1) as f64);
        let t = Instant::now();
        let s = Series::from_rollup(&r, Level::Admin1, &params);
        let period = s
            .coverage
            .map(|(_, hi)| month_start(hi + 1))
            .unwrap_or_default();
        let out = assess_all(&s, period, 1, &params);
        assess_s.push(t.elapsed().as_secs_f64());
        if run == 0 {
            println!(
                "run 1: {} areas assessed for {}; rollup cells {}",
                out.len(),
                period.format("%Y-%m"),
                cells
            );
        }
    }
    println!(
        "median of {} runs with {} events loaded: full rollup build {:.2} s; incremental update {:.4} ms/event (revise = unapply + apply, {} events); full-country assessment from the rollup {:.3} s; rollup cells {}; peak RSS {:.0} MB",
        a.runs,
        events.len(),
        median(build),
        median(per_update),
        a.updates,
        median(assess_s),
        cells,
        crate::bench::peak_rss_mb()
    );
    Ok(())
}
