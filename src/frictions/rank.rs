//! The friction map ranked: per tag, the items it codes, its share of the tagged items,
//! its rank, its group and a few quotes.

use serde::Serialize;

use super::Item;
use crate::codebook::Codebook;

/// Quotes kept per friction.
pub const MAX_QUOTES: usize = 3;
/// A quote with fewer words than this says too little to stand for the friction
/// ("help!!"); such texts are quoted only when too few longer ones code it.
pub const QUOTE_MIN_WORDS: usize = 6;
/// A quote is cut to this many characters, an ellipsis marking the cut.
pub const QUOTE_CHARS: usize = 280;

/// One tag of the map, ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Friction {
    pub tag: String,
    /// 1 for the tag coding the most items; tags coding as many share a rank (1, 2, 2, 4).
    pub rank: usize,
    /// Items it codes.
    pub items: usize,
    /// Of the tagged items, the share it codes (an item may have several tags, so
    /// shares add up to more than 1).
    pub share: f64,
    /// Its group (theme) in the codebook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether the codebook has it; `None` without a codebook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_codebook: Option<bool>,
    pub quotes: Vec<Quote>,
}

/// An item's words quoted for a friction, on one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub id: String,
    pub text: String,
}

/// The map ranked, with the items no tag codes counted apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    pub items: usize,
    pub tagged: usize,
    pub untagged: usize,
    pub frictions: Vec<Friction>,
    /// The codebook's tags no item has, in its order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unused: Vec<String>,
}

impl Ranking {
    pub fn friction(&self, tag: &str) -> Option<&Friction> {
        self.frictions.iter().find(|f| f.tag == tag)
    }
}

/// Ranks the tags of `items` by the items each codes, most first; ties in the codebook's
/// order, then by name. Quotes are the shortest informative items: texts of at least
/// [`QUOTE_MIN_WORDS`] words, shortest first (ties in file order), then shorter texts if
/// too few, each text once; a short quote is read whole, and stands for the friction as
/// well as a long one.
pub fn rank(items: &[Item], codebook: Option<&Codebook>) -> Ranking {
    let tagged = items.iter().filter(|i| i.is_tagged()).count();
    let mut tags: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        for tag in &item.tags {
            match tags.iter_mut().find(|(t, _)| t == tag) {
                Some((_, coded)) => coded.push(index),
                None => tags.push((tag.clone(), vec![index])),
            }
        }
    }
    let order = |tag: &str| {
        codebook
            .and_then(|c| c.tags.iter().position(|t| t.name == tag))
            .unwrap_or(usize::MAX)
    };
    tags.sort_by(|(a, a_items), (b, b_items)| {
        (b_items.len().cmp(&a_items.len()))
            .then(order(a).cmp(&order(b)))
            .then(a.cmp(b))
    });
    let mut frictions: Vec<Friction> = Vec::with_capacity(tags.len());
    for (position, (tag, coded)) in tags.into_iter().enumerate() {
        let rank = match frictions.last() {
            Some(last) if last.items == coded.len() => last.rank,
            _ => position + 1,
        };
        let known = codebook.and_then(|c| c.tag(&tag));
        frictions.push(Friction {
            rank,
            items: coded.len(),
            share: coded.len() as f64 / tagged.max(1) as f64,
            group: known.and_then(|t| t.group.clone()),
            in_codebook: codebook.map(|_| known.is_some()),
            quotes: quotes(items, &coded),
            tag,
        });
    }
    let unused = codebook
        .map(|c| c.names())
        .unwrap_or_default()
        .into_iter()
        .filter(|name| !frictions.iter().any(|f| &f.tag == name))
        .collect();
    Ranking {
        items: items.len(),
        tagged,
        untagged: items.len() - tagged,
        frictions,
        unused,
    }
}

/// Up to [`MAX_QUOTES`] of the `coded` items, as [`rank`] chooses them.
fn quotes(items: &[Item], coded: &[usize]) -> Vec<Quote> {
    let mut chosen: Vec<(bool, usize, usize)> = coded
        .iter()
        .map(|&i| {
            let text = &items[i].text;
            let words = text.split_whitespace().count();
            (words < QUOTE_MIN_WORDS, text.chars().count(), i)
        })
        .collect();
    chosen.sort_unstable();
    let mut quotes: Vec<Quote> = Vec::with_capacity(MAX_QUOTES);
    for (_, _, i) in chosen {
        let text = one_line(&items[i].text);
        // The same words twice (a form sent again, a copied review) quote once.
        if !quotes.iter().any(|q| q.text == text) {
            quotes.push(Quote {
                id: items[i].id.clone(),
                text,
            });
        }
        if quotes.len() == MAX_QUOTES {
            break;
        }
    }
    quotes
}

/// The text on one line, its spaces tidied, cut to [`QUOTE_CHARS`].
fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(QUOTE_CHARS - 1) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}
