//! `veille rollup status|rebuild`: the persisted rollups that dashboards and assessments
//! read. Every event write keeps them current in its own transaction; a rebuild
//! recomputes them from the events (after the POC rules or actor classes change, or a
//! write by a tool that did not attach the rules).

use crate::Global;
use anyhow::{bail, Result};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use veille_protect::persist::PocRollups;
use veille_protect::RuleSet;
use veille_store::Store;

/// `veille rollup` subcommands.
#[derive(Debug, Subcommand)]
pub enum RollupCommand {
    /// Whether the rollups are current, which rules built them, and their size.
    Status,
    /// Recompute every rollup cell from the stored events (one transaction).
    Rebuild,
}

/// Attaches veille's rollup contributor (the shipped POC rules and the actor registry
/// with every analyst edit) to `store`, so that its event writes maintain the rollups.
pub async fn attach(store: &dyn Store) -> Result<()> {
    let registry = veille_ingest::reference::load_registry(Some(store)).await?;
    let rules = RuleSet::shipped()?;
    store.attach_rollups(Arc::new(PocRollups::new(rules, Some(registry))));
    Ok(())
}

/// Rebuilds the rollups with a progress bar on standard error.
pub async fn rebuild(store: &dyn Store, quiet: bool) -> Result<veille_store::RebuildStats> {
    let total = store
        .count_events(&veille_store::EventFilter::default())
        .await?;
    let pb = if quiet {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new(total);
        pb.set_style(
            ProgressStyle::with_template(
                "rebuilding rollups [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb
    };
    let p = pb.clone();
    let stats = store.rebuild_rollups(&move |n| p.set_position(n)).await?;
    pb.finish_and_clear();
    Ok(stats)
}

/// `veille rollup`.
pub async fn run(cmd: RollupCommand, global: &Global) -> Result<()> {
    let Some(store) = global.existing_store().await? else {
        bail!(
            "no database at {} (run veille import or veille demo first)",
            global.database
        );
    };
    match cmd {
        RollupCommand::Status => {
            let s = store.rollup_status().await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&s)?);
                return Ok(());
            }
            println!(
                "rollups: {} — {} events counted in {} cells",
                if s.stale {
                    "STALE (run veille rollup rebuild)"
                } else {
                    "current"
                },
                s.events_counted,
                s.cells
            );
            println!(
                "built with: {}",
                s.fingerprint.as_deref().unwrap_or("nothing yet")
            );
            if let Some(at) = s.rebuilt_at {
                println!("last full rebuild: {at}");
            }
        }
        RollupCommand::Rebuild => {
            let t = std::time::Instant::now();
            let stats = rebuild(store.as_ref(), global.json).await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!(
                    "rebuilt rollups: {} events read, {} counted, {} cells in {:.1} s",
                    stats.events_read,
                    stats.events_counted,
                    stats.cells,
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
    Ok(())
}
