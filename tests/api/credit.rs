//! Credit (信用审查): records, imports (UTF-8, BOM, GBK, bad lines, bad files), standing with
//! expired and repaired records, the policy, immutable checks, batch reviews, the command line.

use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use jiebang::audit::RequestMeta;
use jiebang::credit::{self, CheckRequest, CheckResult, Purpose, Standing, Subject};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cli::jiebang;
use crate::helpers::{
    TestApp, Tokens, assert_csv, assert_problem, assert_status, database_url, error_fields,
    new_uscc,
};

const HEADER: &str = "主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至";
const PERSON_ID: &str = "34052419800101001X";
const PERSON_MASKED: &str = "340524********001X";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/samples/credit/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn import(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/credit/imports{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn import_ok(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> Value {
    assert_status(import(app, token, query, body).await, 201).await
}

/// One of the sample files imported by the admin; answers the import's report.
async fn import_sample(app: &TestApp, admin: &Tokens, query: &str, file: &str) -> Value {
    import_ok(app, &admin.access, query, sample(file)).await
}

fn counts(report: &Value) -> (i64, i64, i64, i64, i64) {
    let n = |k: &str| report[k].as_i64().unwrap();
    (
        n("read"),
        n("inserted"),
        n("updated"),
        n("unchanged"),
        n("rejected"),
    )
}

async fn record_count(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM credit_records").await
}

async fn add_record(app: &TestApp, token: &str, body: Value) -> Value {
    app.post_created("/api/v1/credit/records", &body, Some(token))
        .await
}

async fn check(app: &TestApp, token: &str, kind: &str, code: &str, general_blocks: bool) -> Value {
    let body = json!({"subject_kind": kind, "subject_code": code, "subject_name": "受查主体",
                      "general_blocks": general_blocks});
    app.post_created("/api/v1/credit/checks", &body, Some(token))
        .await
}

/// A page of `GET /credit/{what}?{query}` (records or checks), as the admin reads it.
async fn listed(app: &TestApp, admin: &Tokens, what: &str, query: &str) -> Value {
    let path = format!("/api/v1/credit/{what}?{query}");
    app.get_ok(&path, Some(&admin.access)).await
}

fn today() -> chrono::NaiveDate {
    credit::business_date(Utc::now())
}

/// A serious record against an organisation (entered by hand as M-1).
fn serious_org() -> Value {
    json!({
        "subject_kind": "organization", "subject_code": "9135021359498494XQ",
        "subject_name": "厦门某公司", "severity": "serious", "decided_on": "2024-01-02",
        "source_record_id": "M-1",
    })
}

/// A general record against 张三, valid until 2099, his ID number written with a small x.
fn general_person() -> Value {
    json!({"subject_kind": "person", "subject_code": "34052419800101001x", "subject_name": "张三",
           "severity": "general", "decided_on": "2024-01-02", "valid_until": "2099-12-31"})
}

#[tokio::test]
async fn records_are_entered_by_admins_only_once_and_with_valid_codes() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let solver = app.solver().await;
    let enter = async |body: &Value, who: &Tokens| {
        app.post("/api/v1/credit/records", body, Some(&who.access))
            .await
    };
    assert_problem(enter(&serious_org(), &solver).await, 403, "forbidden").await;
    let org = add_record(&app, &admin.access, serious_org()).await;
    assert_eq!(org["subject_code"], "9135021359498494XQ");
    assert_eq!(org["source"], "manual");
    assert_eq!(org["in_force"], true);
    let resp = enter(&serious_org(), &admin).await;
    assert_problem(resp, 409, "credit_record_exists").await;

    // Wrong check characters, and letters outside the USCC alphabet, name the field.
    for (kind, code, reason) in [
        ("organization", "91350203M0001QAY9B", "check_character"),
        ("organization", "91350200S76049653A", "invalid_character"),
        ("person", "340524198001010010", "check_character"),
    ] {
        let body = json!({"subject_kind": kind, "subject_code": code, "subject_name": "某",
                          "severity": "general", "decided_on": "2024-01-02"});
        let resp = enter(&body, &admin).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["subject_code"]);
        assert_eq!(problem["errors"][0]["code"], reason, "{code}");
    }
}

#[tokio::test]
async fn a_persons_record_keeps_only_the_masked_number_and_lists_filter_by_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    add_record(&app, &admin.access, serious_org()).await;
    let person = add_record(&app, &admin.access, general_person()).await;
    assert_eq!(person["subject_code"], PERSON_MASKED);
    let stored: String = app
        .db()
        .await
        .query_one(
            "SELECT row_to_json(r)::text FROM credit_records r WHERE subject_kind = 'person'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!stored.contains(PERSON_ID), "{stored}");

    // Listing: by ID number (matched by hash), by kind, by severity, in force.
    let list = listed(&app, &admin, "records", &format!("code={PERSON_ID}")).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], person["id"]);
    let query = "subject_kind=organization&severity=serious&in_force=true&per_page=5";
    let list = listed(&app, &admin, "records", query).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["per_page"], 5);
    let resp = app
        .get("/api/v1/credit/records?code=nonsense", Some(&admin.access))
        .await;
    assert_problem(resp, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_repaired_record_is_no_longer_in_force_and_each_change_is_audited_masked() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let org = add_record(&app, &admin.access, serious_org()).await;
    add_record(&app, &admin.access, general_person()).await;
    let repair = async |id: &str, body: Value| {
        let path = format!("/api/v1/credit/records/{id}/repair");
        app.post(&path, &body, Some(&admin.access)).await
    };
    let org_id = org["id"].as_str().unwrap();
    let tomorrow = today() + Duration::days(1);
    let resp = repair(org_id, json!({"repaired_on": tomorrow, "note": "x"})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["repaired_on"]);
    let repaired = assert_status(repair(org_id, json!({"note": "已履行义务"})).await, 200).await;
    assert_eq!(repaired["repaired"], true);
    assert_eq!(repaired["in_force"], false);
    assert_eq!(repaired["repair_note"], "已履行义务");
    let resp = repair(org_id, json!({"note": "again"})).await;
    assert_problem(resp, 409, "credit_record_already_repaired").await;
    let unknown = Uuid::new_v4().to_string();
    assert_problem(
        repair(&unknown, json!({"note": "x"})).await,
        404,
        "not_found",
    )
    .await;
    let list = listed(&app, &admin, "records", "in_force=false").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], org["id"]);

    // Audited, with the masked ID number only.
    let actions: Vec<String> = app
        .column(
            "SELECT action FROM audit_log WHERE action LIKE 'credit.%' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(
        actions,
        vec![
            "credit.record_create",
            "credit.record_create",
            "credit.record_repair"
        ]
    );
    let leaked = app
        .count("SELECT count(*) FROM audit_log WHERE summary::text LIKE '%3405241980010100%'")
        .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_and_a_changed_row_updates() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let first = import_sample(&app, &admin, "", "sample-utf8.csv").await;
    assert_eq!(counts(&first), (5, 5, 0, 0, 0), "{first}");
    assert_eq!(first["encoding"], "utf-8");
    assert_eq!(first["source"], "credit_center");
    let again = import_sample(&app, &admin, "", "sample-utf8.csv").await;
    assert_eq!(counts(&again), (5, 0, 0, 5, 0), "{again}");
    assert_eq!(record_count(&app).await, 5);

    // One row changes its severity: that record is updated, the rest untouched.
    let text = String::from_utf8(sample("sample-utf8.csv")).unwrap();
    let changed = text.replace(
        "泉州某装备制造有限公司,91350500MA3L00042R,严重,",
        "泉州某装备制造有限公司,91350500MA3L00042R,一般失信,",
    );
    assert_ne!(changed, text);
    let third = import_ok(&app, &admin.access, "", changed.clone().into_bytes()).await;
    assert_eq!(counts(&third), (5, 0, 1, 4, 0), "{third}");
    let general = app
        .count("SELECT count(*) FROM credit_records WHERE source_record_id = 'QZ-2024-0004' AND severity = 'general'")
        .await;
    assert_eq!(general, 1);

    // Another source is another record.
    let other = import_sample(&app, &admin, "?source=other_centre", "sample-utf8.csv").await;
    assert_eq!(counts(&other), (5, 5, 0, 0, 0));

    // The stored summary can be read back; the import is audited.
    let path = format!("/api/v1/credit/imports/{}", third["id"].as_str().unwrap());
    let stored = app.get_ok(&path, Some(&admin.access)).await;
    assert_eq!(counts(&stored), counts(&third));
    assert_eq!(app.audited("credit.import").await, 4);

    // The changed record has an audit entry of its own, with before and after.
    let change = app
        .db()
        .await
        .query_one(
            "SELECT summary::text FROM audit_log WHERE action = 'credit.record_update'",
            &[],
        )
        .await
        .unwrap();
    let summary: Value = serde_json::from_str(change.get::<_, &str>(0)).unwrap();
    assert_eq!(summary["source_record_id"], "QZ-2024-0004");
    assert_eq!(summary["before"]["severity"], "serious");
    assert_eq!(summary["after"]["severity"], "general");
    assert_eq!(summary["import_id"], third["id"]);

    // A repair survives a re-import that changes other fields, but not a new, later decision.
    let id: String = app
        .db()
        .await
        .query_one(
            "SELECT id::text FROM credit_records WHERE source = 'credit_center' AND source_record_id = 'QZ-2024-0004'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let repair = json!({"repaired_on": "2024-08-01", "note": "已补发工资"});
    let path = format!("/api/v1/credit/records/{id}/repair");
    app.post_ok(&path, &repair, Some(&admin.access)).await;
    let renamed = changed.replace("拖欠农民工工资", "拖欠农民工工资（已整改）");
    import_ok(&app, &admin.access, "", renamed.clone().into_bytes()).await;
    let db = app.db().await;
    let repaired_on = async || -> Option<String> {
        db.query_one(
            "SELECT repaired_on::text FROM credit_records WHERE source = 'credit_center' AND source_record_id = 'QZ-2024-0004'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
    };
    assert_eq!(repaired_on().await.as_deref(), Some("2024-08-01"));
    let redecided = renamed.replace(",QZ-2024-0004,2024/7/1,", ",QZ-2024-0004,2024/9/1,");
    assert_ne!(redecided, renamed);
    import_ok(&app, &admin.access, "", redecided.into_bytes()).await;
    assert_eq!(repaired_on().await, None);
}

#[tokio::test]
async fn a_gbk_file_reads_as_its_utf8_twin_and_persons_are_kept_masked() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let gbk = import_sample(&app, &admin, "", "sample-gbk.csv").await;
    assert_eq!(gbk["encoding"], "gb18030");
    assert_eq!(counts(&gbk), (5, 5, 0, 0, 0), "{gbk}");
    // The UTF-8 (BOM) twin decodes to exactly the same records.
    let utf8 = import_sample(&app, &admin, "?encoding=utf-8", "sample-utf8.csv").await;
    assert_eq!(counts(&utf8), (5, 0, 0, 5, 0), "{utf8}");
    let forced = import_sample(&app, &admin, "?encoding=gbk", "sample-gbk.csv").await;
    assert_eq!(counts(&forced), (5, 0, 0, 5, 0));

    let rows = app
        .db()
        .await
        .query(
            "SELECT subject_name, subject_code, reason, decided_on::text, coalesce(valid_until::text, '')
             FROM credit_records ORDER BY source_record_id",
            &[],
        )
        .await
        .unwrap();
    let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert!(
        names.contains(&"福建某生物科技有限公司".to_string()),
        "{names:?}"
    );
    let zhang = rows
        .iter()
        .find(|r| r.get::<_, String>(0) == "张三")
        .unwrap();
    assert_eq!(zhang.get::<_, String>(1), "350203********1235");
    assert_eq!(zhang.get::<_, String>(2), "项目申报材料造假（含\"代写\"）");
    assert_eq!(zhang.get::<_, String>(3), "2023-06-30");
    let li = rows
        .iter()
        .find(|r| r.get::<_, String>(0) == "李四")
        .unwrap();
    assert_eq!(li.get::<_, String>(2), "延期交付，\n经催告仍未履行");

    // Forcing the wrong encoding, or one we do not know.
    let resp = import(
        &app,
        &admin.access,
        "?encoding=utf-8",
        sample("sample-gbk.csv"),
    )
    .await;
    assert_problem(resp, 400, "credit_file_encoding").await;
    let resp = import(
        &app,
        &admin.access,
        "?encoding=latin1",
        sample("sample-gbk.csv"),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["encoding"]);
}

