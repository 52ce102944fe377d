//! Documents (SPEC §13, issue 16): who sees each kind of document when (a matrix of roles, like the
//! bids' visibility tests), who may add and remove them when, versions and removal, the limits,
//! the two upload forms, downloads (ranges, revalidation, signed links) and storage by content.
//! Type detection, archive and PDF refusals, the virus scan and metadata stripping are tested
//! where they are built.

use std::path::Path;

use chrono::Duration;
use serde_json::{Value, json};

use crate::documents::{pdf, upload, upload_ok};
use crate::helpers::{TestApp, Tokens, assert_problem, assert_status, id_of, ids, rfc3339};
use crate::scenario::{
    ACCEPTANCE, Expert, REVIEW, Scenario, accept, challenge_body, create_challenge, milestone,
    milestone_ok, party, report_body, submit,
};

const MIB: usize = 1024 * 1024;

/// A row of a matrix: who looks, with which token, and what both the list and the download
/// answer (200 or 404).
type Row<'a> = (&'a str, Option<&'a Tokens>, u16);

/// For each row: `GET list` and `GET /documents/{doc}` answer the expected status, and a list
/// that answers names the document. Answers the items each reader who sees it got, by row.
async fn assert_matrix(app: &TestApp, list: &str, doc: &str, rows: &[Row<'_>]) -> Vec<Value> {
    let download = format!("/api/v1/documents/{doc}");
    let mut seen = Vec::new();
    for (who, token, expected) in rows {
        let token = token.map(|t| t.access.as_str());
        let resp = app.get(list, token).await;
        assert_eq!(resp.status(), *expected, "{who}: GET {list}");
        if *expected == 200 {
            let body: Value = resp.json().await.unwrap();
            let item = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["id"] == doc)
                .unwrap_or_else(|| panic!("{who}: {doc} not listed in {body}"))
                .clone();
            seen.push(item);
        }
        let status = app.get(&download, token).await.status();
        assert_eq!(status, *expected, "{who}: GET {download}");
    }
    seen
}

/// The first item a row whose label is `who` saw (see [`assert_matrix`]).
fn seen_by<'a>(seen: &'a [Value], rows: &[Row<'_>], who: &str) -> &'a Value {
    let index = rows
        .iter()
        .filter(|r| r.2 == 200)
        .position(|r| r.0 == who)
        .unwrap_or_else(|| panic!("{who} sees nothing"));
    &seen[index]
}

/// `POST path` of a small PDF by `who`: the status and, when refused, the problem's code.
async fn assert_upload(app: &TestApp, path: &str, who: &Tokens, status: u16, code: Option<&str>) {
    let resp = upload(app, path, "补充材料.pdf", pdf("补充", "某人"), &who.access).await;
    match code {
        Some(code) => {
            assert_problem(resp, status, code).await;
        }
        None => {
            assert_status(resp, status).await;
        }
    }
}

async fn delete(app: &TestApp, doc: &str, who: &Tokens) -> reqwest::Response {
    let path = format!("/api/v1/documents/{doc}");
    app.request(reqwest::Method::DELETE, &path, Some(&who.access))
        .send()
        .await
        .expect("request sent")
}

/// A draft challenge of a new issuer, and an admin; answers them and the challenge id.
async fn draft(app: &TestApp) -> (Tokens, Tokens, String) {
    let admin = app.admin().await;
    let issuer = party(app, "issuer", &crate::helpers::new_uscc(), "发榜企业").await;
    let body = challenge_body(app, "高性能碳纤维复合材料", Duration::days(10));
    let id = id_of(&create_challenge(app, &issuer, &body).await);
    (admin, issuer, id)
}

async fn act(app: &TestApp, challenge: &str, action: &str, who: &Tokens, body: Value) {
    let path = format!("/api/v1/challenges/{challenge}/{action}");
    app.post_ok(&path, &body, Some(&who.access)).await;
}

// 1 and 2. Visibility and changes, per kind of document.

#[tokio::test]
async fn challenge_documents_are_the_issuers_while_a_draft_and_everyones_once_published() {
    let app = TestApp::spawn().await;
    let (admin, issuer, id) = draft(&app).await;
    let other_issuer = app.issuer().await;
    let solver = app.solver().await;
    let expert = app.expert(&admin, 950).create().await.tokens;
    let list = format!("/api/v1/challenges/{id}/documents");
    let doc = id_of(
        &upload_ok(
            &app,
            &list,
            "需求说明.pdf",
            pdf("需求说明", "甲"),
            &issuer.access,
        )
        .await,
    );

    let rows = |draft: bool| -> Vec<Row<'_>> {
        let others = if draft { 404 } else { 200 };
        vec![
            ("issuer", Some(&issuer), 200),
            ("admin", Some(&admin), 200),
            ("other issuer", Some(&other_issuer), others),
            ("solver", Some(&solver), others),
            ("expert", Some(&expert), others),
            ("anonymous", None, others),
        ]
    };
    assert_matrix(&app, &list, &doc, &rows(true)).await;
    // Who cannot see the draft does not learn it exists; the admin sees it but does not add.
    for who in [&other_issuer, &solver, &expert] {
        assert_upload(&app, &list, who, 404, Some("not_found")).await;
        assert_problem(delete(&app, &doc, who).await, 404, "not_found").await;
    }
    assert_upload(&app, &list, &admin, 403, Some("forbidden")).await;
    assert_problem(delete(&app, &doc, &admin).await, 403, "forbidden").await;
    let anonymous = app
        .client
        .post(app.url(&list))
        .query(&[("name", "x.pdf")])
        .body(pdf("x", "x"));
    assert_problem(anonymous.send().await.unwrap(), 401, "unauthenticated").await;
    let anonymous = app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/documents/{doc}"),
        None,
    );
    assert_problem(anonymous.send().await.unwrap(), 401, "unauthenticated").await;

    // Submitted: closed; rejected: open again to its issuer.
    act(&app, &id, "submit", &issuer, json!({})).await;
    assert_upload(&app, &list, &issuer, 409, Some("documents_closed")).await;
    assert_problem(delete(&app, &doc, &issuer).await, 409, "documents_closed").await;
    act(
        &app,
        &id,
        "reject",
        &admin,
        json!({"reason": "需求说明不够具体"}),
    )
    .await;
    assert_upload(&app, &list, &issuer, 201, None).await;

    act(&app, &id, "submit", &issuer, json!({})).await;
    act(&app, &id, "approve", &admin, json!({})).await;
    assert_matrix(&app, &list, &doc, &rows(false)).await;
    // Published: fixed; those who see it now are refused with 403.
    assert_upload(&app, &list, &issuer, 409, Some("documents_closed")).await;
    assert_problem(delete(&app, &doc, &issuer).await, 409, "documents_closed").await;
    for who in [&other_issuer, &solver, &expert, &admin] {
        assert_upload(&app, &list, who, 403, Some("forbidden")).await;
        assert_problem(delete(&app, &doc, who).await, 403, "forbidden").await;
    }
}

