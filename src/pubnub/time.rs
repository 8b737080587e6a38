//! Time (reference section 3.3): the service's current timetoken, `[15643405135132358]`.

use reqwest::Method;

use super::answer::Answer;
use super::client::{Client, Endpoint, Request, executable};
use super::{Result, Timetoken};

impl Client {
    /// Asks the service for its current timetoken.
    pub fn time(&self) -> Time {
        Time {
            client: self.clone(),
        }
    }
}

/// Builder of [`Client::time`].
#[derive(Debug, Clone)]
pub struct Time {
    client: Client,
}

impl Endpoint for Time {
    type Output = Timetoken;

    fn request(&self) -> Result<Request> {
        Ok(Request::new(Method::GET, "/time/0".to_string()))
    }

    fn decode(&self, status: u16, body: &[u8]) -> Result<Timetoken> {
        decode(status, body)
    }
}
executable!(Time => Timetoken);

/// Reads a time answer: a one-element array holding the timetoken.
pub fn decode(status: u16, body: &[u8]) -> Result<Timetoken> {
    let answer = Answer::read(status, body)?;
    match answer.parse::<Vec<Timetoken>>()?.as_slice() {
        [timetoken] => Ok(*timetoken),
        _ => Err(answer.malformed("expected [timetoken]")),
    }
}
