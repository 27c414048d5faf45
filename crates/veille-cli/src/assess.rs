//! `veille assess`: POC categorisation of one event (with the rule that fired) and the
//! threat assessment per area and period (likelihood, impact, risk cell, trends), read
//! from a rollup of the stored events (or of given GED/ACLED/veille files).

use crate::Global;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use veille_desk::FULL_CLEARANCE;
use veille_model::Event;
use veille_protect::assess::{assess_all, AreaAssessment, ModelParams, Series};
use veille_protect::rollup::Level;
use veille_protect::{category, PocCode, RuleSet};
use veille_store::EventFilter;

/// `veille assess` arguments: with a subcommand, that; otherwise an area assessment
/// (`--admin1`/`--admin2`) or the full-country matrix.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AssessArgs {
    #[command(subcommand)]
    command: Option<AssessCommand>,
    #[command(flatten)]
    area: AreaArgs,
}

/// `veille assess` subcommands.
#[derive(Debug, Subcommand)]
pub enum AssessCommand {
    /// Show an event's POC threat categories and the rule that gave each.
    Categorise(CategoriseArgs),
    /// Override an event's POC categories by hand, with a reason (kept as a revision;
    /// the rules' result stays visible).
    Override(OverrideArgs),
    /// Override one cell of an area's assessment (likelihood and/or impact) with a
    /// justification; the model's value, the override and who made it are all kept.
    OverrideCell(OverrideCellArgs),
}

/// `veille assess override-cell` arguments.
#[derive(Debug, Args)]
pub struct OverrideCellArgs {
    /// The area: a region (Mopti) or a cercle (Mopti/Bankass).
    #[arg(long)]
    area: String,
    /// The period, YYYY-MM.
    #[arg(long)]
    period: String,
    /// Period length in months (1 or 2).
    #[arg(long, default_value_t = 1)]
    months: u32,
    /// The category: any, or 1–6.
    #[arg(long)]
    category: String,
    /// Likelihood: very low, low, medium, high, very high.
    #[arg(long)]
    likelihood: Option<String>,
    /// Impact: very low, low, medium, high, very high.
    #[arg(long)]
    impact: Option<String>,
    /// Why (required).
    #[arg(long)]
    reason: String,
}

async fn override_cell(a: OverrideCellArgs, global: &Global) -> Result<()> {
    let store = global.store().await?;
    let req = veille_desk::assess::CellOverrideRequest {
        area: a.area,
        period: a.period,
        months: a.months,
        category: a.category,
        likelihood: a.likelihood,
        impact: a.impact,
        justification: a.reason,
    };
    let o = veille_desk::assess::override_cell(
        store.as_ref(),
        &RuleSet::shipped()?,
        veille_actors::Registry::shipped()?,
        FULL_CLEARANCE,
        &req,
        &global.user,
        "--",
    )
    .await?;
    println!(
        "{}: {} override stored (version {})",
        o.area,
        o.category
            .map(|c| format!("category {}", c.code()))
            .unwrap_or_else(|| "any-event".into()),
        o.version
            .map(|v| v.to_string())
            .unwrap_or_else(|| "unchanged".into())
    );
    Ok(())
}

/// `veille assess override` arguments.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// Event id (UUID) or external id such as ged:12989.
    id: String,
    /// The categories, comma-separated, e.g. "6" or "3,4b".
    #[arg(long)]
    categories: String,
    /// Why (required).
    #[arg(long)]
    reason: String,
}