/// A blind challenge (new materials, experts 901–903) with two bids, the first with a document,
/// and a second challenge (marine, open review, experts 911–913) of another issuer with one bid
/// and a document: the "other panel".
struct TwoPanels<'a> {
    s: Scenario<'a>,
    open: Scenario<'a>,
    marine: Vec<Expert>,
    /// The first bid's document, and its bytes.
    doc: String,
    bytes: Vec<u8>,
    /// The second bid's document (the bid is found ineligible).
    rival_doc: String,
    /// The open challenge's bid document.
    open_doc: String,
}

async fn two_panels(app: &TestApp) -> TwoPanels<'_> {
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .build()
        .await;
    let mut marine = Vec::new();
    for n in 911..=913 {
        marine.push(s.expert(n).fields(&["marine"]).create().await);
    }
    let open = app
        .scenario()
        .admin(&s.admin)
        .challenge(json!({"field": "marine", "review": {"panel_size": 3, "blind": false}}))
        .with_bids(1)
        .build()
        .await;
    let bytes = pdf("甲大学申报书", "陈思远");
    let path = format!("/api/v1/bids/{}/documents", s.bids[0].id);
    let team = &s.bids[0].solver;
    let doc = id_of(&upload_ok(app, &path, "甲大学-申报书.pdf", bytes.clone(), &team.access).await);
    let path = format!("/api/v1/bids/{}/documents", s.bids[1].id);
    let rival = &s.bids[1].solver.access;
    let rival_doc = id_of(&upload_ok(app, &path, "乙-申报书.pdf", pdf("乙", "周明"), rival).await);
    let path = format!("/api/v1/bids/{}/documents", open.bids[0].id);
    let team = &open.bids[0].solver.access;
    let open_doc = id_of(&upload_ok(app, &path, "海洋方案.pdf", pdf("海洋", "周明"), team).await);
    TwoPanels {
        s,
        open,
        marine,
        doc,
        bytes,
        rival_doc,
        open_doc,
    }
}

