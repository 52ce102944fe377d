//! The panel draw's rules, pure: why an expert is left out (回避), and the reproducible order.
//!
//! The order is a Fisher–Yates shuffle of the eligible experts sorted by id, driven by a ChaCha8
//! stream seeded with the stored seed. ChaCha8's output is fixed by its specification and the
//! shuffle is written here (not taken from `rand`, whose algorithms may change between
//! versions), so the same seed and the same candidates give the same order on any version.

use std::collections::HashSet;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why an expert was left out of a draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The expert's organisation issued the challenge.
    IssuerOrg,
    /// The expert's organisation bid on the challenge.
    BidderOrg,
    /// The expert is named in a bid's team (matched by ID-number hash).
    TeamMember,
    /// The expert declared a conflict with a bidding organisation or with the issuer.
    DeclaredConflict,
    /// The credit check (purpose `panel_draw`) blocks.
    CreditBlock,
    /// The expert already has the configured number of open assignments.
    TooBusy,
    /// At a replacement: the account was disabled, or the expert's fields no longer match.
    Unavailable,
}

/// What the conflict rules are checked against: the challenge's parties.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    pub issuer_org: Uuid,
    pub bidder_orgs: HashSet<Uuid>,
    /// The USCCs of the bidders and of the issuer (declared conflicts are matched on them).
    pub party_usccs: HashSet<String>,
    pub team_hashes: HashSet<Vec<u8>>,
}

/// One expert as the rules see them.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub organization_id: Option<Uuid>,
    pub id_hash: &'a [u8],
    pub conflict_usccs: &'a [String],
    pub open_assignments: i64,
}

/// Every rule except the credit check that leaves this expert out, in a fixed order.
pub fn exclusions(parties: &Parties, c: &Candidate<'_>, max_open: i64) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if c.organization_id == Some(parties.issuer_org) {
        out.push(Exclusion::IssuerOrg);
    }
    if c.organization_id
        .is_some_and(|org| parties.bidder_orgs.contains(&org))
    {
        out.push(Exclusion::BidderOrg);
    }
    if parties.team_hashes.contains(c.id_hash) {
        out.push(Exclusion::TeamMember);
    }
    if c.conflict_usccs
        .iter()
        .any(|u| parties.party_usccs.contains(u))
    {
        out.push(Exclusion::DeclaredConflict);
    }
    if c.open_assignments >= max_open {
        out.push(Exclusion::TooBusy);
    }
    out
}

/// The candidate order for a seed: sorted by id, then shuffled.
pub fn order(mut ids: Vec<Uuid>, seed: u64) -> Vec<Uuid> {
    ids.sort();
    ids.dedup();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..ids.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        ids.swap(i, j);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Vec<Uuid> {
        (1..=n).map(Uuid::from_u128).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_order_whatever_the_input_order() {
        let a = order(ids(20), 42);
        let mut reversed = ids(20);
        reversed.reverse();
        assert_eq!(a, order(reversed, 42));
        assert_ne!(a, order(ids(20), 43));
        assert_ne!(a, ids(20), "it is shuffled");
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, ids(20), "a permutation");
    }

    #[test]
    fn the_order_is_pinned() {
        // A change here breaks the verification of every stored draw.
        let got: Vec<u128> = order(ids(8), 20261126)
            .into_iter()
            .map(|u| u.as_u128())
            .collect();
        assert_eq!(got, PINNED.to_vec());
    }

    const PINNED: [u128; 8] = [4, 5, 1, 8, 7, 2, 6, 3];

    #[test]
    fn each_rule_on_its_own() {
        let org = Uuid::from_u128(1);
        let parties = Parties {
            issuer_org: Uuid::from_u128(9),
            bidder_orgs: [Uuid::from_u128(8)].into(),
            party_usccs: ["91350200776049653A".to_string()].into(),
            team_hashes: [vec![7u8; 32]].into(),
        };
        let hash = vec![1u8; 32];
        let base = Candidate {
            organization_id: Some(org),
            id_hash: &hash,
            conflict_usccs: &[],
            open_assignments: 0,
        };
        assert!(exclusions(&parties, &base, 3).is_empty());
        let issuer = Candidate {
            organization_id: Some(Uuid::from_u128(9)),
            ..base.clone()
        };
        assert_eq!(exclusions(&parties, &issuer, 3), vec![Exclusion::IssuerOrg]);
        let bidder = Candidate {
            organization_id: Some(Uuid::from_u128(8)),
            ..base.clone()
        };
        assert_eq!(exclusions(&parties, &bidder, 3), vec![Exclusion::BidderOrg]);
        let member_hash = vec![7u8; 32];
        let member = Candidate {
            id_hash: &member_hash,
            ..base.clone()
        };
        assert_eq!(
            exclusions(&parties, &member, 3),
            vec![Exclusion::TeamMember]
        );
        let declared = ["91350200776049653A".to_string()];
        let conflict = Candidate {
            conflict_usccs: &declared,
            ..base.clone()
        };
        assert_eq!(
            exclusions(&parties, &conflict, 3),
            vec![Exclusion::DeclaredConflict]
        );
        let busy = Candidate {
            open_assignments: 3,
            ..base.clone()
        };
        assert_eq!(exclusions(&parties, &busy, 3), vec![Exclusion::TooBusy]);
    }
}
