//! The numbers of `/stats/`, laid out as SVG charts: the template draws shapes
//! at the coordinates computed here, so the page needs no JavaScript.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::archive::DayEntry;
use crate::model::{total_score, Category};
use crate::post::listed;
use crate::site::Site;

/// The charts' drawing area, in SVG user units; the SVG scales to the page.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
/// Room for the axis labels left of and under the plot.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 22.0;
/// Room above the plot for the top tick's label.
const TOP: f64 = 10.0;
/// Room right of the plot for half of the last label, which is centred on the
/// last month: `YYYY-MM` at the theme's 11 px is about 45 user units wide in
/// common fonts, so its half with room to spare (the browser test measures it).
const RIGHT: f64 = 28.0;
/// The width of the plot, between the axis labels and the room on the right.
const PLOT: f64 = WIDTH - LEFT - RIGHT;
/// Categories drawn in the category chart.
const TOP_CATEGORIES: usize = 5;

/// Everything `/stats/` shows.
#[derive(Debug, Serialize)]
pub(crate) struct Stats {
    days: usize,
    papers: usize,
    score: u64,
    papers_per_month: BarChart,
    score_per_month: BarChart,
    categories: LineChart,
    /// One row per month, for the table under the charts.
    months: Vec<Month>,
}

#[derive(Debug, Serialize)]
struct Month {
    /// `2020-10`.
    label: String,
    days: usize,
    papers: usize,
    score: u64,
}

#[derive(Debug, Serialize)]
struct BarChart {
    width: f64,
    height: f64,
    bars: Vec<Bar>,
    ticks: Vec<Tick>,
    labels: Vec<Label>,
}

#[derive(Debug, Serialize)]
struct Bar {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    /// What a reader sees on hovering: `2020-10: 12`.
    title: String,
}

/// A value on the vertical axis.
#[derive(Debug, Serialize)]
struct Tick {
    y: f64,
    label: String,
}

/// A label on the horizontal axis.
#[derive(Debug, Serialize)]
struct Label {
    x: f64,
    text: String,
}

#[derive(Debug, Serialize)]
struct LineChart {
    width: f64,
    height: f64,
    /// `month` or `year`: ten years of months would be too thin to read.
    period: &'static str,
    series: Vec<Series>,
    ticks: Vec<Tick>,
    labels: Vec<Label>,
}

#[derive(Debug, Serialize)]
struct Series {
    /// The category, such as `cs.LG`, and its name.
    category: String,
    name: String,
    /// Its topic's page, base included.
    url: String,
    papers: usize,
    /// `x,y x,y …`, for a `polyline`.
    points: String,
    dots: Vec<Dot>,
}

/// A point of a line chart, with what it shows for its `<title>`.
#[derive(Debug, Serialize)]
pub(super) struct Dot {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) title: String,
}