#[tokio::test]
async fn bad_lines_are_reported_by_number_while_good_lines_land() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let file = format!(
        "{HEADER}\r\n\
         法人,好一,913502000728319549,严重失信,,,,G1,2024/1/2,\r\n\
         法人,坏一,91350203M0001QAY9B,严重失信,,,,B1,2024-01-02,\r\n\
         自然人,坏二,{PERSON_ID},很严重,,,,B2,2024-01-02,\r\n\
         自然人,好二,{PERSON_ID},一般失信,,,,G2,2024-01-02,2099/12/31\r\n\
         法人,坏三,913502000728319549,一般失信,,,,B3,2024-02-30,\r\n\
         法人,,913502000728319549,一般失信,,,,B4,2024-01-02,\r\n"
    );
    let report = import_ok(&app, &admin.access, "", file.into_bytes()).await;
    assert_eq!(counts(&report), (6, 2, 0, 0, 4), "{report}");
    let lines: Vec<(i64, String, String)> = report["rejected_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_i64().unwrap(),
                l["column"].as_str().unwrap_or("").to_string(),
                l["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                3,
                "统一社会信用代码或身份证号".into(),
                "check_character".into()
            ),
            (4, "严重程度".into(), "unknown_severity".into()),
            (6, "认定日期".into(), "bad_date".into()),
            (7, "主体名称".into(), "missing_field".into()),
        ]
    );
    assert!(!report.to_string().contains(PERSON_ID));
    assert_eq!(record_count(&app).await, 2);
}

