//! CSV files that people open in spreadsheet programs: a UTF-8 byte-order mark, so that Excel on
//! Chinese Windows reads the Chinese, and cells that cannot run as formulas.

use std::borrow::Cow;

/// Starts every CSV export.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell that a spreadsheet will not run as a formula: text that users wrote (organisation names,
/// challenge titles) and that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading apostrophe.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("厦门某公司"), "厦门某公司");
    }
}