#[tokio::test]
async fn a_bid_document_is_sealed_like_the_bid_and_a_blind_panel_reads_its_blind_copy() {
    let app = TestApp::spawn().await;
    let t = two_panels(&app).await;
    let (s, open) = (&t.s, &t.open);
    let list = format!("/api/v1/bids/{}/documents", s.bids[0].id);
    let (team, rival) = (&s.bids[0].solver, &s.bids[1].solver);
    let (reviewer, invited, other_panel) = (&s.experts[0], &s.experts[2], &t.marine[0]);
    let rows = |issuer: u16, reviewer_sees: u16| -> Vec<Row<'_>> {
        vec![
            ("anonymous", None, 404),
            ("other solver", Some(rival), 404),
            ("bidding team", Some(team), 200),
            ("issuer", Some(&s.issuer), issuer),
            ("other issuer", Some(&open.issuer), 404),
            ("admin", Some(&s.admin), 200),
            ("reviewer", Some(&reviewer.tokens), reviewer_sees),
            ("invited expert", Some(&invited.tokens), 404),
            ("expert of another panel", Some(&other_panel.tokens), 404),
        ]
    };
    // Before the deadline: the team adds and removes; who may not see the bid gets 404.
    assert_matrix(&app, &list, &t.doc, &rows(404, 404)).await;
    let extra = id_of(&upload_ok(&app, &list, "附件.pdf", pdf("附件", "甲"), &team.access).await);
    assert_status(delete(&app, &extra, team).await, 204).await;
    for who in [rival, &s.issuer, &open.issuer] {
        assert_upload(&app, &list, who, 404, Some("not_found")).await;
        assert_problem(delete(&app, &t.doc, who).await, 404, "not_found").await;
    }
    assert_upload(&app, &list, &s.admin, 403, Some("forbidden")).await;

    // After the opening the issuer reads it; the team may no longer change it.
    s.close_bidding().await;
    assert_matrix(&app, &list, &t.doc, &rows(200, 404)).await;
    assert_upload(&app, &list, team, 409, Some("bidding_closed")).await;
    assert_problem(delete(&app, &t.doc, team).await, 409, "bidding_closed").await;
    for who in [&s.issuer, &s.admin] {
        assert_upload(&app, &list, who, 403, Some("forbidden")).await;
        assert_problem(delete(&app, &t.doc, who).await, 403, "forbidden").await;
    }

    // During the review: the accepted experts of its panel, nobody else of the pool; the
    // second bid, found ineligible, is not the panel's.
    formal_review(s, &["eligible", "ineligible"]).await;
    open.start_review().await;
    s.draw_ok(7).await;
    open.draw_ok(7).await;
    for e in [reviewer, &s.experts[1]] {
        accept(&app, REVIEW, e, &s.challenge_id).await;
    }
    accept(&app, REVIEW, other_panel, &open.challenge_id).await;
    let rows = rows(200, 200);
    let seen = assert_matrix(&app, &list, &t.doc, &rows).await;
    assert_upload(&app, &list, &reviewer.tokens, 403, Some("forbidden")).await;
    let rival_list = format!("/api/v1/bids/{}/documents", s.bids[1].id);
    let ineligible: Vec<Row<'_>> = vec![
        ("reviewer", Some(&reviewer.tokens), 404),
        ("issuer", Some(&s.issuer), 200),
        ("rival team", Some(rival), 200),
        ("first team", Some(team), 404),
    ];
    assert_matrix(&app, &rival_list, &t.rival_doc, &ineligible).await;
    assert_blind_copy(
        &app,
        &t,
        seen_by(&seen, &rows, "reviewer"),
        seen_by(&seen, &rows, "bidding team"),
    )
    .await;

    // The open review's panel reads the original, under its name; the other panel does not.
    let open_list = format!("/api/v1/bids/{}/documents", open.bids[0].id);
    let rows: Vec<Row<'_>> = vec![
        ("open panel", Some(&other_panel.tokens), 200),
        ("blind panel", Some(&reviewer.tokens), 404),
        ("issuer of the other challenge", Some(&s.issuer), 404),
    ];
    let seen = assert_matrix(&app, &open_list, &t.open_doc, &rows).await;
    assert_eq!(seen[0]["blind"], false);
    assert_eq!(seen[0]["file_name"], "海洋方案.pdf");
}

/// The formal review finds bid `i` `results[i]`, and the review starts.
async fn formal_review(s: &Scenario<'_>, results: &[&str]) {
    let admin = Some(s.admin.access.as_str());
    for (bid, result) in s.bids.iter().zip(results) {
        let path = format!("/api/v1/bids/{}/formal-review", bid.id);
        let body = json!({"result": result, "reason": "缺少承诺书"});
        s.app.post_ok(&path, &body, admin).await;
    }
    let started = s
        .app
        .post_ok(&s.path("/review/start"), &json!({}), admin)
        .await;
    assert_eq!(started["status"], "under_review");
}

/// A blind panel's expert gets the blind copy under its own name and hash, the one the uploader
/// is told of, also through a signed link; the link cannot be turned into one to the original.
async fn assert_blind_copy(
    app: &TestApp,
    t: &TwoPanels<'_>,
    expert_item: &Value,
    team_item: &Value,
) {
    let blind = &team_item["blind_copy"];
    assert_eq!(team_item["blind"], false);
    assert_eq!(team_item["file_name"], "甲大学-申报书.pdf");
    assert_eq!(expert_item["blind"], true);
    assert_eq!(expert_item["file_name"], blind["file_name"]);
    assert_eq!(expert_item["sha256"], blind["sha256"]);
    assert!(expert_item.get("uploaded_by").is_none(), "{expert_item}");
    let name = blind["file_name"].as_str().unwrap();
    assert!(!name.contains("甲大学"), "{name}");

    let expert = &t.s.experts[0].tokens.access;
    let download = format!("/api/v1/documents/{}", t.doc);
    let resp = app.get(&download, Some(expert)).await;
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(utf8_file_name(&disposition), name, "{disposition}");
    let body = resp.bytes().await.unwrap().to_vec();
    assert_eq!(sha256_hex(&body), blind["sha256"].as_str().unwrap());

    // The team reads what it uploaded.
    let team = &t.s.bids[0].solver.access;
    let own = app.get(&download, Some(team)).await.bytes().await.unwrap();
    assert_eq!(own.to_vec(), t.bytes);

    let link = app.get_ok(&format!("{download}/link"), Some(expert)).await;
    let url = link["url"].as_str().unwrap();
    assert!(url.contains("copy=blind"), "{url}");
    let by_link = app.get(url, None).await;
    assert_eq!(by_link.status(), 200);
    assert_eq!(by_link.bytes().await.unwrap().to_vec(), body);
    let original = url.replace("copy=blind", "copy=original");
    assert_problem(app.get(&original, None).await, 403, "link_invalid").await;
}

