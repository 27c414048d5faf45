//! `veille atrocity show|assess|set|history|diff`: the atrocity-risk assessment per
//! country or region (UN Framework of Analysis for Atrocity Crimes, Genocide Watch stage),
//! versioned as `protection_records` of kind `atrocity_assessment` keyed by the area in
//! lower case. A save that scores higher than the previous version raises (or updates)
//! an atrocity warning, stored like the detectors' warnings (kind `warning`).

use crate::Global;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;
use veille_protect::atrocity::{self, is_country, AtrocityAssessment, Framework, ScoreStatus};
use veille_protect::warnings::{self, Warning, WarningKind};
use veille_store::{ProtectionRecord, Store};

/// Protection-record kind of atrocity-risk assessments.
pub const KIND: &str = "atrocity_assessment";

/// `veille atrocity` subcommands.
#[derive(Debug, Subcommand)]
pub enum AtrocityCommand {
    /// Show an area's stored assessment (the current version, or --version N).
    Show(ShowArgs),
    /// Compute the suggested scores from the events; with --save, store them as a new
    /// version (analysts' scores and the stage are kept).
    Assess(AssessArgs),
    /// Set a factor's score (or confirm its suggestion) or the Genocide Watch stage, with
    /// a justification and evidence: a new version.
    Set(SetArgs),
    /// Every version of an area's assessment: who, when, why, overall score, stage.
    History(AreaArgs),
    /// What changed between two versions (default: the last two).
    Diff(DiffArgs),
}

/// The framework file option.
#[derive(Debug, Args, Clone)]
pub struct FrameworkArg {
    /// Atrocity-risk framework (default: the shipped data/poc/atrocity_framework.toml).
    #[arg(long)]
    framework: Option<PathBuf>,
}

impl FrameworkArg {
    fn load(&self) -> Result<Framework> {
        Ok(match &self.framework {
            Some(p) => Framework::load(p)?,
            None => Framework::shipped()?,
        })
    }
}

/// The area option.
#[derive(Debug, Args, Clone)]
pub struct AreaArgs {
    /// "country" or a region (admin1) name, e.g. Mopti.
    #[arg(long)]
    area: String,
    #[command(flatten)]
    framework: FrameworkArg,
}

/// `veille atrocity show` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// A past version.
    #[arg(long)]
    version: Option<u64>,
}

/// `veille atrocity assess` arguments.
#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// The month assessed, YYYY-MM: suggestions read the months before it (default: the
    /// month after the last event).
    #[arg(long)]
    as_of: Option<String>,
    /// Read events from these files instead of the database (then --save is refused).
    #[arg(long = "file")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    rules: crate::assess::RulesArg,
    /// Store the result as a new version.
    #[arg(long)]
    save: bool,
    /// Why (stored with the version; default: "suggestions refreshed to YYYY-MM").
    #[arg(long)]
    reason: Option<String>,
}

/// `veille atrocity set` arguments.
#[derive(Debug, Args)]
pub struct SetArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// The risk factor, 1–14.
    #[arg(long, conflicts_with = "stage", required_unless_present = "stage")]
    factor: Option<u8>,
    /// The factor's score on the framework's scale (0–3 shipped).
    #[arg(long, requires = "factor", conflicts_with = "confirm")]
    score: Option<u8>,
    /// Confirm the factor's suggested score.
    #[arg(long, requires = "factor")]
    confirm: bool,
    /// The Genocide Watch stage, 1–10.
    #[arg(long)]
    stage: Option<u8>,
    /// Why (required).
    #[arg(long)]
    justification: String,
    /// Evidence: an event id, an external id (ged:12989) or an http(s) URL; repeatable.
    #[arg(long)]
    evidence: Vec<String>,
}

/// `veille atrocity diff` arguments.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    area: AreaArgs,
    /// The earlier version (default: the one before --to).
    #[arg(long)]
    from: Option<u64>,
    /// The later version (default: the current one).
    #[arg(long)]
    to: Option<u64>,
}

/// `veille atrocity`.
pub async fn run(cmd: AtrocityCommand, global: &Global) -> Result<()> {
    match cmd {
        AtrocityCommand::Show(a) => show(a, global).await,
        AtrocityCommand::Assess(a) => assess(a, global).await,
        AtrocityCommand::Set(a) => set(a, global).await,
        AtrocityCommand::History(a) => history(a, global).await,
        AtrocityCommand::Diff(a) => diff(a, global).await,
    }
}

fn key(area: &str) -> String {
    area.trim().to_lowercase()
}

fn doc(r: &ProtectionRecord) -> Result<AtrocityAssessment> {
    Ok(serde_json::from_value(r.doc.clone())?)
}

