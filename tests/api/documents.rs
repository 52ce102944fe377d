//! Documents (附件, SPEC §13): upload, list, download, signed links, blind copies.

use serde_json::{Value, json};

use crate::helpers::{TestApp, Tokens, assert_problem, assert_status, id_of};
use crate::scenario::{REVIEW, accept, challenge_body, create_challenge, party};
use chrono::Duration;

/// A small real PDF whose Info dictionary names its author and title.
pub fn pdf(title: &str, author: &str) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 720 Td (Jiebang) Tj ET".to_vec(),
    );
    let content_id = doc.add_object(content);
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::string_literal(title),
        "Author" => Object::string_literal(author),
    });
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the PDF is written");
    out
}

pub async fn upload(
    app: &TestApp,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    token: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .query(&[("name", name)])
        .header("content-type", "application/octet-stream")
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .expect("request sent")
}

pub async fn upload_ok(
    app: &TestApp,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    token: &str,
) -> Value {
    assert_status(upload(app, path, name, bytes, token).await, 201).await
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn draft(app: &TestApp) -> (Tokens, Tokens, String) {
    let admin = app.admin().await;
    let issuer = party(app, "issuer", &crate::helpers::new_uscc(), "发榜企业").await;
    let body = challenge_body(app, "高性能碳纤维复合材料", Duration::days(10));
    let id = id_of(&create_challenge(app, &issuer, &body).await);
    (admin, issuer, id)
}

#[tokio::test]
async fn an_issuer_attaches_a_specification_that_everyone_reads_once_published() {
    let app = TestApp::spawn().await;
    let (admin, issuer, id) = draft(&app).await;
    let path = format!("/api/v1/challenges/{id}/documents");
    let bytes = pdf("需求说明", "发榜企业");
    let doc = upload_ok(&app, &path, "需求说明.pdf", bytes.clone(), &issuer.access).await;
    assert_eq!(doc["sha256"], sha256_hex(&bytes));
    assert_eq!(doc["kind"], "pdf");
    assert_eq!(doc["file_name"], "需求说明.pdf");
    assert_eq!(doc["size_bytes"], bytes.len());
    // A draft's documents are not public.
    assert_status(app.get(&path, None).await, 404).await;
    let download = format!("/api/v1/documents/{}", id_of(&doc));
    assert_status(app.get(&download, None).await, 404).await;

    for action in ["submit", "approve"] {
        let who = if action == "submit" { &issuer } else { &admin };
        app.post_ok(
            &format!("/api/v1/challenges/{id}/{action}"),
            &json!({}),
            Some(&who.access),
        )
        .await;
    }
    let listed = app.get_ok(&path, None).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let resp = app.get(&download, None).await;
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["etag"].to_str().unwrap(),
        format!("\"{}\"", sha256_hex(&bytes))
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E9%9C%80"),
        "{disposition}"
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);

    // A range, and a revalidation.
    let part = app
        .client
        .get(app.url(&download))
        .header("range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"].to_str().unwrap(),
        format!("bytes 0-7/{}", bytes.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[..8]);
    let past = app
        .client
        .get(app.url(&download))
        .header("range", format!("bytes={}-", bytes.len()))
        .send()
        .await
        .unwrap();
    assert_problem(past, 416, "range_not_satisfiable").await;
    let same = app
        .client
        .get(app.url(&download))
        .header("if-none-match", format!("\"{}\"", sha256_hex(&bytes)))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 304);

    // Published: the specification is fixed.
    let late = upload(&app, &path, "补充.pdf", pdf("补充", "x"), &issuer.access).await;
    assert_problem(late, 409, "documents_closed").await;
}

#[tokio::test]
async fn a_bid_document_is_sealed_and_a_blind_panel_gets_a_copy_without_names() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .build()
        .await;
    let team = &s.bids[0];
    let path = format!("/api/v1/bids/{}/documents", team.id);
    let bytes = pdf("甲大学申报书", "陈思远");
    let doc = upload_ok(
        &app,
        &path,
        "甲大学-申报书.pdf",
        bytes.clone(),
        &team.solver.access,
    )
    .await;
    let download = format!("/api/v1/documents/{}", id_of(&doc));
    // Rivals and the issuer before the opening: not found.
    for who in [&s.bids[1].solver, &s.issuer] {
        assert_status(app.get(&path, Some(&who.access)).await, 404).await;
        assert_status(app.get(&download, Some(&who.access)).await, 404).await;
    }
    s.close_bidding().await;
    app.run_jobs().await;
    crate::helpers::assert_notified(&app, &team.solver.access, "blind_copies_made").await;
    let own = app.get_ok(&path, Some(&team.solver.access)).await;
    let blind = &own["items"][0]["blind_copy"];
    assert_eq!(
        blind["file_name"],
        "方案A-附件1.pdf".replace('A', blind["file_name"].as_str().unwrap().get(6..7).unwrap())
    );
    assert_ne!(blind["sha256"], own["items"][0]["sha256"]);
    assert!(
        blind["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "pdf:/Author"),
        "{blind}"
    );
    // The issuer reads the original after the opening.
    let resp = app.get(&download, Some(&s.issuer.access)).await;
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);

    s.start_review().await;
    s.draw_ok(7).await;
    let expert = &s.experts[0];
    accept(&app, REVIEW, expert, &s.challenge_id).await;
    let seen = app.get_ok(&path, Some(&expert.tokens.access)).await;
    let item = &seen["items"][0];
    assert_eq!(item["blind"], true);
    assert!(
        item["file_name"].as_str().unwrap().starts_with("方案"),
        "{item}"
    );
    assert!(item.get("uploaded_by").is_none());
    let resp = app.get(&download, Some(&expert.tokens.access)).await;
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !disposition.contains("%E7%94%B2"),
        "the team's name leaks: {disposition}"
    );
    let body = resp.bytes().await.unwrap().to_vec();
    assert_eq!(sha256_hex(&body), item["sha256"].as_str().unwrap());
    // Neither the Info dictionary nor any byte of the copy names the team or its author.
    let copy = lopdf::Document::load_mem(&body).expect("the blind copy is a PDF");
    assert_eq!(copy.get_pages().len(), 1);
    let info = copy
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|r| r.as_reference().ok());
    if let Some(info) = info {
        let info = copy.get_dictionary(info).unwrap();
        assert!(
            info.get(b"Author").is_err() && info.get(b"Title").is_err(),
            "{info:?}"
        );
    }
    for name in ["陈思远", "甲大学"] {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(
            !body.windows(utf16.len()).any(|w| w == utf16.as_slice()),
            "{name} in the copy"
        );
        assert!(
            !body.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in the copy"
        );
    }
    // Signed link: the same copy, without the token.
    let link = app
        .get_ok(&format!("{download}/link"), Some(&expert.tokens.access))
        .await;
    let by_link = app.get(link["url"].as_str().unwrap(), None).await;
    assert_eq!(by_link.status(), 200);
    assert_eq!(by_link.bytes().await.unwrap().to_vec(), body);
    assert!(app.audited("document.download").await >= 3);
}

