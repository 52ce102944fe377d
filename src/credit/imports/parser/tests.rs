//! The parser on files good and bad.

use secrecy::SecretString;

use super::*;
use crate::credit::imports::views::RejectedLine;
use crate::i18n::Locale;

#[test]
fn echoed_values_never_carry_an_id_number_and_stay_short() {
    assert_eq!(echo("34052419800101001X"), "340524********001X");
    assert_eq!(echo("张三,34052419800101001x;"), "张三,340524********001X;");
    assert_eq!(echo("严重"), "严重");
    assert_eq!(echo(&"长".repeat(40)).chars().count(), 33);
    assert!(open_ended("长期") && open_ended(" - ") && !open_ended("2024-01-02"));
}

const HEADER: &str = "主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至";

fn privacy() -> Privacy {
    Privacy::new(SecretString::from("test-key"))
}

fn parse_all(text: &str) -> Result<(Vec<ImportRow>, Parser<'_>), FileError> {
    // Leaked for the test's lifetime: the parser borrows the key.
    let privacy: &'static Privacy = Box::leak(Box::new(privacy()));
    let mut parser = Parser::new(text.as_bytes(), privacy, 1000)?;
    let mut rows = Vec::new();
    loop {
        let chunk = parser.next_chunk(2);
        if chunk.is_empty() {
            break;
        }
        rows.extend(chunk);
    }
    Ok((rows, parser))
}

#[test]
fn reads_chinese_headers_quotes_crlf_and_both_date_forms() {
    let text = format!(
        "{HEADER}\r\n法人,\"厦门某公司,有限\",9135021359498494XQ,严重失信,合同违约,\"拖欠\"\"货款\"\"\r\n多行\",厦门市中级人民法院,R-1,2024-01-02,2026/1/2\r\n\
         自然人,张三,34052419800101001x,一般失信,,,,R-2,2024/1/2,\r\n"
    );
    let (rows, parser) = parse_all(&text).unwrap();
    assert_eq!(parser.rejected, 0, "{:?}", parser.report);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].subject_name, "厦门某公司,有限");
    assert_eq!(rows[0].reason, "拖欠\"货款\"\r\n多行");
    assert_eq!(rows[0].valid_until, NaiveDate::from_ymd_opt(2026, 1, 2));
    assert_eq!((rows[0].line, rows[1].line), (2, 4));
    assert_eq!(rows[1].line, 4);
    assert_eq!(rows[1].subject_kind, SubjectKind::Person);
    assert_eq!(rows[1].subject_code, "340524********001X");
    assert_eq!(rows[1].subject_key.len(), 64);
    assert_eq!(
        rows[1].decided_on,
        NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()
    );
    assert_eq!(rows[1].valid_until, None);
}

#[test]
fn english_headers_in_another_order() {
    let text = "record_id,severity,subject_code,subject_name,subject_kind,decided_on\n\
                A1,serious,913502000728319549,Acme,organization,20240301\n";
    let (rows, _) = parse_all(text).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].severity, Severity::Serious);
    assert_eq!(rows[0].subject_key, "913502000728319549");
}

#[test]
fn bad_lines_are_reported_with_numbers_and_good_ones_kept() {
    let text = format!(
        "{HEADER}\n\
         法人,甲,91350203M0001QAY9B,严重失信,,,,B1,2024-01-02,\n\
         法人,乙,913502000728319549,较重,,,,B2,2024-01-02,\n\
         自然人,丙,340524198001010010,一般失信,,,,B3,2024-01-02,\n\
         法人,丁,913502000728319549,一般失信,,,,B4,2024-13-02,\n\
         法人,,913502000728319549,一般失信,,,,B5,2024-01-02,\n\
         法人,戊,913502000728319549,一般失信,,,,B6,2024-01-02,\n\
         法人,己,913502000728319549,一般失信,,,,B6,2024-01-02,\n\
         外星人,庚,913502000728319549,一般失信,,,,B7,2024-01-02,\n\
         法人,辛,913502000728319549,一般失信,,,,B8,2024-01-02,2023-01-01\n"
    );
    let (rows, parser) = parse_all(&text).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].record_id, "B6");
    let got: Vec<(u64, &str)> = parser
        .report
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "check_character"),
            (3, "unknown_severity"),
            (4, "check_character"),
            (5, "bad_date"),
            (6, "missing_field"),
            (8, "duplicate_record_id"),
            (9, "unknown_subject_kind"),
            (10, "validity_before_decision"),
        ]
    );
    assert_eq!(parser.read, 9);
    assert_eq!(
        parser.report[0].column.as_deref(),
        Some("统一社会信用代码或身份证号")
    );
    // The ID number is never repeated in a report: not as stored, not in any language.
    assert_never_repeats(&parser.report, "340524198001010010");
}

/// Neither the stored form of `report` nor its messages in either language contain `id`.
fn assert_never_repeats(report: &[Rejection], id: &str) {
    let stored = serde_json::to_string(report).unwrap();
    assert!(!stored.contains(id), "{stored}");
    for locale in [Locale::ZhCn, Locale::En] {
        for line in report {
            let shown = RejectedLine::new(line.clone(), locale);
            assert!(!shown.message.contains(id), "{}", shown.message);
        }
    }
}

