//! `cargo run --release -p veille-geo --example bench`: the same numbers as
//! `veille place bench`.

fn main() -> Result<(), veille_geo::GeoError> {
    let r = veille_geo::bench::run(5)?;
    println!("{r:#?}");
    Ok(())
}
