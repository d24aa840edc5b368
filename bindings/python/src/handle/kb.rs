//! The knowledge base, as methods of the Python handle.

use super::{Sysops, blocking, count};
use crate::args::{Category, Id};
use crate::errors::Failure;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;
use sysops_ffi as ffi;

/// A progress callback written in Python: any callable taking `(imported, total)`. What it
/// returns or raises is ignored; the import goes on.
struct PythonListener(Py<PyAny>);

impl ffi::ImportListener for PythonListener {
    fn progress(&self, imported: u64, total: u64) {
        Python::attach(|py| {
            let _ignored = self.0.bind(py).call1((imported, total));
        });
    }
}

#[pymethods]
impl Sysops {
    /// Imports many articles, 100 per commit, calling `progress(imported, total)` after each.
    #[pyo3(signature = (actor, contents, progress = None))]
    fn import_articles(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        contents: Vec<ffi::ArticleContent>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> Result<Vec<uuid::Uuid>, Failure> {
        let listener = match progress {
            Some(callable) if callable.is_callable() => {
                Some(Arc::new(PythonListener(callable.unbind())) as Arc<dyn ffi::ImportListener>)
            }
            Some(_) => {
                let reason = "a callable taking (imported, total)".to_owned();
                return Err(Failure(ffi::SysopsError::InvalidInput { field: "progress".to_owned(), reason }));
            }
            None => None,
        };
        blocking(py, self.inner.import_articles(actor, contents, listener))
    }

    /// Writes a new article (revision 1).
    fn write_article(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        content: ffi::ArticleContent,
    ) -> Result<ffi::Article, Failure> {
        blocking(py, self.inner.write_article(actor, content))
    }

    /// Writes the next revision of an article, saying why.
    fn revise_article(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        article: Id,
        content: ffi::ArticleContent,
        why: String,
    ) -> Result<ffi::Article, Failure> {
        blocking(py, self.inner.revise_article(actor, article.0, content, why))
    }

    /// Takes an article out of search; its revisions stay readable.
    fn retire_article(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        article: Id,
        why: String,
    ) -> Result<ffi::Article, Failure> {
        blocking(py, self.inner.retire_article(actor, article.0, why))
    }

    /// An article at its latest revision.
    fn article(&self, py: Python<'_>, actor: ffi::Actor, article: Id) -> Result<ffi::Article, Failure> {
        blocking(py, self.inner.article(actor, article.0))
    }

    /// One revision of an article, as it was written.
    fn article_revision(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        article: Id,
        revision: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::ArticleRevision> {
        let revision = count("revision", revision)?;
        Ok(blocking(py, self.inner.article_revision(actor, article.0, revision))?)
    }

    /// The line diff of an article's body between two revisions.
    fn compare_revisions(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        article: Id,
        from_revision: &Bound<'_, PyAny>,
        to_revision: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<ffi::DiffLine>> {
        let (from, to) = (count("from_revision", from_revision)?, count("to_revision", to_revision)?);
        Ok(blocking(py, self.inner.compare_revisions(actor, article.0, from, to))?)
    }

    /// Searches articles; see the stub for the query language and limits.
    #[pyo3(
        signature = (actor, query, categories = Vec::new(), tags = Vec::new(), offset = None, limit = None),
        text_signature = "($self, actor, query, categories=[], tags=[], offset=0, limit=20)"
    )]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, each with its default
    fn search_articles(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        query: String,
        categories: Vec<Category>,
        tags: Vec<String>,
        offset: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::SearchResults> {
        let (categories, offset, limit) = search_page(categories, offset, limit)?;
        Ok(blocking(py, self.inner.search_articles(actor, query, categories, tags, offset, limit))?)
    }

    /// The phone's request bytes for the offline copy.
    fn article_sync_request<'py>(&self, py: Python<'py>, actor: ffi::Actor) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = blocking(py, self.inner.article_sync_request(actor))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The server's answer bytes to a phone's request bytes.
    fn article_sync_answer<'py>(
        &self,
        py: Python<'py>,
        actor: ffi::Actor,
        request: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = blocking(py, self.inner.article_sync_answer(actor, request.to_vec()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Applies the server's answer bytes on the phone.
    fn apply_article_sync(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        answer: &[u8],
    ) -> Result<ffi::ArticleSyncReport, Failure> {
        blocking(py, self.inner.apply_article_sync(actor, answer.to_vec()))
    }

    /// Records which articles solved a completed (or closed) ticket.
    fn record_solution(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        articles: Vec<Id>,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.record_solution(actor, ticket.0, articles.into_iter().map(|a| a.0).collect()))
    }

    /// How many tickets each article solved, in order.
    fn times_solved(&self, py: Python<'_>, actor: ffi::Actor, articles: Vec<Id>) -> Result<Vec<u64>, Failure> {
        blocking(py, self.inner.times_solved(actor, articles.into_iter().map(|a| a.0).collect()))
    }
}

/// A search's categories and page as Python passes them: `offset` 0 and `limit` 20 unless given.
pub(super) fn search_page(
    categories: Vec<Category>,
    offset: Option<&Bound<'_, PyAny>>,
    limit: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<ffi::ProductCategory>, u32, u32)> {
    let offset = offset.map_or(Ok(0), |o| count("offset", o))?;
    let limit = limit.map_or(Ok(20), |l| count("limit", l))?;
    Ok((categories.into_iter().map(|c| c.0).collect(), offset, limit))
}
