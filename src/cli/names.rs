//! Users' names for the human output of `history` and `actions`: read from App Context in as
//! few requests as the service allows, shown as `Alice Martin (alice)`, the id alone where a
//! user has no name. A failure to read names is no failure of the command: the ids are shown
//! (and the reason logged). `--json` output keeps the ids only.

use std::collections::HashMap;

use crate::pubnub::Client;

/// Names of the users with these ids; an empty map when they cannot be read.
pub async fn names_of(client: &Client, ids: impl IntoIterator<Item = String>) -> Names {
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Names::default();
    }
    match client.user_names().ids(ids).execute().await {
        Ok(found) => Names(
            found
                .into_iter()
                .filter_map(|(id, name)| name.map(|n| (id, n)))
                .collect(),
        ),
        Err(e) => {
            tracing::info!("user names could not be read, showing ids: {e}");
            Names::default()
        }
    }
}

/// Names by user id.
#[derive(Debug, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// `Alice Martin (alice)`, or `alice` without a name.
    pub fn user(&self, id: &str) -> String {
        match self.0.get(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_shows_by_name_with_the_id_and_by_id_alone_without_one() {
        let names = Names([("alice".to_string(), "Alice Martin".to_string())].into());
        assert_eq!(names.user("alice"), "Alice Martin (alice)");
        assert_eq!(names.user("bob"), "bob");
    }
}
