//! Share links: the editor's files, and optionally the tutorial step and
//! the commands to replay, carried in the URL's fragment as base64url of
//! deflated JSON (`#share=…`), so no server ever sees them.
//!
//! Opening a link adds its files beside the learner's own ([`merge`]):
//! nothing is replaced without asking, and nothing is applied.

use serde::{Deserialize, Serialize};

/// The fragment's key for a share link.
pub const FRAGMENT_KEY: &str = "share";
/// The key of the first links, uncompressed JSON of the files alone.
pub const LEGACY_FRAGMENT_KEY: &str = "files";
/// The most a link may inflate to: 1 MB.
pub const MAX_INFLATED: usize = 1_000_000;
/// The longest fragment read: deflate cannot shrink JSON beyond about
/// 1,000:1, so anything longer inflates past the limit anyway.
const MAX_ENCODED: usize = 2 * MAX_INFLATED;

/// What a link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    /// File names and texts, in tab order.
    pub files: Vec<(String, String)>,
    /// The tutorial step to show, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Commands the receiver may run, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replay: Vec<String>,
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// Not base64url.
    NotBase64,
    /// Not a deflate stream.
    NotDeflate,
    /// More than [`MAX_INFLATED`] once inflated.
    TooLarge,
    /// Not UTF-8 JSON of the expected shape.
    NotJson(String),
    /// No files.
    NoFiles,
    /// A file name with a slash, empty, or over 255 bytes.
    BadFileName,
}

impl ShareError {
    /// Why, in `lang`.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (ShareError::NotBase64, Lang::En) => "it is damaged (not base64url)".into(),
            (ShareError::NotBase64, Lang::Ja) => {
                "リンクが壊れています (base64url ではありません)".into()
            }
            (ShareError::NotDeflate, Lang::En) => "it is damaged (not deflate data)".into(),
            (ShareError::NotDeflate, Lang::Ja) => {
                "リンクが壊れています (deflate で圧縮されたデータではありません)".into()
            }
            (ShareError::TooLarge, Lang::En) => "it unpacks to more than 1 MB".into(),
            (ShareError::TooLarge, Lang::Ja) => "展開すると 1 MB を超えます".into(),
            (ShareError::NotJson(why), Lang::En) => format!("it is damaged ({why})"),
            (ShareError::NotJson(why), Lang::Ja) => format!("リンクが壊れています ({why})"),
            (ShareError::NoFiles, Lang::En) => "it carries no files".into(),
            (ShareError::NoFiles, Lang::Ja) => "ファイルが入っていません".into(),
            (ShareError::BadFileName, Lang::En) => "it names a file Sunaba cannot open".into(),
            (ShareError::BadFileName, Lang::Ja) => {
                "Sunaba で開けない名前のファイルが入っています".into()
            }
        }
    }
}

/// The fragment (without `#`) for a link carrying `shared`.
pub fn encode(shared: &Shared) -> String {
    let json = serde_json::to_vec(shared).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{FRAGMENT_KEY}={}", base64url_encode(&deflated))
}

/// What a page's fragment (without `#`) shares: None when it is not a
/// share link at all, else the link's content or why it cannot be read.
pub fn decode(fragment: &str) -> Option<Result<Shared, ShareError>> {
    let (key, value) = fragment.split_once('=')?;
    match key {
        FRAGMENT_KEY => Some(decode_compressed(value)),
        LEGACY_FRAGMENT_KEY => Some(decode_legacy(value)),
        _ => None,
    }
}

fn decode_compressed(value: &str) -> Result<Shared, ShareError> {
    let deflated = decode_base64(value)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::NotDeflate,
        })?;
    let shared: Shared =
        serde_json::from_slice(&json).map_err(|e| ShareError::NotJson(e.to_string()))?;
    checked(shared)
}

fn decode_legacy(value: &str) -> Result<Shared, ShareError> {
    let json = decode_base64(value)?;
    if json.len() > MAX_INFLATED {
        return Err(ShareError::TooLarge);
    }
    let files: Vec<(String, String)> =
        serde_json::from_slice(&json).map_err(|e| ShareError::NotJson(e.to_string()))?;
    checked(Shared {
        files,
        ..Shared::default()
    })
}

fn decode_base64(value: &str) -> Result<Vec<u8>, ShareError> {
    if value.len() > MAX_ENCODED {
        return Err(ShareError::TooLarge);
    }
    base64url_decode(value).ok_or(ShareError::NotBase64)
}

/// Refuses links with no files, or with names no tab can hold.
fn checked(shared: Shared) -> Result<Shared, ShareError> {
    if shared.files.is_empty() {
        return Err(ShareError::NoFiles);
    }
    let bad_name = |n: &str| n.trim().is_empty() || n.contains(['/', '\\']) || n.len() > 255;
    if shared.files.iter().any(|(n, _)| bad_name(n)) {
        return Err(ShareError::BadFileName);
    }
    Ok(shared)
}

/// What opening a link did to the editor's files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Files new here.
    pub added: usize,
    /// Files that replaced the learner's, as the learner agreed.
    pub replaced: usize,
    /// Files opened under a new name beside the learner's of the same name.
    pub renamed: usize,
}

/// Adds shared files to `files`. A file already here with the same text is
/// left alone; one with a different text replaces the learner's only when
/// `replace(name, new_name)` says yes, and is otherwise opened as
/// `new_name` beside it.
pub fn merge(
    files: &mut Vec<(String, String)>,
    shared: Vec<(String, String)>,
    mut replace: impl FnMut(&str, &str) -> bool,
) -> Merged {
    let mut merged = Merged::default();
    for (name, text) in shared {
        match files.iter().position(|(n, _)| *n == name) {
            None => {
                files.push((name, text));
                merged.added += 1;
            }
            Some(index) if files[index].1 == text => {}
            Some(index) => {
                let new_name = free_name(files, &name);
                if replace(&name, &new_name) {
                    files[index].1 = text;
                    merged.replaced += 1;
                } else {
                    files.push((new_name, text));
                    merged.renamed += 1;
                }
            }
        }
    }
    merged
}

