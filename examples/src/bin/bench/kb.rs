//! The `kb-search` scenario: the corpus imported through sysops (docs/s), then a fixed mix of
//! 1,000 queries — rare words, common words, phrases, prefixes, misspellings — through
//! `search_articles` (a page of 20 hits with snippets and, for misspellings, the typo fallback),
//! each also run in the same process as the raw engine query (FTS5 `MATCH` with `bm25`, or
//! `tsquery` with `ts_rank`, 20 rows, no snippets) on the same tables. Latency percentiles per
//! kind; `ratio` is the baseline's p99 over sysops's (1.0: as fast as the raw query).

use super::{Args, BoxError, report_latency, targets};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;
use sysops_core::kb::{ArticleContent, ArticleSearch, SearchQuery};
use sysops_examples::corpus::{self, Document};
use sysops_examples::rng::Rng;
use sysops_examples::scenario::bootstrap;
use sysops_storage::{Options, Sysops};

/// Queries per kind.
const PER_KIND: usize = 200;
const KINDS: [&str; 5] = ["rare", "common", "phrase", "prefix", "misspelt"];
/// Words too common to search for (PostgreSQL drops English stop words from a query).
const STOP: &[&str] =
    &["the", "and", "for", "that", "this", "with", "are", "not", "from", "be", "is", "of", "to", "in"];

pub(super) async fn kb_search(args: &Args) -> Result<(), BoxError> {
    let docs = corpus::documents();
    let contents = scaled(&docs, args.scale);
    let queries = query_mix(&docs);
    if !args.json {
        println!(
            "kb-search: {} articles (the corpus × {}), {} queries per backend, sysops vs. the raw engine query",
            contents.len(),
            args.scale,
            queries.len()
        );
    }
    for target in targets(args, "kb")? {
        let options = Options { pg_schema: target.schema.clone(), ..Options::default() };
        let sysops = Sysops::open_with(&target.url, options).await?;
        let backend = sysops.backend_name();
        let (admin, helpdesk) = bootstrap(&sysops).await?;
        let started = Instant::now();
        let imported = sysops.import_articles(admin, contents.clone(), |_| {}).await?;
        let docs_per_s = imported.len() as f64 / started.elapsed().as_secs_f64();
        report_import(args, backend, docs_per_s);

        let mut lib: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut raw: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let raw_db = Raw::open(&target.url, target.schema.as_deref()).await?;
        let mut found = 0;
        for (kind, text) in &queries {
            let query = SearchQuery::parse(text)?;
            let started = Instant::now();
            let results = sysops.search_articles(helpdesk, ArticleSearch::new(query.clone())).await?;
            lib.entry(kind).or_default().push(started.elapsed().as_secs_f64() * 1e3);
            found += usize::from(!results.hits.is_empty());
            let started = Instant::now();
            raw_db.search(&query).await?;
            raw.entry(kind).or_default().push(started.elapsed().as_secs_f64() * 1e3);
        }
        if !args.json {
            println!("{backend:>9}: {found} of {} queries found articles", queries.len());
        }
        for kind in KINDS {
            let (mut ours, mut theirs) = (lib.remove(kind).unwrap_or_default(), raw.remove(kind).unwrap_or_default());
            report_latency(args, "kb-search", backend, args.scale, kind, &mut ours, &mut theirs);
        }
        sysops.close().await;
    }
    Ok(())
}

/// The corpus `scale` times: copy 0 as it is, each further copy a revised version (a line
/// added, the title marked), as a knowledge base grows by near-duplicates.
pub(super) fn scaled(docs: &[Document], scale: usize) -> Vec<ArticleContent> {
    (0..scale.max(1))
        .flat_map(|copy| {
            docs.iter().map(move |doc| {
                let mut doc = doc.clone();
                if copy > 0 {
                    doc.title = format!("{} (revision {copy})", doc.title);
                    doc.body.push_str(&format!("\nRevised for model {copy}: check the firmware first."));
                }
                corpus::content(&doc)
            })
        })
        .collect()
}

