//! The Actions filter over a channel larger than what is loaded: it searches on, page after
//! page, until the screen is full of matches (or the channel ends), and a keystroke narrows or
//! widens what is already loaded before anything more is read.

use super::*;

/// Page `p` (0 = newest) of a channel of 100-action pages: every tenth action is by `needle`,
/// the rest by `user00`..; `more` while older pages remain of `pages`.
fn sparse_page(p: usize, pages: usize) -> ActionsPage {
    let newest = NOW.get() - 1_000_000;
    let actions: Vec<StoredAction> = (0..100)
        .rev()
        .map(|k| {
            let n = p * 100 + k;
            let at = newest - n as u64 * 10;
            let uuid = if n % 10 == 3 {
                "needle".to_string()
            } else {
                format!("user{:02}", n % 7)
            };
            stored(Timetoken(at - 5), at, &uuid, "👍")
        })
        .collect();
    let more = (p + 1 < pages).then(|| MoreBounds {
        start: Some(actions[0].action_timetoken),
        end: None,
        limit: Some(100),
    });
    ActionsPage { actions, more }
}

/// Answers every Actions page request in `out` (and those its answers cause) from a channel of
/// `pages` pages; counts the pages read and the requests for message texts.
fn answer_pages(app: &mut App, mut out: Vec<Command>, pages: usize, read: &mut usize) -> usize {
    let mut texts = 0;
    loop {
        texts += out
            .iter()
            .filter(|c| matches!(c, Command::FetchMessageTexts { .. }))
            .count();
        let Some(Command::FetchActions { op, .. }) = out
            .iter()
            .find(|c| matches!(c, Command::FetchActions { .. }))
            .cloned()
        else {
            return texts;
        };
        assert!(*read < pages, "asked for a page past the channel's end");
        let page = sparse_page(*read, pages);
        *read += 1;
        out = update(app, Event::Api(op, ApiOutcome::Actions(Ok(page)))).commands;
    }
}

fn shown_users(app: &App) -> Vec<String> {
    app.actions
        .display_from(None)
        .map(|r| app.symbols.raw(r.action.uuid).to_string())
        .collect()
}

#[test]
fn a_filter_few_rows_pass_reads_on_until_the_screen_is_full() {
    let mut app = loaded("carol", false);
    let rows = 35;
    update(
        &mut app,
        Event::Measured(Measured {
            actions_rows: rows,
            ..Measured::default()
        }),
    );
    let mut read = 0;
    let out = key(&mut app, KeyCode::Tab).commands;
    answer_pages(&mut app, out, 50, &mut read);
    assert_eq!(read, 1, "one page without a filter");

    ch(&mut app, '/');
    let mut out = Vec::new();
    for c in "needle".chars() {
        out.extend(ch(&mut app, c).commands);
    }
    answer_pages(&mut app, out, 50, &mut read);
    let shown = shown_users(&app);
    assert!(
        shown.len() >= rows,
        "a full screen of matches: {} after {read} pages",
        shown.len()
    );
    assert!(shown.iter().all(|u| u == "needle"));
    assert!(read <= 5, "no more pages than the screen needs: {read}");
    assert_eq!(app.actions.len(), read * 100, "every page kept");

    // Narrowing and widening look at what is loaded; nothing more is asked for while the screen
    // stays full.
    let out = ch(&mut app, 'x').commands;
    assert!(
        shown_users(&app).is_empty(),
        "needlex matches nothing loaded"
    );
    answer_pages(&mut app, out, 50, &mut read);
    assert_eq!(
        read, 50,
        "a filter nothing matches reads to the channel's start"
    );
    assert!(shown_users(&app).is_empty());
    let out = key(&mut app, KeyCode::Backspace).commands;
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(
        shown_users(&app).len(),
        50 * 10,
        "every needle of the channel"
    );
    let out = key(&mut app, KeyCode::Backspace).commands;
    assert!(out.is_empty());
    assert_eq!(shown_users(&app).len(), 50 * 10, "\"needl\" finds the same");
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    assert_eq!(shown_users(&app).len(), 50 * 100, "no filter: every row");
}
