//! Which way imports may point (docs/ARCHITECTURE.md, "Layers"): infrastructure imports no
//! domain; `accounts`, `credit` and `commitments` import no other domain; every other domain
//! imports only those earlier in the workflow; `reports` and `documents` may read every domain; the assembly
//! (`startup`, `cli`, `seed`) wires everything. Each `crate::<module>` a file names counts, in code and in tests
//! alike (comments do not).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Modules that know no domain: the HTTP plumbing, the database, jobs, mail, the audit log,
/// authentication, notifications, texts, and the small shared pieces.
const INFRASTRUCTURE: &[&str] = &[
    "audit",
    "auth",
    "clock",
    "codes",
    "config",
    "db",
    "error",
    "health",
    "http",
    "i18n",
    "jobs",
    "mail",
    "monitoring",
    "notifications",
    "openapi",
    "privacy",
    "schema",
    "search",
    "state",
    "telemetry",
];

/// Domains that every domain may import and that import no other domain.
const BASE: &[&str] = &["accounts", "commitments", "credit"];

/// The workflow's domains in order: each may import those before it.
const WORKFLOW: &[&str] = &["challenges", "bids", "reviews", "awards", "projects"];

/// Read across every domain: `reports` (batch credit review, statistics) and `documents` (files
/// attached to challenges, bids, milestones and acceptance, with the visibility of each).
const REPORTS: &[&str] = &["reports", "documents"];

/// Wires everything together.
const ASSEMBLY: &[&str] = &["startup", "cli", "seed", "lib", "main"];

/// What `module` may import, besides itself.
fn allowed(module: &str) -> Option<BTreeSet<&'static str>> {
    let mut ok: BTreeSet<&'static str> = INFRASTRUCTURE.iter().copied().collect();
    if INFRASTRUCTURE.contains(&module) {
        return Some(ok);
    }
    if BASE.contains(&module) {
        return Some(ok);
    }
    ok.extend(BASE);
    if let Some(position) = WORKFLOW.iter().position(|m| *m == module) {
        ok.extend(&WORKFLOW[..position]);
        return Some(ok);
    }
    ok.extend(WORKFLOW);
    if REPORTS.contains(&module) {
        return Some(ok);
    }
    ok.extend(REPORTS);
    ok.extend(ASSEMBLY);
    ASSEMBLY.contains(&module).then_some(ok)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names as `crate::<module>`, comments left out.
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for piece in code.split("crate::").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn imports_point_only_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "src/ looks empty");
    let mut violations = Vec::new();
    let mut unknown = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(allowed) = allowed(&module) else {
            unknown.insert(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for name in named_modules(&text) {
            // Macros exported at the crate root (`crate::db_enum!`) belong to the module that
            // defines them.
            let owner = match name.as_str() {
                "db_enum" | "text_enum" => "db",
                "problem_answers" => "http",
                other => other,
            };
            let known = allowed.contains(owner) || owner == module;
            if !known {
                violations.push(format!("{} imports crate::{name}", relative.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "modules without a layer (add them to this test and docs/ARCHITECTURE.md): {unknown:?}"
    );
    assert!(
        violations.is_empty(),
        "imports against the layers (docs/ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_imports_and_not_comments() {
    let text = "use crate::bids::models::Bid;\n// crate::projects is later\nlet x = crate::credit::check(); // crate::awards\n";
    let names: Vec<String> = named_modules(text).into_iter().collect();
    assert_eq!(names, ["bids", "credit"]);
    assert!(allowed("challenges").unwrap().contains("credit"));
    assert!(!allowed("challenges").unwrap().contains("bids"));
    assert!(!allowed("jobs").unwrap().contains("challenges"));
    assert!(!allowed("credit").unwrap().contains("accounts"));
    assert!(allowed("projects").unwrap().contains("awards"));
    assert!(allowed("unheard_of").is_none());
}
