//! What people read, in their language: every text a user sees — problem titles and details,
//! field messages, email subjects, labels of states and roles — lives in the Fluent files under
//! `locales/<language>/*.ftl`, embedded in the binary. Chinese (`zh-CN`) is the default and the
//! fallback; English (`en`) is the other language. Code names a message by its id and passes its
//! arguments; it never carries a translated string of its own.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text_enum;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // No Unicode isolation marks around arguments: texts go into JSON, emails and logs.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

/// The language an account reads its emails and notifications in, and a request is answered in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

text_enum!(Locale {
    ZhCn => "zh-CN",
    En => "en",
});

impl Locale {
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Locale::ZhCn => &ZH_CN,
            Locale::En => &EN,
        }
    }

    /// The language an `Accept-Language` value prefers among the two we speak: its
    /// highest-weighted `zh*` or `en*` tag; Chinese when neither appears or they tie.
    pub fn from_accept_language(value: &str) -> Locale {
        let mut best = (Locale::ZhCn, 0.0_f32);
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let locale = if tag.starts_with("en") {
                Locale::En
            } else if tag.starts_with("zh") {
                Locale::ZhCn
            } else {
                continue;
            };
            if q > best.1 {
                best = (locale, q);
            }
        }
        best.0
    }
}

/// The arguments of a message, by name. Values are text: the messages interpolate them and select
/// variants on them (`{ $status -> [draft] … }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args(Vec<(Cow<'static, str>, String)>);

impl Args {
    pub fn new() -> Self {
        Args(Vec::new())
    }

    /// Adds (or replaces) an argument.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.set(name, value);
        self
    }

    pub fn set(&mut self, name: &'static str, value: impl ToString) {
        self.set_named(Cow::Borrowed(name), value.to_string());
    }

    /// Adds (or replaces) an argument whose name is only known at run time (template variables).
    pub fn set_named(&mut self, name: Cow<'static, str>, value: String) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn fluent(&self) -> HashMap<Cow<'static, str>, FluentValue<'_>> {
        self.0
            .iter()
            .map(|(name, value)| (name.clone(), FluentValue::from(value.as_str())))
            .collect()
    }
}

/// The message `id` (`message` or `message.attribute`) in `locale`, falling back to Chinese.
/// A missing message or argument is a bug: it is logged and the id is shown instead.
pub fn text(locale: Locale, id: &str, args: &Args) -> String {
    match lookup(locale, id, args) {
        Some(text) => text,
        None => {
            tracing::error!(id, ?locale, "no such message, or an argument is missing");
            id.to_string()
        }
    }
}

/// The message `id` in `locale` (falling back to Chinese), or `None` where it does not exist or
/// an argument it uses is missing.
pub fn lookup(locale: Locale, id: &str, args: &Args) -> Option<String> {
    let fluent = args.fluent();
    let args = (!fluent.is_empty()).then_some(&fluent);
    [locale, Locale::ZhCn]
        .into_iter()
        .find_map(|l| LOCALES.lookup_single_language(l.id(), id, args).ok())
}

/// A text the system stores in a record that anyone may read later, in either language: both,
/// `"中文 / English"`.
pub fn bilingual(id: &str, args: &Args) -> String {
    format!(
        "{} / {}",
        text(Locale::ZhCn, id, args),
        text(Locale::En, id, args)
    )
}

/// Whether `locale` itself (without falling back) has the message `id`, formatting without
/// errors given `args` (tests check that every message exists in every language).
pub fn has(locale: Locale, id: &str, args: &Args) -> bool {
    let fluent = args.fluent();
    LOCALES
        .lookup_single_language(locale.id(), id, Some(&fluent))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_preferred_language() {
        assert_eq!(Locale::from_accept_language(""), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9"), Locale::En);
        assert_eq!(
            Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Locale::ZhCn
        );
        assert_eq!(
            Locale::from_accept_language("fr, en;q=0.5, zh;q=0.4"),
            Locale::En
        );
        assert_eq!(Locale::from_accept_language("fr"), Locale::ZhCn);
    }

    #[test]
    fn formats_arguments_without_isolation_marks() {
        let args = Args::new().with("current", "published");
        let zh = text(Locale::ZhCn, "field-invalid_transition", &args);
        assert!(zh.contains("published") && !zh.contains('\u{2068}'), "{zh}");
        let en = text(Locale::En, "field-invalid_transition", &args);
        assert!(en.contains("the current state is published"), "{en}");
    }
}