/// The dots as a `polyline`'s points: `x,y x,y …`.
pub(super) fn polyline(dots: &[Dot]) -> String {
    dots.iter()
        .map(|d| format!("{},{}", d.x, d.y))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Stats {
    /// The statistics of the published days (newest first or in any order).
    pub(crate) fn of(site: &Site, days: &[&DayEntry]) -> Stats {
        let mut months: BTreeMap<(i32, u8), Month> = BTreeMap::new();
        let mut categories: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut totals: BTreeMap<String, usize> = BTreeMap::new();
        let long = span_in_months(days) > 36;
        for day in days {
            let key = (day.date.year(), u8::from(day.date.month()));
            let month = months.entry(key).or_insert_with(|| Month {
                label: format!("{:04}-{:02}", key.0, key.1),
                days: 0,
                papers: 0,
                score: 0,
            });
            // The papers of the day's post.
            let papers: Vec<_> = day
                .papers
                .iter()
                .map(|p| {
                    (
                        p.counts.score(&site.collect.weights),
                        p.primary().map(Category::canonical),
                    )
                })
                .filter(|&(score, _)| listed(score, site))
                .collect();
            month.days += 1;
            month.papers += papers.len();
            month.score = total_score([month.score, total_score(papers.iter().map(|(score, _)| *score))]);
            let period = if long {
                format!("{:04}", key.0)
            } else {
                month.label.clone()
            };
            for (_, primary) in papers {
                if let Some(primary) = primary {
                    let id = primary.to_string();
                    *categories
                        .entry(period.clone())
                        .or_default()
                        .entry(id.clone())
                        .or_default() += 1;
                    *totals.entry(id).or_default() += 1;
                }
            }
        }
        fill_gaps(&mut months);
        let months: Vec<Month> = months.into_values().collect();
        let bars = |value: fn(&Month) -> u64| {
            bar_chart(
                &months
                    .iter()
                    .map(|m| (m.label.clone(), value(m)))
                    .collect::<Vec<_>>(),
            )
        };
        Stats {
            days: days.len(),
            papers: months.iter().map(|m| m.papers).sum(),
            score: total_score(months.iter().map(|m| m.score)),
            papers_per_month: bars(|m| m.papers as u64),
            score_per_month: bars(|m| m.score),
            categories: line_chart(
                &categories,
                &totals,
                if long { "year" } else { "month" },
                site.blog.base_path(),
            ),
            months,
        }
    }
}

fn span_in_months(days: &[&DayEntry]) -> i32 {
    let index = |d: &DayEntry| d.date.year() * 12 + i32::from(u8::from(d.date.month()));
    let first = days.iter().map(|d| index(d)).min().unwrap_or(0);
    let last = days.iter().map(|d| index(d)).max().unwrap_or(0);
    last - first
}

/// Months without a post between the first and the last, as zeros: a gap in
/// the blog shows as a gap in the chart.
fn fill_gaps(months: &mut BTreeMap<(i32, u8), Month>) {
    let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) else {
        return;
    };
    let mut at = first;
    while at < last {
        at = if at.1 == 12 {
            (at.0 + 1, 1)
        } else {
            (at.0, at.1 + 1)
        };
        months.entry(at).or_insert_with(|| Month {
            label: format!("{:04}-{:02}", at.0, at.1),
            days: 0,
            papers: 0,
            score: 0,
        });
    }
}

/// A round number at or above `max`, and the ticks up to it.
fn scale(max: u64) -> (f64, Vec<Tick>) {
    let max = max.max(1) as f64;
    let magnitude = 10f64.powf(max.log10().floor());
    // The smallest of 1, 2, 5 times a power of ten that needs at most five
    // ticks; counts are whole, so never less than 1.
    let step = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|s| (s * magnitude).max(1.0))
        .find(|step| max / step <= 5.0)
        .unwrap_or(magnitude * 10.0);
    let top = (max / step).ceil() * step;
    let ticks = (0..=((top / step).round() as usize))
        .map(|i| {
            let value = i as f64 * step;
            Tick {
                y: y_of(value, top),
                label: number(value),
            }
        })
        .collect();
    (top, ticks)
}

/// Where `value` is drawn on a plot whose top stands for `top`.
fn y_of(value: f64, top: f64) -> f64 {
    let plot = HEIGHT - BOTTOM - TOP;
    round(TOP + plot - value / top * plot)
}

fn bar_chart(values: &[(String, u64)]) -> BarChart {
    let (top, ticks) = scale(values.iter().map(|(_, v)| *v).max().unwrap_or(0));
    let slot = PLOT / values.len().max(1) as f64;
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = y_of(*value as f64, top);
            Bar {
                x: round(LEFT + i as f64 * slot + slot * 0.1),
                y,
                width: round(slot * 0.8),
                height: round(HEIGHT - BOTTOM - y),
                title: format!("{label}: {value}"),
            }
        })
        .collect();
    BarChart {
        width: WIDTH,
        height: HEIGHT,
        bars,
        ticks,
        labels: labels(values.iter().map(|(l, _)| l.as_str()), slot),
    }
}

/// At most about eight labels under the axis, evenly spaced.
fn labels<'l>(names: impl ExactSizeIterator<Item = &'l str>, slot: f64) -> Vec<Label> {
    let every = names.len().div_ceil(8).max(1);
    names
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, name)| Label {
            x: round(LEFT + i as f64 * slot + slot / 2.0),
            text: name.to_owned(),
        })
        .collect()
}