/// The RFC 6266 `filename*` of a `Content-Disposition`, decoded.
fn utf8_file_name(disposition: &str) -> String {
    let encoded = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .expect("a filename*")
        .split(';')
        .next()
        .unwrap();
    let mut bytes = Vec::new();
    let mut rest = encoded.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A ranked blind challenge (experts 901–903) with two bids, each with a document, awarded to the
/// first; answers it and the two bid documents.
async fn awarded(app: &TestApp) -> (Scenario<'_>, [String; 2]) {
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .build()
        .await;
    let mut docs = Vec::new();
    for (i, bid) in s.bids.iter().enumerate() {
        let path = format!("/api/v1/bids/{}/documents", bid.id);
        let bytes = pdf(&format!("申报书{i}"), "x");
        docs.push(id_of(
            &upload_ok(app, &path, "申报书.pdf", bytes, &bid.solver.access).await,
        ));
    }
    s.close_bidding().await;
    s.start_review().await;
    s.rank().await;
    s.award(0).await;
    let docs = [docs[0].clone(), docs[1].clone()];
    (s, docs)
}

/// The acceptance panel drawn from the second and third reviewers and a newcomer (904): the
/// first reviewer is moved to another field before the draw. Only the newcomer accepts. Answers
/// the newcomer.
async fn acceptance_panel(s: &Scenario<'_>) -> Expert {
    let app = s.app;
    let path = format!("/api/v1/experts/{}", s.experts[0].id);
    let marine = json!({"fields": ["marine"]});
    assert_status(app.patch(&path, &marine, Some(&s.admin.access)).await, 200).await;
    let newcomer = s.expert(904).create().await;
    let deadline = app.state.clock.now() + Duration::days(10);
    let body = json!({"review_deadline": rfc3339(deadline), "seed": 5});
    let panel = app
        .post_created(&s.path("/acceptance"), &body, Some(&s.admin.access))
        .await;
    let mut members = ids(&panel["experts"], "expert_id");
    members.sort();
    let mut expected = vec![
        s.experts[1].id.clone(),
        s.experts[2].id.clone(),
        newcomer.id.clone(),
    ];
    expected.sort();
    assert_eq!(members, expected);
    accept(app, ACCEPTANCE, &newcomer, &s.challenge_id).await;
    newcomer
}

#[tokio::test]
async fn milestone_and_acceptance_materials_are_the_projects_and_change_until_accepted_or_closed() {
    let app = TestApp::spawn().await;
    let (s, bid_docs) = awarded(&app).await;
    let other_issuer = app.issuer().await;
    let (team, loser) = (&s.bids[0].solver, &s.bids[1].solver);
    let milestones = [s.milestone_id(0).await, s.milestone_id(1).await];
    let m_list = format!("/api/v1/milestones/{}/documents", milestones[0]);
    let a_list = s.path("/acceptance/documents");
    let m_doc = id_of(
        &upload_ok(
            &app,
            &m_list,
            "中试报告.pdf",
            pdf("中试", "甲"),
            &team.access,
        )
        .await,
    );
    let a_doc = id_of(
        &upload_ok(
            &app,
            &a_list,
            "验收材料.pdf",
            pdf("验收", "甲"),
            &team.access,
        )
        .await,
    );
    for list in [&m_list, &a_list] {
        assert_upload(&app, list, loser, 404, Some("not_found")).await;
        assert_upload(&app, list, &other_issuer, 404, Some("not_found")).await;
        assert_upload(&app, list, &s.issuer, 403, Some("forbidden")).await;
        assert_upload(&app, list, &s.admin, 403, Some("forbidden")).await;
    }
    assert_problem(delete(&app, &m_doc, &s.issuer).await, 403, "forbidden").await;
    assert_problem(delete(&app, &a_doc, loser).await, 404, "not_found").await;

    s.complete_milestones().await;
    // The last milestone is reported: its materials wait for the issuer's decision (see the
    // rules); returned, they are the team's again.
    let last_list = format!("/api/v1/milestones/{}/documents", milestones[1]);
    assert_upload(&app, &last_list, team, 409, Some("documents_closed")).await;
    let why = json!({"reason": "补充检测报告"});
    assert_status(
        milestone(&app, &milestones[1], "return", &why, &s.issuer).await,
        200,
    )
    .await;
    assert_upload(&app, &last_list, team, 201, None).await;
    milestone_ok(&app, &milestones[1], "report", &report_body(), team).await;
    let acceptor = acceptance_panel(&s).await;
    let (reviewer, invited) = (&s.experts[0], &s.experts[1]);
    let rows: Vec<Row<'_>> = vec![
        ("anonymous", None, 404),
        ("other solver", Some(loser), 404),
        ("awarded team", Some(team), 200),
        ("issuer", Some(&s.issuer), 200),
        ("other issuer", Some(&other_issuer), 404),
        ("admin", Some(&s.admin), 200),
        ("review panel expert", Some(&reviewer.tokens), 404),
        ("invited acceptance expert", Some(&invited.tokens), 404),
        ("acceptance panel expert", Some(&acceptor.tokens), 200),
    ];
    assert_matrix(&app, &m_list, &m_doc, &rows).await;
    assert_matrix(&app, &a_list, &a_doc, &rows).await;
    // The acceptance panel reads the awarded bid's documents, not the others'.
    let bid_list = |i: usize| format!("/api/v1/bids/{}/documents", s.bids[i].id);
    assert_matrix(
        &app,
        &bid_list(0),
        &bid_docs[0],
        &[("acceptance panel expert", Some(&acceptor.tokens), 200)],
    )
    .await;
    assert_matrix(
        &app,
        &bid_list(1),
        &bid_docs[1],
        &[("acceptance panel expert", Some(&acceptor.tokens), 404)],
    )
    .await;

    // The first milestone is accepted: its materials are fixed. The acceptance still takes them.
    assert_upload(&app, &m_list, team, 409, Some("documents_closed")).await;
    assert_problem(delete(&app, &m_doc, team).await, 409, "documents_closed").await;
    assert_upload(&app, &a_list, team, 201, None).await;
    assert_upload(&app, &a_list, &acceptor.tokens, 403, Some("forbidden")).await;

    close_acceptance(&s, &acceptor).await;
    assert_upload(&app, &a_list, team, 409, Some("documents_closed")).await;
    assert_problem(delete(&app, &a_doc, team).await, 409, "documents_closed").await;
    // Still readable by the project's parties.
    assert_matrix(&app, &a_list, &a_doc, &rows[..6]).await;
}