async fn override_categories(a: OverrideArgs, global: &Global) -> Result<()> {
    if a.reason.trim().is_empty() {
        bail!("an override needs a reason");
    }
    let mut codes = Vec::new();
    for c in a
        .categories
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match PocCode::parse(c) {
            Some(p) => codes.push(p),
            None => bail!("unknown POC category '{c}' (expected 1, 2, 3, 4, 4a-4f, 5 or 6)"),
        }
    }
    if codes.is_empty() {
        bail!("--categories needs at least one category");
    }
    codes.sort();
    codes.dedup();
    let Some(store) = global.existing_store().await? else {
        bail!("no database at {}", global.database);
    };
    let id = crate::events::resolve_id(&store, &a.id).await?;
    if store.get_event(id).await?.is_none() {
        bail!("no event with id {id}");
    }
    let r = veille_desk::assess::override_categories(
        store.as_ref(),
        id,
        &codes,
        a.reason.trim(),
        &global.user,
    )
    .await?;
    match r {
        Some(r) => println!(
            "event {id}: categories set to {} by {} (version {})",
            codes
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(", "),
            global.user,
            r.version
        ),
        None => println!("event {id}: the same override is already in place"),
    }
    Ok(())
}

/// `veille assess categorise` arguments.
#[derive(Debug, Args)]
pub struct CategoriseArgs {
    /// Event id (UUID) or external id such as ged:12989.
    id: String,
    #[command(flatten)]
    rules: RulesArg,
}

/// The rules file option.
#[derive(Debug, Args, Clone)]
pub struct RulesArg {
    /// POC categorisation rules (default: the shipped data/poc/rules.toml).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

impl RulesArg {
    /// Loads the rules.
    pub fn load(&self) -> Result<RuleSet> {
        Ok(match &self.rules {
            Some(p) => RuleSet::load(p)?,
            None => RuleSet::shipped()?,
        })
    }
}

/// The admin level option.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LevelArg {
    /// Regions.
    Admin1,
    /// Cercles.
    Admin2,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Admin1 => Level::Admin1,
            LevelArg::Admin2 => Level::Admin2,
        }
    }
}

/// Where the events come from, and the model options.
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// Read events from these files (GED, ACLED, veille CSV, GeoJSON) instead of the
    /// database; they are enriched with places and actors like an import.
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Recency half-life of the likelihood model, in months.
    #[arg(long)]
    pub half_life: Option<f64>,
    /// Prior weight κ of the likelihood model, in months.
    #[arg(long)]
    pub kappa: Option<f64>,
    /// Share β of the prior that comes from the neighbours.
    #[arg(long)]
    pub beta: Option<f64>,
}

impl SourceArgs {
    /// The model parameters (defaults, overridden by the options).
    pub fn params(&self) -> ModelParams {
        let d = ModelParams::default();
        ModelParams {
            half_life: self.half_life.unwrap_or(d.half_life),
            kappa: self.kappa.unwrap_or(d.kappa),
            beta: self.beta.unwrap_or(d.beta),
            ..d
        }
    }
}

/// Area assessment arguments.
#[derive(Debug, Args)]
pub struct AreaArgs {
    /// Assess one region (e.g. Mopti).
    #[arg(long, conflicts_with = "admin2")]
    admin1: Option<String>,
    /// Assess one cercle (e.g. Bankass, or Mopti/Bankass).
    #[arg(long)]
    admin2: Option<String>,
    /// Level of the full-country matrix when no area is given.
    #[arg(long, value_enum, default_value = "admin1")]
    level: LevelArg,
    /// The period assessed: its first month, YYYY-MM.
    #[arg(long)]
    period: Option<String>,
    /// Period length in months (1 or 2: regional task forces assess monthly or
    /// bimonthly).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
    months: u32,
    #[command(flatten)]
    source: SourceArgs,
}

/// Parses `YYYY-MM` into the month's first day.
pub fn parse_period(s: &str) -> Result<NaiveDate> {
    veille_desk::assess::parse_period(s)
        .map_err(|_| anyhow::anyhow!("--period must be YYYY-MM, got '{s}'"))
}

