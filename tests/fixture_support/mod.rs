//! Shared by the fixture tests: reading the Swift canned answers and the python-vcr cassettes in
//! `tests/fixtures/` (copied unchanged from the project's shared wire fixtures), and small checks.

#![allow(dead_code)] // each test crate uses a part

use std::io::Read;
use std::path::PathBuf;

use base64::Engine;
use yaml_rust2::{Yaml, YamlLoader};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A Swift canned answer: `{"code": status, "body": json}`.
pub fn swift(name: &str) -> (u16, Vec<u8>) {
    let path = dir().join("swift").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let status = value["code"].as_u64().unwrap() as u16;
    (status, serde_json::to_vec(&value["body"]).unwrap())
}

/// One request and its recorded answer.
pub struct Interaction {
    pub method: String,
    pub uri: String,
    pub request_body: String,
    pub status: u16,
    /// As the client would see it: decompressed.
    pub body: Vec<u8>,
}

impl Interaction {
    pub fn path(&self) -> &str {
        let rest = self
            .uri
            .split_once("://")
            .map_or(self.uri.as_str(), |(_, r)| r);
        let path = rest.find('/').map_or("", |i| &rest[i..]);
        path.split('?').next().unwrap_or(path)
    }
}

pub fn cassette_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir().join("python-vcr"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The interactions of a VCR cassette. A gzip answer is stored as base64 (`!!binary`).
pub fn cassette(name: &str) -> Vec<Interaction> {
    let path = dir().join("python-vcr").join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let docs = YamlLoader::load_from_str(&text).unwrap();
    docs[0]["interactions"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|i| {
            let response = &i["response"];
            let raw = response["body"]["string"].as_str().unwrap_or("");
            let body = if header(&response["headers"], "content-encoding") == Some("gzip") {
                let packed: String = raw.split_whitespace().collect();
                let packed = base64::engine::general_purpose::STANDARD
                    .decode(packed)
                    .unwrap();
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(packed.as_slice())
                    .read_to_end(&mut out)
                    .unwrap();
                out
            } else {
                raw.as_bytes().to_vec()
            };
            Interaction {
                method: i["request"]["method"].as_str().unwrap().to_string(),
                uri: i["request"]["uri"].as_str().unwrap().to_string(),
                request_body: i["request"]["body"].as_str().unwrap_or("").to_string(),
                status: response["status"]["code"].as_i64().unwrap() as u16,
                body,
            }
        })
        .collect()
}

/// A header's value, whichever of VCR's two spellings (`KEY: v` or `Key: [v]`) is used.
fn header<'a>(headers: &'a Yaml, name: &str) -> Option<&'a str> {
    let (_, value) = headers
        .as_hash()?
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))?;
    value.as_str().or_else(|| value.as_vec()?.first()?.as_str())
}

/// A timetoken from its number.
pub fn tt(v: u64) -> reactions::pubnub::Timetoken {
    reactions::pubnub::Timetoken(v)
}

/// Asserts a `BadRequest` with this status and the service's text.
pub fn assert_bad_request(
    result: Result<impl std::fmt::Debug, reactions::pubnub::Error>,
    want_status: u16,
    text: &str,
) {
    match result {
        Err(reactions::pubnub::Error::BadRequest {
            status, message, ..
        }) if status == want_status => assert_eq!(message, text),
        other => panic!("expected BadRequest {want_status} {text:?}, got {other:?}"),
    }
}