fn line_chart(
    periods: &BTreeMap<String, BTreeMap<String, usize>>,
    totals: &BTreeMap<String, usize>,
    period: &'static str,
    base: &str,
) -> LineChart {
    let mut top: Vec<(&String, &usize)> = totals.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    top.truncate(TOP_CATEGORIES);
    let max = periods
        .values()
        .flat_map(|counts| top.iter().map(|(c, _)| counts.get(*c).copied().unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let (scale_top, ticks) = scale(max as u64);
    let slot = PLOT / periods.len().max(1) as f64;
    let series = top
        .iter()
        .map(|(category, papers)| {
            let dots: Vec<Dot> = periods
                .iter()
                .enumerate()
                .map(|(i, (label, counts))| {
                    let count = counts.get(*category).copied().unwrap_or(0);
                    Dot {
                        x: round(LEFT + i as f64 * slot + slot / 2.0),
                        y: y_of(count as f64, scale_top),
                        title: format!("{category}, {label}: {count}"),
                    }
                })
                .collect();
            let points = polyline(&dots);
            let known = Category::from_id(category);
            Series {
                category: (*category).clone(),
                name: known.map(|c| c.info().name.to_owned()).unwrap_or_default(),
                url: known
                    .map(|c| format!("{base}/{}", super::topics::topic_dir(c)))
                    .unwrap_or_default(),
                papers: **papers,
                points,
                dots,
            }
        })
        .collect();
    LineChart {
        width: WIDTH,
        height: HEIGHT,
        period,
        series,
        ticks,
        labels: labels(periods.keys().map(String::as_str), slot),
    }
}

/// A coordinate to a tenth of a unit, as the charts write them.
pub(super) fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// `1200` as `1.2k`, for an axis.
fn number(value: f64) -> String {
    if value >= 1000.0 {
        let k = value / 1000.0;
        if k.fract() == 0.0 {
            format!("{k}k")
        } else {
            format!("{k:.1}k")
        }
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_to_round_numbers() {
        let (top, ticks) = scale(37);
        assert_eq!(top, 40.0);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "10", "20", "30", "40"]);
        assert_eq!(ticks[0].y, HEIGHT - BOTTOM);
        assert_eq!(ticks.last().map(|t| t.y), Some(TOP));
        let labels: Vec<String> = scale(9).1.into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(scale(0).0, 1.0);
        assert_eq!(number(12_500.0), "12.5k");
        assert_eq!(number(3000.0), "3k");
    }

    #[test]
    fn the_last_label_has_room_for_its_half_right_of_the_plot() {
        // 57 months: every eighth is labelled, the last one too.
        let months: Vec<(String, u64)> = (0..57)
            .map(|i| (format!("{}-{:02}", 2017 + i / 12, i % 12 + 1), 1))
            .collect();
        let chart = bar_chart(&months);
        let last = chart.labels.last().unwrap();
        assert_eq!(last.text, "2021-09");
        // Half of `2021-09` at 11 px, with a wide font's 0.7 em a digit.
        assert!(last.x + 7.0 * 11.0 * 0.7 / 2.0 <= WIDTH, "{last:?}");
    }

    #[test]
    fn bars_are_proportional_and_inside_the_plot() {
        let chart = bar_chart(&[("a".into(), 10), ("b".into(), 20), ("c".into(), 0)]);
        let heights: Vec<f64> = chart.bars.iter().map(|b| b.height).collect();
        assert_eq!(heights[1], 2.0 * heights[0]);
        assert_eq!(heights[2], 0.0);
        for bar in &chart.bars {
            assert!(bar.x >= LEFT && bar.x + bar.width <= WIDTH - RIGHT, "{bar:?}");
            assert!(
                bar.y >= 0.0 && bar.y + bar.height <= HEIGHT - BOTTOM + 0.1,
                "{bar:?}"
            );
        }
    }
}
