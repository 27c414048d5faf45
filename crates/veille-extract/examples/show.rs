//! Prints the drafts of one report given on the command line:
//! `cargo run -p veille-extract --example show -- "TEXT" [YYYY-MM-DD]`.

use veille_extract::{Extractor, Report};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let geo = veille_geo::Geo::shipped()?;
    let reg = veille_actors::Registry::shipped()?;
    let ex = Extractor::new(&geo, reg);
    let report = Report {
        id: None,
        text: args.first().cloned().unwrap_or_default(),
        report_date: args.get(1).and_then(|d| d.parse().ok()),
        country: Some("MLI".into()),
    };
    println!("{}", serde_json::to_string_pretty(&ex.extract(&report))?);
    Ok(())
}
