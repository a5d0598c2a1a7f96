//! Hacker News, through Algolia's search (`GET {endpoint}?query=arxiv.org&…`,
//! the endpoint `[endpoints] hn-api`): the day's stories whose URL is on
//! arxiv.org, with their points and comments.

use std::time::Duration;

use time::Date;

use hotpapers::HackerNewsCounts;

use super::ids::arxiv_ids;
use super::source::{count, day_bounds, shape, Mention, Source, SourceError, MAX_PAGES, PER_PAGE};
use super::Candidate;
use crate::fetch::{Client, Pace};

/// Algolia allows 10,000 calls an hour: one per 0.36 s.
const PACE: Pace = Pace {
    spacing: Duration::from_millis(400),
    max_wait: Duration::from_secs(120),
};

/// Hacker News.
#[derive(Clone, Copy, Debug)]
pub struct HackerNews;

impl Source for HackerNews {
    /// Hacker News stories of the UTC day whose URL is on arxiv.org.
    fn mentions(&self, client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError> {
        let base = client.endpoints().hackernews.clone();
        let (start, end) = day_bounds(date);
        let mut mentions = Vec::new();
        for page in 0..MAX_PAGES {
            let url = format!(
                "{base}?query=arxiv.org&restrictSearchableAttributes=url&tags=story\
                 &numericFilters=created_at_i%3E%3D{start}%2Ccreated_at_i%3C{end}&hitsPerPage={PER_PAGE}&page={page}"
            );
            let answer = client.get_json(&url, PACE, None)?;
            let hits = answer["hits"]
                .as_array()
                .ok_or_else(|| shape(&url, "expected an object with a `hits` array"))?;
            for (i, hit) in hits.iter().enumerate() {
                let Some(link) = hit["url"].as_str() else {
                    continue;
                };
                let Some(id) = arxiv_ids(link).into_iter().next() else {
                    continue;
                };
                let story = hit["objectID"]
                    .as_str()
                    .and_then(|s| s.parse::<u32>().ok())
                    .ok_or_else(|| shape(&url, format!("hit {i}: `objectID` is not a story number")))?;
                let points = count(&hit["points"])
                    .ok_or_else(|| shape(&url, format!("hit {i}: `points` is not a count")))?;
                let comments = count(&hit["num_comments"])
                    .ok_or_else(|| shape(&url, format!("hit {i}: `num_comments` is not a count")))?;
                mentions.push(Mention::HackerNews(
                    id,
                    HackerNewsCounts {
                        points,
                        comments,
                        story,
                    },
                ));
            }
            let pages = answer["nbPages"].as_u64().unwrap_or(0);
            if u64::from(page) + 1 >= pages {
                break;
            }
        }
        Ok(mentions)
    }
}

/// A story merged into its paper: points and comments summed over its
/// stories, the link from the story with the most points.
pub(super) fn merge(candidate: &mut Candidate, story: HackerNewsCounts) {
    let old = candidate.counts.hackernews.unwrap_or_default();
    let story_id = if candidate.counts.hackernews.is_none() || story.points > candidate.top_story_points {
        candidate.top_story_points = story.points;
        story.story
    } else {
        old.story
    };
    candidate.counts.hackernews = Some(HackerNewsCounts {
        points: old.points.saturating_add(story.points),
        comments: old.comments.saturating_add(story.comments),
        story: story_id,
    });
}
