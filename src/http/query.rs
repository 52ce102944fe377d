//! `ValidQuery<T>`: query-string parameters, with a 422 naming the parameter that does not parse.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldCode, FieldError};

/// Any C0 control character, tab and line breaks included.
fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_control() && c != '\x7f')
}

#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T> ValidQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(&query_string(req)).map(ValidQuery))
    }
}

/// The query string as the client sent it (the URI's may have had ID numbers replaced for the
/// logs: `privacy::redact_query`).
pub fn query_string(req: &HttpRequest) -> String {
    use actix_web::HttpMessage;
    match req.extensions().get::<crate::privacy::OriginalQuery>() {
        Some(original) => original.0.clone(),
        None => req.query_string().to_string(),
    }
}

/// Deserialises a query string. A parameter (name or value) holding a control character (`%00`…
/// `%1F`: no parameter is more than one line) is a 422 `control_character` naming it.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let controlled = form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| has_control(name) || has_control(value));
    if let Some((name, _)) = controlled {
        let field = if has_control(&name) {
            "query".to_string()
        } else {
            name.into_owned()
        };
        return Err(AppError::Validation(vec![FieldError::new(
            field,
            FieldCode::ControlCharacter,
        )]));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.inner().to_string();
        let field = if path == "." {
            "query".to_string()
        } else {
            path
        };
        let code = if message.starts_with("unknown field") {
            FieldCode::UnknownField
        } else if message.starts_with("unknown variant") {
            FieldCode::InvalidChoice
        } else {
            FieldCode::Invalid
        };
        AppError::Validation(vec![FieldError::new(field, code)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Filter {
        page: Option<i64>,
        disabled: Option<bool>,
    }

    #[test]
    fn names_the_parameter() {
        let ok: Filter = parse("page=2&disabled=true").unwrap();
        assert_eq!(ok.page, Some(2));
        match parse::<Filter>("page=two") {
            Err(AppError::Validation(e)) => assert_eq!(e[0].field, "page"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_control_characters_naming_the_parameter() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Search {
            q: Option<String>,
        }
        for query in ["q=%00", "q=a%07b", "q=a%0Ab"] {
            match parse::<Search>(query) {
                Err(AppError::Validation(e)) => {
                    assert_eq!(
                        (e[0].field.as_str(), e[0].code),
                        ("q", FieldCode::ControlCharacter)
                    )
                }
                other => panic!("{query}: {other:?}"),
            }
        }
        assert!(parse::<Search>("q=%E6%8F%AD%20x").is_ok());
    }
}