/// The events to assess: the given files (enriched), or every non-retracted stored event.
pub async fn load_events(global: &Global, files: &[PathBuf]) -> Result<Vec<Event>> {
    if files.is_empty() {
        let Some(store) = global.existing_store().await? else {
            bail!(
                "no database at {} (run veille import or veille demo first, or pass --file)",
                global.database
            );
        };
        return Ok(veille_desk::visible_events(
            store.as_ref(),
            FULL_CLEARANCE,
            EventFilter::default(),
        )
        .await?);
    }
    let enricher = crate::demo::enricher()?;
    let mut out = Vec::new();
    for f in files {
        let (events, errors) =
            veille_ingest::read_file(f, None, veille_ingest::MapContext::new(&global.user))
                .with_context(|| format!("cannot read {}", f.display()))?;
        if let Some(e) = errors.first() {
            bail!("{} row errors in {}; first: {e}", errors.len(), f.display());
        }
        for mut e in events {
            enricher.enrich(&mut e);
            out.push(e);
        }
    }
    Ok(out)
}

/// `veille assess`.
pub async fn run(args: AssessArgs, global: &Global) -> Result<()> {
    match args.command {
        Some(AssessCommand::Categorise(a)) => categorise(a, global).await,
        Some(AssessCommand::Override(a)) => override_categories(a, global).await,
        Some(AssessCommand::OverrideCell(a)) => override_cell(a, global).await,
        None => area(args.area, global).await,
    }
}

async fn categorise(a: CategoriseArgs, global: &Global) -> Result<()> {
    let rules = a.rules.load()?;
    let Some(store) = global.existing_store().await? else {
        bail!("no database at {}", global.database);
    };
    let id = crate::events::resolve_id(&store, &a.id).await?;
    let Some(event) = store.get_event(id).await? else {
        bail!("no event with id {id}");
    };
    let registry = veille_ingest::reference::load_registry(Some(store.as_ref())).await?;
    let mut cat = rules.categorise(&event, Some(&registry));
    let history = store
        .protection_history(
            veille_desk::assess::CATEGORY_OVERRIDE,
            &event.id.to_string(),
        )
        .await?;
    let by_rules = cat.clone();
    if let Some(last) = history.last() {
        let codes: Vec<PocCode> = serde_json::from_value(last.doc["categories"].clone())?;
        cat = cat.overridden(&codes);
    }
    if global.json {
        println!("{}", serde_json::to_string_pretty(&cat)?);
        return Ok(());
    }
    let ext: Vec<String> = event.external_ids.iter().map(|x| x.to_string()).collect();
    println!(
        "event {} ({}) {} — {} / {}",
        event.id,
        ext.join(", "),
        event.date_start,
        event.event_type,
        event.sub_event_type
    );
    let perps: Vec<String> = event
        .perpetrators()
        .map(|p| {
            format!(
                "{} ({})",
                p.name,
                category::PerpClass::of(p, Some(&registry))
            )
        })
        .collect();
    println!(
        "perpetrators: {}",
        if perps.is_empty() {
            "unidentified".to_string()
        } else {
            perps.join("; ")
        }
    );
    if cat.categories.is_empty() {
        println!("no POC threat category: no rule in {} matched", rules.file);
        return Ok(());
    }
    println!("POC threat categories:");
    for f in &cat.categories {
        let rule = rules.rule(&f.rule_id);
        println!(
            "  {:<3} {}\n      rule {} ({}:{}): {}",
            f.code.code(),
            f.code.label(),
            f.rule_id,
            rules.file,
            rule.map(|r| r.line).unwrap_or(0),
            rule.map(|r| r.why.as_str()).unwrap_or("")
        );
    }
    println!("rules matched: {}", cat.rules.join(", "));
    if let Some(last) = history.last() {
        let orig: Vec<&str> = by_rules.codes().into_iter().map(PocCode::code).collect();
        println!(
            "overridden by {} on {} (version {}): {} — the rules gave: {}",
            last.by,
            last.at.format("%Y-%m-%d %H:%M UTC"),
            last.version,
            last.reason.as_deref().unwrap_or(""),
            if orig.is_empty() {
                "none".to_string()
            } else {
                orig.join(", ")
            }
        );
    }
    Ok(())
}