/// `GET /credit/imports/{id}` in a language (`Accept-Language`), as the admin reads it.
async fn import_in(app: &TestApp, admin: &Tokens, id: &str, language: &str) -> Value {
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/credit/imports/{id}")))
        .bearer_auth(&admin.access)
        .header("accept-language", language)
        .send()
        .await
        .unwrap();
    assert_status(resp, 200).await
}

#[tokio::test]
async fn rejected_lines_are_told_in_the_readers_language_and_old_reports_as_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let file = format!(
        "{HEADER}\n\
         自然人,坏一,340524198001010010,严重失信,,,,B1,2024-01-02,\n\
         法人,坏二,913502000728319549,较重,,,,B2,2024-01-02,\n"
    );
    let report = import_ok(&app, &admin.access, "", file.into_bytes()).await;
    let messages = |report: &Value| -> Vec<String> {
        report["rejected_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["message"].as_str().unwrap().to_string())
            .collect()
    };
    let chinese = vec![
        "身份证号校验位错误".to_string(),
        "严重程度“较重”无法识别，应为 严重失信 或 一般失信".to_string(),
    ];
    assert_eq!(messages(&report), chinese);
    let id = report["id"].as_str().unwrap();
    assert_eq!(
        messages(&import_in(&app, &admin, id, "zh-CN").await),
        chinese
    );
    let english = import_in(&app, &admin, id, "en-GB,en;q=0.9").await;
    assert_eq!(
        messages(&english),
        vec![
            "The ID number has a wrong check character",
            "Severity “较重” is not recognised: use 严重失信 (serious) or 一般失信 (general)",
        ]
    );
    assert_eq!(english["rejected_lines"][1]["column"], "严重程度");
    assert_eq!(english["rejected_lines"][1]["code"], "unknown_severity");

    // Stored: the code and what the message needs, not the words.
    let stored = app
        .db()
        .await
        .query_one(
            "SELECT rejected_lines::text FROM credit_imports WHERE id = $1::text::uuid",
            &[&id],
        )
        .await
        .unwrap()
        .get::<_, String>(0);
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        stored[1],
        json!({"line": 3, "column": "严重程度", "code": "unknown_severity", "args": {"value": "较重"}})
    );

    // A report stored with its messages in words is shown as it was stored, in any language.
    let old = json!([{"line": 2, "column": "认定日期", "code": "bad_date", "message": "日期“2024-13-02”无法识别"}]);
    app.db()
        .await
        .execute(
            "UPDATE credit_imports SET rejected_lines = $1::text::jsonb WHERE id = $2::text::uuid",
            &[&old.to_string(), &id],
        )
        .await
        .unwrap();
    let shown = import_in(&app, &admin, id, "en").await;
    assert_eq!(shown["rejected_lines"], old);
}

