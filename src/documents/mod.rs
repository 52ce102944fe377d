//! Documents (附件): the files attached to challenges, bids and projects (SPEC §13).

pub mod blind;
pub mod inspect;

#[cfg(test)]
mod fixtures;
