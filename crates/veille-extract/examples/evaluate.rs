//! Evaluates the extractor on a gold file without the CLI:
//! `cargo run -p veille-extract --example evaluate -- GOLD.jsonl [--json]`.

use veille_extract::{eval, Extractor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "crates/veille-extract/tests/fixtures/dev_gold.jsonl".into());
    let geo = veille_geo::Geo::shipped()?;
    let reg = veille_actors::Registry::shipped()?;
    let ex = Extractor::new(&geo, reg);
    let text = std::fs::read_to_string(&path)?;
    let items = eval::read_gold(&path, &text)?;
    let report = eval::evaluate(&ex, reg, &items);
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}