/// Every acceptance expert accepts, passes and submits; the admin closes the acceptance.
async fn close_acceptance(s: &Scenario<'_>, newcomer: &Expert) {
    let app = s.app;
    let verdict = json!({
        "kpis": [{"kpi": "拉伸强度", "met": true, "comment": "第三方检测报告。"}],
        "pass": true, "comment": "同意通过验收。",
    });
    for (e, accepted) in [
        (newcomer, true),
        (&s.experts[1], false),
        (&s.experts[2], false),
    ] {
        let id = if accepted {
            id_of(
                &crate::scenario::assignment_of(app, ACCEPTANCE, e, &s.challenge_id)
                    .await
                    .unwrap(),
            )
        } else {
            accept(app, ACCEPTANCE, e, &s.challenge_id).await
        };
        let path = format!("{ACCEPTANCE}/{id}/verdict");
        assert_status(app.put(&path, &verdict, Some(&e.tokens.access)).await, 200).await;
        assert_status(submit(app, ACCEPTANCE, e, &id).await, 200).await;
    }
    let close = s.path("/acceptance/close");
    app.post_ok(&close, &json!({}), Some(&s.admin.access)).await;
    assert_eq!(s.status().await, "accepted");
}

// 3. Versions and removal.

#[tokio::test]
async fn a_new_version_replaces_the_current_one_and_a_removed_document_stays_downloadable() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let other_issuer = app.issuer().await;
    let list = format!("/api/v1/challenges/{id}/documents");
    let v1 = upload_ok(
        &app,
        &list,
        "需求说明.pdf",
        pdf("需求说明", "v1"),
        &issuer.access,
    )
    .await;
    let replaces = format!("{list}?replaces={}", id_of(&v1));
    let v2 = upload_ok(
        &app,
        &replaces,
        "需求说明v2.pdf",
        pdf("需求说明", "v2"),
        &issuer.access,
    )
    .await;
    assert_eq!(v1["version"], 1);
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["series_id"], v1["series_id"]);
    assert_eq!(v2["current"], true);

    let current = app.get_ok(&list, Some(&issuer.access)).await;
    assert_eq!(ids(&current["items"], "id"), vec![id_of(&v2)]);
    let all = app
        .get_ok(&format!("{list}?versions=all"), Some(&issuer.access))
        .await;
    let old = &all["items"][0];
    assert_eq!(old["id"], v1["id"]);
    assert_eq!(old["current"], false);
    assert!(old["replaced_at"].is_string(), "{old}");
    // Only the current version may be replaced or removed.
    let resp = upload(&app, &replaces, "x.pdf", pdf("x", "x"), &issuer.access).await;
    assert_problem(resp, 409, "document_not_current").await;
    assert_problem(
        delete(&app, &id_of(&v1), &issuer).await,
        409,
        "document_not_current",
    )
    .await;

    assert_status(delete(&app, &id_of(&v2), &issuer).await, 204).await;
    let current = app.get_ok(&list, Some(&issuer.access)).await;
    assert!(current["items"].as_array().unwrap().is_empty(), "{current}");
    let all = app
        .get_ok(&format!("{list}?versions=all"), Some(&issuer.access))
        .await;
    assert_eq!(ids(&all["items"], "id"), vec![id_of(&v1), id_of(&v2)]);
    let removed = &all["items"][1];
    assert_eq!(removed["current"], false);
    assert!(removed["removed_at"].is_string(), "{removed}");
    assert_problem(
        delete(&app, &id_of(&v2), &issuer).await,
        409,
        "document_not_current",
    )
    .await;

    // Both objects are kept, for who may see them.
    for (v, name) in [(&v1, "v1"), (&v2, "v2")] {
        let path = format!("/api/v1/documents/{}", id_of(v));
        let resp = app.get(&path, Some(&issuer.access)).await;
        assert_eq!(resp.status(), 200, "{name}");
        let body = resp.bytes().await.unwrap();
        assert_eq!(sha256_hex(&body), v["sha256"].as_str().unwrap(), "{name}");
        assert_eq!(
            app.get(&path, Some(&other_issuer.access)).await.status(),
            404,
            "{name}"
        );
    }
    for (action, n) in [
        ("document.upload", 1),
        ("document.version", 1),
        ("document.remove", 1),
    ] {
        assert_eq!(app.audited(action).await, n, "{action}");
    }
}

