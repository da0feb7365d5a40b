//! Charts as inline SVG, written directly: stacked bars and lines over labelled categories,
//! with axes, ticks, a legend and a `<title>` for screen readers. Colours come from classes
//! (`series-0` …) so the stylesheet themes them and prints them; every label is real text.
//!
//! plotters' SVG backend was the alternative; without system fonts it cannot measure text for
//! its label areas, and its output has inline colours the stylesheet cannot restyle.

use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 40.0;
/// Most category labels written under the x axis; others are skipped evenly.
const MAX_X_LABELS: usize = 12;

/// One series of values, one per category (`None`: no value there).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// The class that colours it; `series-N` (its position) when `None`.
    pub class: Option<&'static str>,
    pub values: Vec<Option<f64>>,
}

impl Series {
    fn class(&self, k: usize) -> String {
        self.class
            .map_or_else(|| format!("series-{k}"), str::to_owned)
    }
}

/// How the y axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Whole numbers (incidents, items).
    Count,
    /// Minutes on a logarithmic axis, labelled `5m`, `4h`, `7d`.
    Minutes,
}

/// A chart: `id` must be unique in the page (it names the title element).
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub categories: &'a [String],
    pub series: &'a [Series],
    pub scale: Scale,
}

/// Stacked bars: each category's values are stacked in series order.
pub fn stacked_bars(chart: &Chart) -> String {
    let totals: Vec<f64> = (0..chart.categories.len())
        .map(|i| {
            chart
                .series
                .iter()
                .filter_map(|s| s.values.get(i).copied().flatten())
                .sum()
        })
        .collect();
    let axis = Axis::new(totals.iter().copied().fold(0.0, f64::max), chart.scale);
    let mut svg = open(chart);
    grid(&mut svg, &axis);
    let band = plot_width() / chart.categories.len().max(1) as f64;
    let bar = (band * 0.8).max(1.0);
    for i in 0..chart.categories.len() {
        let x = LEFT + band * i as f64 + (band - bar) / 2.0;
        let mut base = 0.0;
        for (k, s) in chart.series.iter().enumerate() {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let (y0, y1) = (axis.y(base), axis.y(base + v));
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{x:.1}" y="{y1:.1}" width="{bar:.1}" height="{h:.1}"><title>{cat}: {name} {val}</title></rect>"#,
                class = s.class(k),
                h = (y0 - y1).max(0.5),
                cat = esc(&chart.categories[i]),
                name = esc(&s.name),
                val = axis.label(v),
            );
            base += v;
        }
    }
    x_labels(&mut svg, chart.categories, band);
    legend(&mut svg, chart.series, false);
    svg.push_str("</svg>");
    svg
}

/// Lines through each series' values (categories without a value are skipped), with a dot on
/// every value.
pub fn lines(chart: &Chart) -> String {
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied().flatten())
        .fold(0.0, f64::max);
    let axis = Axis::new(max, chart.scale);
    let mut svg = open(chart);
    grid(&mut svg, &axis);
    let band = plot_width() / chart.categories.len().max(1) as f64;
    for (k, s) in chart.series.iter().enumerate() {
        let points: Vec<(usize, f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, LEFT + band * (i as f64 + 0.5), axis.y((*v)?))))
            .collect();
        if points.len() > 1 {
            let d: Vec<String> = points
                .iter()
                .enumerate()
                .map(|(n, (_, x, y))| format!("{}{x:.1} {y:.1}", if n == 0 { 'M' } else { 'L' }))
                .collect();
            let _ = write!(
                svg,
                r#"<path class="line {}" d="{}"/>"#,
                s.class(k),
                d.join(" ")
            );
        }
        for (i, x, y) in points {
            let v = s.values[i].unwrap_or(0.0);
            let _ = write!(
                svg,
                r#"<circle class="dot {class}" cx="{x:.1}" cy="{y:.1}" r="3"><title>{cat}: {name} {val}</title></circle>"#,
                class = s.class(k),
                cat = esc(&chart.categories[i]),
                name = esc(&s.name),
                val = axis.label(v),
            );
        }
    }
    x_labels(&mut svg, chart.categories, band);
    legend(&mut svg, chart.series, true);
    svg.push_str("</svg>");
    svg
}

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}

fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

fn open(chart: &Chart) -> String {
    let mut svg = String::with_capacity(8 * 1024);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}"><title id="{id}">{title}</title>"#,
        id = esc(chart.id),
        title = esc(chart.title),
    );
    svg
}

/// The y axis: its range and ticks. Counts are linear from 0; durations are logarithmic from
/// one minute, so a 4-minute TTD and a 3-day TTR are both readable on one chart.
struct Axis {
    min: f64,
    max: f64,
    ticks: Vec<f64>,
    scale: Scale,
}

/// Duration ticks in minutes: 1m, 5m, 15m, 1h, 4h, 1d, 7d, 30d, 365d.
const MINUTE_TICKS: [f64; 9] = [
    1.0, 5.0, 15.0, 60.0, 240.0, 1440.0, 10080.0, 43200.0, 525_600.0,
];

