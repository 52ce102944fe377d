//! Whom credit is about: an organisation by its unified social credit code, or a person by the
//! protected form of an ID number; and how a code a client gives (in a body or a `code=` filter)
//! becomes the key records and checks are matched on. Records, checks and reviews share it.

use crate::codes::{CodeError, parse_uscc};
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::privacy::{Privacy, ProtectedId};

use super::models::SubjectKind;

/// Whom to check: an organisation by USCC, or a person by the protected form of the ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Organization { uscc: String, name: String },
    Person { id: ProtectedId, name: String },
}

impl Subject {
    /// An organisation; the USCC's check character is verified.
    pub fn organization(uscc: &str, name: &str) -> Result<Subject, CodeError> {
        Ok(Subject::Organization {
            uscc: parse_uscc(uscc)?,
            name: name.trim().to_string(),
        })
    }

    /// A person from a plain ID number (validated, then hashed and masked; the number is not kept).
    pub fn person(privacy: &Privacy, id_number: &str, name: &str) -> Result<Subject, CodeError> {
        Ok(Subject::Person {
            id: privacy.protect(id_number)?,
            name: name.trim().to_string(),
        })
    }

    /// A subject of `kind` from a code as a client sends it: a USCC or an ID number.
    pub fn parse(
        privacy: &Privacy,
        kind: SubjectKind,
        code: &str,
        name: &str,
    ) -> Result<Subject, CodeError> {
        match kind {
            SubjectKind::Organization => Subject::organization(code, name),
            SubjectKind::Person => Subject::person(privacy, code, name),
        }
    }

    /// A subject as a request body gives it: a code that is not valid is a 422 naming
    /// `subject_code` with the reason (`length`, `invalid_character`, `check_character`).
    pub fn requested(
        privacy: &Privacy,
        kind: SubjectKind,
        code: &str,
        name: &str,
    ) -> AppResult<Subject> {
        Subject::parse(privacy, kind, code, name)
            .map_err(|e| AppError::Validation(vec![FieldError::new("subject_code", e.code())]))
    }

    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Organization { .. } => SubjectKind::Organization,
            Subject::Person { .. } => SubjectKind::Person,
        }
    }

    /// What records are matched on: the USCC, or the hex of the ID number's keyed hash.
    pub fn key(&self) -> String {
        match self {
            Subject::Organization { uscc, .. } => uscc.clone(),
            Subject::Person { id, .. } => id.hash_hex(),
        }
    }

    /// What may be shown: the USCC, or the masked ID number.
    pub fn code(&self) -> &str {
        match self {
            Subject::Organization { uscc, .. } => uscc,
            Subject::Person { id, .. } => &id.masked,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Subject::Organization { name, .. } | Subject::Person { name, .. } => name,
        }
    }
}

/// The match keys of a code as a client gives it in a filter (`code=`): a USCC, or an ID number
/// (hashed); both when `kind` is not given and the code is valid as either (18 digits can be).
/// Empty when it is neither.
pub fn lookup_keys(privacy: &Privacy, kind: Option<SubjectKind>, code: &str) -> Vec<String> {
    // An ID number the query-string redaction already replaced by its hash.
    if let Some(hex) = code.strip_prefix(crate::privacy::ID_HASH_PREFIX) {
        let valid = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return if valid && kind != Some(SubjectKind::Organization) {
            vec![hex.to_ascii_lowercase()]
        } else {
            Vec::new()
        };
    }
    let as_org = || parse_uscc(code).ok();
    let as_person = || privacy.protect(code).ok().map(|p| p.hash_hex());
    match kind {
        Some(SubjectKind::Organization) => as_org().into_iter().collect(),
        Some(SubjectKind::Person) => as_person().into_iter().collect(),
        None => as_org().into_iter().chain(as_person()).collect(),
    }
}

/// The match keys of a list's `code` filter: none when it is absent or blank; a 422 naming `code`
/// when it is neither a USCC nor an ID number.
pub fn filter_keys(
    privacy: &Privacy,
    kind: Option<SubjectKind>,
    code: Option<&str>,
) -> AppResult<Option<Vec<String>>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => match lookup_keys(privacy, kind, code) {
            keys if keys.is_empty() => Err(AppError::validation("code", FieldCode::Invalid)),
            keys => Ok(Some(keys)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn check_characters_of_both_code_kinds() {
        let privacy = Privacy::new(SecretString::from("k"));
        for uscc in ["9135021359498494XQ", "913502000728319549"] {
            assert!(Subject::organization(uscc, "x").is_ok(), "{uscc}");
        }
        assert!(Subject::person(&privacy, "34052419800101001X", "x").is_ok());
        assert_eq!(
            Subject::organization("91350203M0001QAY9B", "x"),
            Err(CodeError::CheckCharacter)
        );
        for bad in [
            "91350200S76049653A",
            "9135020077V049653A",
            "913502007760Z9653A",
        ] {
            assert_eq!(
                Subject::organization(bad, "x"),
                Err(CodeError::Character),
                "{bad}"
            );
        }
        assert_eq!(
            Subject::person(&privacy, "340524198001010010", "x"),
            Err(CodeError::CheckCharacter)
        );
    }

    #[test]
    fn persons_are_keyed_by_hash_and_shown_masked() {
        let privacy = Privacy::new(SecretString::from("k"));
        let s = Subject::person(&privacy, "34052419800101001x", "张三").unwrap();
        assert_eq!(s.kind(), SubjectKind::Person);
        assert_eq!(s.code(), "340524********001X");
        assert_eq!(s.key().len(), 64);
        assert_eq!(
            lookup_keys(&privacy, None, "34052419800101001X"),
            vec![s.key()]
        );
        assert_eq!(
            lookup_keys(
                &privacy,
                Some(SubjectKind::Organization),
                "913502000728319549"
            ),
            vec!["913502000728319549".to_string()]
        );
        assert!(lookup_keys(&privacy, None, "nonsense").is_empty());
        // 18 digits valid as both: either may be meant.
        let both = "110105194912310021";
        let as_uscc = crate::codes::complete_uscc("11010519491231002").unwrap();
        if as_uscc == both {
            assert_eq!(lookup_keys(&privacy, None, both).len(), 2);
        }
    }

    #[test]
    fn a_filter_code_is_optional_but_must_be_a_code() {
        let privacy = Privacy::new(SecretString::from("k"));
        assert_eq!(filter_keys(&privacy, None, None).unwrap(), None);
        assert_eq!(filter_keys(&privacy, None, Some("  ")).unwrap(), None);
        assert_eq!(
            filter_keys(&privacy, None, Some(" 9135021359498494XQ ")).unwrap(),
            Some(vec!["9135021359498494XQ".to_string()])
        );
        assert!(filter_keys(&privacy, None, Some("nonsense")).is_err());
    }
}