#[test]
fn id_numbers_in_any_column_are_masked_in_the_report() {
    let id = "34052419800101001X";
    let text = format!(
        "{HEADER}\n\
         {id},甲,913502000728319549,严重失信,,,,C1,2024-01-02,\n\
         法人,乙,913502000728319549,{id},,,,C2,2024-01-02,\n\
         法人,丙,913502000728319549,严重失信,,,,C3,{id},\n\
         法人,丁,913502000728319549,严重失信,,,,{id},2024-01-02,\n\
         法人,戊,913502000728319549,严重失信,,,,{id},2024-01-02,\n"
    );
    let (rows, parser) = parse_all(&text).unwrap();
    assert_eq!(rows.len(), 1);
    let codes: Vec<&str> = parser.report.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        vec![
            "unknown_subject_kind",
            "unknown_severity",
            "bad_date",
            "duplicate_record_id"
        ]
    );
    assert!(
        parser
            .report
            .iter()
            .all(|r| r.args.get("value").map(String::as_str) == Some("340524********001X")),
        "{:?}",
        parser.report
    );
    assert_never_repeats(&parser.report, id);
    assert_never_repeats(&parser.report, "3405241980010100");
}

#[test]
fn decodes_utf8_bom_and_gbk() {
    let text = format!("{HEADER}\n法人,厦门某公司,913502000728319549,严重失信,,,,R1,2024-01-02,\n");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let (decoded, encoding) = decode(&bom, EncodingChoice::Auto).unwrap();
    assert_eq!(encoding, "utf-8");
    assert!(decoded.to_text().starts_with("主体类型"));
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (decoded, encoding) = decode(&gbk, EncodingChoice::Auto).unwrap();
    assert_eq!(encoding, "gb18030");
    assert_eq!(decoded.to_text(), text);
    assert_eq!(decode(&gbk, EncodingChoice::Gbk).unwrap().0.to_text(), text);
    assert_eq!(
        decode(&gbk, EncodingChoice::Utf8).map(|_| ()).unwrap_err(),
        FileError::Encoding("UTF-8")
    );
}

#[test]
fn refuses_files_that_are_not_csv() {
    let refused: [(&[u8], FileError); 4] = [
        (b"", FileError::Empty),
        (b" \r\n", FileError::Empty),
        (b"\xEF\xBB\xBF\r\n", FileError::Empty),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", FileError::NotText),
    ];
    for (bytes, error) in refused {
        let refusal = decode(bytes, EncodingChoice::Auto).map(|_| ()).unwrap_err();
        assert_eq!(refusal, error, "{bytes:?}");
    }
    assert_eq!(
        Parser::new(&b"hello,world\n1,2\n"[..], &privacy(), 10).err(),
        Some(FileError::NoHeader)
    );
    assert_eq!(
        Parser::new(
            "主体类型,主体名称,严重程度,认定日期\n".as_bytes(),
            &privacy(),
            10
        )
        .err(),
        Some(FileError::MissingColumns(vec![
            "统一社会信用代码或身份证号",
            "记录编号"
        ]))
    );
}

#[test]
fn gb18030_beyond_gbk_and_spaced_english_headers() {
    // 𠀀 (U+20000) exists in GB18030 only, as four bytes.
    let text = "Subject Kind,Subject Name,Subject Code,Severity,Record ID,Decided On\n\
                person,王𠀀,34052419800101001X,general,P1,2024/1/2\n";
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    let (decoded, encoding) = decode(&bytes, EncodingChoice::Auto).unwrap();
    assert_eq!(encoding, "gb18030");
    let decoded = decoded.to_text();
    let (rows, parser) = parse_all(&decoded).unwrap();
    assert_eq!(parser.rejected, 0, "{:?}", parser.report);
    assert_eq!(rows[0].subject_name, "王𠀀");
}

#[test]
fn dates() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(parse_date("2024-01-02"), d(2024, 1, 2));
    assert_eq!(parse_date("2024/1/2"), d(2024, 1, 2));
    assert_eq!(parse_date("2024.01.2"), d(2024, 1, 2));
    assert_eq!(parse_date("20240102"), d(2024, 1, 2));
    assert_eq!(parse_date("2024年1月2日"), d(2024, 1, 2));
    assert_eq!(parse_date("2024/1/2 0:00:00"), d(2024, 1, 2));
    assert_eq!(parse_date("2024-02-30"), None);
    assert_eq!(parse_date("1/2/2024"), None);
    assert_eq!(parse_date("tomorrow"), None);
}

#[test]
fn the_report_is_capped_but_every_line_counted() {
    let mut text = format!("{HEADER}\n");
    for i in 0..50 {
        text.push_str(&format!("法人,甲,bad,严重失信,,,,X{i},2024-01-02,\n"));
    }
    let privacy = privacy();
    let mut parser = Parser::new(text.as_bytes(), &privacy, 10).unwrap();
    assert!(parser.next_chunk(100).is_empty());
    assert_eq!(parser.rejected, 50);
    assert_eq!(parser.report.len(), 10);
    assert_eq!(parser.report[9].line, 11);
}

#[test]
fn a_line_of_separators_is_rejected_with_its_line_and_counted() {
    let good = "法人,厦门某公司,913502000728319549,严重失信,,,,R1,2024-01-02,";
    let commas = ",".repeat(1 << 20);
    let wide = ",".repeat(MAX_FIELDS + 5);
    let long = format!(
        "法人,{},913502000728319549,严重失信,,,,R2,2024-01-02,",
        "长".repeat(30_000)
    );
    let other = good.replace("R1", "R3");
    let text = format!("{HEADER}\n{good}\n{commas}\n\n{wide}\r\n{long}\n,,,\n{other}\n");
    let (rows, parser) = parse_all(&text).unwrap();
    assert_eq!(rows.len(), 2, "{:?}", parser.report);
    assert_eq!(rows[1].line, 8);
    // The padding row of three commas (no wider than the header) is no record; the others are
    // read and counted.
    assert_eq!(
        (parser.read, parser.rejected),
        (5, 3),
        "{:?}",
        parser.report
    );
    let reasons: Vec<(u64, &str)> = parser
        .report
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (3, "wrong_field_count"),
            (5, "wrong_field_count"),
            (6, "record_too_long"),
        ]
    );
}
