//! The texts: the repository's defaults (version 1 of each kind), their normal form, and the
//! hash that a signature names.

use sha2::{Digest, Sha256};

use super::Kind;
use crate::privacy::hex;

/// The repository's text of `kind`, in Chinese and English: version 1 when none is stored.
/// Changing a file changes nothing once version 1 is stored; publish a new version instead.
pub fn default_text(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::ExpertReview => (
            include_str!("../../commitments/expert_review.zh-CN.md"),
            include_str!("../../commitments/expert_review.en.md"),
        ),
        Kind::ExpertAcceptance => (
            include_str!("../../commitments/expert_acceptance.zh-CN.md"),
            include_str!("../../commitments/expert_acceptance.en.md"),
        ),
    }
}

/// A text as stored: line endings made `\n`, surrounding white space removed.
pub fn normal(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

/// The hash a signature names: the lowercase hex SHA-256 of the stored zh-CN text's UTF-8
/// bytes, one NUL byte (0x00, which no stored text contains), and the stored English text's
/// UTF-8 bytes. A client checks it with the texts it shows, e.g. in a browser
/// `crypto.subtle.digest("SHA-256", utf8(zh) + [0] + utf8(en))`.
pub fn hash(text_zh: &str, text_en: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(text_zh.as_bytes());
    digest.update([0u8]);
    digest.update(text_en.as_bytes());
    hex(&digest.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_both_texts_and_their_boundary() {
        // sha256("a\0b"), computed independently (printf 'a\0b' | sha256sum).
        assert_eq!(
            hash("a", "b"),
            "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"
        );
        assert_ne!(hash("ab", ""), hash("a", "b"));
    }

    #[test]
    fn every_default_text_is_normal_and_not_empty() {
        for kind in Kind::ALL {
            let (zh, en) = default_text(*kind);
            assert!(!normal(zh).is_empty() && !normal(en).is_empty(), "{kind}");
            assert!(normal(zh).contains("承诺"), "{kind}");
        }
    }

    #[test]
    fn line_endings_and_edges_are_normalised() {
        assert_eq!(normal("  一\r\n二\r三\n "), "一\n二\n三");
    }
}
