//! The one role of an account: what it may do.

use crate::db_enum;

db_enum!(
    /// The one role of an account (SPEC §1).
    Role {
        /// The bureau's program office (科技局).
        Admin => "admin",
        /// A company or agency with a problem (发榜方).
        Issuer => "issuer",
        /// A research team bidding on challenges (揭榜方).
        Solver => "solver",
        /// A reviewer from the expert pool (评审专家).
        Expert => "expert",
    }
);