#[tokio::test]
async fn bad_files_are_refused_whole_or_reported_never_half_applied() {
    let app = TestApp::spawn_with(|s| s.credit.import_max_bytes = 1_000_000).await;
    let admin = app.admin().await;
    let solver = app.solver().await;
    let resp = import(&app, &solver.access, "", sample("sample-utf8.csv")).await;
    assert_problem(resp, 403, "forbidden").await;

    let resp = import(&app, &admin.access, "", Vec::new()).await;
    assert_problem(resp, 400, "credit_file_empty").await;
    let resp = import(&app, &admin.access, "", b"\r\n  \r\n".to_vec()).await;
    assert_problem(resp, 400, "credit_file_empty").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec();
    let resp = import(&app, &admin.access, "", png).await;
    assert_problem(resp, 400, "credit_file_not_csv").await;
    let resp = import(&app, &admin.access, "", b"a,b,c\n1,2,3\n".to_vec()).await;
    assert_problem(resp, 400, "credit_file_not_csv").await;
    let resp = import(
        &app,
        &admin.access,
        "",
        "主体类型,主体名称,严重程度,认定日期\n法人,某,严重失信,2024-01-02\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    let problem = assert_problem(resp, 400, "credit_file_missing_columns").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("记录编号"), "{detail}");
    // In English, the columns by their English names.
    let resp = app
        .client
        .post(app.url("/api/v1/credit/imports"))
        .bearer_auth(&admin.access)
        .header("content-type", "text/csv")
        .header("accept-language", "en")
        .body("主体类型,主体名称,严重程度,认定日期\n法人,某,严重失信,2024-01-02\n")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 400, "credit_file_missing_columns").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("record_id") && !detail.contains("记录编号"),
        "{detail}"
    );
    let resp = app
        .post("/api/v1/credit/imports", &json!({}), Some(&admin.access))
        .await;
    assert_problem(resp, 415, "unsupported_media_type").await;

    // Over the configured limit (its own, not the JSON body limit).
    let mut big = format!("{HEADER}\n").into_bytes();
    while big.len() <= 1_000_000 {
        big.extend_from_slice("法人,某,913502000728319549,一般失信,,,,X,2024-01-02,\n".as_bytes());
    }
    let resp = import(&app, &admin.access, "", big).await;
    assert_problem(resp, 413, "payload_too_large").await;

    // 10,000 bad lines (and one good one): a report, capped, with every line counted.
    let mut file = format!("{HEADER}\n");
    for i in 0..10_000 {
        file.push_str(&format!(
            "法人,某,91350203M0001QAY9B,严重失信,,,,B{i},2024-01-02,\n"
        ));
    }
    file.push_str("法人,好,913502000728319549,一般失信,,,,G,2024-01-02,\n");
    let report = import_ok(&app, &admin.access, "", file.into_bytes()).await;
    assert_eq!(counts(&report), (10_001, 1, 0, 0, 10_000));
    assert_eq!(report["rejected_lines"].as_array().unwrap().len(), 1000);
    assert_eq!(report["rejected_truncated"], true);
    assert_eq!(report["rejected_lines"][999]["line"], 1001);
    assert_eq!(record_count(&app).await, 1);
    let imports = app.count("SELECT count(*) FROM credit_imports").await;
    assert_eq!(imports, 1, "refused files leave no import behind");
}

