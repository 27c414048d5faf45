//! `veille place ...` subcommands: resolve names, reverse-geocode points, validate
//! boundary files and user places, evaluate accuracy against GED, and benchmark.
//!
//! Gazetteer data: "Data from GeoNames (https://www.geonames.org/), CC BY 4.0".
//! Boundaries: Natural Earth (public domain).

use crate::Global;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use veille_geo::{
    eval, Boundaries, Geo, Hints, LayerSpec, PlaceAlias, ResolutionStatus, UserPlace,
    GEONAMES_ATTRIBUTION,
};
use veille_ingest::reference::{
    load_geo, BoundaryLayerEdit, BOUNDARY_EDITS, PLACE_ALIAS_EDITS, PLACE_EDITS,
};

/// The geography commands work on: shipped data plus the user places, aliases and
/// boundary layers persisted in the database (if one exists).
async fn current_geo(global: &Global) -> Result<Geo> {
    let store = global.existing_store().await?;
    Ok(load_geo(store.as_deref()).await?)
}

/// `veille place` subcommands.
#[derive(Debug, Subcommand)]
pub enum PlaceCommand {
    /// Resolve a place name ("Ogossagou", "near Mopti", "between Sévaré and Mopti",
    /// "Bankass cercle") to ranked candidates.
    Resolve {
        /// The name or phrase.
        name: String,
        /// Admin1 (region) hint, e.g. Mopti.
        #[arg(long)]
        admin1: Option<String>,
        /// Admin2 (cercle) hint, e.g. Bankass.
        #[arg(long)]
        admin2: Option<String>,
        /// Country hint, ISO alpha-3 (MLI) or alpha-2.
        #[arg(long)]
        country: Option<String>,
        /// A place the event is near.
        #[arg(long)]
        near: Option<String>,
        /// When the event happened (YYYY-MM-DD): admin names are read in the frame in
        /// force that day ("Ménaka" before 2016 is the Gao region of the time).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Maximum candidates.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Extra GeoNames dumps to load (.txt or .txt.gz), e.g. neighbours' BF.txt.gz.
        #[arg(long = "gazetteer")]
        gazetteers: Vec<PathBuf>,
    },
    /// Reverse-geocode a point: admin1, admin2, nearest place, country, PRIO-GRID gid.
    At {
        /// Latitude.
        #[arg(allow_hyphen_values = true)]
        lat: f64,
        /// Longitude.
        #[arg(allow_hyphen_values = true)]
        lon: f64,
        /// As of this date (YYYY-MM-DD): use the boundary layers of the vintage in force.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Load a GeoJSON boundary file as one admin level of one vintage. It is validated
    /// (all-or-nothing), then stored in the database as a revision; from then on it is
    /// used by reverse geocoding and import enrichment (the newest layer of a level wins).
    LoadBoundaries {
        /// The GeoJSON FeatureCollection.
        file: PathBuf,
        /// Admin level (1 region, 2 cercle, 3 commune).
        #[arg(long)]
        level: u8,
        /// Vintage id, e.g. 2016.
        #[arg(long)]
        vintage: String,
        /// Property with the unit name.
        #[arg(long)]
        name_prop: String,
        /// Property with the unit code.
        #[arg(long)]
        code_prop: String,
        /// Prefix to strip from codes (e.g. "ML.").
        #[arg(long)]
        strip_prefix: Option<String>,
        /// Country of the layer (ISO alpha-3).
        #[arg(long)]
        country: Option<String>,
        /// Why it is loaded (kept in the revision).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add a user place. It is validated, then stored in the database as a revision and
    /// used by resolution and import enrichment from then on.
    Add {
        /// Name.
        name: String,
        /// Latitude.
        #[arg(allow_hyphen_values = true)]
        lat: f64,
        /// Longitude.
        #[arg(allow_hyphen_values = true)]
        lon: f64,
        /// Stable id (default: derived from the name).
        #[arg(long)]
        id: Option<String>,
        /// Alternate names (repeatable).
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// Country, ISO alpha-2.
        #[arg(long, default_value = "ML")]
        country: String,
        /// GeoNames feature class.
        #[arg(long, default_value = "P")]
        feature_class: String,
        /// GeoNames feature code.
        #[arg(long, default_value = "PPL")]
        feature_code: String,
        /// GeoNames admin1 code; default: from the polygons.
        #[arg(long)]
        admin1: Option<String>,
        /// Why it is added, and the source (kept in the revision).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add another name for an existing place (e.g. a local spelling), stored as a
    /// revision.
    Alias {
        /// The other name, e.g. "Boulkessi".
        alias: String,
        /// The place id it names, e.g. geonames:2460401 or user:boulkessi.
        place_id: String,
        /// Why, and the source (kept in the revision).
        #[arg(long)]
        reason: Option<String>,
    },
    /// The stored place, alias and boundary edits: who, when, why, what.
    History,
    /// Accuracy against real UCDP GED rows (where_prec 1–2), and admin1 agreement.
    Evaluate {
        /// GED CSV files (default: the GED files under data/ucdp or ../shared/data).
        #[arg(long = "ged")]
        ged: Vec<PathBuf>,
        /// List every row.
        #[arg(long)]
        verbose: bool,
    },
    /// Benchmark name resolutions/s and point-in-polygon lookups/s (medians of runs).
    Bench {
        /// Runs per measurement (median reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Runs one `veille place` subcommand.
pub async fn run(cmd: PlaceCommand, global: &Global) -> Result<()> {
    match cmd {
        PlaceCommand::Resolve {
            name,
            admin1,
            admin2,
            country,
            near,
            date,
            limit,
            gazetteers,
        } => {
            let mut geo = current_geo(global).await?;
            for g in &gazetteers {
                geo.gazetteer.load_path(g)?;
            }
            let hints = Hints {
                admin1,
                admin2,
                country,
                near,
                limit: Some(limit),
                date,
            };
            let r = geo.resolve(&name, &hints);
            if global.json {
                return print_json(&r);
            }
            let status = match r.status {
                ResolutionStatus::Resolved => "resolved",
                ResolutionStatus::Ambiguous => "AMBIGUOUS — choose a candidate or add a hint",
                ResolutionStatus::NotFound => "not found",
            };
            println!("{:?}: {status}", r.query);
            for n in &r.notes {
                println!("  note: {n}");
            }
            for (i, c) in r.candidates.iter().enumerate() {
                let a1 = c.place.admin1.as_ref().map(|a| a.1.as_str()).unwrap_or("?");
                let a2 = c.place.admin2.as_ref().map(|a| a.1.as_str()).unwrap_or("?");
                println!(
                    "{:>2}. {:<28} {:>9.5} {:>10.5}  {} {}/{}  {}  score {:.3}  precision {}",
                    i + 1,
                    c.place.name,
                    c.place.latitude,
                    c.place.longitude,
                    c.place.country_code,
                    a1,
                    a2,
                    c.place.feature,
                    c.score,
                    c.precision.code()
                );
                println!("      {} [{}]", c.reason, c.place.id);
                if let (Some((code, name)), Some(d)) = (&c.admin1_on_date, date) {
                    println!("      on {d}: in the {name} region ({code})");
                }
            }
            println!("{GEONAMES_ATTRIBUTION}");
            Ok(())
        }
        PlaceCommand::At { lat, lon, date } => {
            let geo = current_geo(global).await?;
            let r = geo.at_on(lat, lon, date)?;
            if global.json {
                return print_json(&r);
            }
            println!("point        {lat}, {lon}");
            match &r.country {
                Some(c) if r.country_approximate => {
                    println!("country      {c} (approximate: nearest place)")
                }
                Some(c) => println!("country      {c}"),
                None => println!("country      unknown"),
            }
            match &r.admin1 {
                Some(a) => println!(
                    "admin1       {} (code {}, vintage {}, {})",
                    a.name, a.code, a.vintage, a.method
                ),
                None => println!("admin1       unknown (outside all loaded boundaries)"),
            }
            match &r.admin2 {
                Some(a) => println!("admin2       {} (code {}; {})", a.name, a.code, a.method),
                None => println!("admin2       unknown"),
            }
            if let Some((p, d)) = &r.nearest_place {
                println!(
                    "nearest      {} ({}, {}) {d:.1} km",
                    p.name, p.feature, p.id
                );
            }
            match r.priogrid_gid {
                Some(g) => println!("priogrid_gid {g}"),
                None => println!("priogrid_gid -"),
            }
            Ok(())
        }
        PlaceCommand::LoadBoundaries {
            file,
            level,
            vintage,
            name_prop,
            code_prop,
            strip_prefix,
            country,
            reason,
        } => {
            let spec = LayerSpec {
                level,
                vintage,
                name_prop,
                code_prop,
                code_strip_prefix: strip_prefix,
                country,
                source: file.display().to_string(),
            };
            let geojson = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let file_name = file.display().to_string();
            let b = Boundaries::from_geojson_bytes(&file_name, geojson.as_bytes(), &spec)?;
            let edit = BoundaryLayerEdit {
                file_name,
                spec,
                geojson,
            };
            let store = global.store().await?;
            let key = format!("level{}:{}", b.level(), b.vintage());
            let rev = store
                .append_reference_edit(
                    BOUNDARY_EDITS,
                    &key,
                    &serde_json::to_value(&edit)?,
                    &global.user,
                    reason.as_deref(),
                )
                .await?;
            if global.json {
                return print_json(&serde_json::json!({
                    "file": b.file(), "level": b.level(), "vintage": b.vintage(),
                    "units": b.units(), "vertices": b.vertex_count(), "bbox": b.bbox(),
                    "revision": rev,
                }));
            }
            println!(
                "{}: loaded; {} units, {} vertices, level {}, vintage {}",
                b.file(),
                b.units().len(),
                b.vertex_count(),
                b.level(),
                b.vintage()
            );
            for (n, c) in b.units() {
                println!("  {c:<12} {n}");
            }
            println!(
                "saved: boundary edit #{} by {} at {}",
                rev.seq,
                rev.by,
                rev.at.format("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        PlaceCommand::Add {
            name,
            lat,
            lon,
            id,
            aliases,
            country,
            feature_class,
            feature_code,
            admin1,
            reason,
        } => {
            let store = global.store().await?;
            let mut geo = load_geo(Some(store.as_ref())).await?;
            let rg = geo.at(lat, lon)?;
            let id = id.unwrap_or_else(|| veille_geo::normalize::key(&name));
            let u = UserPlace {
                id,
                name,
                alternate_names: aliases,
                latitude: lat,
                longitude: lon,
                feature_class,
                feature_code,
                country_code: country,
                admin1_code: admin1.or_else(|| rg.admin1.as_ref().map(|a| a.code.clone())),
                admin2_code: rg.admin2.as_ref().map(|a| a.code.clone()),
                population: 0,
                note: None,
            };
            let pid = geo.gazetteer.add_place(&u)?;
            let check = geo.resolve(&u.name, &Hints::default());
            let rev = store
                .append_reference_edit(
                    PLACE_EDITS,
                    &pid,
                    &serde_json::to_value(&u)?,
                    &global.user,
                    reason.as_deref(),
                )
                .await?;
            if global.json {
                return print_json(
                    &serde_json::json!({"place": u, "id": pid, "resolves_to": check, "revision": rev}),
                );
            }
            println!("added user place {pid}: {} at {lat}, {lon}", u.name);
            if let Some(c) = check.candidates.iter().find(|c| c.place.id == pid) {
                println!("  would resolve with score {:.3}: {}", c.score, c.reason);
            }
            if check.status == ResolutionStatus::Ambiguous {
                println!("  note: the name would be ambiguous with existing places:");
                for c in check.candidates.iter().take(5) {
                    println!(
                        "    {} ({}) {:.4},{:.4}",
                        c.place.name, c.place.id, c.place.latitude, c.place.longitude
                    );
                }
            }
            println!(
                "saved: place edit #{} by {} at {}",
                rev.seq,
                rev.by,
                rev.at.format("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        PlaceCommand::Alias {
            alias,
            place_id,
            reason,
        } => {
            let store = global.store().await?;
            let mut geo = load_geo(Some(store.as_ref())).await?;
            let a = PlaceAlias {
                alias,
                place_id,
                note: reason.clone(),
            };
            geo.gazetteer.add_alias(&a)?;
            let rev = store
                .append_reference_edit(
                    PLACE_ALIAS_EDITS,
                    &a.place_id,
                    &serde_json::to_value(&a)?,
                    &global.user,
                    reason.as_deref(),
                )
                .await?;
            if global.json {
                return print_json(&serde_json::json!({"alias": a, "revision": rev}));
            }
            println!(
                "added alias \"{}\" for {}; saved: place_alias edit #{} by {} at {}",
                a.alias,
                a.place_id,
                rev.seq,
                rev.by,
                rev.at.format("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        PlaceCommand::History => {
            let Some(store) = global.existing_store().await? else {
                println!("no database: no place edits");
                return Ok(());
            };
            let mut all = Vec::new();
            for kind in [BOUNDARY_EDITS, PLACE_EDITS, PLACE_ALIAS_EDITS] {
                all.extend(store.reference_edits(kind).await?);
            }
            all.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
            if global.json {
                return print_json(&all);
            }
            if all.is_empty() {
                println!("no place edits");
            }
            for e in &all {
                println!(
                    "{} #{:<3} {} by {}  {}{}",
                    e.kind,
                    e.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    e.by,
                    e.key,
                    e.reason
                        .as_ref()
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        PlaceCommand::Evaluate { ged, verbose } => {
            let geo = Geo::shipped()?;
            let paths = if ged.is_empty() { default_ged()? } else { ged };
            let mut files = Vec::new();
            for p in &paths {
                let t = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
                files.push((p.display().to_string(), t));
            }
            let rep = eval::evaluate(&geo, &files);
            if global.json {
                return print_json(&rep);
            }
            let pct = eval::EvalReport::pct;
            println!("GED files: {}", rep.files.join(", "));
            println!("rows with where_prec 1–2: {}", rep.rows);
            println!(
                "  resolved unambiguously within 10 km: {} / {} = {:.1}%",
                rep.within_10km,
                rep.rows,
                pct(rep.within_10km, rep.rows)
            );
            println!(
                "  top candidate within 10 km (incl. ambiguous): {} = {:.1}%",
                rep.top_within_10km,
                pct(rep.top_within_10km, rep.rows)
            );
            println!(
                "  with the adm_1 hint only, resolved within 10 km: {} = {:.1}%",
                rep.within_10km_admin1_only,
                pct(rep.within_10km_admin1_only, rep.rows)
            );
            println!(
                "  without any hint, resolved within 10 km: {} = {:.1}%",
                rep.within_10km_no_hint,
                pct(rep.within_10km_no_hint, rep.rows)
            );
            println!(
                "  resolved {}, ambiguous {}, not found {}",
                rep.resolved, rep.ambiguous, rep.not_found
            );
            println!(
                "  ceiling: rows the gazetteer can answer at all (a place of that name within 10 km): {} = {:.1}%; resolved within 10 km among those: {} = {:.1}%",
                rep.reachable_within_10km,
                pct(rep.reachable_within_10km, rep.rows),
                rep.within_10km_of_reachable,
                pct(rep.within_10km_of_reachable, rep.reachable_within_10km)
            );
            let agree = rep.admin1_exact + rep.admin1_vintage;
            println!(
                "admin1 from polygons vs GED adm_1 ({} rows with adm_1): agree {} = {:.1}% (exact {}, via 2016 crosswalk {}), outside polygons {}, disagree {}",
                rep.admin1_rows,
                agree,
                pct(agree, rep.admin1_rows),
                rep.admin1_exact,
                rep.admin1_vintage,
                rep.admin1_outside,
                rep.admin1_disagree.len()
            );
            for (id, a, p) in &rep.admin1_disagree {
                println!("  disagree: GED {id}: adm_1 {a:?}, polygon {p:?}");
            }
            for d in &rep.details {
                let bad = d.distance_km.is_none_or(|x| x > 10.0);
                if verbose || bad {
                    println!(
                        "  {} {:?} [{}] → {:?} {:?} {}{}",
                        d.id,
                        d.text,
                        d.adm_1,
                        d.status,
                        d.resolved,
                        d.top_distance_km
                            .map(|x| format!("{x:.1} km"))
                            .unwrap_or_default(),
                        if d.reachable {
                            ""
                        } else {
                            "  (no place of this name within 10 km in the gazetteer)"
                        }
                    );
                }
            }
            Ok(())
        }
        PlaceCommand::Bench { runs } => bench(runs.max(1), global),
    }
}

fn default_ged() -> Result<Vec<PathBuf>> {
    for dir in [
        "data/ucdp",
        "../shared/data/ucdp_ged_mali",
        "/work/shared/data/ucdp_ged_mali",
    ] {
        let a = PathBuf::from(dir).join("ged231_sample1000_mali.csv");
        let b = PathBuf::from(dir).join("ged_candidate_v26_0_7_mali_extract.csv");
        if a.exists() && b.exists() {
            return Ok(vec![a, b]);
        }
    }
    bail!("no GED files found in data/ucdp or ../shared/data/ucdp_ged_mali; pass --ged FILE")
}

fn bench(runs: usize, global: &Global) -> Result<()> {
    let r = veille_geo::bench::run(runs)?;
    if global.json {
        return print_json(&r);
    }
    println!(
        "shipped data loaded in {:.0} ms (Geo::shipped: gazetteer + NE ADM1)",
        r.load_ms
    );
    println!(
        "name resolutions/s (median of {}, {} real names incl. variants and phrases): {:.0}",
        r.runs,
        veille_geo::bench::NAMES.len(),
        r.resolutions_per_s
    );
    println!(
        "  of which the {} found without fuzzy matching: {:.0}/s",
        r.direct_names, r.direct_resolutions_per_s
    );
    println!(
        "fuzzy-path resolutions/s (median of {}, {} misspellings): {:.0}",
        r.runs,
        veille_geo::bench::MISSPELLINGS.len(),
        r.fuzzy_resolutions_per_s
    );
    println!(
        "point-in-polygon lookups/s, one core (median of {}, 1M random points in the layer bbox): {:.0}",
        r.runs, r.pip_per_s
    );
    if let Some(k) = r.rss_peak_after_load_kb {
        println!(
            "peak RSS after loading (VmHWM): {:.1} MB",
            k as f64 / 1024.0
        );
    }
    if let Some(k) = r.rss_peak_kb {
        println!(
            "peak RSS at end incl. 16 MB of bench points (VmHWM): {:.1} MB",
            k as f64 / 1024.0
        );
    }
    Ok(())
}
