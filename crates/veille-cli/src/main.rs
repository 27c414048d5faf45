//! `veille`: the command-line program. Parses arguments and calls the library crates;
//! it holds no domain logic of its own.

mod actor;
mod place;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// veille: early warning and civilian protection for conflict zones.
#[derive(Debug, Parser)]
#[command(name = "veille", version, about)]
struct Cli {
    /// SQLite database file (the embedded default).
    #[arg(long, global = true, default_value = "veille.db")]
    db: String,
    /// PostgreSQL URL for multi-user deployments; overrides --db.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Print machine-readable JSON where supported.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Places: resolve names, reverse-geocode points, load boundaries, add places.
    #[command(subcommand)]
    Place(place::PlaceCommand),
    /// Actors: show, resolve, genealogy, edit the registry.
    #[command(subcommand)]
    Actor(actor::ActorCommand),
}

/// Options every subcommand may read.
#[derive(Debug, Clone)]
pub struct Global {
    /// The database to open: a SQLite path or a postgres:// URL.
    pub database: String,
    /// Print JSON.
    pub json: bool,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let global = Global {
        database: cli.database_url.clone().unwrap_or_else(|| cli.db.clone()),
        json: cli.json,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        match cli.command {
            Command::Place(c) => place::run(c, &global).await,
            Command::Actor(c) => actor::run(c, &global).await,
        }
    })
}
