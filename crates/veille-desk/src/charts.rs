//! The report's charts as inline SVG strings (no font, no file, no external resource):
//! a bar chart (hotspots) and a line chart (monthly trend by category).

use std::fmt::Write as _;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 56.0;
const TOP: f64 = 28.0;
const RIGHT: f64 = 120.0;

/// Colours of the series, in order (colour-blind safe, Okabe–Ito).
pub const PALETTE: &[&str] = &[
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
];

fn open(title: &str, max: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\">\
         <text x=\"{LEFT}\" y=\"16\" font-family=\"sans-serif\" font-size=\"13\">{t}</text>\
         <line x1=\"{LEFT}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#333\"/>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{y0}\" stroke=\"#333\"/>\
         <text x=\"{tx}\" y=\"{ty}\" font-family=\"sans-serif\" font-size=\"10\" text-anchor=\"end\">{max}</text>\
         <text x=\"{tx}\" y=\"{y0}\" font-family=\"sans-serif\" font-size=\"10\" text-anchor=\"end\">0</text>",
        t = esc(title),
        y0 = H - BOTTOM,
        x1 = W - RIGHT,
        tx = LEFT - 4.0,
        ty = TOP + 4.0,
        max = max
    )
}

fn x_label(s: &mut String, x: f64, label: &str) {
    let ly = H - BOTTOM + 12.0;
    let _ = write!(
        s,
        "<text x=\"{x:.1}\" y=\"{ly}\" font-family=\"sans-serif\" font-size=\"9\" transform=\"rotate(40 {x:.1} {ly})\">{}</text>",
        esc(label)
    );
}

/// A bar chart: one bar per (label, value).
pub fn bars(title: &str, bars: &[(String, f64)]) -> String {
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).ceil().max(1.0);
    let n = bars.len().max(1) as f64;
    let bw = (W - LEFT - RIGHT) / n;
    let mut s = open(title, max);
    for (i, (label, v)) in bars.iter().enumerate() {
        let bh = (H - BOTTOM - TOP) * v.max(0.0) / max;
        let x = LEFT + i as f64 * bw;
        let _ = write!(
            s,
            "<rect x=\"{x1:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" fill=\"#b03a2e\"><title>{l}: {v:.1}</title></rect>",
            x1 = x + 1.0,
            y = H - BOTTOM - bh,
            w = (bw - 2.0).max(1.0),
            l = esc(label),
        );
        x_label(&mut s, x + bw / 2.0, label);
    }
    s.push_str("</svg>");
    s
}

/// A line chart: one polyline per named series over shared x labels, with a legend.
pub fn lines(title: &str, labels: &[String], series: &[(String, Vec<f64>)]) -> String {
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0, f64::max)
        .ceil()
        .max(1.0);
    let n = labels.len().max(2) as f64;
    let step = (W - LEFT - RIGHT) / (n - 1.0);
    let y = |v: f64| H - BOTTOM - (H - BOTTOM - TOP) * v.max(0.0) / max;
    let mut s = open(title, max);
    for (i, l) in labels.iter().enumerate() {
        x_label(&mut s, LEFT + i as f64 * step, l);
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", LEFT + i as f64 * step, y(*v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            esc(name)
        );
        let ly = TOP + 14.0 * k as f64;
        let lx = W - RIGHT + 8.0;
        let _ = write!(
            s,
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{x2}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-family=\"sans-serif\" font-size=\"10\">{}</text>",
            esc(name),
            x2 = lx + 14.0,
            tx = lx + 18.0,
            ty = ly + 3.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_each_bar_and_line_is_drawn() {
        let b = bars("a <b>", &[("x&y".into(), 2.0), ("z".into(), 1.0)]);
        assert!(b.contains("a &lt;b&gt;") && b.contains("x&amp;y"));
        assert_eq!(b.matches("<rect").count(), 2);
        let l = lines(
            "t",
            &["2026-01".into(), "2026-02".into()],
            &[
                ("cat 1".into(), vec![0.0, 3.0]),
                ("cat 6".into(), vec![1.0, 1.0]),
            ],
        );
        assert_eq!(l.matches("<polyline").count(), 2);
        // The highest point of the first series touches the top of the plot area.
        assert!(l.contains(&format!("{:.1},{:.1}", W - RIGHT, TOP)), "{l}");
    }
}
