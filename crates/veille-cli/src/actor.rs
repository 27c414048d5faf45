//! `veille actor ...` subcommands: show, resolve, tree, who, family, unresolved, bench,
//! history, and the edits add / alias / relate.
//!
//! Every command works on the registry as edited: the shipped registry plus every edit
//! persisted in the store (reference edits of kind `"actor"`, payload a
//! [`RegistryEdit`]) applied in order, by [`load_registry`]. An edit is validated by
//! applying it to that registry, then persisted with who, when and why; a refused edit
//! prints the registry's message, persists nothing and exits non-zero.

use crate::Global;
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use std::path::PathBuf;
use std::sync::Arc;
use veille_actors::{
    Actor, ActorKind, Alias, AliasKind, GenealogyNode, Lang, Origin, Registry, RegistryEdit,
    Relation, RelationKind,
};
use veille_store::{ActorSpan, EventFilter, ReferenceEdit, Store};

use veille_ingest::reference::{load_registry as load_reference_registry, ACTOR_EDITS};

/// How many events `actor family --events` lists after the count.
const FAMILY_EVENTS_SHOWN: u64 = 10;

/// `veille actor` subcommands.
#[derive(Debug, Subcommand)]
pub enum ActorCommand {
    /// Show an actor: names, type, period, leaders, relations, designations.
    Show {
        /// Actor id or name (e.g. JNIM, GSIM, "Ansar Dine").
        name: String,
    },
    /// Resolve a mention to scored candidates.
    Resolve {
        /// The mention, e.g. "GSIM" or "unidentified gunmen".
        text: String,
        /// The date of the mention (YYYY-MM-DD); makes resolution time-aware.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// The genealogy of an actor as a dated tree and timeline.
    Tree {
        /// Actor id or name.
        name: String,
        /// Also print who it was on this date.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Who an actor was on a date: name, status, memberships, designations.
    Who {
        /// Actor id or name.
        name: String,
        /// The date (YYYY-MM-DD).
        #[arg(long)]
        date: NaiveDate,
    },
    /// The family of an actor (members, merged groups; optionally predecessors).
    Family {
        /// Actor id or name.
        name: String,
        /// On this day only.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        date: Option<NaiveDate>,
        /// From this day (inclusive).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// To this day (inclusive).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Include the groups that joined or merged into it, before they did.
        #[arg(long)]
        predecessors: bool,
        /// Also count (and list the first few) events in the database involving the
        /// family, each actor within its dated span.
        #[arg(long)]
        events: bool,
    },
    /// List actor names that do not resolve, with counts: those stored in the database
    /// by default, or those found in the GED or ACLED CSV files given.
    Unresolved {
        /// GED or ACLED CSV files to scan instead of the database.
        files: Vec<PathBuf>,
    },
    /// The persisted edits about an actor: who, when, why and what.
    History {
        /// Actor id or name.
        name: String,
    },
    /// Benchmark resolution (medians over several runs).
    Bench {
        /// Runs (at least 5).
        #[arg(long, default_value_t = 7)]
        runs: usize,
        /// Mentions per run.
        #[arg(long, default_value_t = 50_000)]
        mentions: usize,
    },
    /// Add an actor (validated, then persisted as a revision).
    Add {
        /// New id, e.g. "katiba-serma".
        #[arg(long)]
        id: String,
        /// Canonical name.
        #[arg(long)]
        name: String,
        /// ACLED inter code 1–8.
        #[arg(long)]
        inter: u8,
        /// Finer type, e.g. jihadist_group, identity_communal_militia.
        #[arg(long)]
        kind: String,
        /// Country (ISO3), repeatable.
        #[arg(long = "country")]
        countries: Vec<String>,
        /// Active from (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Active to (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Leader (plain text), repeatable.
        #[arg(long = "leader")]
        leaders: Vec<String>,
        /// Identity militias only: the community it claims to defend (plain text).
        #[arg(long)]
        community: Option<String>,
        /// Source of the record.
        #[arg(long)]
        source: String,
        /// Why the edit is made (kept with the revision).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add an alias to an actor (validated, then persisted as a revision).
    Alias {
        /// Actor id or name.
        actor: String,
        /// The alias.
        text: String,
        /// en, fr, ar (transliterated) or und.
        #[arg(long, default_value = "en")]
        lang: String,
        /// name, acronym, misspelling, acled or ucdp.
        #[arg(long, default_value = "name")]
        kind: String,
        /// In use from (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// In use to (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Source.
        #[arg(long)]
        source: String,
        /// Why the edit is made (kept with the revision).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Relate two actors (validated, then persisted as a revision).
    Relate {
        /// Subject actor id or name.
        from_actor: String,
        /// member_of, merged_into, split_from, renamed_to, allied_with, rival_of,
        /// fights_with, operates_with.
        kind: String,
        /// Object actor id or name.
        to_actor: String,
        /// Valid from (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Valid to (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Source.
        #[arg(long)]
        source: String,
        /// Why the edit is made (kept with the revision).
        #[arg(long)]
        reason: Option<String>,
    },
}

/// The registry every command works on: the shipped registry with every persisted actor
/// edit (`store`, when there is one) applied in order (one loader, in veille-ingest).
async fn load_registry(store: Option<&dyn Store>) -> Result<Registry> {
    Ok(load_reference_registry(store).await?)
}

/// The store, if there is one to read.
async fn existing_store(global: &Global) -> Result<Option<Arc<dyn Store>>> {
    global.existing_store().await
}

/// What an edit does, in one line.
fn describe_edit(edit: &RegistryEdit) -> String {
    match edit {
        RegistryEdit::AddActor { actor } => {
            format!("add actor {} \"{}\" ({})", actor.id, actor.name, actor.kind)
        }
        RegistryEdit::AddAlias { actor, alias } => format!(
            "add alias \"{}\" to {actor} ({:?}, {:?}; {})",
            alias.text, alias.lang, alias.kind, alias.source
        ),
        RegistryEdit::AddRelation { relation: r } => format!(
            "relate {} {} {} [{}] ({})",
            r.from,
            r.kind,
            r.to,
            span(r.valid_from, r.valid_to),
            r.source
        ),
        RegistryEdit::AddDesignation { designation: d } => format!(
            "designate {} on {} by {} [{}] ({})",
            d.actor,
            d.list.code(),
            d.authority,
            span(d.valid_from, d.valid_to),
            d.source
        ),
    }
}

/// Whether a persisted edit is about actor `id`.
fn edit_concerns(e: &ReferenceEdit, id: &str) -> bool {
    if e.key == id {
        return true;
    }
    match serde_json::from_value::<RegistryEdit>(e.payload.clone()) {
        Ok(RegistryEdit::AddRelation { relation }) => relation.from == id || relation.to == id,
        Ok(RegistryEdit::AddDesignation { designation }) => designation.actor == id,
        _ => false,
    }
}

fn find<'a>(reg: &'a Registry, name: &str) -> Result<&'a Actor> {
    reg.lookup(name)
        .ok_or_else(|| anyhow!("no actor matches '{name}' (try `veille actor resolve`)"))
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "…".into(), |d| d.to_string())
}

fn span(f: Option<NaiveDate>, t: Option<NaiveDate>) -> String {
    format!(
        "{} – {}",
        opt_date(f),
        t.map_or_else(|| "open".into(), |d| d.to_string())
    )
}

fn parse_kind(s: &str) -> Result<ActorKind> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|_| anyhow!("unknown actor kind '{s}'"))
}

