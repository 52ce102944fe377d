//! STUB (replaced by the inspect branch).
use super::inspect::Kind;
use std::path::Path;
pub fn blind_copy(src: &Path, _kind: Kind, dst: &Path) -> std::io::Result<Vec<String>> {
    std::fs::copy(src, dst)?;
    Ok(vec![])
}