#[tokio::test]
async fn standing_counts_records_in_force_and_old_checks_keep_what_they_saw() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let uscc = new_uscc();
    let serious = add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "organization", "subject_code": uscc, "subject_name": "甲公司",
               "severity": "serious", "decided_on": "2024-01-02"}),
    )
    .await;
    add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "organization", "subject_code": uscc, "subject_name": "甲公司",
               "severity": "general", "decided_on": "2024-01-02",
               "valid_until": today() + Duration::days(10)}),
    )
    .await;
    // Expired long ago: never counts.
    add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "organization", "subject_code": uscc, "subject_name": "甲公司",
               "severity": "serious", "decided_on": "2020-01-02", "valid_until": "2021-01-01"}),
    )
    .await;

    let first = check(&app, &admin.access, "organization", &uscc, false).await;
    assert_eq!(first["standing"], "serious");
    assert_eq!(first["result"], "block");
    assert_eq!(first["matched"].as_array().unwrap().len(), 2);

    let repair = format!(
        "/api/v1/credit/records/{}/repair",
        serious["id"].as_str().unwrap()
    );
    app.post_ok(&repair, &json!({"note": "信用修复"}), Some(&admin.access))
        .await;
    let second = check(&app, &admin.access, "organization", &uscc, false).await;
    assert_eq!(second["standing"], "general");
    assert_eq!(second["result"], "warn");
    assert_eq!(second["matched"].as_array().unwrap().len(), 1);

    app.state.clock.advance(Duration::days(11));
    let third = check(&app, &admin.access, "organization", &uscc, false).await;
    assert_eq!(third["standing"], "good");
    assert_eq!(third["result"], "pass");
    assert!(third["matched"].as_array().unwrap().is_empty());

    // The first check still shows the serious record, unrepaired, as it was.
    let path = format!("/api/v1/credit/checks/{}", first["id"].as_str().unwrap());
    let old = app.get_ok(&path, Some(&admin.access)).await;
    assert_eq!(old["result"], "block");
    let seen = old["matched"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == serious["id"])
        .expect("the serious record");
    assert_eq!(seen["repaired"], false);

    // Listing with filters.
    let list = listed(&app, &admin, "checks", &format!("code={uscc}&result=block")).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], first["id"]);
    let query = "purpose=manual&subject_kind=organization";
    let list = listed(&app, &admin, "checks", query).await;
    assert_eq!(list["total"], 3);
    // Newest first.
    assert_eq!(list["items"][0]["id"], third["id"]);
}