fn parse_lang(s: &str) -> Result<Lang> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|_| anyhow!("unknown language '{s}' (en, fr, ar, und)"))
}

fn parse_alias_kind(s: &str) -> Result<AliasKind> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|_| anyhow!("unknown alias kind '{s}' (name, acronym, misspelling, acled, ucdp)"))
}

fn print_relation(reg: &Registry, r: &Relation) {
    let name = |id: &str| {
        reg.get(id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let unverified = if r.verified { "" } else { " [unverified]" };
    println!(
        "  {} {} {}  [{}]  ({}){unverified}",
        name(&r.from),
        r.kind,
        name(&r.to),
        span(r.valid_from, r.valid_to),
        r.source
    );
}

fn print_tree(node: &GenealogyNode, prefix: &str, last: bool, root: bool) {
    let (branch, next) = if root {
        ("", String::new())
    } else if last {
        ("└─ ", format!("{prefix}   "))
    } else {
        ("├─ ", format!("{prefix}│  "))
    };
    let rel = if node.relation.is_empty() {
        String::new()
    } else {
        format!(
            "{} [{}]  ",
            node.relation,
            span(node.valid_from, node.valid_to)
        )
    };
    let rep = if node.repeated { "  (see above)" } else { "" };
    println!(
        "{prefix}{branch}{rel}{} ({}; active {}){rep}",
        node.name, node.actor_id, node.active
    );
    let n = node.children.len();
    for (i, c) in node.children.iter().enumerate() {
        print_tree(c, &next, i + 1 == n, false);
    }
}

/// Runs one `veille actor` subcommand.
pub async fn run(cmd: ActorCommand, global: &Global) -> Result<()> {
    // Edits and store-backed listings open (creating if needed) the database; the
    // rest read it when it exists.
    let needs_store = match &cmd {
        ActorCommand::Add { .. } | ActorCommand::Alias { .. } | ActorCommand::Relate { .. } => true,
        ActorCommand::Family { events, .. } => *events,
        ActorCommand::Unresolved { files } => files.is_empty(),
        _ => false,
    };
    let store = if needs_store {
        Some(global.store().await?)
    } else {
        existing_store(global).await?
    };
    let owned = load_registry(store.as_deref()).await?;
    let reg = &owned;
    match cmd {
        ActorCommand::Show { name } => {
            let a = find(reg, &name)?;
            let rels: Vec<&Relation> = reg
                .relations_from(&a.id)
                .into_iter()
                .chain(reg.relations_to(&a.id))
                .collect();
            let des = reg.designations_of(&a.id);
            if global.json {
                return print_json(&serde_json::json!({
                    "actor": a, "relations": rels, "designations": des,
                }));
            }
            println!("{} ({})", a.name, a.id);
            println!(
                "  type: {} (ACLED inter {}: {})",
                a.kind,
                a.inter,
                a.inter_code().map(|c| c.label()).unwrap_or("?")
            );
            if !a.countries.is_empty() {
                println!("  countries: {}", a.countries.join(", "));
            }
            println!("  active: {}", span(a.active_from, a.active_to));
            if !a.leaders.is_empty() {
                println!("  leaders: {}", a.leaders.join("; "));
            }
            if let Some(c) = &a.community {
                println!("  claims to defend: {c}  (classification of inter-communal violence only; never used to infer a perpetrator)");
            }
            if !a.components.is_empty() {
                println!("  joint side of: {}", a.components.join(", "));
            }
            if !a.ucdp_ids.is_empty() {
                let ids: Vec<String> = a.ucdp_ids.iter().map(u32::to_string).collect();
                println!("  UCDP ActorId: {}", ids.join(", "));
            }
            println!("  source: {}", a.source);
            if let Some(n) = &a.notes {
                println!("  notes: {n}");
            }
            println!("  aliases:");
            for al in &a.aliases {
                let when = if al.valid_from.is_some() || al.valid_to.is_some() {
                    format!(" [{}]", span(al.valid_from, al.valid_to))
                } else {
                    String::new()
                };
                println!("    {}  ({:?}, {:?}){when}", al.text, al.lang, al.kind);
            }
            if !rels.is_empty() {
                println!("  relations:");
                for r in rels {
                    print_relation(reg, r);
                }
            }
            if !des.is_empty() {
                println!("  designations:");
                for d in des {
                    let unverified = if d.verified { "" } else { " [unverified]" };
                    println!(
                        "  {} by {} [{}] ({}){unverified}",
                        d.list.code(),
                        d.authority,
                        span(d.valid_from, d.valid_to),
                        d.source
                    );
                }
            }
            Ok(())
        }
        ActorCommand::Resolve { text, date } => {
            let res = reg.resolve(&text, date);
            if global.json {
                return print_json(&res);
            }
            if res.candidates.is_empty() {
                println!("no candidate for \"{text}\" — a registry gap: map it with `veille actor alias`");
            }
            if let Some(q) = &res.generic_qualifier {
                println!("generic mention; qualifier kept as text: \"{q}\"");
            }
            for c in &res.candidates {
                println!(
                    "{:.2}  {} ({})  — {}",
                    c.score, c.canonical_name, c.actor_id, c.reason
                );
            }
            Ok(())
        }
        ActorCommand::Tree { name, date } => {
            let a = find(reg, &name)?;
            let g = reg.genealogy(&a.id)?;
            let who = match date {
                Some(d) => Some(reg.who_was(&a.id, d)?),
                None => None,
            };
            if global.json {
                return print_json(&serde_json::json!({ "genealogy": g, "who_was": who }));
            }
            println!("Antecedents:");
            print_tree(&g.tree, "", true, true);
            if !g.successors.is_empty() {
                println!("\nBecame / joined / splinters:");
                for r in &g.successors {
                    print_relation(reg, r);
                }
            }
            println!("\nTimeline:");
            for t in &g.timeline {
                println!("  {:<10}  {}  ({})", opt_date(t.date), t.text, t.source);
            }
            if let Some(w) = who {
                println!("\nOn {}: {} — {}", w.date, w.name_on_date, w.status);
            }
            Ok(())
        }
        ActorCommand::Who { name, date } => {
            let a = find(reg, &name)?;
            let w = reg.who_was(&a.id, date)?;
            if global.json {
                return print_json(&w);
            }
            println!("{} on {}: {}", a.id, w.date, w.name_on_date);
            println!("  status: {}", w.status);
            for (title, list) in [
                ("member of", &w.memberships),
                ("members", &w.members),
                ("alignments", &w.alignments),
            ] {
                if !list.is_empty() {
                    println!("  {title}:");
                    for r in list {
                        print_relation(reg, r);
                    }
                }
            }
            for d in &w.designations {
                println!(
                    "  designated: {} by {} since {} ({})",
                    d.list.code(),
                    d.authority,
                    opt_date(d.valid_from),
                    d.source
                );
            }
            Ok(())
        }
        ActorCommand::Family {
            name,
            date,
            from,
            to,
            predecessors,
            events,
        } => {
            let a = find(reg, &name)?;
            let range = match date {
                Some(d) => (Some(d), Some(d)),
                None => (from, to),
            };
            let fam = reg.family(&a.id, range, predecessors)?;
            let counted = match (&store, events) {
                (Some(store), true) => {
                    let spans = family_spans(reg, &a.id, range, predecessors)?;
                    let all = EventFilter::default();
                    let count = store.count_events_for_actors(&spans, &all).await?;
                    let first = store
                        .list_events_for_actors(
                            &spans,
                            &EventFilter {
                                limit: Some(FAMILY_EVENTS_SHOWN),
                                ..EventFilter::default()
                            },
                        )
                        .await?;
                    Some((spans, count, first))
                }
                _ => None,
            };
            if global.json {
                return match counted {
                    Some((spans, count, first)) => print_json(&serde_json::json!({
                        "family": fam, "spans": spans, "events": count, "first_events": first,
                    })),
                    None => print_json(&fam),
                };
            }
            println!(
                "Family of {} over [{}]{}:",
                a.name,
                span(range.0, range.1),
                if predecessors {
                    ", with predecessors"
                } else {
                    ""
                }
            );
            for m in fam {
                let name = reg
                    .get(&m.actor_id)
                    .map_or_else(|| m.actor_id.clone(), |x| x.name.clone());
                let pred = if m.predecessor { " (predecessor)" } else { "" };
                println!(
                    "  {:<28} [{}]{pred}  {}",
                    name,
                    span(m.valid_from, m.valid_to),
                    m.via
                );
            }
            if let Some((_, count, first)) = counted {
                println!("\n{count} event(s) in the database involve this family.");
                for e in &first {
                    let names: Vec<&str> = e.actors.iter().map(|p| p.name.as_str()).collect();
                    println!(
                        "  {}  {}  {}  {}",
                        e.date_start,
                        e.id,
                        e.sub_event_type.code(),
                        names.join("; ")
                    );
                }
                if count > first.len() as u64 {
                    println!("  … (`veille actor family --json --events` for the first {FAMILY_EVENTS_SHOWN})");
                }
            }
            Ok(())
        }
        ActorCommand::History { name } => {
            let id = find(reg, &name)?.id.clone();
            let edits: Vec<ReferenceEdit> = match &store {
                Some(store) => store
                    .reference_edits(ACTOR_EDITS)
                    .await?
                    .into_iter()
                    .filter(|e| edit_concerns(e, &id))
                    .collect(),
                None => Vec::new(),
            };
            if global.json {
                return print_json(&edits);
            }
            if edits.is_empty() {
                println!("{id}: no persisted edits (shipped registry only).");
            }
            for e in &edits {
                let what = serde_json::from_value::<RegistryEdit>(e.payload.clone())
                    .map_or_else(|_| e.payload.to_string(), |x| describe_edit(&x));
                println!(
                    "#{}  {}  by {}{}",
                    e.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    e.by,
                    e.reason
                        .as_deref()
                        .map_or_else(String::new, |r| format!("  — {r}"))
                );
                println!("    {what}");
            }
            Ok(())
        }
        ActorCommand::Unresolved { files } => {
            if files.is_empty() {
                let store = store.ok_or_else(|| anyhow!("no database to read"))?;
                let names = store.unresolved_actor_names().await?;
                if global.json {
                    let rows: Vec<serde_json::Value> = names
                        .iter()
                        .map(|(n, c)| serde_json::json!({ "name": n, "events": c }))
                        .collect();
                    return print_json(&rows);
                }
                if names.is_empty() {
                    println!("every stored actor name resolves.");
                }
                for (n, c) in names {
                    println!("  {c:>6}  {n}");
                }
                return Ok(());
            }
            let mut log = veille_actors::UnresolvedLog::new();
            let (mut seen, mut ok) = (0u64, 0u64);
            for f in &files {
                let rep = veille_actors::dataset::scan_file(reg, f)
                    .with_context(|| format!("scanning {}", f.display()))?;
                seen += rep.names_seen;
                ok += rep.resolved;
                log.merge(&rep.unresolved);
            }
            let entries = log.entries();
            if global.json {
                return print_json(&serde_json::json!({
                    "names_seen": seen, "resolved": ok, "unresolved": entries,
                }));
            }
            println!("{ok} of {seen} actor names resolved.");
            for e in entries {
                println!("  {:>6}  {}  ({})", e.count, e.text, e.dataset);
            }
            Ok(())
        }
        ActorCommand::Bench { runs, mentions } => {
            let rep = veille_actors::bench::run(reg, runs, mentions);
            if global.json {
                return print_json(&rep);
            }
            println!("{rep}");
            if cfg!(debug_assertions) {
                println!("(debug build: measure with `cargo run --release -p veille-cli -- actor bench`)");
            }
            Ok(())
        }
        ActorCommand::Add {
            id,
            name,
            inter,
            kind,
            countries,
            from,
            to,
            leaders,
            community,
            source,
            reason,
        } => {
            let mut edited = owned.clone();
            let key = id.clone();
            let res = edited.add_actor(Actor {
                id,
                name,
                inter,
                kind: parse_kind(&kind)?,
                countries,
                active_from: from,
                active_to: to,
                precision: None,
                leaders,
                community,
                components: Vec::new(),
                ucdp_ids: Vec::new(),
                aliases: Vec::new(),
                source,
                notes: None,
                origin: Origin::Curated,
            });
            persist_edit(res, &edited, &key, reason, store, global).await
        }
        ActorCommand::Alias {
            actor,
            text,
            lang,
            kind,
            from,
            to,
            source,
            reason,
        } => {
            let id = find(reg, &actor)?.id.clone();
            let mut edited = owned.clone();
            let res = edited.add_alias(
                &id,
                Alias {
                    text,
                    lang: parse_lang(&lang)?,
                    kind: parse_alias_kind(&kind)?,
                    source,
                    valid_from: from,
                    valid_to: to,
                },
            );
            persist_edit(res, &edited, &id, reason, store, global).await
        }
        ActorCommand::Relate {
            from_actor,
            kind,
            to_actor,
            from,
            to,
            source,
            reason,
        } => {
            let kind = RelationKind::parse(&kind).ok_or_else(|| {
                anyhow!("unknown relation '{kind}' (member_of, merged_into, split_from, renamed_to, allied_with, rival_of, fights_with, operates_with)")
            })?;
            let f = find(reg, &from_actor)?.id.clone();
            let t = find(reg, &to_actor)?.id.clone();
            let mut edited = owned.clone();
            let key = f.clone();
            let res = edited.add_relation(Relation {
                from: f,
                kind,
                to: t,
                valid_from: from,
                valid_to: to,
                precision: None,
                source,
                verified: true,
                note: None,
            });
            persist_edit(res, &edited, &key, reason, store, global).await
        }
    }
}

/// The dated spans of `root`'s family over `range`, each clipped to the range.
fn family_spans(
    reg: &Registry,
    root: &str,
    range: (Option<NaiveDate>, Option<NaiveDate>),
    predecessors: bool,
) -> Result<Vec<ActorSpan>> {
    let mut out = Vec::new();
    for (actor_id, f, t) in reg.family_ids(root, range, predecessors)? {
        let from = match (f, range.0) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let to = match (t, range.1) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if matches!((from, to), (Some(a), Some(b)) if a > b) {
            continue;
        }
        out.push(ActorSpan { actor_id, from, to });
    }
    Ok(out)
}

/// Persists the edit just applied to `edited` (when `applied` succeeded) and prints the
/// revision. A refused edit returns the registry's message; nothing is written.
async fn persist_edit(
    applied: Result<(), veille_actors::RegistryError>,
    edited: &Registry,
    key: &str,
    reason: Option<String>,
    store: Option<Arc<dyn Store>>,
    global: &Global,
) -> Result<()> {
    if let Err(e) = applied {
        bail!("edit refused, nothing saved: {e}");
    }
    let edit = edited
        .edits()
        .last()
        .ok_or_else(|| anyhow!("no edit recorded"))?;
    let store = store.ok_or_else(|| anyhow!("no database to save the edit to"))?;
    let payload = serde_json::to_value(edit)?;
    let rev = store
        .append_reference_edit(ACTOR_EDITS, key, &payload, &global.user, reason.as_deref())
        .await?;
    if global.json {
        return print_json(&serde_json::json!({ "persisted": true, "revision": rev }));
    }
    println!(
        "saved: actor edit #{} by {} at {}{}",
        rev.seq,
        rev.by,
        rev.at.format("%Y-%m-%d %H:%M:%S UTC"),
        rev.reason
            .as_deref()
            .map_or_else(String::new, |r| format!(" — {r}"))
    );
    println!("  {}", describe_edit(edit));
    Ok(())
}
