//! `veille init | list | show | history | retract | stats`.

use crate::output;
use crate::Global;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use std::sync::Arc;
use uuid::Uuid;
use veille_model::EventType;
use veille_store::{EventFilter, Store};

/// Filters shared by `list` and `export`.
#[derive(Debug, Clone, Args, Default)]
pub struct FilterArgs {
    /// Events on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Events on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// ISO3 country code, e.g. MLI.
    #[arg(long)]
    pub country: Option<String>,
    /// Region (admin1) name, e.g. Mopti.
    #[arg(long)]
    pub admin1: Option<String>,
    /// ACLED event type, e.g. "Battles" or "violence_against_civilians".
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// Text in any actor name, e.g. JNIM.
    #[arg(long)]
    pub actor: Option<String>,
    /// Free text in notes, place, description, actors or headlines.
    #[arg(long)]
    pub text: Option<String>,
    /// Include retracted events.
    #[arg(long)]
    pub include_retracted: bool,
}

impl FilterArgs {
    /// Builds the store filter, checking the event type.
    pub fn to_filter(&self) -> Result<EventFilter> {
        let event_type = match &self.event_type {
            Some(t) => Some(t.parse::<EventType>()?),
            None => None,
        };
        Ok(EventFilter {
            date_from: self.from,
            date_to: self.to,
            country: self.country.as_ref().map(|c| c.to_uppercase()),
            admin1: self.admin1.clone(),
            event_type,
            actor_text: self.actor.clone(),
            text: self.text.clone(),
            include_retracted: self.include_retracted,
            include_merged: false,
            limit: None,
            offset: None,
            ..EventFilter::default()
        })
    }
}

/// `veille list` arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Show at most this many events.
    #[arg(long, default_value_t = 50)]
    limit: u64,
    /// Skip this many events first.
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

/// `veille show` / `veille history` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Event id (UUID) or external id such as ged:12989.
    id: String,
}

/// `veille retract` arguments.
#[derive(Debug, Args)]
pub struct RetractArgs {
    /// Event id (UUID) or external id such as ged:12989.
    id: String,
    /// Why it is retracted (required; kept in the history).
    #[arg(long)]
    reason: String,
}

/// Finds an event id from a UUID or an external id.
pub async fn resolve_id(store: &Arc<dyn Store>, id: &str) -> Result<Uuid> {
    if let Ok(u) = Uuid::parse_str(id) {
        return Ok(u);
    }
    if id.contains(':') {
        if let Some(u) = store.find_by_external_id(id).await? {
            return Ok(u);
        }
        bail!("no event with external id {id}");
    }
    bail!("'{id}' is neither an event id (UUID) nor an external id such as ged:12989")
}

/// `veille init`.
pub async fn init(global: &Global) -> Result<()> {
    let store = global.store().await?;
    let stats = store.stats().await?;
    println!(
        "database ready ({:?}): {} events, {} import batches",
        store.backend(),
        stats.events,
        stats.import_batches
    );
    Ok(())
}

/// `veille list`.
pub async fn list(args: ListArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let mut filter = args.filter.to_filter()?;
    let total = store.count_events(&filter).await?;
    filter.limit = Some(args.limit);
    filter.offset = Some(args.offset);
    let events = store.list_events(&filter).await?;
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "total": total, "offset": args.offset, "events": events
            }))?
        );
        return Ok(());
    }
    print!("{}", output::event_table(&events));
    println!(
        "{} of {} matching events (offset {})",
        events.len(),
        total,
        args.offset
    );
    Ok(())
}

/// `veille show`.
pub async fn show(args: ShowArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let id = resolve_id(&store, &args.id).await?;
    let event = store
        .get_event(id)
        .await?
        .with_context(|| format!("no event with id {id}"))?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&event)?);
    } else {
        print!("{}", output::event_detail(&event));
    }
    Ok(())
}

/// `veille history`.
pub async fn history(args: ShowArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let id = resolve_id(&store, &args.id).await?;
    if store.get_event(id).await?.is_none() {
        bail!("no event with id {id}");
    }
    let revisions = store.history(id).await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&revisions)?);
    } else {
        print!("{}", output::revisions(&revisions));
    }
    Ok(())
}

/// `veille retract`.
pub async fn retract(args: RetractArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let id = resolve_id(&store, &args.id).await?;
    let rev = store.retract_event(id, &global.user, &args.reason).await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&rev)?);
    } else {
        println!(
            "retracted {id} (revision {}); the record and its history are kept",
            rev.seq
        );
    }
    Ok(())
}

/// `veille stats`.
pub async fn stats(global: &Global) -> Result<()> {
    let store = global.store().await?;
    let s = store.stats().await?;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", output::stats(&s));
    }
    Ok(())
}
