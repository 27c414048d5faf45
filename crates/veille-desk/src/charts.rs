//! The report's charts, drawn with plotters' SVG backend into strings the HTML inlines
//! (no file, no external resource): a bar chart (hotspots) and a line chart (monthly
//! trend by category). Plotters is built without a font backend (no `ttf`/`ab_glyph`):
//! it then estimates text extents itself and writes `<text>` elements the browser
//! renders with its own fonts, so nothing needs system fonts at build or run time.

use plotters::prelude::*;

/// Colours of the series, in order (colour-blind safe, Okabe–Ito).
pub const PALETTE: &[RGBColor] = &[
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
];

const SIZE: (u32, u32) = (680, 280);
const BAR: RGBColor = RGBColor(176, 58, 46);

/// A chart that could not be drawn: a short note in its place (plotters' errors carry
/// no secret; they are layout failures).
fn failed(title: &str, e: &dyn std::fmt::Display) -> String {
    format!(
        "<p>{}: chart unavailable ({})</p>",
        title.replace('<', "&lt;"),
        e.to_string().replace('<', "&lt;")
    )
}

fn y_max(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max).ceil().max(1.0) * 1.1
}

/// A bar chart: one bar per (label, value).
pub fn bars(title: &str, bars: &[(String, f64)]) -> String {
    let mut svg = String::new();
    let r = draw_bars(&mut svg, title, bars);
    match r {
        Ok(()) => svg,
        Err(e) => failed(title, &e),
    }
}

fn draw_bars(
    svg: &mut String,
    title: &str,
    bars: &[(String, f64)],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let n = bars.len().max(1) as u32;
    let max = y_max(bars.iter().map(|b| b.1));
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(60)
        .y_label_area_size(44)
        // A segmented 0..k range has k + 1 slots.
        .build_cartesian_2d((0u32..n - 1).into_segmented(), 0f64..max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(bars.len().max(1))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => bars
                .get(*i as usize)
                .map(|b| b.0.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_style(("sans-serif", 11))
        .y_desc("expected events")
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(BAR.filled())
            .margin(6)
            .data(bars.iter().enumerate().map(|(i, b)| (i as u32, b.1))),
    )?;
    root.present()?;
    Ok(())
}

/// A line chart: one line per named series over shared x labels (months), with a legend.
pub fn lines(title: &str, labels: &[String], series: &[(String, Vec<f64>)]) -> String {
    let mut svg = String::new();
    let r = draw_lines(&mut svg, title, labels, series);
    match r {
        Ok(()) => svg,
        Err(e) => failed(title, &e),
    }
}

fn draw_lines(
    svg: &mut String,
    title: &str,
    labels: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let n = labels.len().max(2);
    let max = y_max(series.iter().flat_map(|(_, v)| v.iter().copied()));
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .margin_right(28)
        .x_label_area_size(40)
        .y_label_area_size(44)
        .build_cartesian_2d(0usize..n - 1, 0f64..max)?;
    chart
        .configure_mesh()
        .x_labels(n)
        .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
        .x_label_style(("sans-serif", 10))
        .y_desc("events")
        .draw()?;
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                values.iter().copied().enumerate(),
                colour.stroke_width(2),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 11))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_inline_svg_with_escaped_labels_one_bar_and_line_each() {
        let b = bars("a <b>", &[("x&y".into(), 2.0), ("z".into(), 1.0)]);
        assert!(
            b.starts_with("<svg") && b.trim_end().ends_with("</svg>"),
            "{b}"
        );
        assert!(b.contains("a &lt;b&gt;") && b.contains("x&amp;y"), "{b}");
        // Two bars in the bar colour.
        assert_eq!(b.matches("fill=\"#B03A2E\"").count(), 2, "{b}");
        let one = bars("one", &[("Djenne".into(), 3.0)]);
        assert_eq!(one.matches("fill=\"#B03A2E\"").count(), 1, "{one}");
        assert!(bars("none", &[]).starts_with("<svg"));
        let l = lines(
            "trend",
            &["2026-01".into(), "2026-02".into(), "2026-03".into()],
            &[
                ("cat 1".into(), vec![0.0, 3.0, 1.0]),
                ("cat 6".into(), vec![1.0, 1.0, 2.0]),
            ],
        );
        assert!(l.contains("<polyline"), "{l}");
        // plotters writes each text on its own line.
        assert!(
            l.contains("\ncat 1\n</text>") && l.contains("\ncat 6\n</text>"),
            "{l}"
        );
        assert!(l.contains("\n2026-02\n</text>"), "{l}");
        assert!(!l.contains("http") || l.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    }
}