// 4. Limits.

/// A valid PDF of exactly `size` bytes (a content stream padded with a comment); `seed` makes its
/// content differ.
fn pdf_of_size(size: usize, seed: u8) -> Vec<u8> {
    let mut pad = size.saturating_sub(1000);
    for _ in 0..8 {
        let bytes = padded_pdf(pad, seed);
        if bytes.len() == size {
            return bytes;
        }
        pad = (pad as i64 + size as i64 - bytes.len() as i64).max(0) as usize;
    }
    panic!("no PDF of {size} bytes");
}

fn padded_pdf(pad: usize, seed: u8) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut text = format!("BT /F1 12 Tf 72 720 Td (Jiebang {seed}) Tj ET\n%").into_bytes();
    text.extend(std::iter::repeat_n(b'x', pad));
    let content_id = doc.add_object(Stream::new(dictionary! {}, text));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1},
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the PDF is written");
    out
}

/// An upload whose body is streamed in chunks (no `Content-Length`).
async fn upload_chunked(
    app: &TestApp,
    path: &str,
    bytes: Vec<u8>,
    token: &str,
) -> reqwest::Response {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    app.client
        .post(app.url(path))
        .query(&[("name", "大文件.pdf")])
        .header("content-type", "application/octet-stream")
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("request sent")
}

/// The raw answer to an upload that declares `length` bytes and sends only a few: a server that
/// refuses by the declared length answers before the body comes.
async fn declared_upload(app: &TestApp, path: &str, token: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path}?name=big.pdf HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n%PDF-1.5\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = vec![0; 8192];
    while !String::from_utf8_lossy(&answer).contains("}") {
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf));
        let n = read.await.expect("answered before the body came").unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_bid_takes_files_up_to_its_limits_and_a_new_version_counts_only_itself() {
    let app = TestApp::spawn_with(|s| {
        s.documents.max_file_mib.bid = 1;
        s.documents.max_total_mib.bid = 2;
    })
    .await;
    let s = app.scenario().with_bids(1).build().await;
    let team = &s.bids[0].solver.access;
    let path = format!("/api/v1/bids/{}/documents", s.bids[0].id);

    let resp = upload_chunked(&app, &path, pdf_of_size(MIB + 1, 0), team).await;
    assert_problem(resp, 413, "document_too_large").await;
    let answer = declared_upload(&app, &path, team, 2 * MIB).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("document_too_large"), "{answer}");

    // 1 MiB and two halves fill the 2 MiB; the refused uploads took nothing.
    let half = MIB / 2;
    upload_ok(&app, &path, "a.pdf", pdf_of_size(MIB, 1), team).await;
    assert_status(
        upload_chunked(&app, &path, pdf_of_size(half, 2), team).await,
        201,
    )
    .await;
    let third = upload_ok(&app, &path, "c.pdf", pdf_of_size(half, 3), team).await;
    let resp = upload(&app, &path, "d.pdf", pdf_of_size(1000, 4), team).await;
    assert_problem(resp, 413, "document_quota_exceeded").await;
    // A new version counts itself, not the version it replaces: half a MiB for half a MiB, but
    // not a whole MiB for half.
    let replaces = format!("{path}?replaces={}", id_of(&third));
    let resp = upload(&app, &replaces, "c.pdf", pdf_of_size(MIB, 5), team).await;
    assert_problem(resp, 413, "document_quota_exceeded").await;
    let v2 = upload_ok(&app, &replaces, "c.pdf", pdf_of_size(half, 6), team).await;
    assert_eq!(v2["version"], 2);
    let listed = app.get_ok(&path, Some(team)).await;
    let sizes: Vec<i64> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["size_bytes"].as_i64().unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<i64>(), 2 * MIB as i64, "{listed}");
    assert_eq!(app.audited("document.upload").await, 3);
    assert_eq!(app.audited("document.version").await, 1);
}