#[tokio::test]
async fn serious_blocks_and_general_warns_or_blocks_where_the_caller_says() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "person", "subject_code": PERSON_ID, "subject_name": "张三",
               "severity": "general", "decided_on": "2024-01-02"}),
    )
    .await;
    let warn = check(&app, &admin.access, "person", PERSON_ID, false).await;
    assert_eq!(
        (warn["standing"].as_str(), warn["result"].as_str()),
        (Some("general"), Some("warn"))
    );
    assert_eq!(warn["subject_code"], PERSON_MASKED);
    let block = check(&app, &admin.access, "person", PERSON_ID, true).await;
    assert_eq!(block["result"], "block");
    let clean = check(&app, &admin.access, "person", "11010519491231002X", true).await;
    assert_eq!(clean["result"], "pass");

    let uscc = new_uscc();
    add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "organization", "subject_code": uscc, "subject_name": "乙公司",
               "severity": "serious", "decided_on": "2024-01-02"}),
    )
    .await;
    let serious = check(&app, &admin.access, "organization", &uscc, false).await;
    assert_eq!(serious["result"], "block");

    let solver = app.solver().await;
    let by_code =
        |code: &str| json!({"subject_kind": "person", "subject_code": code, "subject_name": "x"});
    for (path, body) in [
        ("/api/v1/credit/checks", by_code(PERSON_ID)),
        (
            "/api/v1/credit/reviews",
            json!({"challenge_ids": [Uuid::new_v4()]}),
        ),
    ] {
        let resp = app.post(path, &body, Some(&solver.access)).await;
        assert_problem(resp, 403, "forbidden").await;
    }
    for path in ["/api/v1/credit/checks", "/api/v1/credit/records"] {
        let resp = app.get(path, Some(&solver.access)).await;
        assert_problem(resp, 403, "forbidden").await;
    }
    // Checks by ID number in the query string (redacted to its hash before logging) still match.
    let list = listed(&app, &admin, "checks", &format!("code={PERSON_ID}")).await;
    assert_eq!(list["total"], 2);

    let resp = app
        .post(
            "/api/v1/credit/checks",
            &by_code("340524198001010010"),
            Some(&admin.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["subject_code"]);

    let everything: String = app
        .db()
        .await
        .query_one(
            "SELECT (SELECT coalesce(json_agg(c)::text, '') FROM credit_checks c) ||
                    (SELECT coalesce(json_agg(a)::text, '') FROM audit_log a)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(everything.contains(PERSON_MASKED));
    assert!(!everything.contains(PERSON_ID));
    assert!(!everything.contains("11010519491231002X"));
}

#[tokio::test]
async fn the_check_function_runs_in_the_callers_transaction_and_checks_cannot_be_changed() {
    let app = TestApp::spawn().await;
    let state = app.state.clone();
    let mut conn = state.conn().await.unwrap();
    let subject = Subject::person(&state.privacy, PERSON_ID, "张三").unwrap();
    // Rolled back with the caller's transaction: nothing stays.
    let result = conn
        .transaction::<(), jiebang::error::AppError, _>(async |conn| {
            let outcome = credit::check(
                conn,
                &state,
                &RequestMeta::default(),
                CheckRequest {
                    subject: subject.clone(),
                    purpose: Purpose::BidSubmit,
                    general_blocks: true,
                    requested_by: None,
                    context: Some(json!({"challenge_id": Uuid::new_v4()})),
                },
            )
            .await?;
            assert_eq!(outcome.result, CheckResult::Pass);
            assert_eq!(outcome.standing, Standing::Good);
            Err(jiebang::error::AppError::NotFound)
        })
        .await;
    assert!(result.is_err());
    let db = app.db().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(count("SELECT count(*) FROM credit_checks").await, 0);

    let outcome = credit::check(
        &mut conn,
        &state,
        &RequestMeta::default(),
        CheckRequest {
            subject,
            purpose: Purpose::PanelDraw,
            general_blocks: false,
            requested_by: None,
            context: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.subject_code, PERSON_MASKED);
    assert_eq!(count("SELECT count(*) FROM credit_checks").await, 1);
    assert_eq!(
        count("SELECT count(*) FROM audit_log WHERE action = 'credit.check'").await,
        1
    );
    for sql in [
        "UPDATE credit_checks SET result = 'block'",
        "DELETE FROM credit_checks",
        "TRUNCATE credit_checks",
    ] {
        let err = db.batch_execute(sql).await.unwrap_err();
        assert!(
            err.to_string().contains("immutable") || format!("{err:?}").contains("immutable"),
            "{sql}: {err:?}"
        );
    }
    assert_eq!(count("SELECT count(*) FROM credit_checks").await, 1);
}

/// An issuer organisation with `n` challenges inserted directly (the challenges API is another
/// module's); answers (uscc, challenge ids).
async fn issuer_with_challenges(app: &TestApp, n: usize) -> (String, Vec<Uuid>) {
    let email = format!("issuer-{}@example.com", Uuid::new_v4().simple());
    let user = app.register(&email, "issuer").await;
    let org_id: Uuid = user["organization"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let user_id: Uuid = user["id"].as_str().unwrap().parse().unwrap();
    let uscc = user["organization"]["uscc"].as_str().unwrap().to_string();
    let db = app.db().await;
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = Uuid::new_v4();
        db.execute(
            "INSERT INTO challenges (id, issuer_org_id, created_by, title, category, field, description,
                kpis, bounty_fen, bid_opens_at, bid_closes_at, max_duration_months, eligible_org_kinds, rubric)
             VALUES ($1::text::uuid, $2::text::uuid, $3::text::uuid, '高性能碳纤维复合材料', 'tech_breakthrough', 'new_materials', '描述',
                '[{\"name\": \"强度\", \"target\": \"5\", \"unit\": \"GPa\"}]', 100000000,
                now(), now() + interval '30 days', 24, '{enterprise}', '[]')",
            &[&id.to_string(), &org_id.to_string(), &user_id.to_string()],
        )
        .await
        .unwrap();
        ids.push(id);
    }
    (uscc, ids)
}

#[tokio::test]
async fn a_batch_review_checks_each_involved_subject_once_and_totals_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (clean, clean_ids) = issuer_with_challenges(&app, 2).await;
    let (general, general_ids) = issuer_with_challenges(&app, 1).await;
    let (serious, serious_ids) = issuer_with_challenges(&app, 1).await;
    let (outsider, _) = issuer_with_challenges(&app, 1).await;
    for (code, severity) in [(&general, "general"), (&serious, "serious")] {
        add_record(
            &app,
            &admin.access,
            json!({"subject_kind": "organization", "subject_code": code, "subject_name": "某",
                   "severity": severity, "decided_on": "2024-01-02"}),
        )
        .await;
    }
    let ids: Vec<Uuid> = [clean_ids, general_ids, serious_ids].concat();
    let review = app
        .post_created(
            "/api/v1/credit/reviews",
            &json!({"challenge_ids": ids}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(
        review["totals"]["organization"],
        json!({"pass": 1, "warn": 1, "block": 1, "total": 3})
    );
    assert_eq!(
        review["totals"]["person"],
        json!({"pass": 0, "warn": 0, "block": 0, "total": 0})
    );
    let items = review["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        3,
        "the issuer with two challenges is checked once"
    );
    let result_of = |code: &str| {
        items
            .iter()
            .find(|i| i["subject_code"] == code)
            .map(|i| i["result"].as_str().unwrap().to_string())
    };
    assert_eq!(result_of(&clean).as_deref(), Some("pass"));
    assert_eq!(result_of(&general).as_deref(), Some("warn"));
    assert_eq!(result_of(&serious).as_deref(), Some("block"));
    assert_eq!(
        result_of(&outsider),
        None,
        "not among the chosen challenges"
    );

    // The checks are stored with the review, and the review can be read back, also as CSV.
    let id = review["id"].as_str().unwrap();
    let query = format!("review_id={id}&purpose=batch_review");
    assert_eq!(listed(&app, &admin, "checks", &query).await["total"], 3);
    let path = format!("/api/v1/credit/reviews/{id}");
    let again = app.get_ok(&path, Some(&admin.access)).await;
    assert_eq!(again["totals"], review["totals"]);
    let csv = format!("{path}?format=csv");
    let csv = assert_csv(app.get(&csv, Some(&admin.access)).await).await;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("主体类型,主体名称"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&serious) && l.contains("限制")),
        "{csv}"
    );
    // In English for an English reader.
    let resp = app
        .client
        .get(app.url(&format!("{path}?format=csv")))
        .bearer_auth(&admin.access)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let english = assert_csv(resp).await;
    let english: Vec<&str> = english.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        english[0].starts_with("Subject kind,Subject name"),
        "{english:?}"
    );
    assert!(
        english
            .iter()
            .any(|l| l.contains(&serious) && l.contains("Serious dishonesty,Block")),
        "{english:?}"
    );

    // By creation time: every challenge made so far, the outsider's issuer too; as CSV at once.
    let resp = app
        .client
        .post(app.url("/api/v1/credit/reviews"))
        .bearer_auth(&admin.access)
        .header("accept", "text/csv")
        .json(&json!({"created_from": Utc::now() - Duration::hours(1),
                      "created_to": Utc::now() + Duration::hours(1)}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let csv = resp.text().await.unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");

    let resp = app
        .post("/api/v1/credit/reviews", &json!({}), Some(&admin.access))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["challenge_ids"]);
    assert_eq!(app.audited("credit.review").await, 2);
}

