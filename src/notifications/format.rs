//! Times and amounts as people read them in notices.

/// A time as people in China read it: `YYYY-MM-DD HH:MM`, Beijing time (UTC+8, no daylight saving).
pub fn beijing_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An amount in fen as people read it, in 元 with two decimals and grouped thousands:
/// `1,500,000.00` (the texts add 元 / yuan).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let digits = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_yuan() {
        assert_eq!(yuan(150_000_000), "1,500,000.00");
        assert_eq!(yuan(100_000_001), "1,000,000.01");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-12_345), "-123.45");
    }

    #[test]
    fn times_read_in_beijing() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-31T16:30:00Z").unwrap();
        assert_eq!(beijing_time(at.to_utc()), "2026-02-01 00:30");
    }
}
