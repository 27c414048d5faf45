//! `veille`: the command-line program. It parses arguments and calls the library
//! crates; it holds no domain logic of its own.

mod actor;
mod assess;
mod atrocity;
mod backtest;
mod bench;
mod bench_api;
mod bench_rollup;
mod dedup;
mod demo;
mod events;
mod extract;
mod io;
mod output;
mod place;
mod report;
mod review;
mod rollup;
mod serve;
mod synth;
mod warn;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// veille: early warning and civilian protection for conflict zones.
#[derive(Debug, Parser)]
#[command(name = "veille", version, about, long_about = None)]
struct Cli {
    /// SQLite database file (the embedded default).
    #[arg(long, global = true, default_value = "veille.db")]
    db: String,
    /// PostgreSQL URL for multi-user deployments (postgres://...); overrides --db.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Who is making changes, recorded in every revision.
    #[arg(long, global = true, env = "VEILLE_USER", default_value = "cli")]
    user: String,
    /// Print machine-readable JSON where supported.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database (or bring its schema up to date).
    Init,
    /// Import GED, ACLED, veille CSV or GeoJSON files.
    Import(io::ImportArgs),
    /// Export events as veille CSV, GeoJSON, ACLED-shaped CSV or HXL-tagged CSV.
    Export(io::ExportArgs),
    /// List events, with filters.
    List(events::ListArgs),
    /// Show one event (by id or external id such as ged:12989).
    Show(events::ShowArgs),
    /// Show an event's revision history.
    History(events::ShowArgs),
    /// Retract an event (veille's delete): the record stays, with the reason.
    Retract(events::RetractArgs),
    /// Summary counts.
    Stats,
    /// The guided tour: build a demo database from the real Mali data shipped with veille.
    Demo(demo::DemoArgs),
    /// Write deterministic synthetic GED rows.
    Synth(synth::SynthArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Places: resolve names, reverse-geocode points, load boundaries, add places.
    #[command(subcommand)]
    Place(place::PlaceCommand),
    /// Actors: show, resolve, genealogy, edit the registry.
    #[command(subcommand)]
    Actor(actor::ActorCommand),
    /// Serve the HTTP API (and its reference at /api/docs).
    Serve(serve::ServeArgs),
    /// Users of the server: add, passwd, role, disable, list, token.
    #[command(subcommand)]
    User(serve::UserCommand),
    /// POC threat assessment: categorise an event, assess an area, the country matrix.
    Assess(assess::AssessArgs),
    /// Atrocity risk per country or region: UN Framework factors, Genocide Watch stage.
    #[command(subcommand)]
    Atrocity(atrocity::AtrocityCommand),
    /// Backtests of the likelihood model.
    #[command(subcommand)]
    Backtest(backtest::BacktestCommand),
    /// Early warnings: spikes, reprisal-cycle risk, new actors, severity thresholds.
    #[command(subcommand)]
    Warn(warn::WarnCommand),
    /// Reports: the regional threat assessment (Markdown and HTML).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// The review queue: list, show, accept, reject or add draft events.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// Likely duplicates: whole-database merge clusters, or candidates for one event.
    Dedup(dedup::DedupArgs),
    /// Merge a duplicate into a survivor (keeps every source; undo with unmerge).
    Merge(dedup::MergeArgs),
    /// Undo a merge: both events restored.
    Unmerge(dedup::UnmergeArgs),
    /// Extract draft events (with evidence) from report text; --evaluate scores a gold file.
    Extract(extract::ExtractArgs),
    /// The persisted rollups: status, or a full rebuild from the events.
    #[command(subcommand)]
    Rollup(rollup::RollupCommand),
}

/// Options every subcommand may read.
#[derive(Debug, Clone)]
pub struct Global {
    /// The database to open: a SQLite path or a postgres:// URL.
    pub database: String,
    /// Who makes changes.
    pub user: String,
    /// Print JSON.
    pub json: bool,
}

impl Global {
    /// Opens (and migrates) the store.
    pub async fn store(&self) -> Result<std::sync::Arc<dyn veille_store::Store>> {
        open_store(&self.database).await
    }

    /// The store, if there is one to read: a PostgreSQL URL, or a SQLite file that
    /// exists. Read-only commands use this so they never create a database file.
    pub async fn existing_store(&self) -> Result<Option<std::sync::Arc<dyn veille_store::Store>>> {
        let db = self.database.as_str();
        let is_sqlite_path = !db.contains("://") || db.starts_with("sqlite://");
        if is_sqlite_path {
            let path = db.strip_prefix("sqlite://").unwrap_or(db);
            if !std::path::Path::new(path).exists() {
                return Ok(None);
            }
        }
        Ok(Some(self.store().await?))
    }
}

/// Opens (and migrates) a store with veille's rollup contributor attached, so that its
/// event writes keep the persisted rollups current. Every command opens stores here.
pub async fn open_store(url: &str) -> Result<std::sync::Arc<dyn veille_store::Store>> {
    Ok(open_store_with_auth(url).await?.0)
}

/// [`open_store`] with the user and session side, for the server.
pub async fn open_store_with_auth(
    url: &str,
) -> Result<(
    std::sync::Arc<dyn veille_store::Store>,
    std::sync::Arc<dyn veille_store::AuthStore>,
)> {
    let (store, auth) = veille_store::open_with_auth(url).await?;
    rollup::attach(store.as_ref()).await?;
    Ok((store, auth))
}

/// `veille list | head` closes the pipe early: exit quietly, as Unix tools do, instead
/// of reporting `println!`'s broken-pipe panic.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> std::process::ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    let global = Global {
        database: cli.database_url.clone().unwrap_or_else(|| cli.db.clone()),
        user: cli.user.clone(),
        json: cli.json,
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Init => events::init(&global).await,
            Command::Import(a) => io::import(a, &global).await,
            Command::Export(a) => io::export(a, &global).await,
            Command::List(a) => events::list(a, &global).await,
            Command::Show(a) => events::show(a, &global).await,
            Command::History(a) => events::history(a, &global).await,
            Command::Retract(a) => events::retract(a, &global).await,
            Command::Stats => events::stats(&global).await,
            Command::Demo(a) => demo::run(a, &global).await,
            Command::Synth(a) => synth::run(a).await,
            Command::Bench(c) => bench::run(c, &global).await,
            Command::Place(c) => place::run(c, &global).await,
            Command::Actor(c) => actor::run(c, &global).await,
            Command::Serve(a) => serve::serve(a, &global).await,
            Command::User(c) => serve::user(c, &global).await,
            Command::Assess(a) => assess::run(a, &global).await,
            Command::Atrocity(c) => atrocity::run(c, &global).await,
            Command::Backtest(c) => backtest::run(c, &global).await,
            Command::Warn(c) => warn::run(c, &global).await,
            Command::Report(c) => report::run(c, &global).await,
            Command::Review(c) => review::run(c, &global).await,
            Command::Dedup(a) => dedup::run(a, &global).await,
            Command::Merge(a) => dedup::merge(a, &global).await,
            Command::Unmerge(a) => dedup::unmerge(a, &global).await,
            Command::Extract(a) => extract::run(a, &global).await,
            Command::Rollup(c) => rollup::run(c, &global).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
