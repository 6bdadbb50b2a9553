//! The bearer token that `sunaba serve` demands on its API: drawn afresh
//! from the operating system's randomness at every start, shown only in
//! the URL the server prints and in the kubeconfigs it writes, and
//! compared in constant time.

use std::fmt;

/// A secret the API demands as `Authorization: Bearer <token>`.
///
/// It is never printed by `Debug`, and has no `PartialEq`: compare a
/// candidate with [`Token::matches`], which takes the same time whatever
/// the candidate holds.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// How many random bytes a fresh token holds (shown as twice as many hex digits).
    pub const RANDOM_BYTES: usize = 32;

    /// A fresh token: [`Self::RANDOM_BYTES`] bytes from the operating system, in hex.
    pub fn generate() -> std::io::Result<Self> {
        let mut bytes = [0u8; Self::RANDOM_BYTES];
        getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
        Ok(Self(hex(&bytes)))
    }

    /// A chosen token (tests pick theirs), when it is not empty and uses
    /// only characters safe in a header, a URL and a YAML string:
    /// ASCII letters, digits, `-`, `_` and `.`.
    pub fn new(text: &str) -> Option<Self> {
        let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        (!text.is_empty() && text.chars().all(safe)).then(|| Self(text.to_string()))
    }

    /// The token's text, to put in a kubeconfig, a URL or a header.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` is this token, compared in constant time (its
    /// length aside, which is no secret).
    pub fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), candidate.as_bytes())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Lower-case hex digits of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equality that looks at every byte whatever the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_token_is_64_hex_digits_and_differs_each_time() {
        let one = Token::generate().expect("randomness");
        let two = Token::generate().expect("randomness");
        assert_eq!(one.as_str().len(), 2 * Token::RANDOM_BYTES);
        assert!(one.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!one.matches(two.as_str()));
    }

    #[test]
    fn a_token_matches_itself_only() {
        let token = Token::new("s3cret").expect("a safe token");
        assert!(token.matches("s3cret"));
        assert!(!token.matches("s3cres"));
        assert!(!token.matches("s3cret "));
        assert!(!token.matches(""));
    }

    #[test]
    fn chosen_tokens_must_be_safe_and_not_empty() {
        assert!(Token::new("").is_none());
        assert!(Token::new("a b").is_none());
        assert!(Token::new("a\"b").is_none());
        assert!(Token::new("test-token_1.0").is_some());
    }

    #[test]
    fn debug_hides_the_secret() {
        let token = Token::new("s3cret").expect("a safe token");
        assert_eq!(format!("{token:?}"), "Token(…)");
    }
}
