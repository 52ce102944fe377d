//! The rules of a check, here and nowhere else: the standing that records in force add up to, and
//! what a standing means (分类处理).

use crate::credit::models::{CheckResult, Severity, Standing};

/// The standing that records in force add up to: the worst of their severities.
pub fn standing_of(severities: impl IntoIterator<Item = Severity>) -> Standing {
    severities
        .into_iter()
        .map(|s| match s {
            Severity::Serious => Standing::Serious,
            Severity::General => Standing::General,
        })
        .max()
        .unwrap_or(Standing::Good)
}

/// The handling policy (分类处理): `serious` blocks; `general` warns, or blocks where the caller
/// (e.g. a challenge's eligibility) says general records block; `good` passes.
pub fn handling(standing: Standing, general_blocks: bool) -> CheckResult {
    match standing {
        Standing::Serious => CheckResult::Block,
        Standing::General if general_blocks => CheckResult::Block,
        Standing::General => CheckResult::Warn,
        Standing::Good => CheckResult::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_is_the_worst_severity_in_force() {
        assert_eq!(standing_of([]), Standing::Good);
        assert_eq!(standing_of([Severity::General]), Standing::General);
        assert_eq!(
            standing_of([Severity::General, Severity::Serious, Severity::General]),
            Standing::Serious
        );
    }

    #[test]
    fn policy_blocks_serious_and_warns_or_blocks_general() {
        assert_eq!(handling(Standing::Serious, false), CheckResult::Block);
        assert_eq!(handling(Standing::Serious, true), CheckResult::Block);
        assert_eq!(handling(Standing::General, false), CheckResult::Warn);
        assert_eq!(handling(Standing::General, true), CheckResult::Block);
        assert_eq!(handling(Standing::Good, true), CheckResult::Pass);
        assert_eq!(handling(Standing::Good, false), CheckResult::Pass);
    }
}
