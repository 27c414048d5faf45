//! Resolution benchmark: `cargo run --release -p veille-actors --example resolve_bench`.
//! Also available as `veille actor bench`.

use std::time::Instant;
use veille_actors::Registry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let reg = Registry::shipped()?;
    println!(
        "registry built in {:.1} ms ({} actors, {} relations)",
        t.elapsed().as_secs_f64() * 1e3,
        reg.actors().len(),
        reg.relations().len()
    );
    let rep = veille_actors::bench::run(reg, 7, 50_000);
    println!(
        "resolve: {:.0} mentions/s (median of {} runs x {} mentions, {} distinct, {:.0}% with a candidate)",
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
    Ok(())
}
