//! Email templates: files under `templates/email/<name>/<locale>/` (`subject.txt.j2`,
//! `body.txt.j2`, `body.html.j2`), embedded in the binary and rendered with minijinja. A variable
//! a template uses but is not given is an error, not an empty string.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::Value;

use crate::accounts::models::Locale;

#[derive(rust_embed::Embed)]
#[folder = "templates/email/"]
struct Files;

pub const PARTS: [&str; 3] = ["subject.txt.j2", "body.txt.j2", "body.html.j2"];

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

    pub fn render(&self, name: &str, locale: Locale, vars: &Value) -> anyhow::Result<Rendered> {
        let lang = match locale {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        };
        let mut context = match vars {
            Value::Object(map) => map.clone(),
            _ => anyhow::bail!("template variables must be an object"),
        };
        context.insert(
            "lang".into(),
            Value::String(if locale == Locale::En { "en" } else { "zh-CN" }.into()),
        );
        let part = |file: &str| -> anyhow::Result<String> {
            let template = self.env.get_template(&format!("{name}/{lang}/{file}"))?;
            Ok(template.render(&context)?)
        };
        Ok(Rendered {
            // A subject is one line, whatever the template's layout.
            subject: part(PARTS[0])?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text: part(PARTS[1])?.trim().to_string() + "\n",
            html: part(PARTS[2])?,
        })
    }
}
