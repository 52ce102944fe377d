//! What the documents tell people.

use serde::Serialize;

use crate::notifications::Notice;

/// One document and its blind copy's name.
#[derive(Debug, Clone, Serialize)]
pub struct CopiedFile {
    pub file_name: String,
    pub blind_file_name: String,
}

/// The blind copies of a bid's documents were made at the opening (to whoever uploaded them):
/// what the experts of the blind review will see instead of the files.
#[derive(Debug, Serialize)]
pub struct BlindCopiesMade {
    pub display_name: String,
    pub title: String,
    pub files: Vec<CopiedFile>,
    pub url: String,
}

impl Notice for BlindCopiesMade {
    fn template(&self) -> &'static str {
        "blind_copies_made"
    }
}