#[tokio::test]
async fn an_upload_needs_bytes_and_a_name_and_keeps_the_names_last_segment() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let list = format!("/api/v1/challenges/{id}/documents");
    let resp = upload(&app, &list, "空.pdf", Vec::new(), &issuer.access).await;
    assert_problem(resp, 422, "document_empty").await;
    let resp = app
        .client
        .post(app.url(&list))
        .header("content-type", "application/octet-stream")
        .bearer_auth(&issuer.access)
        .body(pdf("无名", "x"))
        .send()
        .await
        .unwrap();
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(crate::helpers::error_fields(&body), ["name"]);
    let doc = upload_ok(
        &app,
        &list,
        "C:\\x\\申报书.pdf",
        pdf("申报书", "x"),
        &issuer.access,
    )
    .await;
    assert_eq!(doc["file_name"], "申报书.pdf");
    assert_eq!(app.audited("document.upload").await, 1);
}

// 5. Upload forms.

#[tokio::test]
async fn a_file_comes_as_a_multipart_form_or_as_a_raw_body_named_by_its_header() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let list = format!("/api/v1/challenges/{id}/documents");
    let bytes = pdf("需求说明书", "发榜企业");
    let part = reqwest::multipart::Part::bytes(bytes.clone())
        .file_name("需求说明书（第二版）.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("note", "表单中的其他字段")
        .part("file", part);
    let resp = app
        .client
        .post(app.url(&list))
        .bearer_auth(&issuer.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let doc = assert_status(resp, 201).await;
    assert_eq!(doc["file_name"], "需求说明书（第二版）.pdf");
    assert_eq!(doc["sha256"], sha256_hex(&bytes));
    assert_eq!(doc["size_bytes"], bytes.len());

    let raw = pdf("申报书", "x");
    let resp = app
        .client
        .post(app.url(&list))
        .header("content-type", "application/octet-stream")
        .header(
            "content-disposition",
            "attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf",
        )
        .bearer_auth(&issuer.access)
        .body(raw.clone())
        .send()
        .await
        .unwrap();
    let doc = assert_status(resp, 201).await;
    assert_eq!(doc["file_name"], "申报书.pdf");
    let download = app
        .get(
            &format!("/api/v1/documents/{}", id_of(&doc)),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(download.bytes().await.unwrap().to_vec(), raw);

    // A form without a file part.
    let form = reqwest::multipart::Form::new().text("note", "无文件");
    let resp = app
        .client
        .post(app.url(&list))
        .bearer_auth(&issuer.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(crate::helpers::error_fields(&body), ["file"]);
}

// 6. Downloads and signed links.

async fn get_with(
    app: &TestApp,
    path: &str,
    token: &str,
    headers: &[(&str, String)],
) -> reqwest::Response {
    let mut req = app.client.get(app.url(path)).bearer_auth(token);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_download_serves_ranges_revalidates_and_names_the_file_in_utf8() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let list = format!("/api/v1/challenges/{id}/documents");
    let bytes = pdf("需求说明", "发榜企业");
    let (len, token) = (bytes.len(), issuer.access.as_str());
    let doc = upload_ok(&app, &list, "需求 说明.pdf", bytes.clone(), token).await;
    let path = format!("/api/v1/documents/{}", id_of(&doc));
    let etag = format!("\"{}\"", sha256_hex(&bytes));

    for (range, expected) in [
        ("bytes=0-9".to_string(), 0..10),
        ("bytes=-10".to_string(), len - 10..len),
        (format!("bytes={}-", len - 25), len - 25..len),
        (format!("bytes=5-{}", len + 100), 5..len),
    ] {
        let resp = get_with(&app, &path, token, &[("range", range.clone())]).await;
        assert_eq!(resp.status(), 206, "{range}");
        let content_range = format!("bytes {}-{}/{len}", expected.start, expected.end - 1);
        assert_eq!(
            resp.headers()["content-range"].to_str().unwrap(),
            content_range
        );
        assert_eq!(
            resp.bytes().await.unwrap().as_ref(),
            &bytes[expected],
            "{range}"
        );
    }
    let past = get_with(&app, &path, token, &[("range", format!("bytes={len}-"))]).await;
    let unsatisfied = past.headers().get("content-range").cloned();
    assert_problem(past, 416, "range_not_satisfiable").await;
    assert_eq!(
        unsatisfied.unwrap().to_str().unwrap(),
        format!("bytes */{len}")
    );
    // If-Range: the range when the ETag holds, the whole file when it does not.
    let wrong = [
        ("range", "bytes=0-9".to_string()),
        ("if-range", "\"0000\"".to_string()),
    ];
    let resp = get_with(&app, &path, token, &wrong).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
    let right = [
        ("range", "bytes=0-9".to_string()),
        ("if-range", etag.clone()),
    ];
    assert_eq!(get_with(&app, &path, token, &right).await.status(), 206);
    let resp = get_with(&app, &path, token, &[("if-none-match", etag.clone())]).await;
    assert_eq!(resp.status(), 304);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);

    let resp = app.get(&path, Some(token)).await;
    let headers = resp.headers();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["content-length"].to_str().unwrap(), len.to_string());
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert_eq!(
        utf8_file_name(disposition),
        "需求 说明.pdf",
        "{disposition}"
    );
}

#[tokio::test]
async fn a_signed_link_works_without_a_token_until_it_expires_and_only_as_signed() {
    let app = TestApp::spawn().await;
    let (_, issuer, id) = draft(&app).await;
    let list = format!("/api/v1/challenges/{id}/documents");
    let bytes = pdf("需求说明", "发榜企业");
    let doc = id_of(&upload_ok(&app, &list, "需求说明.pdf", bytes.clone(), &issuer.access).await);
    let link_path = format!("/api/v1/documents/{doc}/link");
    // Who may not see the document gets no link.
    assert_status(app.get(&link_path, None).await, 404).await;
    let link = app.get_ok(&link_path, Some(&issuer.access)).await;
    let url = link["url"].as_str().unwrap().to_string();
    assert!(url.contains("copy=original"), "{url}");
    let resp = app.get(&url, None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);

    // Tampered: the signature, the expiry, the document.
    let (base, signature) = url.split_once("signature=").unwrap();
    let mut flipped = signature.to_string();
    let last = if flipped.ends_with('A') { "B" } else { "A" };
    flipped.replace_range(flipped.len() - 1.., last);
    let later = {
        let expires: i64 = url
            .split("expires=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        url.replace(
            &format!("expires={expires}"),
            &format!("expires={}", expires + 3600),
        )
    };
    let other = upload_ok(&app, &list, "其他.pdf", pdf("其他", "x"), &issuer.access).await;
    let moved = url.replace(&doc, &id_of(&other));
    for tampered in [format!("{base}signature={flipped}"), later, moved] {
        assert_problem(app.get(&tampered, None).await, 403, "link_invalid").await;
    }

    // Expired.
    let ttl = app.state.settings.documents.link_ttl_secs as i64;
    app.state.clock.advance(Duration::seconds(ttl + 1));
    assert_problem(app.get(&url, None).await, 403, "link_invalid").await;
    let fresh = app.get_ok(&link_path, Some(&issuer.access)).await;
    assert_eq!(
        app.get(fresh["url"].as_str().unwrap(), None).await.status(),
        200
    );
}

// 7. Storage by content.

/// The files under a folder, recursively.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
            .sum()
    })
}

