//! The arithmetic of a project's plan, kept pure: how the awarded amount splits into the
//! milestones' payments, and the China calendar days milestones fall due.

use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, TimeZone, Utc};

/// Splits `amount_fen` by `shares` (percentages, or any weights) so that the parts add up to
/// exactly `amount_fen`: the largest-remainder method on the exact fractions. Each part is first
/// `floor(amount × share / total)`; the fen left over go one each to the parts with the largest
/// remainders, ties to the earlier part. Empty or all-zero shares give all zeros.
pub fn allocate(amount_fen: i64, shares: &[i32]) -> Vec<i64> {
    let total: i128 = shares.iter().map(|s| i128::from((*s).max(0))).sum();
    if total == 0 || amount_fen <= 0 {
        return vec![0; shares.len()];
    }
    let amount = i128::from(amount_fen);
    let mut parts: Vec<i128> = Vec::with_capacity(shares.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(shares.len());
    for (i, share) in shares.iter().enumerate() {
        let exact = amount * i128::from((*share).max(0));
        parts.push(exact / total);
        remainders.push((exact % total, i));
    }
    let left = amount - parts.iter().sum::<i128>();
    // Largest remainder first; on equal remainders the earlier milestone first.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.iter().take(usize::try_from(left).unwrap_or(0)) {
        parts[*i] += 1;
    }
    parts
        .into_iter()
        .map(|p| i64::try_from(p).unwrap_or(0))
        .collect()
}

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Offset::fix(&Utc))
}

/// The China (Beijing) calendar day at an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing()).date_naive()
}

/// The day `months` months after `start`, clamped to the end of a shorter month (Jan 31 + 1 month
/// is Feb 28, or 29).
pub fn add_months(start: NaiveDate, months: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The due day of a milestone due `due_month` months after the award day.
pub fn due_on(award_day: NaiveDate, due_month: i32) -> NaiveDate {
    add_months(award_day, u32::try_from(due_month).unwrap_or(0))
}

/// The end of a China calendar day (24:00 Beijing time): the instant the day is over.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    beijing()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn thirds_of_an_odd_amount_add_up_and_the_remainder_goes_by_largest_fraction() {
        // 100_000_001 × 33% = 33_000_000.33, × 34% = 34_000_000.34: the one fen left over goes
        // to the largest fraction, the third.
        let parts = allocate(100_000_001, &[33, 33, 34]);
        assert_eq!(parts, vec![33_000_000, 33_000_000, 34_000_001]);
        assert_eq!(parts.iter().sum::<i64>(), 100_000_001);
        // 100 fen in thirds of 33/33/34 divide evenly.
        assert_eq!(allocate(100, &[33, 33, 34]), vec![33, 33, 34]);
        // 2 fen: 0.66, 0.66, 0.68 → the two largest remainders get a fen each.
        assert_eq!(allocate(2, &[33, 33, 34]), vec![1, 0, 1]);
    }

    #[test]
    fn ties_go_to_the_earlier_milestone() {
        assert_eq!(allocate(1, &[50, 50]), vec![1, 0]);
        assert_eq!(allocate(1, &[25, 25, 25, 25]), vec![1, 0, 0, 0]);
        assert_eq!(allocate(3, &[25, 25, 25, 25]), vec![1, 1, 1, 0]);
        // One fen by 33/33/34: remainders 33, 33, 34 of 100 → the third.
        assert_eq!(allocate(1, &[33, 33, 34]), vec![0, 0, 1]);
    }

    #[test]
    fn plain_splits_and_edges() {
        assert_eq!(
            allocate(250_000_000, &[60, 40]),
            vec![150_000_000, 100_000_000]
        );
        assert_eq!(allocate(7, &[100]), vec![7]);
        assert_eq!(allocate(0, &[60, 40]), vec![0, 0]);
        assert_eq!(allocate(10, &[]), Vec::<i64>::new());
        assert_eq!(
            allocate(i64::MAX, &[50, 50])
                .iter()
                .map(|p| i128::from(*p))
                .sum::<i128>(),
            i128::from(i64::MAX)
        );
    }

    #[test]
    fn every_split_adds_up_exactly_and_is_within_a_fen_of_its_exact_share() {
        let plans: &[&[i32]] = &[
            &[33, 33, 34],
            &[60, 40],
            &[1, 99],
            &[10, 20, 30, 40],
            &[7, 13, 17, 19, 44],
            &[1; 100],
            &[3, 3, 3, 91],
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for plan in plans {
            let total: i128 = plan.iter().map(|s| i128::from(*s)).sum();
            for k in 0..2000u64 {
                // A mix of small amounts and pseudo-random large ones.
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let amount = if k < 500 {
                    k as i64
                } else {
                    (seed >> 20) as i64
                };
                let parts = allocate(amount, plan);
                assert_eq!(parts.len(), plan.len());
                assert_eq!(parts.iter().sum::<i64>(), amount, "{amount} by {plan:?}");
                for (part, share) in parts.iter().zip(plan.iter()) {
                    let exact_floor = i128::from(amount) * i128::from(*share) / total;
                    let part = i128::from(*part);
                    assert!(
                        part == exact_floor || part == exact_floor + 1,
                        "{amount} by {plan:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn due_days_count_months_from_the_award_day_and_clamp_at_month_end() {
        assert_eq!(due_on(d("2027-01-15"), 1), d("2027-02-15"));
        assert_eq!(due_on(d("2027-01-15"), 18), d("2028-07-15"));
        assert_eq!(due_on(d("2027-01-31"), 1), d("2027-02-28"));
        assert_eq!(due_on(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(due_on(d("2027-03-31"), 1), d("2027-04-30"));
        assert_eq!(due_on(d("2027-12-31"), 2), d("2028-02-29"));
    }

    #[test]
    fn china_days_and_their_end() {
        let at: DateTime<Utc> = "2027-01-15T16:30:00Z".parse().unwrap();
        assert_eq!(china_date(at), d("2027-01-16"));
        let at: DateTime<Utc> = "2027-01-15T15:59:59Z".parse().unwrap();
        assert_eq!(china_date(at), d("2027-01-15"));
        assert_eq!(
            end_of_day(d("2027-01-15")),
            "2027-01-15T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
