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
    println!("{rep}");
    Ok(())
}
