//! `veille import` and `veille export`.

use crate::events::FilterArgs;
use crate::Global;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use veille_ingest::{ExportFormat, ImportFormat, ImportOptions};

/// Input formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// UCDP GED CSV (release or candidate).
    Ged,
    /// ACLED CSV (current or older columns, optional HXL row).
    Acled,
    /// veille's own CSV export.
    Veille,
    /// GeoJSON FeatureCollection exported by veille.
    Geojson,
}

impl From<FormatArg> for ImportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Ged => ImportFormat::Ged,
            FormatArg::Acled => ImportFormat::Acled,
            FormatArg::Veille => ImportFormat::VeilleCsv,
            FormatArg::Geojson => ImportFormat::GeoJson,
        }
    }
}

/// `veille import` arguments.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import, each in its own all-or-nothing batch.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Force the format instead of detecting it from the header.
    #[arg(long)]
    format: Option<FormatArg>,
    /// Import the valid rows and write rejected rows, with reasons, to a rejects file.
    #[arg(long)]
    skip_invalid: bool,
    /// Where to write rejected rows (default: FILE.rejects.csv beside the input).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Do not draw a progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Export formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportArg {
    /// veille CSV: every field; re-importable.
    Veille,
    /// GeoJSON FeatureCollection (opens in QGIS); re-importable.
    Geojson,
    /// ACLED-shaped CSV.
    Acled,
    /// HXL-tagged CSV for the humanitarian toolchain.
    Hxl,
}

impl From<ExportArg> for ExportFormat {
    fn from(f: ExportArg) -> Self {
        match f {
            ExportArg::Veille => ExportFormat::VeilleCsv,
            ExportArg::Geojson => ExportFormat::GeoJson,
            ExportArg::Acled => ExportFormat::Acled,
            ExportArg::Hxl => ExportFormat::Hxl,
        }
    }
}

/// `veille export` arguments.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "veille")]
    format: ExportArg,
    /// Output file (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    filter: FilterArgs,
}

fn bar(total: u64, name: &str) -> ProgressBar {
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(name.to_string());
    pb
}

/// `veille import`.
pub async fn import(args: ImportArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let enricher = veille_ingest::StandardEnricher::for_store(store.as_ref()).await?;
    let mut failed = false;
    for file in &args.files {
        let opts = ImportOptions {
            format: args.format.map(Into::into),
            skip_invalid: args.skip_invalid,
            rejects_path: args.rejects.clone(),
            by: global.user.clone(),
            enricher: Some(enricher.clone()),
            ..ImportOptions::default()
        };
        let name = file.display().to_string();
        let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let pb = if args.quiet || global.json {
            ProgressBar::hidden()
        } else {
            bar(total, &name)
        };
        let result = veille_ingest::import_file(store.as_ref(), file, &opts, &mut |p| {
            pb.set_position(p.bytes_read)
        })
        .await;
        pb.finish_and_clear();
        match result {
            Ok(report) => {
                let b = &report.batch;
                if global.json {
                    let rejected: Vec<String> =
                        report.rejected.iter().map(|e| e.to_string()).collect();
                    println!(
                        "{}",
                        serde_json::json!({
                            "file": name,
                            "batch": b,
                            "rejects_path": report.rejects_path,
                            "rejected": rejected,
                        })
                    );
                } else {
                    println!(
                        "{name}: {} rows read — {} created, {} updated, {} unchanged, {} rejected (batch {}, sha256 {})",
                        b.rows_read, b.rows_created, b.rows_updated, b.rows_unchanged,
                        b.rows_rejected, b.id, &b.sha256[..b.sha256.len().min(12)]
                    );
                    if let Some(r) = &report.rejects_path {
                        println!(
                            "{name}: rejected rows and reasons written to {}",
                            r.display()
                        );
                    }
                }
            }
            Err(e) => {
                eprintln!("{e}");
                eprintln!("{name}: nothing imported (the whole file was rolled back)");
                failed = true;
            }
        }
    }
    if failed {
        anyhow::bail!("import failed");
    }
    Ok(())
}

/// `veille export`.
pub async fn export(args: ExportArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let filter = args.filter.to_filter()?;
    let n = match &args.output {
        Some(path) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let n =
                veille_ingest::export(store.as_ref(), &filter, args.format.into(), &mut w).await?;
            w.flush()?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            let n =
                veille_ingest::export(store.as_ref(), &filter, args.format.into(), &mut w).await?;
            w.flush()?;
            n
        }
    };
    if let Some(path) = &args.output {
        eprintln!("exported {n} events to {}", path.display());
    }
    Ok(())
}