async fn existing(global: &Global) -> Result<Arc<dyn Store>> {
    match global.existing_store().await? {
        Some(s) => Ok(s),
        None => bail!("no database at {}", global.database),
    }
}

async fn versions(store: &Arc<dyn Store>, area: &str) -> Result<Vec<ProtectionRecord>> {
    let h = store.protection_history(KIND, &key(area)).await?;
    if h.is_empty() {
        bail!(
            "no atrocity-risk assessment stored for '{}' (run veille atrocity assess --area {} --save, or veille atrocity set)",
            area.trim(),
            area.trim()
        );
    }
    Ok(h)
}

fn pick(h: &[ProtectionRecord], v: Option<u64>, area: &str) -> Result<ProtectionRecord> {
    match v {
        None => h
            .last()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no version of '{area}'")),
        Some(n) => match h.iter().find(|r| r.version == n) {
            Some(r) => Ok(r.clone()),
            None => bail!(
                "'{}' has no version {n} (versions 1 to {})",
                area.trim(),
                h.len()
            ),
        },
    }
}

fn has_events(events: &[veille_model::Event], area: &str) -> bool {
    events
        .iter()
        .any(|e| !e.is_retracted() && atrocity::in_area(e, area))
}

fn unknown_area(area: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "no event in area '{}': an area is 'country' or a region (admin1) name",
        area.trim()
    )
}

async fn show(a: ShowArgs, global: &Global) -> Result<()> {
    let fw = a.area.framework.load()?;
    let store = existing(global).await?;
    let h = versions(&store, &a.area.area).await?;
    let r = pick(&h, a.version, &a.area.area)?;
    let x = doc(&r)?;
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "version": r.version, "by": r.by, "at": r.at, "reason": r.reason,
                "overall": x.overall(), "band": fw.band(x.overall()),
                "assessment": x,
            }))?
        );
        return Ok(());
    }
    println!(
        "version {} of {} — by {} at {} — {}",
        r.version,
        h.len(),
        r.by,
        r.at.format("%Y-%m-%d %H:%M UTC"),
        r.reason.as_deref().unwrap_or("")
    );
    print(&x, &fw);
    Ok(())
}

/// Prints an assessment.
pub fn print(x: &AtrocityAssessment, fw: &Framework) {
    println!(
        "atrocity-risk assessment — {}{}",
        x.area,
        x.as_of
            .map(|d| format!(
                " — suggestions read the events before {}",
                d.format("%Y-%m")
            ))
            .unwrap_or_default()
    );
    println!(
        "overall {}/{} ({}); {} unconfirmed suggestion{}",
        x.overall(),
        fw.overall_max(),
        fw.band(x.overall()),
        x.unconfirmed(),
        if x.unconfirmed() == 1 { "" } else { "s" }
    );
    let suggestible = fw.factors.iter().filter(|f| f.suggest.is_some()).count();
    let suggested = x.factors.iter().filter(|f| f.suggested.is_some()).count();
    if x.as_of.is_some() && suggested < suggestible {
        println!(
            "no data: {} factor{} got no suggested score, the area has no event in the months they read (missing data is not a low risk)",
            suggestible - suggested,
            if suggestible - suggested == 1 { "" } else { "s" }
        );
    }
    match &x.stage {
        Some(s) => {
            let st = fw.stage(s.stage);
            println!(
                "Genocide Watch stage {} {} (alert: {}) — {}",
                s.stage,
                st.map(|x| x.name.as_str()).unwrap_or("?"),
                st.map(|x| x.alert.as_str()).unwrap_or("?"),
                s.justification
            );
            evidence("    ", &s.events, &s.urls);
        }
        None => println!("Genocide Watch stage: not set"),
    }
    for f in &fw.factors {
        let Some(s) = x.factor(f.id) else { continue };
        let score = s
            .effective()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "–".into());
        let label = s
            .effective()
            .and_then(|v| fw.levels.get(usize::from(v)))
            .map(|l| l.label.as_str())
            .unwrap_or("");
        println!(
            "{:>2} {:<72} {} {:<11} {}",
            f.id,
            f.name,
            score,
            label,
            s.status().code()
        );
        if let Some(sg) = &s.suggested {
            println!("     suggested {}: {}", sg.score, sg.basis);
            evidence("       ", &sg.events, &sg.urls);
        }
        if s.score.is_some() {
            println!("     analyst: {}", s.justification);
            evidence("       ", &s.events, &s.urls);
        }
    }
}

fn evidence(indent: &str, events: &[Uuid], urls: &[String]) {
    if !events.is_empty() {
        let ev: Vec<String> = events.iter().map(Uuid::to_string).collect();
        println!("{indent}events: {}", ev.join(", "));
    }
    if !urls.is_empty() {
        println!("{indent}sources: {}", urls.join(" "));
    }
}

