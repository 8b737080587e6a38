//! Users' names from App Context, cached for the session: which ids are known, asked for or
//! still wanted, and the names themselves. Ids are wanted as they are seen (in pages, live
//! events, reports) and asked for in one batch per loaded page, or once a frame for what
//! arrived live, never one by one. An id without a name (no such user, or no `name`) shows as
//! itself.
//!
//! The state of an id is one byte in a table indexed by its symbol, so looking it up costs an
//! index, not a hash: live events stay cheap (docs/BENCHMARKS.md, target 3).

use super::symbols::Sym;
use super::{App, Command, Op};
use crate::pubnub;

/// Where an id stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    /// Never seen, or its last request failed and a reload asks again.
    #[default]
    Unknown,
    /// Seen, to be asked for in the next batch.
    Wanted,
    /// In a request.
    Asked,
    /// Answered: a name, or none.
    Answered,
    /// Its request failed; asked again after a reload.
    Failed,
}

/// The cache of names.
#[derive(Debug, Default)]
pub struct Names {
    /// Indexed by symbol; ids past the end are `Unknown`. (The names themselves are kept with
    /// the symbols, [`super::symbols::Symbols::name`].)
    states: Vec<State>,
    /// Ids seen and not yet asked for, in the order seen.
    wanted: Vec<Sym>,
    /// Bumped whenever names arrive, so drawn layouts that show names are rebuilt.
    pub revision: u32,
    /// A failure was already said once (names are a nicety: say it once, not per page).
    failure_said: bool,
}

impl Names {
    fn state(&self, sym: Sym) -> State {
        self.states.get(sym.index()).copied().unwrap_or_default()
    }

    fn set(&mut self, sym: Sym, state: State) {
        let i = sym.index();
        if i >= self.states.len() {
            self.states.resize(i + 1, State::Unknown);
        }
        self.states[i] = state;
    }

    /// Notes that `uuid` is shown: it is asked for with the next batch unless known.
    pub fn want(&mut self, uuid: Sym) {
        if self.state(uuid) == State::Unknown {
            self.set(uuid, State::Wanted);
            self.wanted.push(uuid);
        }
    }

    /// After a reload: ids whose request failed are asked for again.
    pub fn retry_failed(&mut self) {
        for state in &mut self.states {
            if *state == State::Failed {
                *state = State::Unknown;
            }
        }
    }

    /// Ids waiting to be asked for.
    pub fn has_wanted(&self) -> bool {
        !self.wanted.is_empty()
    }
}

/// Asks for every wanted id in one request (the worker splits it as the service needs).
pub(super) fn request(app: &mut App, commands: &mut Vec<Command>) {
    if !app.names.has_wanted() {
        return;
    }
    let wanted = std::mem::take(&mut app.names.wanted);
    for &sym in &wanted {
        app.names.set(sym, State::Asked);
    }
    let ids = wanted
        .iter()
        .map(|&s| app.symbols.raw(s).to_string())
        .collect();
    let op = app.begin(Op::Names(wanted));
    commands.push(Command::FetchNames { op, ids });
}

/// Names arrived (or could not be read).
pub(super) fn on_names(
    app: &mut App,
    asked: Vec<Sym>,
    result: pubnub::Result<Vec<(String, Option<String>)>>,
) {
    match result {
        Ok(found) => {
            for (id, name) in found {
                if let (Some(sym), Some(name)) = (app.symbols.lookup(&id), name) {
                    app.symbols.set_name(sym, &name);
                }
            }
            for sym in asked {
                app.names.set(sym, State::Answered);
            }
            app.names.revision = app.names.revision.wrapping_add(1);
        }
        Err(e) => {
            tracing::warn!("could not read user names from App Context: {e}");
            for sym in asked {
                app.names.set(sym, State::Failed);
            }
            if !app.names.failure_said {
                app.names.failure_said = true;
                let retry = app
                    .options
                    .keymap
                    .hints(&[(&[super::keymap::Action::Reload], "asks again")]);
                app.info(format!(
                    "User names could not be read from App Context ({e}); showing user ids. {retry}"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::symbols::Symbols;

    #[test]
    fn an_id_is_wanted_once_until_its_request_fails() {
        let mut s = Symbols::new();
        let mut names = Names::default();
        let bob = s.intern("bob");
        names.want(bob);
        names.want(bob);
        assert_eq!(names.wanted, [bob]);
        names.wanted.clear();
        names.set(bob, State::Failed);
        names.want(bob);
        assert!(names.wanted.is_empty(), "a failed id waits for a reload");
        names.retry_failed();
        names.want(bob);
        assert_eq!(names.wanted, [bob]);
    }
}