/// `pod.yaml` → `pod-shared.yaml`, then `pod-shared-2.yaml`…: the first
/// name no file has.
fn free_name(files: &[(String, String)], name: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    (1..)
        .map(|n| match n {
            1 => format!("{stem}-shared{extension}"),
            n => format!("{stem}-shared-{n}{extension}"),
        })
        .find(|candidate| !files.iter().any(|(n, _)| n == candidate))
        .unwrap_or_else(|| format!("{stem}-shared{extension}"))
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 with the URL-safe alphabet and no padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let count = chunk.len() + 1;
        for i in 0..count {
            out.push(BASE64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes URL-safe base64 (padding optional); None on any other character.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut values = Vec::with_capacity(text.len());
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        values.push(u32::from(value));
    }
    if values.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() * 3 / 4);
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, v)| acc | (v << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push(((n >> (16 - 8 * i)) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[(&str, &str)]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    fn link_of(json: &[u8]) -> String {
        let deflated = miniz_oxide::deflate::compress_to_vec(json, 6);
        format!("share={}", base64url_encode(&deflated))
    }

    #[test]
    fn a_link_round_trips_files_step_and_commands_compressed() {
        let shared = Shared {
            files: files(&[
                ("pod.yaml", &"kind: Pod\n".repeat(200)),
                ("日本語.yaml", "a: 1"),
            ]),
            step: Some("service".into()),
            replay: vec!["kubectl apply -f pod.yaml".into()],
        };
        let fragment = encode(&shared);
        assert!(fragment.starts_with("share="));
        assert!(fragment.len() < 300, "deflated: {} bytes", fragment.len());
        assert_eq!(decode(&fragment), Some(Ok(shared)));
    }

    #[test]
    fn other_fragments_are_not_share_links() {
        assert_eq!(decode(""), None);
        assert_eq!(decode("section-2"), None);
        assert_eq!(decode("token=abc"), None);
    }

    #[test]
    fn damaged_links_say_why() {
        assert_eq!(decode("share=%%%"), Some(Err(ShareError::NotBase64)));
        assert_eq!(
            decode(&format!("share={}", base64url_encode(b"plain text"))),
            Some(Err(ShareError::NotDeflate))
        );
        assert!(matches!(
            decode(&link_of(b"{\"files\": 3}")),
            Some(Err(ShareError::NotJson(_)))
        ));
        assert_eq!(
            decode(&link_of(b"{\"files\": []}")),
            Some(Err(ShareError::NoFiles))
        );
        assert_eq!(
            decode(&link_of(br#"{"files": [["../etc/passwd", "x"]]}"#)),
            Some(Err(ShareError::BadFileName))
        );
    }

    #[test]
    fn a_link_that_unpacks_past_one_megabyte_is_refused() {
        let mut json = br#"{"files": [["big.yaml", ""#.to_vec();
        json.extend(std::iter::repeat_n(b'a', MAX_INFLATED));
        json.extend(br#""]]}"#);
        let fragment = link_of(&json);
        assert!(fragment.len() < 10_000, "a small link: {}", fragment.len());
        assert_eq!(decode(&fragment), Some(Err(ShareError::TooLarge)));
    }

    #[test]
    fn the_first_links_of_uncompressed_files_still_open() {
        let json = br#"[["mine.yaml","kind: Namespace\n"]]"#;
        let fragment = format!("files={}", base64url_encode(json));
        assert_eq!(
            decode(&fragment),
            Some(Ok(Shared {
                files: files(&[("mine.yaml", "kind: Namespace\n")]),
                ..Shared::default()
            }))
        );
    }

    #[test]
    fn merging_adds_beside_and_replaces_only_when_allowed() {
        let mut mine = files(&[("pod.yaml", "mine"), ("svc.yaml", "same")]);
        let shared = files(&[
            ("svc.yaml", "same"),
            ("pod.yaml", "theirs"),
            ("new.yaml", "n"),
        ]);
        let mut asked = Vec::new();
        let merged = merge(&mut mine, shared.clone(), |name, new_name| {
            asked.push((name.to_string(), new_name.to_string()));
            false
        });
        assert_eq!(
            asked,
            [("pod.yaml".to_string(), "pod-shared.yaml".to_string())]
        );
        assert_eq!(
            merged,
            Merged {
                added: 1,
                replaced: 0,
                renamed: 1
            }
        );
        assert_eq!(
            mine,
            files(&[
                ("pod.yaml", "mine"),
                ("svc.yaml", "same"),
                ("pod-shared.yaml", "theirs"),
                ("new.yaml", "n")
            ])
        );
        // The same link again: the renamed copy exists, so the next is -2.
        let again = merge(&mut mine, files(&[("pod.yaml", "v3")]), |_, _| false);
        assert_eq!(again.renamed, 1);
        assert_eq!(mine[4].0, "pod-shared-2.yaml");
        // Allowed: replaced in place.
        let replaced = merge(&mut mine, files(&[("pod.yaml", "v4")]), |_, _| true);
        assert_eq!(replaced.replaced, 1);
        assert_eq!(mine[0], ("pod.yaml".to_string(), "v4".to_string()));
    }

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), encoded);
            assert_eq!(base64url_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(base64url_decode("Z"), None);
    }
}
