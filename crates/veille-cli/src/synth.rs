//! `veille synth`: deterministic synthetic GED rows at real Mali places.

use anyhow::{Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use veille_synth::{SynthConfig, SynthPlace};

/// `veille synth` arguments.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of events (rows) to write.
    #[arg(long)]
    events: u64,
    /// Random seed; the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// The populated places of the shipped Mali gazetteer that have a known region, with
/// their region and cercle names and PRIO-GRID cell.
pub fn places() -> Result<Vec<SynthPlace>> {
    let geo = crate::demo::geo()?;
    let gaz = &geo.gazetteer;
    let mut out = Vec::new();
    for p in gaz.places() {
        if p.feature_class != "P" || p.country_code != "ML" {
            continue;
        }
        let Some(admin1) = gaz.admin1_name("ML", &p.admin1_code) else {
            continue;
        };
        let Some(gid) = veille_geo::priogrid_gid(p.latitude, p.longitude) else {
            continue;
        };
        out.push(SynthPlace {
            name: p.name.clone(),
            lat: p.latitude,
            lon: p.longitude,
            admin1: admin1.to_string(),
            admin2: gaz.admin2_name("ML", &p.admin2_code).map(str::to_string),
            priogrid_gid: gid,
        });
    }
    Ok(out)
}

/// Writes `events` synthetic rows with `seed` to `path`.
pub fn write_file(events: u64, seed: u64, path: &Path) -> Result<u64> {
    let f =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let w = std::io::BufWriter::with_capacity(1 << 20, f);
    Ok(veille_synth::write_ged(
        &places()?,
        &SynthConfig::new(events, seed),
        w,
    )?)
}

/// `veille synth`.
pub async fn run(args: SynthArgs) -> Result<()> {
    let n = match &args.output {
        Some(path) => write_file(args.events, args.seed, path)?,
        None => {
            let stdout = std::io::stdout();
            let w = std::io::BufWriter::new(stdout.lock());
            veille_synth::write_ged(&places()?, &SynthConfig::new(args.events, args.seed), w)?
        }
    };
    if let Some(path) = &args.output {
        eprintln!(
            "wrote {n} synthetic GED rows (seed {}) to {}",
            args.seed,
            path.display()
        );
    }
    Ok(())
}