/// The monthly series of `level` (from the database's rollup, or the given files') and
/// the number of events behind it.
pub async fn series(global: &Global, source: &SourceArgs, level: Level) -> Result<(Series, u64)> {
    let rules = source.rules.load()?;
    let registry = veille_actors::Registry::shipped()?;
    let params = source.params();
    if source.files.is_empty() {
        let Some(store) = global.existing_store().await? else {
            bail!(
                "no database at {} (run veille import or veille demo first, or pass --file)",
                global.database
            );
        };
        let n = store.count_events(&EventFilter::default()).await?;
        let r = veille_desk::rollup(store.as_ref(), &rules, registry, FULL_CLEARANCE).await?;
        return Ok((veille_desk::assess::series(&r, level, &params), n));
    }
    let events = load_events(global, &source.files).await?;
    let r = veille_desk::rollup_from_events(&events, &rules, registry, Default::default());
    Ok((
        veille_desk::assess::series(&r, level, &params),
        events.len() as u64,
    ))
}

fn cat_label(c: Option<PocCode>) -> String {
    match c {
        None => "any event".to_string(),
        Some(c) => format!("{} {}", c.code(), c.label()),
    }
}

/// Prints one area's assessment.
pub fn print_area(a: &AreaAssessment) {
    let span = if a.months == 2 {
        format!(
            "{} – {}",
            a.period_start.format("%Y-%m"),
            veille_protect::assess::add_months(a.period_start, 1).format("%Y-%m")
        )
    } else {
        a.period_start.format("%Y-%m").to_string()
    };
    println!("Threat assessment — {} — {span}", a.area);
    if let Some(why) = &a.no_data {
        println!("  NO DATA: {why}. This is not a low risk: nothing can be said.");
        return;
    }
    println!(
        "  {:<58} {:>6} {:<10} {:>9} {:<10} {:<8} {:>5} {:>8} {:>9}",
        "category",
        "P(≥1)",
        "likelihood",
        "exp.harm",
        "impact",
        "risk",
        "last",
        "vs prev",
        "vs year"
    );
    for c in &a.categories {
        let mut label = cat_label(c.category);
        if label.chars().count() > 58 {
            label = label.chars().take(57).collect::<String>() + "…";
        }
        println!(
            "  {:<58} {:>6.2} {:<10} {:>9.1} {:<10} {:<8} {:>5} {:>8} {:>9}",
            label,
            c.forecast.probability,
            c.likelihood.label(),
            c.forecast.expected_harm,
            c.impact.label(),
            c.risk,
            c.vs_previous.now,
            format!("{} {}", c.vs_previous.arrow(), c.vs_previous.before),
            format!("{} {}", c.vs_last_year.arrow(), c.vs_last_year.before),
        );
    }
    println!("  (last = events in the last complete period; * = significant, exact Poisson test p < 0.05)");
    for o in &a.overrides {
        let model = a.categories.iter().find(|c| c.category == o.category);
        println!(
            "  OVERRIDE {}: likelihood {} impact {} (model: {} / {}) by {} at {} (version {}): {}",
            cat_label(o.category),
            o.likelihood.map(|x| x.label()).unwrap_or("unchanged"),
            o.impact.map(|x| x.label()).unwrap_or("unchanged"),
            model.map(|m| m.likelihood.label()).unwrap_or("?"),
            model.map(|m| m.impact.label()).unwrap_or("?"),
            o.by,
            o.at,
            o.version,
            o.reason
        );
    }
}

