//! The demo's knowledge base: the corpus imported with a progress bar, then an expert's
//! searches during the day (a misspelling among them) and a revision of one article.

use crate::corpus;
use std::time::Instant;
use sysops_core::kb::{ArticleSearch, SearchQuery};
use sysops_core::{Actor, Reason, Store};

/// What an expert types during the day: symptoms, commands, a misspelling, a phrase.
const SEARCHES: [&str; 6] =
    ["disk full", "permission denied", "\"no space left\"", "retry download", "pasword expired", "compress* -tar"];

/// Imports the first `limit` documents of the corpus, then prints an expert's searches.
pub async fn stock_and_search<S: Store>(
    service: &sysops_core::Service<S>,
    admin: Actor,
    expert: Actor,
    limit: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let contents: Vec<_> = corpus::documents().iter().take(limit).map(corpus::content).collect();
    let bar = crate::progress_bar(contents.len(), "articles");
    let started = Instant::now();
    let ids = service.import_articles(admin, contents, |p| bar.set_position(p.imported)).await?;
    bar.finish();
    println!("\n=== The knowledge base ===");
    println!(
        "articles imported     {:>8}  in {:.1}s (Debian manuals, see examples/data)",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    for text in SEARCHES {
        let started = Instant::now();
        let results = service.search_articles(expert, ArticleSearch::new(SearchQuery::parse(text)?)).await?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let corrected = results.corrected.map(|q| format!(" (did you mean: {q})")).unwrap_or_default();
        println!(
            "search {text:<22} {:>3}{} hits in {ms:.1} ms{corrected}",
            results.hits.len(),
            if results.next_offset.is_some() { "+" } else { "" }
        );
        for hit in results.hits.iter().take(2) {
            let snippet: String = hit
                .snippet
                .iter()
                .map(|p| if p.highlighted { format!("[{}]", p.text) } else { p.text.clone() })
                .collect();
            let snippet: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(90).collect();
            println!("    {:<40.40}  {snippet}", hit.title);
        }
    }
    if let Some(&first) = ids.first() {
        let article = service.article(expert, first).await?;
        let mut content = article.content.clone();
        content.body =
            sysops_core::kb::ArticleBody::new(format!("{}\nField note: check the cable first.", content.body))?;
        let revised = service.revise_article(expert, first, content, Reason::new("what worked in the field")?).await?;
        let diff = service.compare_revisions(expert, first, 1, revised.history.len() as u32).await?;
        let added = diff.iter().filter(|l| l.op == sysops_core::kb::DiffOp::Added).count();
        println!(
            "revised \"{}\": revision {}, {added} line added, revision 1 still readable",
            revised.content.title,
            revised.revision()
        );
    }
    Ok(())
}
