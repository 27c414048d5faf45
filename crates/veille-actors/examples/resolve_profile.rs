//! Per-mention timing (diagnostic).
use std::time::Instant;
use veille_actors::Registry;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reg = Registry::shipped()?;
    let ms = veille_actors::bench::mentions(reg);
    let mut v: Vec<(f64, String)> = Vec::new();
    for m in &ms {
        let t = Instant::now();
        for _ in 0..200 {
            std::hint::black_box(reg.resolve(m, chrono::NaiveDate::from_ymd_opt(2019, 6, 1)));
        }
        v.push((t.elapsed().as_secs_f64() / 200.0 * 1e6, m.clone()));
    }
    let total: f64 = v.iter().map(|x| x.0).sum();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("avg {:.2} us over {}", total / v.len() as f64, v.len());
    for (t, m) in v.iter().take(25) {
        println!("{t:8.2} us  {m}");
    }
    Ok(())
}
