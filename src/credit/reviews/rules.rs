//! How a review adds up: each check counted once under its subject's kind and under all.

use super::views::{Counts, ReviewItem, Totals};
use crate::credit::models::{CheckResult, SubjectKind};

impl Counts {
    fn add(&mut self, result: CheckResult) {
        match result {
            CheckResult::Pass => self.pass += 1,
            CheckResult::Warn => self.warn += 1,
            CheckResult::Block => self.block += 1,
        }
        self.total += 1;
    }
}

/// The totals of a review's items by subject kind and result.
pub fn totals(items: &[ReviewItem]) -> Totals {
    let mut t = Totals::default();
    for item in items {
        match item.subject_kind {
            SubjectKind::Organization => t.organization.add(item.result),
            SubjectKind::Person => t.person.add(item.result),
        }
        t.all.add(item.result);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::models::Standing;

    fn item(subject_kind: SubjectKind, result: CheckResult) -> ReviewItem {
        ReviewItem {
            check_id: uuid::Uuid::nil(),
            subject_kind,
            subject_code: String::new(),
            subject_name: String::new(),
            standing: Standing::Good,
            result,
            records_in_force: 0,
        }
    }

    #[test]
    fn totals_count_each_item_under_its_kind_and_all() {
        let items = [
            item(SubjectKind::Organization, CheckResult::Pass),
            item(SubjectKind::Organization, CheckResult::Block),
            item(SubjectKind::Person, CheckResult::Warn),
            item(SubjectKind::Person, CheckResult::Pass),
            item(SubjectKind::Person, CheckResult::Pass),
        ];
        let t = totals(&items);
        let counts = |pass, warn, block, total| Counts {
            pass,
            warn,
            block,
            total,
        };
        assert_eq!(t.organization, counts(1, 0, 1, 2));
        assert_eq!(t.person, counts(2, 1, 0, 3));
        assert_eq!(t.all, counts(3, 1, 1, 5));
        assert_eq!(totals(&[]), Totals::default());
    }
}