/// 200 queries of each kind, drawn with a fixed seed from the corpus's own words.
fn query_mix(docs: &[Document]) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(13);
    let mut df: HashMap<String, usize> = HashMap::new();
    let texts: Vec<Vec<String>> = docs.iter().map(corpus::words).collect();
    for words in &texts {
        let mut seen: Vec<&String> = words.iter().collect();
        seen.sort_unstable();
        seen.dedup();
        for w in seen {
            *df.entry(w.clone()).or_default() += 1;
        }
    }
    let alphabetic = |w: &str| w.len() >= 5 && w.chars().all(|c| c.is_ascii_lowercase()) && !STOP.contains(&w);
    let mut rare: Vec<&String> = df.iter().filter(|(w, n)| **n <= 3 && alphabetic(w)).map(|(w, _)| w).collect();
    let mut common: Vec<&String> =
        df.iter().filter(|(w, n)| **n >= docs.len() / 5 && alphabetic(w)).map(|(w, _)| w).collect();
    let mut middling: Vec<&String> =
        df.iter().filter(|(w, n)| **n >= 20 && w.len() >= 7 && alphabetic(w)).map(|(w, _)| w).collect();
    for list in [&mut rare, &mut common, &mut middling] {
        list.sort_unstable();
    }
    let mut queries = Vec::new();
    for _ in 0..PER_KIND {
        queries.push(("rare", (*rng.pick(&rare)).clone()));
        queries.push(("common", (*rng.pick(&common)).clone()));
        let words = loop {
            let words = rng.pick(&texts);
            if words.len() > 2 {
                break words;
            }
        };
        let at = rng.range(0, (words.len() - 2) as u64) as usize;
        queries.push(("phrase", format!("\"{} {}\"", words[at], words[at + 1])));
        let word = rng.pick(&middling);
        queries.push(("prefix", format!("{}*", &word[..4])));
        queries.push(("misspelt", swap_two_letters(word, &df, &mut rng)));
    }
    queries
}

/// `word` with two neighbouring letters swapped, so it is no longer a word of the corpus.
fn swap_two_letters(word: &str, df: &HashMap<String, usize>, rng: &mut Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    for _ in 0..20 {
        let at = rng.range(1, (chars.len() - 2) as u64) as usize;
        let mut swapped = chars.clone();
        swapped.swap(at, at + 1);
        let swapped: String = swapped.into_iter().collect();
        if !df.contains_key(&swapped) {
            return swapped;
        }
    }
    format!("{word}x")
}

/// A connection of the baseline's own to the tables sysops wrote.
pub(super) enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    pub(super) async fn open(url: &str, schema: Option<&str>) -> Result<Self, BoxError> {
        if url.starts_with("sqlite:") {
            return Ok(Raw::Sqlite(sqlx::SqlitePool::connect(url).await?));
        }
        let options =
            url.parse::<sqlx::postgres::PgConnectOptions>()?.options([("search_path", schema.unwrap_or("public"))]);
        Ok(Raw::Postgres(sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(options).await?))
    }

    /// The query as the engine's own ranked query: 20 ids, no snippet, no typo fallback.
    async fn search(&self, query: &SearchQuery) -> Result<usize, BoxError> {
        let rows = match self {
            Raw::Sqlite(pool) => sqlx::query(
                "SELECT a.id FROM kb_fts JOIN kb_articles a ON a.rowid = kb_fts.rowid WHERE kb_fts MATCH ?1
                 ORDER BY bm25(kb_fts, 10.0, 1.0, 1.0) LIMIT 20",
            )
            .bind(query.to_fts5())
            .fetch_all(pool)
            .await?
            .len(),
            Raw::Postgres(pool) => sqlx::query(
                "SELECT id FROM kb_articles WHERE NOT retired AND search @@ to_tsquery('english', $1)
                 ORDER BY ts_rank('{0.1, 0.1, 0.1, 1.0}', ranked, to_tsquery('english', $1)) DESC LIMIT 20",
            )
            .bind(query.to_tsquery())
            .fetch_all(pool)
            .await?
            .len(),
        };
        Ok(rows)
    }
}

fn report_import(args: &Args, backend: &str, docs_per_s: f64) {
    if args.json {
        let line = serde_json::json!({
            "scenario": "kb-search", "backend": backend, "scale": args.scale, "kind": "import",
            "docs_per_s": super::round2(docs_per_s),
        });
        println!("{line}");
    } else {
        println!("{backend:>9}: imported {docs_per_s:.0} docs/s");
    }
}
