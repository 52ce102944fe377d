//! The project's rules, kept pure.

use super::milestones::models::MilestoneStatus;

/// How many of a project's milestones (their states, in order) keep the final acceptance from
/// starting: every milestone before the last not yet accepted by the issuer, and the last unless
/// it is reported (or, before the acceptance decided it, accepted). None without milestones.
pub fn outstanding(statuses: &[MilestoneStatus]) -> usize {
    let Some((last, before)) = statuses.split_last() else {
        return 0;
    };
    before
        .iter()
        .filter(|s| **s != MilestoneStatus::Accepted)
        .count()
        + usize::from(*last != MilestoneStatus::Reported && *last != MilestoneStatus::Accepted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MilestoneStatus::*;

    #[test]
    fn the_earlier_milestones_accepted_and_the_last_reported_leave_nothing_outstanding() {
        assert_eq!(outstanding(&[]), 0);
        assert_eq!(outstanding(&[Accepted, Accepted, Reported]), 0);
        assert_eq!(outstanding(&[Accepted, Accepted]), 0);
        assert_eq!(outstanding(&[Reported]), 0);
    }

    #[test]
    fn every_earlier_milestone_not_accepted_and_a_last_one_not_reported_count() {
        assert_eq!(outstanding(&[Pending]), 1);
        assert_eq!(outstanding(&[Reported, Pending]), 2);
        assert_eq!(outstanding(&[Returned, Accepted, Returned]), 2);
        assert_eq!(outstanding(&[Accepted, Reported, Reported]), 1);
    }
}
