//! `jiebang documents verify`: every stored object the documents refer to (originals and blind
//! copies) is read back from the store and re-hashed; one whose SHA-256 or size is no longer what
//! was recorded is `changed`, one that is gone is `missing`, each reported with the documents
//! (ids, file names) that rest on it. Objects are read as streams, a few at a time.

use std::collections::HashMap;

use futures_util::StreamExt;
use serde::Serialize;
use uuid::Uuid;

use super::links::Copy;
use super::queries;
use super::service::storage;
use crate::error::AppResult;
use crate::state::AppState;

/// How many objects are re-hashed at once (an S3 store answers faster several at a time).
const AT_ONCE: usize = 4;

/// What the store holds for an object now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Found {
    /// As recorded.
    Ok,
    /// Other bytes under its key: their hash and size.
    Changed {
        stored_sha256: String,
        stored_size: u64,
    },
    /// Nothing under its key.
    Missing,
}

/// A document that rests on an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub document_id: Uuid,
    pub file_name: String,
    /// `original`, or `blind` for a blind copy.
    pub copy: &'static str,
}

/// One stored object, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    pub sha256: String,
    /// The size recorded for it.
    pub size: u64,
    #[serde(flatten)]
    pub found: Found,
    pub documents: Vec<Reference>,
}

/// Every object, checked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub checked: usize,
    pub ok: usize,
    pub changed: usize,
    pub missing: usize,
    /// The objects at fault (changed or missing).
    pub faults: Vec<Checked>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.faults.is_empty()
    }
}

/// Re-hashes every stored object the documents refer to.
pub async fn verify(state: &AppState) -> AppResult<Report> {
    let storage = storage(state)?.clone();
    let (objects, rows) = {
        let mut conn = state.conn().await?;
        (
            queries::stored_objects(&mut conn).await?,
            queries::object_references(&mut conn).await?,
        )
    };
    let mut references: HashMap<String, Vec<Reference>> = HashMap::new();
    for (document_id, file_name, sha256, blind_sha256) in rows {
        references.entry(sha256).or_default().push(Reference {
            document_id,
            file_name: file_name.clone(),
            copy: Copy::Original.as_str(),
        });
        if let Some(blind) = blind_sha256 {
            references.entry(blind).or_default().push(Reference {
                document_id,
                file_name,
                copy: Copy::Blind.as_str(),
            });
        }
    }
    let mut checks = futures_util::stream::iter(objects)
        .map(|(sha256, size)| {
            let storage = storage.clone();
            async move {
                let now = storage.rehash(&sha256).await?;
                Ok::<_, crate::error::AppError>((sha256, size.max(0) as u64, now))
            }
        })
        .buffered(AT_ONCE);
    let mut report = Report::default();
    while let Some(checked) = checks.next().await {
        let (sha256, size, now) = checked?;
        report.checked += 1;
        let found = match now {
            None => Found::Missing,
            Some((now, now_size)) if now == sha256 && now_size == size => Found::Ok,
            Some((now, now_size)) => Found::Changed {
                stored_sha256: now,
                stored_size: now_size,
            },
        };
        match found {
            Found::Ok => {
                report.ok += 1;
                continue;
            }
            Found::Changed { .. } => report.changed += 1,
            Found::Missing => report.missing += 1,
        }
        let documents = references.remove(&sha256).unwrap_or_default();
        report.faults.push(Checked {
            sha256,
            size,
            found,
            documents,
        });
    }
    Ok(report)
}

/// The report as the command prints it: each object at fault with its documents, then a summary.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for fault in &report.faults {
        let what = match &fault.found {
            Found::Ok => continue,
            Found::Changed {
                stored_sha256,
                stored_size,
            } => format!(
                "CHANGED {} (recorded {} bytes): the store now holds {} bytes hashing to {}",
                fault.sha256, fault.size, stored_size, stored_sha256
            ),
            Found::Missing => format!(
                "MISSING {} (recorded {} bytes): not in the store",
                fault.sha256, fault.size
            ),
        };
        out.push_str(&what);
        out.push('\n');
        for doc in &fault.documents {
            out.push_str(&format!(
                "  document {} {:?} ({})\n",
                doc.document_id, doc.file_name, doc.copy
            ));
        }
    }
    out.push_str(&format!(
        "{} stored objects checked: {} ok, {} changed, {} missing\n",
        report.checked, report.ok, report.changed, report.missing
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_rendered_with_their_documents() {
        let id = Uuid::nil();
        let report = Report {
            checked: 3,
            ok: 1,
            changed: 1,
            missing: 1,
            faults: vec![
                Checked {
                    sha256: "aa".into(),
                    size: 10,
                    found: Found::Changed {
                        stored_sha256: "bb".into(),
                        stored_size: 11,
                    },
                    documents: vec![Reference {
                        document_id: id,
                        file_name: "申报书.pdf".into(),
                        copy: "original",
                    }],
                },
                Checked {
                    sha256: "cc".into(),
                    size: 5,
                    found: Found::Missing,
                    documents: vec![],
                },
            ],
        };
        let text = render(&report);
        assert!(
            text.contains(
                "CHANGED aa (recorded 10 bytes): the store now holds 11 bytes hashing to bb"
            ),
            "{text}"
        );
        assert!(
            text.contains(&format!("  document {id} \"申报书.pdf\" (original)")),
            "{text}"
        );
        assert!(text.contains("MISSING cc"), "{text}");
        assert!(
            text.ends_with("3 stored objects checked: 1 ok, 1 changed, 1 missing\n"),
            "{text}"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["faults"][0]["state"], "changed");
        assert_eq!(json["faults"][0]["sha256"], "aa");
        assert_eq!(json["faults"][0]["stored_sha256"], "bb");
        assert_eq!(json["faults"][1]["state"], "missing");
        assert!(!report.is_intact());
    }
}