/// A ZIP holding one file.
fn zip_of(name: &str, content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[tokio::test]
async fn with_clamd_configured_an_infected_upload_is_refused_and_a_scan_that_cannot_run_stores_nothing()
 {
    let mut clamd = crate::clamd::TestClamd::start().await;
    let settings = clamd.settings();
    let app = TestApp::spawn_with(|s| s.documents.clamd = Some(settings)).await;
    let (_, issuer, id) = draft(&app).await;
    let path = format!("/api/v1/challenges/{id}/documents");
    let infected = zip_of("说明.txt", crate::clamd::EICAR.as_bytes());
    let body = assert_problem(
        upload(&app, &path, "资料.zip", infected, &issuer.access).await,
        422,
        "document_infected",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains(crate::clamd::EICAR_SIGNATURE),
        "{body}"
    );
    upload_ok(
        &app,
        &path,
        "需求说明.pdf",
        pdf("需求说明", "x"),
        &issuer.access,
    )
    .await;
    clamd.stop();
    let resp = upload(&app, &path, "附表.pdf", pdf("附表", "x"), &issuer.access).await;
    assert_problem(resp, 503, "virus_scan_unavailable").await;
    assert_eq!(app.count("SELECT count(*) FROM documents").await, 1);
}

#[tokio::test]
async fn content_decides_the_type_not_the_name() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let path = format!("/api/v1/challenges/{id}/documents");
    let elf = std::fs::read("/bin/true").expect("an executable to rename");
    let body = assert_problem(
        upload(&app, &path, "需求说明.pdf", elf, &issuer.access).await,
        415,
        "document_type_refused",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("application/x-executable"),
        "{body}"
    );
    let body = assert_problem(
        upload(
            &app,
            &path,
            "资料.zip",
            zip_of("setup.exe", b"MZ\x90\x00"),
            &issuer.access,
        )
        .await,
        422,
        "document_executable",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("setup.exe"),
        "{body}"
    );
    let js =
        b"%PDF-1.4\n1 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF\n"
            .to_vec();
    assert_problem(
        upload(&app, &path, "a.pdf", js, &issuer.access).await,
        422,
        "document_javascript",
    )
    .await;
    // A PDF named .docx is a PDF.
    let doc = upload_ok(
        &app,
        &path,
        "需求说明.docx",
        pdf("需求说明", "x"),
        &issuer.access,
    )
    .await;
    assert_eq!(doc["kind"], "pdf");
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(app.count("SELECT count(*) FROM documents").await, 1);
}

#[tokio::test]
async fn a_sealed_document_is_audited_once_per_reading_not_per_range() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(1).build().await;
    let team = &s.bids[0];
    let path = format!("/api/v1/bids/{}/documents", team.id);
    let bytes = pdf("申报书", "x");
    let doc = upload_ok(
        &app,
        &path,
        "申报书.pdf",
        bytes.clone(),
        &team.solver.access,
    )
    .await;
    s.close_bidding().await;
    let download = app.url(&format!("/api/v1/documents/{}", id_of(&doc)));
    let read = |range: Option<&'static str>, etag: Option<String>| {
        let mut req = app.client.get(&download).bearer_auth(&s.issuer.access);
        if let Some(range) = range {
            req = req.header("range", range);
        }
        if let Some(etag) = etag {
            req = req.header("if-none-match", etag);
        }
        req.send()
    };
    let before = app.audited("document.download").await;
    assert_eq!(read(Some("bytes=0-99"), None).await.unwrap().status(), 206);
    assert_eq!(
        read(Some("bytes=100-199"), None).await.unwrap().status(),
        206
    );
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    assert_eq!(read(None, Some(etag)).await.unwrap().status(), 304);
    assert_eq!(app.audited("document.download").await, before + 1);
    assert_eq!(read(None, None).await.unwrap().status(), 200);
    assert_eq!(app.audited("document.download").await, before + 2);
}