#[tokio::test]
async fn the_same_content_uploaded_to_two_bids_is_stored_once() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).build().await;
    let bytes = pdf("承诺书", "模板");
    let mut hashes = Vec::new();
    for (bid, name) in s.bids.iter().zip(["甲-承诺书.pdf", "乙-承诺书.pdf"]) {
        let path = format!("/api/v1/bids/{}/documents", bid.id);
        let doc = upload_ok(&app, &path, name, bytes.clone(), &bid.solver.access).await;
        assert_eq!(doc["file_name"], name);
        hashes.push(doc["sha256"].clone());
    }
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(files_under(&app.documents_store()), 1);
    let other = format!("/api/v1/bids/{}/documents", s.bids[0].id);
    upload_ok(
        &app,
        &other,
        "另一份.pdf",
        pdf("另一份", "x"),
        &s.bids[0].solver.access,
    )
    .await;
    assert_eq!(files_under(&app.documents_store()), 2);
}

#[tokio::test]
async fn a_withdrawn_bids_documents_stay_with_its_team_after_the_opening() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).build().await;
    let mut docs = Vec::new();
    for bid in &s.bids {
        let path = format!("/api/v1/bids/{}/documents", bid.id);
        let doc = upload_ok(
            &app,
            &path,
            "申报书.pdf",
            pdf(&bid.id, "x"),
            &bid.solver.access,
        )
        .await;
        docs.push((path, id_of(&doc)));
    }
    let withdraw = format!("/api/v1/bids/{}/withdraw", s.bids[1].id);
    app.post_ok(&withdraw, &json!({}), Some(&s.bids[1].solver.access))
        .await;
    s.close_bidding().await;
    let (kept, withdrawn) = (&docs[0], &docs[1]);
    assert_matrix(&app, &kept.0, &kept.1, &[("issuer", Some(&s.issuer), 200)]).await;
    let rows: Vec<Row<'_>> = vec![
        ("issuer", Some(&s.issuer), 404),
        ("its team", Some(&s.bids[1].solver), 200),
        ("admin", Some(&s.admin), 200),
    ];
    assert_matrix(&app, &withdrawn.0, &withdrawn.1, &rows).await;
}
