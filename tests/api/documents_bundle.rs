//! A review panel's bundle (`GET /assignments/{id}/documents.zip`) and `jiebang documents verify`.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use chrono::Duration;
use serde_json::Value;

use crate::cli::jiebang;
use crate::documents::{pdf, upload_ok};
use crate::helpers::{TestApp, assert_problem, assert_status, database_url, id_of};
use crate::scenario::{REVIEW, accept, assignment_of, challenge_body, create_challenge, party};

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `text` as RFC 5987 writes it in `filename*`.
fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The ZIP's entries: path → (bytes, stored uncompressed).
fn entries(zip: &[u8]) -> BTreeMap<String, (Vec<u8>, bool)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a readable ZIP");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let stored = file.compression() == zip::CompressionMethod::Stored;
        out.insert(file.name().unwrap().to_string(), (bytes, stored));
    }
    out
}

#[tokio::test]
async fn an_expert_downloads_the_panels_documents_as_one_zip_of_blind_copies() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .build()
        .await;
    let uploads = [
        (0, "甲大学-申报书.pdf", pdf("甲大学申报书", "陈思远")),
        (0, "甲大学-承诺书.pdf", pdf("承诺书", "陈思远")),
        (0, "甲大学-检测报告.pdf", pdf("检测报告", "陈思远")),
        (1, "乙公司-申报书.pdf", pdf("乙公司申报书", "王建国")),
    ];
    let mut uploaded = Vec::new();
    for (i, name, bytes) in uploads {
        let team = &s.bids[i];
        let path = format!("/api/v1/bids/{}/documents", team.id);
        uploaded.push(upload_ok(&app, &path, name, bytes, &team.solver.access).await);
    }
    s.close_bidding().await;
    app.run_jobs().await;
    // One blind copy still to be made (as while the opening's job has not run yet).
    let pending = id_of(&uploaded[2]);
    app.db()
        .await
        .execute(
            "UPDATE documents SET blind_sha256 = NULL, blind_size_bytes = NULL, \
             blind_file_name = NULL, blind_removed = NULL, blind_made_at = NULL \
             WHERE id = $1::text::uuid",
            &[&pending],
        )
        .await
        .unwrap();
    s.start_review().await;
    s.draw_ok(7).await;
    let expert = &s.experts[0];
    let assignment = accept(&app, REVIEW, expert, &s.challenge_id).await;
    let token = expert.tokens.access.as_str();

    // What the expert gets document by document: the blind copies, under the bids' codes.
    let bids = app
        .get_ok(&format!("{REVIEW}/{assignment}/bids"), Some(token))
        .await;
    let codes: HashMap<String, String> = bids["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_string(),
                b["anonymous_code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for bid in &s.bids {
        let listed = app
            .get_ok(&format!("/api/v1/bids/{}/documents", bid.id), Some(token))
            .await;
        for item in listed["items"].as_array().unwrap() {
            assert_eq!(item["blind"], true);
            let path = format!(
                "方案{}/{}",
                codes[&bid.id],
                item["file_name"].as_str().unwrap()
            );
            expected.insert(path, item["sha256"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(expected.len(), 3, "{expected:?}");

    let resp = app
        .get(&format!("{REVIEW}/{assignment}/documents.zip"), Some(token))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let name = format!(
        "{}%2D{}.zip",
        percent("评审材料"),
        percent("高性能碳纤维复合材料")
    );
    assert!(disposition.contains(&name), "{disposition}");
    let zip = resp.bytes().await.unwrap().to_vec();
    let mut files = entries(&zip);
    let (note, _) = files.remove("说明.txt").expect("the note at the root");
    let note = String::from_utf8(note).unwrap();

    let got: BTreeMap<String, String> = files
        .iter()
        .map(|(path, (bytes, _))| (path.clone(), sha256_hex(bytes)))
        .collect();
    assert_eq!(got, expected);
    assert!(files.values().all(|(_, stored)| *stored));
    for path in files.keys() {
        assert!(
            !path.contains("甲大学") && !path.contains("乙公司"),
            "a team's name in {path}"
        );
        assert!(
            note.contains(path.as_str()),
            "{path} not in the note: {note}"
        );
    }
    for sha256 in expected.values() {
        assert!(note.contains(sha256.as_str()), "{note}");
    }
    let first = &codes[&s.bids[0].id];
    assert!(
        note.contains(&format!("方案{first}：1 个文件")),
        "the pending copy is not told: {note}"
    );

    assert_eq!(app.audited("document.bundle").await, 1);
    let summary: Vec<String> = app
        .column(
            "SELECT summary::text FROM audit_log WHERE action = 'document.bundle'",
            &[],
        )
        .await;
    let summary: Value = serde_json::from_str(&summary[0]).unwrap();
    assert_eq!(summary["files"], 3);
    assert_eq!(summary["pending_blind_copies"], 1);
    assert_eq!(summary["copy"], "blind");

    // An invited expert who has not accepted: the seat's state.
    let invited = &s.experts[1];
    let seat = assignment_of(&app, REVIEW, invited, &s.challenge_id)
        .await
        .expect("invited");
    let resp = app
        .get(
            &format!("{REVIEW}/{}/documents.zip", id_of(&seat)),
            Some(&invited.tokens.access),
        )
        .await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    // An expert off the panel, with someone else's seat: not found; a solver: forbidden.
    let outsider = s.expert(904).create().await;
    let bundle = format!("{REVIEW}/{assignment}/documents.zip");
    assert_status(app.get(&bundle, Some(&outsider.tokens.access)).await, 404).await;
    assert_status(app.get(&bundle, Some(&s.bids[0].solver.access)).await, 403).await;
    assert_eq!(app.audited("document.bundle").await, 1);
}

#[tokio::test]
async fn an_open_review_bundles_the_originals_under_their_names() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .challenge(serde_json::json!({"review": {"panel_size": 3, "blind": false}}))
        .build()
        .await;
    let team = &s.bids[0];
    let path = format!("/api/v1/bids/{}/documents", team.id);
    let first = pdf("申报书", "陈思远");
    let second = pdf("申报书 修订", "陈思远");
    upload_ok(
        &app,
        &path,
        "申报书.pdf",
        first.clone(),
        &team.solver.access,
    )
    .await;
    upload_ok(
        &app,
        &path,
        "申报书.pdf",
        second.clone(),
        &team.solver.access,
    )
    .await;
    s.close_bidding().await;
    app.run_jobs().await;
    s.start_review().await;
    s.draw_ok(7).await;
    let expert = &s.experts[0];
    let assignment = accept(&app, REVIEW, expert, &s.challenge_id).await;
    let resp = app
        .get(
            &format!("{REVIEW}/{assignment}/documents.zip"),
            Some(&expert.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let files = entries(&resp.bytes().await.unwrap());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"说明.txt"));
    let folder = names
        .iter()
        .find(|n| n.ends_with("/申报书.pdf"))
        .expect("the first under its name")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert!(folder.starts_with("方案"), "{folder}");
    assert_eq!(files[&format!("{folder}/申报书.pdf")].0, first);
    assert_eq!(files[&format!("{folder}/申报书 (2).pdf")].0, second);
}

/// The stored file of `sha256` in the test's local store.
fn stored(app: &TestApp, sha256: &str) -> std::path::PathBuf {
    app._documents
        .path()
        .join("store/sha256")
        .join(&sha256[0..2])
        .join(&sha256[2..4])
        .join(sha256)
}

#[tokio::test]
async fn verify_names_the_changed_and_the_missing_files_and_their_documents() {
    let app = TestApp::spawn().await;
    let issuer = party(&app, "issuer", &crate::helpers::new_uscc(), "发榜企业").await;
    let body = challenge_body(&app, "高性能碳纤维复合材料", Duration::days(10));
    let id = id_of(&create_challenge(&app, &issuer, &body).await);
    let path = format!("/api/v1/challenges/{id}/documents");
    let mut docs = Vec::new();
    for name in ["需求说明.pdf", "技术附件.pdf", "合同范本.pdf"] {
        docs.push(upload_ok(&app, &path, name, pdf(name, "发榜企业"), &issuer.access).await);
    }
    let report = jiebang::documents::verify::verify(&app.state)
        .await
        .unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.checked, report.ok), (3, 3));
    let cli = || {
        jiebang(&database_url(&app.db_name))
            .env(
                "JIEBANG__DOCUMENTS__DIR",
                app._documents.path().join("store"),
            )
            .env(
                "JIEBANG__DOCUMENTS__SPOOL_DIR",
                app._documents.path().join("spool"),
            )
            .args(["documents", "verify", "--json"])
            .output()
            .unwrap()
    };
    let out = cli();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let sha = |i: usize| docs[i]["sha256"].as_str().unwrap().to_string();
    let other = b"%PDF-1.4 something else\n%%EOF\n";
    std::fs::write(stored(&app, &sha(0)), other).unwrap();
    std::fs::remove_file(stored(&app, &sha(1))).unwrap();

    let report = jiebang::documents::verify::verify(&app.state)
        .await
        .unwrap();
    assert_eq!(
        (report.checked, report.ok, report.changed, report.missing),
        (3, 1, 1, 1)
    );
    let faults: HashMap<String, &jiebang::documents::verify::Checked> = report
        .faults
        .iter()
        .map(|f| (f.sha256.clone(), f))
        .collect();
    use jiebang::documents::verify::Found;
    let changed = faults[&sha(0)];
    assert!(
        matches!(&changed.found, Found::Changed { stored_size, .. } if *stored_size == other.len() as u64)
    );
    assert_eq!(changed.documents.len(), 1);
    assert_eq!(
        changed.documents[0].document_id.to_string(),
        id_of(&docs[0])
    );
    assert_eq!(changed.documents[0].file_name, "需求说明.pdf");
    let missing = faults[&sha(1)];
    assert_eq!(missing.found, Found::Missing);
    assert_eq!(missing.documents[0].file_name, "技术附件.pdf");

    // The command says the same and fails.
    let out = cli();
    assert!(!out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["changed"], 1);
    assert_eq!(json["missing"], 1);
    let mut states: Vec<(String, String)> = json["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["documents"][0]["file_name"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    states.sort();
    assert_eq!(
        states,
        [
            ("技术附件.pdf".to_string(), "missing".to_string()),
            ("需求说明.pdf".to_string(), "changed".to_string()),
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 changed, 1 missing"), "{stderr}");
}
