//! `veille demo`: the first command a newcomer runs. It builds a fresh SQLite database
//! from the real UCDP GED rows for Mali shipped with veille, enriches every event with
//! places and actors, and prints what an analyst would want to see first.

use crate::{output, Global};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;
use veille_ingest::{Enricher, ImportOptions};
use veille_model::Event;
use veille_store::EventFilter;

/// The real GED files shipped with veille (CC BY 4.0, see data/ucdp/SOURCE.md).
const SHIPPED_GED: &[(&str, &[u8])] = &[
    (
        "ged231_sample1000_mali.csv",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/ucdp/ged231_sample1000_mali.csv"
        )),
    ),
    (
        "ged_candidate_v26_0_7_mali_extract.csv",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/ucdp/ged_candidate_v26_0_7_mali_extract.csv"
        )),
    ),
];

/// `veille demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo database (replaced if it exists).
    #[arg(long, default_value = "veille-demo.db")]
    out: PathBuf,
    /// Then serve the demo database, with a new admin account whose one-time password
    /// is printed.
    #[arg(long)]
    serve: bool,
    /// Address to serve on (with --serve).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
}

/// The shipped geography (Mali gazetteer and boundaries), loaded once.
pub fn geo() -> Result<&'static veille_geo::Geo> {
    Ok(veille_ingest::shipped_geo()?)
}

/// The standard enrichment (places and actors) every import goes through.
pub fn enricher() -> Result<Arc<dyn Enricher>> {
    Ok(veille_ingest::StandardEnricher::shipped()?)
}

/// `veille demo`.
pub async fn run(args: DemoArgs, global: &Global) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", args.out.display());
        if std::path::Path::new(&p).exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot replace {p}"))?;
        }
    }
    let db = args.out.display().to_string();
    let store = crate::open_store(&db).await?;
    println!("veille demo — building {db} (SQLite) from real UCDP GED rows for Mali\n");

    let dir = std::env::temp_dir().join(format!("veille-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let enricher = enricher()?;
    for (name, bytes) in SHIPPED_GED {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        let opts = ImportOptions {
            by: global.user.clone(),
            enricher: Some(enricher.clone()),
            ..ImportOptions::default()
        };
        let r = veille_ingest::import_file(store.as_ref(), &path, &opts, &mut |_| {}).await?;
        let b = &r.batch;
        println!(
            "imported {name}: {} rows → {} events (batch {}, sha256 {}…)",
            b.rows_read,
            b.rows_created,
            b.id,
            &b.sha256[..b.sha256.len().min(12)]
        );
    }
    // Idempotence, shown: importing the same file again changes nothing.
    let again = dir.join(SHIPPED_GED[1].0);
    let opts = ImportOptions {
        by: global.user.clone(),
        enricher: Some(enricher.clone()),
        ..ImportOptions::default()
    };
    let r = veille_ingest::import_file(store.as_ref(), &again, &opts, &mut |_| {}).await?;
    println!(
        "re-imported {}: {} created, {} updated, {} unchanged (re-import never duplicates)\n",
        SHIPPED_GED[1].0, r.batch.rows_created, r.batch.rows_updated, r.batch.rows_unchanged
    );
    let _ = std::fs::remove_dir_all(&dir);

    let stats = store.stats().await?;
    print!("{}", output::stats(&stats));

    let all = store.list_events(&EventFilter::default()).await?;
    let n = all.len().max(1) as f64;
    let with = |f: &dyn Fn(&Event) -> bool| all.iter().filter(|e| f(e)).count();
    let admin1 = with(&|e| e.location.admin1.as_ref().is_some_and(|a| a.code.is_some()));
    let admin2 = with(&|e| e.location.admin2.is_some());
    let gid = with(&|e| e.location.priogrid_gid.is_some());
    let actors_total: usize = all.iter().map(|e| e.actors.len()).sum();
    let actors_linked: usize = all
        .iter()
        .map(|e| e.actors.iter().filter(|a| a.actor_id.is_some()).count())
        .sum();
    println!("\nenrichment:");
    println!(
        "  admin1 code from boundaries: {admin1} of {} ({:.0}%)",
        all.len(),
        100.0 * admin1 as f64 / n
    );
    println!(
        "  admin2 (cercle):             {admin2} of {} ({:.0}%)",
        all.len(),
        100.0 * admin2 as f64 / n
    );
    println!(
        "  PRIO-GRID cell:              {gid} of {} ({:.0}%)",
        all.len(),
        100.0 * gid as f64 / n
    );
    println!("  actors linked to registry:   {actors_linked} of {actors_total} mentions");

    let mut deadliest = all.clone();
    deadliest.sort_by_key(|e| std::cmp::Reverse(e.killed_best()));
    deadliest.truncate(5);
    println!("\ndeadliest events:");
    print!("{}", output::event_table(&deadliest));

    if let Some(e) = deadliest.first() {
        let id = e
            .external_ids
            .first()
            .map(|x| x.to_string())
            .unwrap_or_else(|| e.id.to_string());
        println!("\nhistory of {id} (every change is a revision; imports point to their batch):");
        print!("{}", output::revisions(&store.history(e.id).await?));
        println!("\nnext:");
        println!("  veille --db {db} show {id}");
        println!("  veille --db {db} list --admin1 Mopti");
        println!("  veille --db {db} export --format geojson -o events.geojson   # opens in QGIS");
    }
    crate::assess::demo_section(store.as_ref(), &all, &db).await?;
    crate::report::demo_report(&db, &global.user).await?;
    println!(
        "\nData: UCDP GED 23.1 and Candidate 26.0.7 (Sundberg & Melander 2013, JPR 50(4)), CC BY 4.0; {}.",
        veille_geo::GEONAMES_ATTRIBUTION
    );
    if args.serve {
        serve_demo(&db, &args.addr, global).await?;
    }
    Ok(())
}

/// `veille demo --serve`: an admin account with a one-time password, then the server.
async fn serve_demo(db: &str, addr: &str, global: &Global) -> Result<()> {
    let (_, auth) = crate::open_store_with_auth(db).await?;
    let password = veille_server::auth::random_secret()[..20].to_string();
    let hash = veille_server::auth::hash_password(&password)?;
    auth.create_user(
        "admin",
        veille_server::Role::Admin.code(),
        "en",
        &hash,
        "demo",
    )
    .await?;
    println!(
        "
web: user admin, one-time password {password} (change it: veille --db {db} user passwd admin)"
    );
    let g = Global {
        database: db.to_string(),
        ..global.clone()
    };
    crate::serve::serve(
        crate::serve::ServeArgs {
            addr: addr.to_string(),
            insecure_cookies: true,
            cache_mb: 64,
        },
        &g,
    )
    .await
}
