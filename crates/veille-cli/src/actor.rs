//! `veille actor ...` subcommands: show, resolve, tree, who, family, unresolved, bench,
//! and the edits add / alias / relate.
//!
//! Edits are validated against the shipped registry and printed as the revision they
//! would create; they are not persisted yet (the store will keep them as revisions).

use crate::Global;
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use std::path::PathBuf;
use veille_actors::{
    Actor, ActorKind, Alias, AliasKind, GenealogyNode, Lang, Origin, Registry, Relation,
    RelationKind,
};

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
    },
    /// List actor names that do not resolve, with counts. Until the store records them
    /// during imports, give GED or ACLED CSV files to scan.
    Unresolved {
        /// GED or ACLED CSV files.
        files: Vec<PathBuf>,
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
    /// Add an actor (validated; printed as a revision, not yet persisted).
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
    },
    /// Add an alias to an actor (validated; printed as a revision, not yet persisted).
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
    },
    /// Relate two actors (validated; printed as a revision, not yet persisted).
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
    },
}

fn registry() -> Result<&'static Registry> {
    Registry::shipped().map_err(|e| anyhow!("loading the shipped actor registry: {e}"))
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
    let reg = registry()?;
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
        } => {
            let a = find(reg, &name)?;
            let range = match date {
                Some(d) => (Some(d), Some(d)),
                None => (from, to),
            };
            let fam = reg.family(&a.id, range, predecessors)?;
            if global.json {
                return print_json(&fam);
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
            Ok(())
        }
        ActorCommand::Unresolved { files } => {
            if files.is_empty() {
                bail!("give GED or ACLED CSV files to scan (the store-backed list comes with the importers)");
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
            println!(
                "resolve: {:.0} mentions/s (median of {} runs of {} mentions; {} distinct; {:.0}% got a candidate)",
                rep.mentions_per_second,
                rep.runs,
                rep.mentions_per_run,
                rep.distinct_mentions,
                rep.resolved_share * 100.0
            );
            println!(
                "resolve_exact_name: {:.0} names/s",
                rep.exact_names_per_second
            );
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
        } => {
            let mut edited = reg.clone();
            edited.add_actor(Actor {
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
            })?;
            report_edit(&edited, global)
        }
        ActorCommand::Alias {
            actor,
            text,
            lang,
            kind,
            from,
            to,
            source,
        } => {
            let id = find(reg, &actor)?.id.clone();
            let mut edited = reg.clone();
            edited.add_alias(
                &id,
                Alias {
                    text,
                    lang: parse_lang(&lang)?,
                    kind: parse_alias_kind(&kind)?,
                    source,
                    valid_from: from,
                    valid_to: to,
                },
            )?;
            report_edit(&edited, global)
        }
        ActorCommand::Relate {
            from_actor,
            kind,
            to_actor,
            from,
            to,
            source,
        } => {
            let kind = RelationKind::parse(&kind).ok_or_else(|| {
                anyhow!("unknown relation '{kind}' (member_of, merged_into, split_from, renamed_to, allied_with, rival_of, fights_with, operates_with)")
            })?;
            let f = find(reg, &from_actor)?.id.clone();
            let t = find(reg, &to_actor)?.id.clone();
            let mut edited = reg.clone();
            edited.add_relation(Relation {
                from: f,
                kind,
                to: t,
                valid_from: from,
                valid_to: to,
                precision: None,
                source,
                verified: true,
                note: None,
            })?;
            report_edit(&edited, global)
        }
    }
}

fn report_edit(edited: &Registry, global: &Global) -> Result<()> {
    let edit = edited
        .edits()
        .last()
        .ok_or_else(|| anyhow!("no edit recorded"))?;
    if global.json {
        return print_json(
            &serde_json::json!({ "valid": true, "persisted": false, "revision": edit }),
        );
    }
    println!("valid. Revision (not persisted yet; the store will keep it):");
    println!("{}", serde_json::to_string_pretty(edit)?);
    Ok(())
}