async fn assess(a: AssessArgs, global: &Global) -> Result<()> {
    if a.save && !a.files.is_empty() {
        bail!("--save stores the assessment of the stored events; --file is for a look only");
    }
    let fw = a.area.framework.load()?;
    let rules = a.rules.load()?;
    let events = crate::assess::load_events(global, &a.files).await?;
    let area = a.area.area.trim().to_string();
    if !has_events(&events, &area) {
        return Err(unknown_area(&area));
    }
    let as_of = match &a.as_of {
        Some(s) => crate::assess::parse_period(s)?,
        None => {
            let last = events
                .iter()
                .filter(|e| !e.is_retracted())
                .map(|e| e.date_start)
                .max()
                .unwrap_or_default();
            veille_protect::assess::add_months(last, 1)
        }
    };
    let registry = veille_actors::Registry::shipped()?;
    let sugg = atrocity::suggest(&fw, &events, &rules, Some(registry), &area, as_of);
    let store = if a.files.is_empty() {
        global.existing_store().await?
    } else {
        None
    };
    let prev = match &store {
        Some(s) => s
            .protection_history(KIND, &key(&area))
            .await?
            .last()
            .map(doc)
            .transpose()?,
        None => None,
    };
    let mut x = prev
        .clone()
        .unwrap_or_else(|| AtrocityAssessment::empty(&area, &fw));
    x.refresh(as_of, sugg);
    if !a.save {
        if global.json {
            println!("{}", serde_json::to_string_pretty(&x)?);
        } else {
            print(&x, &fw);
            println!("(not saved: add --save to store this as a new version)");
        }
        return Ok(());
    }
    let reason = a
        .reason
        .clone()
        .unwrap_or_else(|| format!("suggestions refreshed to {}", as_of.format("%Y-%m")));
    let store = global.store().await?;
    if !global.json {
        print(&x, &fw);
    }
    save(&store, global, &fw, prev.as_ref(), &x, &reason).await
}

/// Stores `x` as the area's new version and raises or updates the atrocity warning when
/// it scores higher than `prev`.
async fn save(
    store: &Arc<dyn Store>,
    global: &Global,
    fw: &Framework,
    prev: Option<&AtrocityAssessment>,
    x: &AtrocityAssessment,
    reason: &str,
) -> Result<()> {
    let v = store
        .put_protection_record(
            KIND,
            &key(&x.area),
            &serde_json::to_value(x)?,
            &global.user,
            Some(reason),
        )
        .await?;
    let Some(v) = v else {
        println!("unchanged: the stored version already says this");
        return Ok(());
    };
    println!(
        "saved version {} of {} (overall {}/{}, {})",
        v.version,
        x.area,
        x.overall(),
        fw.overall_max(),
        fw.band(x.overall())
    );
    let Some(rise) = atrocity::rise(prev, x, fw) else {
        return Ok(());
    };
    let mut stored: Vec<Warning> = Vec::new();
    for r in store.protection_records("warning").await? {
        let w: Warning = serde_json::from_value(r.doc)?;
        if w.kind == WarningKind::Atrocity {
            stored.push(w);
        }
    }
    let today = chrono::Utc::now().date_naive();
    let w = warnings::atrocity_warning(&stored, &x.area, today, &rise);
    let written = store
        .put_protection_record(
            "warning",
            &w.id.to_string(),
            &serde_json::to_value(&w)?,
            &global.user,
            Some("atrocity-risk assessment scored higher"),
        )
        .await?;
    println!(
        "warning {}: [{}] atrocity {} — {} — id {}",
        match written.map(|r| r.version) {
            Some(1) => "raised",
            _ => "updated",
        },
        w.level.code(),
        w.area,
        w.trigger,
        w.id
    );
    println!("    why: {}", w.explanation);
    Ok(())
}

async fn parse_evidence(
    store: &Arc<dyn Store>,
    items: &[String],
) -> Result<(Vec<Uuid>, Vec<String>)> {
    let mut events = Vec::new();
    let mut urls = Vec::new();
    for it in items {
        let t = it.trim();
        if t.starts_with("https://") || t.starts_with("http://") {
            urls.push(t.to_string());
            continue;
        }
        let id = crate::events::resolve_id(store, t).await?;
        if store.get_event(id).await?.is_none() {
            bail!("no event with id {id}");
        }
        events.push(id);
    }
    Ok((events, urls))
}