#[tokio::test]
async fn the_import_credit_command_imports_a_file() {
    let app = TestApp::spawn().await;
    let run = |args: &[&str]| {
        jiebang(&database_url(&app.db_name))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "import-credit",
        "samples/credit/sample-gbk.csv",
        "--source",
        "cli_centre",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("read 5, inserted 5, updated 0, unchanged 0, rejected 0"),
        "{stdout}"
    );
    assert!(stdout.contains("gb18030"), "{stdout}");
    let out = run(&[
        "import-credit",
        "samples/credit/sample-utf8.csv",
        "--source",
        "cli_centre",
        "--encoding",
        "utf-8",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("unchanged 5"), "{stdout}");
    assert_eq!(record_count(&app).await, 5);

    let out = run(&["import-credit", "samples/credit/README.md"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("表头") || stderr.contains("header"),
        "{stderr}"
    );
    let out = run(&[
        "import-credit",
        "samples/credit/sample-gbk.csv",
        "--encoding",
        "latin1",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown encoding"));
}

#[tokio::test]
async fn an_all_digit_uscc_that_is_also_a_valid_id_number_is_found_as_both() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // Valid as a USCC (the example) and, by chance, as an ID number too.
    let code = "913502000728319549";
    assert!(jiebang::codes::parse_id_number(code).is_ok());
    add_record(
        &app,
        &admin.access,
        json!({"subject_kind": "organization", "subject_code": code, "subject_name": "某公司",
               "severity": "general", "decided_on": "2024-01-02"}),
    )
    .await;
    for query in [
        format!("code={code}"),
        format!("code={code}&subject_kind=organization"),
    ] {
        let list = listed(&app, &admin, "records", &query).await;
        assert_eq!(list["total"], 1, "{query}");
        assert_eq!(list["items"][0]["subject_code"], code);
    }
    let query = format!("code={code}&subject_kind=person");
    assert_eq!(listed(&app, &admin, "records", &query).await["total"], 0);
}

#[tokio::test]
async fn a_line_of_a_million_separators_is_rejected_and_every_line_accounted_for() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let header = "主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至";
    let good =
        |id: &str| format!("法人,厦门某公司,913502000728319549,严重失信,,,,{id},2024-01-02,");
    let file = format!(
        "{header}\n{}\n{}\n{}\n",
        good("M1"),
        ",".repeat(1 << 20),
        good("M2")
    );
    let report = import_ok(&app, &admin.access, "", file.into_bytes()).await;
    let (read, inserted, updated, unchanged, rejected) = counts(&report);
    assert_eq!((read, inserted, rejected), (3, 2, 1), "{report}");
    assert_eq!(read, inserted + updated + unchanged + rejected);
    let line = &report["rejected_lines"][0];
    assert_eq!(line["line"], 3, "{report}");
    assert_eq!(line["code"], "wrong_field_count", "{report}");
    assert!(
        line["message"].as_str().unwrap().contains("1048577"),
        "{report}"
    );
}
