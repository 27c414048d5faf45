//! `veille report region <admin1> --period YYYY-MM`: writes the regional threat
//! assessment (built by `veille_desk::report`) as Markdown and self-contained HTML.

use crate::assess::SourceArgs;
use crate::Global;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::PathBuf;
use veille_desk::report::{ReportRequest, Source};
use veille_protect::assess::month_start;
use veille_protect::rollup::Level;

/// `veille report` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// The regional threat assessment for one region and period.
    Region(RegionArgs),
}

/// `veille report region` arguments.
#[derive(Debug, Args)]
pub struct RegionArgs {
    /// The region (admin1), e.g. Mopti.
    admin1: String,
    /// The period assessed, YYYY-MM.
    #[arg(long)]
    period: String,
    /// Period length in months (1 or 2).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
    months: u32,
    /// Output directory (written: <region>-<period>.md and .html).
    #[arg(long, default_value = ".")]
    out: PathBuf,
    #[command(flatten)]
    source: SourceArgs,
}

/// `veille report`.
pub async fn run(cmd: ReportCommand, global: &Global) -> Result<()> {
    match cmd {
        ReportCommand::Region(a) => region(a, global).await,
    }
}

async fn region(a: RegionArgs, global: &Global) -> Result<()> {
    let period = crate::assess::parse_period(&a.period)?;
    let rules = a.source.rules.load()?;
    let registry = veille_actors::Registry::shipped()?;
    let store = global.existing_store().await?;
    let files = if a.source.files.is_empty() {
        None
    } else {
        Some(crate::assess::load_events(global, &a.source.files).await?)
    };
    let source = match &files {
        Some(evs) => Source::Events(evs),
        None if store.is_some() => Source::Store(veille_desk::FULL_CLEARANCE),
        None => bail!(
            "no database at {} (run veille import or veille demo first, or pass --file)",
            global.database
        ),
    };
    let r = veille_desk::report::region_report(
        store.as_deref(),
        source,
        &rules,
        registry,
        &ReportRequest {
            admin1: a.admin1,
            period,
            months: a.months,
            params: a.source.params(),
        },
        &global.user,
    )
    .await?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let md = a.out.join(format!("{}.md", r.stem));
    let html = a.out.join(format!("{}.html", r.stem));
    std::fs::write(&md, &r.markdown)?;
    std::fs::write(&html, &r.html)?;
    println!("wrote {} and {}", md.display(), html.display());
    Ok(())
}

/// The report `veille demo` writes: the region with the most events, for the month after
/// the data end, next to the demo database.
pub async fn demo_report(db: &str, user: &str) -> Result<()> {
    let global = Global {
        database: db.to_string(),
        user: user.to_string(),
        json: false,
    };
    let source = SourceArgs {
        files: Vec::new(),
        rules: crate::assess::RulesArg { rules: None },
        half_life: None,
        kappa: None,
        beta: None,
    };
    let (s, _) = crate::assess::series(&global, &source, Level::Admin1).await?;
    let Some((_, hi)) = s.coverage else {
        return Ok(());
    };
    let busiest = (0..s.areas.len()).max_by(|a, b| {
        s.sum(0, *a, s.first, hi + 1)
            .total_cmp(&s.sum(0, *b, s.first, hi + 1))
    });
    let Some(ai) = busiest else {
        return Ok(());
    };
    let out = std::path::Path::new(db)
        .parent()
        .map(|p| p.join("veille-demo-report"))
        .unwrap_or_else(|| PathBuf::from("veille-demo-report"));
    println!();
    region(
        RegionArgs {
            admin1: s.labels[ai].clone(),
            period: month_start(hi + 1).format("%Y-%m").to_string(),
            months: 1,
            out,
            source,
        },
        &global,
    )
    .await
}