impl Axis {
    fn new(max: f64, scale: Scale) -> Self {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        match scale {
            Scale::Count => {
                let raw = (max / 5.0).max(1.0);
                let mag = 10f64.powf(raw.log10().floor());
                let step = [1.0, 2.0, 5.0, 10.0]
                    .iter()
                    .map(|m| m * mag)
                    .find(|s| *s >= raw)
                    .unwrap_or(10.0 * mag);
                let top = (max / step).ceil() * step;
                let n = (top / step).round() as usize;
                Self {
                    min: 0.0,
                    max: top,
                    ticks: (0..=n).map(|t| step * t as f64).collect(),
                    scale,
                }
            }
            Scale::Minutes => {
                let top = MINUTE_TICKS
                    .iter()
                    .copied()
                    .find(|t| *t >= max)
                    .unwrap_or(max);
                Self {
                    min: 1.0,
                    max: top.max(5.0),
                    ticks: MINUTE_TICKS
                        .iter()
                        .copied()
                        .filter(|t| *t <= top.max(5.0))
                        .collect(),
                    scale,
                }
            }
        }
    }

    fn y(&self, v: f64) -> f64 {
        let share = match self.scale {
            Scale::Count => v / self.max,
            Scale::Minutes => {
                (v.max(self.min).ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
            }
        };
        TOP + plot_height() * (1.0 - share)
    }

    fn label(&self, v: f64) -> String {
        match self.scale {
            Scale::Count => format!("{}", v.round()),
            Scale::Minutes => {
                crate::duration::format_human(chrono::TimeDelta::seconds((v * 60.0).round() as i64))
            }
        }
    }
}

fn grid(svg: &mut String, axis: &Axis) {
    for &v in &axis.ticks {
        let y = axis.y(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/><text class="tick" x="{x:.1}" y="{ty:.1}" text-anchor="end">{label}</text>"#,
            x2 = WIDTH - RIGHT,
            x = LEFT - 6.0,
            ty = y + 4.0,
            label = axis.label(v),
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/>"#,
        y = TOP + plot_height(),
        x2 = WIDTH - RIGHT,
    );
}

fn x_labels(svg: &mut String, categories: &[String], band: f64) {
    let every = categories.len().div_ceil(MAX_X_LABELS).max(1);
    for (i, cat) in categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let _ = write!(
            svg,
            r#"<text class="tick" x="{x:.1}" y="{y:.1}" text-anchor="middle">{}</text>"#,
            esc(cat),
            x = LEFT + band * (i as f64 + 0.5),
            y = TOP + plot_height() + 18.0,
        );
    }
}

fn legend(svg: &mut String, series: &[Series], as_lines: bool) {
    let mut x = LEFT;
    for (k, s) in series.iter().enumerate() {
        if as_lines {
            let _ = write!(
                svg,
                r#"<line class="line {class}" x1="{x:.1}" y1="16" x2="{x2:.1}" y2="16"/>"#,
                x2 = x + 14.0,
                class = s.class(k),
            );
        } else {
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{x:.1}" y="10" width="12" height="12"/>"#,
                class = s.class(k),
            );
        }
        let _ = write!(
            svg,
            r#"<text class="legend" x="{tx:.1}" y="20">{}</text>"#,
            esc(&s.name),
            tx = x + 18.0
        );
        x += 18.0 + 8.0 * s.name.chars().count() as f64 + 18.0;
    }
}

/// Escapes text for SVG content and attributes, as the templates escape theirs.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let Ok(()) = crate::templates::escape_html_runs(text, |run| {
        out.push_str(run);
        Ok::<(), std::convert::Infallible>(())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<String> {
        vec!["2024-01".into(), "2024-02".into(), "2024-03".into()]
    }

    #[test]
    fn bars_are_labelled_and_escaped() {
        let categories = cats();
        let series = vec![
            Series {
                name: "SEV1".into(),
                class: None,
                values: vec![Some(1.0), None, Some(2.0)],
            },
            Series {
                name: "<script>".into(),
                class: None,
                values: vec![Some(3.0), Some(1.0), None],
            },
        ];
        let svg = stacked_bars(&Chart {
            id: "c1",
            title: "Incidents per month",
            categories: &categories,
            series: &series,
            scale: Scale::Count,
        });
        assert!(svg.contains(">2024-02</text>"), "{svg}");
        assert!(svg.contains(">SEV1</text>"), "{svg}");
        assert!(
            svg.contains("&lt;script&gt;") && !svg.contains("<script>"),
            "{svg}"
        );
        assert!(svg.contains(r#"<title id="c1">Incidents per month</title>"#));
        assert_eq!(svg.matches("<rect class=\"series-").count(), 4 + 2);
    }

    #[test]
    fn minute_axes_read_as_durations() {
        let categories = cats();
        let series = vec![Series {
            name: "TTR".into(),
            class: Some("ttr"),
            values: vec![Some(30.0), None, Some(600.0)],
        }];
        let svg = lines(&Chart {
            id: "c2",
            title: "TTR",
            categories: &categories,
            series: &series,
            scale: Scale::Minutes,
        });
        for tick in ["1m", "15m", "1h", "4h", "1d"] {
            assert!(svg.contains(&format!(">{tick}</text>")), "{tick}: {svg}");
        }
        assert!(!svg.contains(">7d</text>"), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
