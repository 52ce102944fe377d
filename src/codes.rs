//! Codes with check characters (SPEC §1): the unified social credit code of organisations
//! (GB 32100-2015) and the resident identity number of natural persons (GB 11643-1999).

use crate::error::FieldCode;

const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8] = b"10X98765432";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Not 18 characters.
    Length,
    /// A character outside the code's alphabet.
    Character,
    /// The check character does not match.
    CheckCharacter,
}

impl CodeError {
    /// The validation error code reported to clients.
    pub fn code(self) -> FieldCode {
        match self {
            CodeError::Length => FieldCode::Length,
            CodeError::Character => FieldCode::InvalidCharacter,
            CodeError::CheckCharacter => FieldCode::CheckCharacter,
        }
    }
}

/// Normalises (trim, upper case) and validates a unified social credit code.
pub fn parse_uscc(input: &str) -> Result<String, CodeError> {
    let code = input.trim().to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(CodeError::Length);
    }
    let values = uscc_values(&code).ok_or(CodeError::Character)?;
    if uscc_check_value(&values[..17]) != values[17] {
        return Err(CodeError::CheckCharacter);
    }
    Ok(code)
}

/// Each character's value in the USCC alphabet; `None` if one is outside it.
fn uscc_values(code: &str) -> Option<Vec<u32>> {
    code.bytes()
        .map(|b| USCC_ALPHABET.iter().position(|&c| c == b).map(|p| p as u32))
        .collect()
}

fn uscc_check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// Completes the first 17 characters of a USCC with its check character (demo data, tests).
pub fn complete_uscc(first17: &str) -> Option<String> {
    let values = uscc_values(first17)?;
    if values.len() != 17 {
        return None;
    }
    let check = USCC_ALPHABET[uscc_check_value(&values) as usize] as char;
    Some(format!("{first17}{check}"))
}

/// Normalises (trim, upper-case `x`) and validates an 18-character resident identity number.
pub fn parse_id_number(input: &str) -> Result<String, CodeError> {
    let code = input.trim().to_ascii_uppercase();
    if code.chars().count() != 18 {
        return Err(CodeError::Length);
    }
    let bytes = code.as_bytes();
    if !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(CodeError::Character);
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    if ID_CHECK[(sum % 11) as usize] != bytes[17] {
        return Err(CodeError::CheckCharacter);
    }
    Ok(code)
}

/// The masked form of a valid identity number: the first six and last four characters kept.
pub fn mask_id_number(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_real_uscc() {
        assert_eq!(
            parse_uscc("91350200776049653A"),
            Ok("91350200776049653A".into())
        );
        assert_eq!(
            parse_uscc(" 91350200776049653a "),
            Ok("91350200776049653A".into())
        );
    }

    #[test]
    fn refuses_a_wrong_uscc_check_character() {
        assert_eq!(
            parse_uscc("91350203M0001QAY9B"),
            Err(CodeError::CheckCharacter)
        );
        assert_eq!(
            parse_uscc("91350200776049653B"),
            Err(CodeError::CheckCharacter)
        );
    }

    #[test]
    fn refuses_uscc_of_wrong_shape() {
        assert_eq!(parse_uscc("9135020077604965"), Err(CodeError::Length));
        // I, O, S, V and Z are not in the alphabet.
        assert_eq!(parse_uscc("91350200776049653I"), Err(CodeError::Character));
        // Counted in characters, not bytes: a full-width digit is a bad character, not a length error.
        assert_eq!(parse_uscc("9135020077604965３A"), Err(CodeError::Character));
    }

    #[test]
    fn completes_uscc() {
        assert_eq!(
            complete_uscc("91350200776049653").as_deref(),
            Some("91350200776049653A")
        );
        let made = complete_uscc("91110000MA01ABCDE").unwrap();
        assert!(parse_uscc(&made).is_ok());
    }

    #[test]
    fn id_numbers() {
        // GB 11643-1999 example.
        assert_eq!(
            parse_id_number("11010519491231002X"),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            parse_id_number("11010519491231002x"),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            parse_id_number("110105194912310021"),
            Err(CodeError::CheckCharacter)
        );
        assert_eq!(parse_id_number("1101051949123100"), Err(CodeError::Length));
        assert_eq!(
            parse_id_number("11010519491231002Y"),
            Err(CodeError::Character)
        );
    }

    #[test]
    fn masks_id_numbers() {
        assert_eq!(mask_id_number("32070519800101123X"), "320705********123X");
    }
}