/// Prints the full-country matrix: one row per area, one cell per main category,
/// written likelihood/impact (1–5) and the risk's first letter.
pub fn print_matrix(all: &[AreaAssessment]) {
    let Some(first) = all.first() else {
        println!("no areas: no events with an admin unit are loaded");
        return;
    };
    println!(
        "Threat matrix — {} ({} month{}) — cell = likelihood/impact (1–5) risk (l=low m=medium h=high X=extreme)",
        first.period_start.format("%Y-%m"),
        first.months,
        if first.months == 2 { "s" } else { "" }
    );
    print!("  {:<28}", "area");
    for c in PocCode::MAIN {
        print!(" {:>7}", format!("cat {}", c.code()));
    }
    println!(" {:>7}", "any");
    for a in all {
        print!("  {:<28}", a.area.chars().take(28).collect::<String>());
        if a.no_data.is_some() {
            println!(" NO DATA");
            continue;
        }
        let cell = |c: &veille_protect::assess::CategoryAssessment| {
            let r = match c.risk {
                "low" => "l",
                "medium" => "m",
                "high" => "h",
                _ => "X",
            };
            format!("{}/{} {r}", c.likelihood.rank(), c.impact.rank())
        };
        for c in a.categories.iter().skip(1) {
            print!(" {:>7}", cell(c));
        }
        if let Some(any) = a.categories.first() {
            print!(" {:>7}", cell(any));
        }
        println!();
    }
}

async fn area(a: AreaArgs, global: &Global) -> Result<()> {
    let level = if a.admin2.is_some() {
        Level::Admin2
    } else if a.admin1.is_some() {
        Level::Admin1
    } else {
        a.level.into()
    };
    let (s, _) = series(global, &a.source, level).await?;
    let period = a.period.as_deref().map(parse_period).transpose()?;
    let params = a.source.params();
    let name = a.admin1.as_deref().or(a.admin2.as_deref());
    let mut m = veille_desk::assess::assess_series(&s, period, a.months, name, &params)?;
    if let Some(store) = global.existing_store().await? {
        veille_desk::assess::attach_overrides(store.as_ref(), &mut m.areas).await?;
    }
    let out = m.areas;
    if global.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if name.is_some() {
        for x in &out {
            print_area(x);
        }
    } else {
        print_matrix(&out);
    }
    println!(
        "model: recency-weighted empirical-Bayes Poisson with spatial lag (half-life {} months, κ {}, β {}; {} nearest neighbours within {} km)",
        params.half_life, params.kappa, params.beta, params.neighbours, params.radius_km
    );
    Ok(())
}

/// The protection part of `veille demo`: the Mali threat matrix for the month after the
/// data end, and the current warnings.
pub async fn demo_section(
    store: &dyn veille_store::Store,
    events: &[Event],
    db: &str,
) -> Result<()> {
    let rules = RuleSet::shipped()?;
    let registry = veille_actors::Registry::shipped()?;
    let params = ModelParams::default();
    let rollup = veille_desk::rollup(store, &rules, registry, FULL_CLEARANCE).await?;
    let s = veille_desk::assess::series(&rollup, Level::Admin1, &params);
    let Some((_, hi)) = s.coverage else {
        return Ok(());
    };
    let period = veille_protect::assess::month_start(hi + 1);
    println!();
    print_matrix(&assess_all(&s, period, 1, &params));
    let ws = veille_desk::warn::detect_in(
        events,
        &rules,
        registry,
        &veille_protect::warnings::WarningConfig::default(),
    );
    let current: Vec<_> = ws
        .iter()
        .filter(|w| w.period_end >= veille_protect::assess::month_start(hi))
        .collect();
    println!(
        "\ncurrent warnings (active in {}): {} — the most severe:",
        veille_protect::assess::month_start(hi).format("%Y-%m"),
        current.len()
    );
    let mut top = current.clone();
    top.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.evidence.len().cmp(&a.evidence.len()))
    });
    for w in top.iter().take(8) {
        println!(
            "  [{}] {} {} — {}: {}",
            w.level.code(),
            w.kind.code(),
            w.area,
            w.subject,
            w.trigger
        );
    }
    println!(
        "  veille --db {db} assess --admin1 Mopti --period {}",
        period.format("%Y-%m")
    );
    println!("  veille --db {db} warn list");
    Ok(())
}
