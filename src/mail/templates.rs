//! Email templates. The subject of a message is the Fluent message `email-<name>-subject` in
//! `locales/<language>/emails.ftl`, given the notice's fields as arguments; its bodies are files
//! under `templates/email/<name>/<language>/` (`body.txt.j2`, `body.html.j2`), embedded in the
//! binary and rendered with minijinja, where `t("id", name=value, …)` looks up any Fluent message
//! in the reader's language. A variable a template uses but is not given is an error, not an
//! empty string.

use std::borrow::Cow;

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use serde_json::Value;

use crate::i18n::{self, Args, Locale};

#[derive(rust_embed::Embed)]
#[folder = "templates/email/"]
struct Files;

/// The body files every message has, in every language.
pub const PARTS: [&str; 2] = ["body.txt.j2", "body.html.j2"];

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn load() -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html.j2") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_keep_trailing_newline(false);
        env.add_function("t", translate);
        for path in Files::iter() {
            let file =
                Files::get(&path).ok_or_else(|| anyhow::anyhow!("template {path} vanished"))?;
            let source = String::from_utf8(file.data.into_owned())
                .map_err(|_| anyhow::anyhow!("template {path} is not UTF-8"))?;
            env.add_template_owned(path.to_string(), source)?;
        }
        Ok(Templates { env })
    }

    /// The names of the message templates (folders), sorted.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = Files::iter()
            .filter_map(|p| p.split_once('/').map(|(name, _)| name.to_string()))
            .filter(|name| !name.starts_with('_'))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Whether a file of the template set exists (tests check that every message has every part).
    pub fn has_file(path: &str) -> bool {
        Files::get(path).is_some()
    }

    /// The id of a message's subject in the locale files.
    pub fn subject_id(name: &str) -> String {
        format!("email-{name}-subject")
    }

    /// The subject alone (notifications store it as their title).
    pub fn subject(&self, name: &str, locale: Locale, vars: &Value) -> anyhow::Result<String> {
        let args = arguments(vars)?;
        let subject = i18n::lookup(locale, &Self::subject_id(name), &args).ok_or_else(|| {
            anyhow::anyhow!("no subject for {name}, or a variable it needs is missing")
        })?;
        // A subject is one line.
        Ok(subject.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    pub fn render(&self, name: &str, locale: Locale, vars: &Value) -> anyhow::Result<Rendered> {
        let lang = locale.as_str();
        let mut context = match vars {
            Value::Object(map) => map.clone(),
            _ => anyhow::bail!("template variables must be an object"),
        };
        context.insert("lang".into(), Value::String(lang.into()));
        let part = |file: &str| -> anyhow::Result<String> {
            let template = self.env.get_template(&format!("{name}/{lang}/{file}"))?;
            Ok(template.render(&context)?)
        };
        Ok(Rendered {
            subject: self.subject(name, locale, vars)?,
            text: part(PARTS[0])?.trim().to_string() + "\n",
            html: part(PARTS[1])?,
        })
    }
}

/// The notice's fields as message arguments: text as it is, numbers and booleans as written in
/// JSON, absent values (`null`) as nothing.
fn arguments(vars: &Value) -> anyhow::Result<Args> {
    let Value::Object(map) = vars else {
        anyhow::bail!("template variables must be an object");
    };
    let mut args = Args::new();
    for (name, value) in map {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        args.set_named(Cow::Owned(name.clone()), text);
    }
    Ok(args)
}

/// `t("id", name=value, …)`: the Fluent message `id` in the language being rendered.
fn translate(state: &State, id: String, kwargs: Kwargs) -> Result<String, Error> {
    let locale = match state.lookup("lang").as_ref().and_then(|v| v.as_str()) {
        Some("en") => Locale::En,
        _ => Locale::ZhCn,
    };
    let mut args = Args::new();
    for name in kwargs.args() {
        let value: minijinja::Value = kwargs.get(name)?;
        // Strict, like the templates: an argument the notice does not have is an error.
        if value.is_undefined() {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!("t({id:?}): {name} is undefined"),
            ));
        }
        let text = match value.as_str() {
            Some(text) => text.to_string(),
            None if value.is_none() => String::new(),
            None => value.to_string(),
        };
        args.set_named(Cow::Owned(name.to_string()), text);
    }
    i18n::lookup(locale, &id, &args).ok_or_else(|| {
        Error::new(
            ErrorKind::UndefinedError,
            format!("no message {id:?}, or an argument it needs is missing"),
        )
    })
}
