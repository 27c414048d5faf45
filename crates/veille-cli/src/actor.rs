//! `veille actor ...` subcommands.

use crate::Global;
use anyhow::Result;
use clap::Subcommand;

/// `veille actor` subcommands.
#[derive(Debug, Subcommand)]
pub enum ActorCommand {
    /// Placeholder until implemented.
    Todo,
}

/// Runs one `veille actor` subcommand.
pub async fn run(cmd: ActorCommand, _global: &Global) -> Result<()> {
    match cmd {
        ActorCommand::Todo => Ok(()),
    }
}
