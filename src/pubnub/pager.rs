//! Walking a listing back in time, page by page. The paging decisions (what to ask for next,
//! what is new in an answer, when to stop) live in pure cursors, one per listing, so they are
//! tested without a network; [`Pager`] only drives a cursor with a fetch function.

use futures::future::BoxFuture;

use super::Timetoken;
use super::client::{Client, Endpoint, block_on, block_on_task};
use super::error::Result;

/// The paging logic of one listing.
pub(crate) trait Cursor: Send + 'static {
    /// What the next request needs (its `start`).
    type Next: Send;
    /// One decoded answer.
    type Page: Send;
    /// What the caller gets.
    type Item: Send + 'static;
    /// The next request, or `None` when the listing is done.
    fn next(&self) -> Option<Self::Next>;
    /// Takes in an answer to the request `next` returned; gives back what was not delivered yet.
    fn accept(&mut self, page: Self::Page) -> Vec<Self::Item>;
}

/// Fetches the page `next` describes.
pub(crate) type Fetch<C> =
    Box<dyn FnMut(<C as Cursor>::Next) -> BoxFuture<'static, Result<<C as Cursor>::Page>> + Send>;

trait Source<T>: Send {
    fn next_page(&mut self) -> BoxFuture<'_, Result<Option<Vec<T>>>>;
}

struct Paging<C: Cursor> {
    cursor: C,
    fetch: Fetch<C>,
}

impl<C: Cursor> Source<C::Item> for Paging<C> {
    fn next_page(&mut self) -> BoxFuture<'_, Result<Option<Vec<C::Item>>>> {
        Box::pin(async move {
            while let Some(next) = self.cursor.next() {
                let page = (self.fetch)(next).await?;
                let fresh = self.cursor.accept(page);
                if !fresh.is_empty() {
                    return Ok(Some(fresh));
                }
            }
            Ok(None)
        })
    }
}

/// Follows a listing back in time: each [`next_page`](Pager::next_page) returns the next older
/// items (oldest first within the page), never one twice, until the listing is exhausted.
/// A failed page can be retried by calling `next_page` again.
pub struct Pager<T> {
    source: Box<dyn Source<T>>,
}

impl<T: Send + 'static> Pager<T> {
    pub(crate) fn new<C: Cursor<Item = T>>(cursor: C, fetch: Fetch<C>) -> Self {
        Pager {
            source: Box::new(Paging { cursor, fetch }),
        }
    }

    /// A pager whose every request is the one `with_start` builds for the `start` the cursor
    /// asks for.
    pub(crate) fn over<C, E>(
        cursor: C,
        client: Client,
        with_start: impl Fn(Option<Timetoken>) -> E + Send + 'static,
    ) -> Self
    where
        C: Cursor<Item = T, Next = Option<Timetoken>>,
        E: Endpoint<Output = C::Page> + Send + 'static,
    {
        Pager::new(
            cursor,
            Box::new(move |start| {
                let (client, request) = (client.clone(), with_start(start));
                Box::pin(async move { client.call(&request).await })
            }),
        )
    }

    /// The next older page, or `None` when there is nothing older.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        self.source.next_page().await
    }

    /// Every remaining item, oldest first.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next_page().await? {
            pages.push(page);
        }
        // Pages arrive newest first; each page is oldest first.
        Ok(pages.into_iter().rev().flatten().collect())
    }

    /// [`next_page`](Pager::next_page) for code that is not async (not inside a runtime).
    pub fn next_page_blocking(&mut self) -> Result<Option<Vec<T>>> {
        block_on(self.next_page())
    }

    /// [`collect_all`](Pager::collect_all) for code that is not async (not inside a runtime).
    pub fn collect_all_blocking(self) -> Result<Vec<T>>
    where
        Self: Send + 'static,
        T: Send + 'static,
    {
        block_on_task(self.collect_all())
    }
}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pager")
    }
}
