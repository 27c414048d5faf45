//! `veille place ...` subcommands.

use crate::Global;
use anyhow::Result;
use clap::Subcommand;

/// `veille place` subcommands.
#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// Placeholder until implemented.
    Todo,
}

/// Runs one `veille place` subcommand.
pub async fn run(cmd: PlaceCommand, _global: &Global) -> Result<()> {
    match cmd {
        PlaceCommand::Todo => Ok(()),
    }
}
