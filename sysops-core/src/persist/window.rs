//! A page of ranked results taken by offset (searches), as opposed to [`super::Page`]'s keyset
//! paging of listings: ranked results have no key to resume after.

use crate::error::ValidationError;

/// The page of a search, checked: `limit` results after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Results to skip (0 to [`Window::MAX_OFFSET`]).
    pub offset: u32,
    /// Results wanted (1 to [`Window::MAX_LIMIT`]).
    pub limit: u32,
}

impl Window {
    /// Most results on one page.
    pub const MAX_LIMIT: u32 = 100;
    /// Deepest a search pages: nobody reads past the first thousand results, and an engine
    /// must rank every result before the page to skip them.
    pub const MAX_OFFSET: u32 = 1_000;

    /// A page, if within bounds.
    pub fn new(offset: u32, limit: u32) -> Result<Self, ValidationError> {
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(ValidationError::count("limit", limit as usize, 1, Self::MAX_LIMIT as usize));
        }
        if offset > Self::MAX_OFFSET {
            return Err(ValidationError::count("offset", offset as usize, 0, Self::MAX_OFFSET as usize));
        }
        Ok(Self { offset, limit })
    }

    /// Where the next page starts, when `more` results follow this one and it is not past
    /// [`Window::MAX_OFFSET`].
    pub fn next_offset(self, more: bool) -> Option<u32> {
        let next = self.offset.saturating_add(self.limit);
        (more && next <= Self::MAX_OFFSET).then_some(next)
    }
}