async fn set(a: SetArgs, global: &Global) -> Result<()> {
    let fw = a.area.framework.load()?;
    let store = existing(global).await?;
    let area = a.area.area.trim().to_string();
    let h = store.protection_history(KIND, &key(&area)).await?;
    let prev = h.last().map(doc).transpose()?;
    if prev.is_none() && !is_country(&area) {
        let events = crate::assess::load_events(global, &[]).await?;
        if !has_events(&events, &area) {
            return Err(unknown_area(&area));
        }
    }
    let mut x = prev
        .clone()
        .unwrap_or_else(|| AtrocityAssessment::empty(&area, &fw));
    let (events, urls) = parse_evidence(&store, &a.evidence).await?;
    let reason = match (a.factor, a.stage) {
        (Some(f), _) => {
            if a.score.is_none() && !a.confirm {
                bail!("give --score N or --confirm (to accept the suggested score)");
            }
            x.set_factor(&fw, f, a.score, &a.justification, events, urls)?;
            let s = x.factor(f).and_then(|s| s.score).unwrap_or(0);
            format!(
                "factor {f} {} {s}: {}",
                if a.confirm { "confirmed at" } else { "set to" },
                a.justification.trim()
            )
        }
        (None, Some(st)) => {
            x.set_stage(&fw, st, &a.justification, events, urls)?;
            format!("stage set to {st}: {}", a.justification.trim())
        }
        (None, None) => bail!("give --factor N or --stage N"),
    };
    if let Some(f) = a.factor {
        if let Some(s) = x.factor(f) {
            if s.status() == ScoreStatus::Changed {
                println!(
                    "note: factor {f} now differs from its suggested score ({})",
                    s.suggested.as_ref().map(|g| g.score).unwrap_or(0)
                );
            }
        }
    }
    save(&store, global, &fw, prev.as_ref(), &x, &reason).await
}

async fn history(a: AreaArgs, global: &Global) -> Result<()> {
    let fw = a.framework.load()?;
    let store = existing(global).await?;
    let h = versions(&store, &a.area).await?;
    let mut rows = Vec::new();
    for r in &h {
        let x = doc(r)?;
        rows.push(serde_json::json!({
            "version": r.version, "by": r.by, "at": r.at, "reason": r.reason,
            "overall": x.overall(), "band": fw.band(x.overall()), "stage": x.stage_number(),
            "unconfirmed": x.unconfirmed(),
        }));
        if !global.json {
            println!(
                "v{} {} by {} — overall {}/{} ({}), stage {}, {} unconfirmed — {}",
                r.version,
                r.at.format("%Y-%m-%d %H:%M UTC"),
                r.by,
                x.overall(),
                fw.overall_max(),
                fw.band(x.overall()),
                x.stage_number()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "not set".into()),
                x.unconfirmed(),
                r.reason.as_deref().unwrap_or("")
            );
        }
    }
    if global.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(())
}

async fn diff(a: DiffArgs, global: &Global) -> Result<()> {
    let fw = a.area.framework.load()?;
    let store = existing(global).await?;
    let area = &a.area.area;
    let h = versions(&store, area).await?;
    let to = pick(&h, a.to, area)?;
    let from_v = match a.from {
        Some(v) => v,
        None if to.version > 1 => to.version - 1,
        None => bail!("'{}' has a single version: nothing to compare", area.trim()),
    };
    let from = pick(&h, Some(from_v), area)?;
    let d = atrocity::diff(&doc(&from)?, &doc(&to)?, &fw);
    if global.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    println!(
        "{}: version {} ({} by {}) → version {} ({} by {})",
        area.trim(),
        from.version,
        from.at.format("%Y-%m-%d"),
        from.by,
        to.version,
        to.at.format("%Y-%m-%d"),
        to.by
    );
    println!(
        "overall {} ({}) → {} ({})",
        d.overall.0,
        fw.band(d.overall.0),
        d.overall.1,
        fw.band(d.overall.1)
    );
    let st = |x: Option<u8>| x.map(|n| n.to_string()).unwrap_or_else(|| "not set".into());
    if d.stage.0 != d.stage.1 || d.stage_justification_changed {
        println!("stage {} → {}", st(d.stage.0), st(d.stage.1));
    }
    if d.factors.is_empty() {
        println!("no factor changed");
    }
    let sc = |x: Option<u8>| x.map(|n| n.to_string()).unwrap_or_else(|| "–".into());
    for c in &d.factors {
        println!(
            "factor {:>2} {}: {} ({}) → {} ({}){}",
            c.factor,
            c.name,
            sc(c.from),
            c.from_status.code(),
            sc(c.to),
            c.to_status.code(),
            if c.justification_changed {
                "; justification changed"
            } else {
                ""
            }
        );
    }
    Ok(())
}
