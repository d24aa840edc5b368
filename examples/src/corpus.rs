//! The knowledge-base corpus of `data/kb_corpus.jsonl.gz` (Debian 12's manual pages and GNU
//! info manuals, each under its package's license; see `data/README.md`) as article content.

use flate2::read::GzDecoder;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use sysops_core::ProductCategory;
use sysops_core::kb::{ArticleBody, ArticleContent, ArticleTitle, Tag};

const GZ: &[u8] = include_bytes!("../data/kb_corpus.jsonl.gz");

/// One document of the corpus.
#[derive(Debug, Clone, serde::Deserialize)]
#[allow(missing_docs)]
pub struct Document {
    /// `man8/fsck.8`, `info/coreutils/ls invocation`, ...
    pub id: String,
    pub title: String,
    /// `man1` … `man8`, or `info`.
    pub section: String,
    pub body: String,
}

/// Every document, in the corpus's order.
pub fn documents() -> Vec<Document> {
    BufReader::new(GzDecoder::new(GZ))
        .lines()
        .map(|line| serde_json::from_str(&line.expect("the corpus decompresses")).expect("a corpus line is a document"))
        .collect()
}

/// A document as an article: about computers, tagged with its section. A title or body the
/// article rules refuse (empty, too long) is cut or given a stand-in, so every document imports.
pub fn content(doc: &Document) -> ArticleContent {
    let title: String = doc.title.chars().take(ArticleTitle::MAX_CHARS).collect();
    let title =
        ArticleTitle::new(title).unwrap_or_else(|_| ArticleTitle::new(doc.id.clone()).expect("an id is a title"));
    let body: String =
        doc.body.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).take(ArticleBody::MAX_CHARS).collect();
    let body = ArticleBody::new(body).unwrap_or_else(|_| ArticleBody::new(doc.id.clone()).expect("an id is a body"));
    let tags = Tag::new(doc.section.clone()).into_iter().collect();
    ArticleContent::new(title, body, BTreeSet::from([ProductCategory::Computer]), tags).expect("one category, one tag")
}

/// The document's words, lower-cased: the bench draws its queries from them.
pub fn words(doc: &Document) -> Vec<String> {
    sysops_core::kb::words(&doc.body).collect()
}
