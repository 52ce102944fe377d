//! Every email the application sends, rendered from one filled-in example of its notice in each
//! language: every template has a notice and the reverse, every variable is used, HTML is escaped,
//! and the rendered texts are kept as snapshots (`tests/api/snapshots/`).

use jiebang::accounts::notices::*;
use jiebang::auth::Role;
use jiebang::awards::objections::notices::*;
use jiebang::awards::proposals::notices::*;
use jiebang::bids::models::ReviewResult;
use jiebang::bids::notices::*;
use jiebang::challenges::notices::*;
use jiebang::credit::models::Standing;
use jiebang::documents::notices::*;
use jiebang::i18n::Locale;
use jiebang::mail::Templates;
use jiebang::mail::templates::PARTS;
use jiebang::notifications::{Notice, yuan};
use jiebang::projects::acceptance::notices::*;
use jiebang::projects::extensions::notices::*;
use jiebang::projects::milestones::notices::*;
use jiebang::projects::notices::*;
use jiebang::projects::payments::notices::*;

/// The sample of one template.
pub fn sample(name: &str) -> serde_json::Value {
    samples()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, vars)| vars)
        .unwrap_or_else(|| panic!("no sample for {name}"))
}

/// One filled-in example of every notice, by template name.
pub fn samples() -> Vec<(&'static str, serde_json::Value)> {
    fn entry<N: Notice>(notice: N) -> (&'static str, serde_json::Value) {
        (
            notice.template(),
            serde_json::to_value(notice).expect("notices serialise"),
        )
    }
    vec![
        entry(Welcome {
            display_name: "陈思远".into(),
            email: "chen@example.edu.cn".into(),
            role: Role::Solver,
            organization_name: Some("海西大学材料学院 <R&D>".into()),
            login_url: "http://127.0.0.1:8080/docs/".into(),
        }),
        entry(PasswordChanged {
            display_name: "陈思远".into(),
            changed_at: "2026-11-26 09:30".into(),
        }),
        entry(RoleChanged {
            display_name: "陈思远".into(),
            old_role: Role::Solver,
            role: Role::Expert,
        }),
        entry(AccountDisabled {
            display_name: "陈思远".into(),
        }),
        entry(ChallengeApproved {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料 <T800>".into(),
            bid_closes_at: "2027-01-15 17:00".into(),
            note: Some("请补充验收方式".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ChallengeRejected {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            reason: "考核指标不够具体".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ChallengeCancelled {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            cancelled_by: "program_office",
            reason: "需求已由其他项目解决".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(BiddingClosed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            closed_at: "2027-01-15 17:00".into(),
            for_issuer: true,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(BidReceived {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            submitted_at: "2027-01-10 10:00".into(),
            bid_closes_at: "2027-01-15 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/bids/0191".into(),
        }),
        entry(BlindCopiesMade {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            files: vec![
                CopiedFile {
                    file_name: "海西大学-申报书.pdf".into(),
                    blind_file_name: "方案A-附件1.pdf".into(),
                },
                CopiedFile {
                    file_name: "检测报告 <终版>.docx".into(),
                    blind_file_name: "方案A-附件2.docx".into(),
                },
            ],
            url: "http://127.0.0.1:8080/api/v1/bids/0191/documents".into(),
        }),
        entry(BidReviewed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            display_code: "方案 A".into(),
            result: ReviewResult::Ineligible,
            reason: Some("项目负责人未提供职称证明".into()),
            url: "http://127.0.0.1:8080/api/v1/bids/0191".into(),
        }),
        entry(ClarificationAdded {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            question: Some("是否接受联合体申报？".into()),
            answer: "接受，由牵头单位申报。".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(SeatNotice {
            message: SeatMessage::PanelInvitation,
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2027-02-01 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/assignments".into(),
        }),
        entry(SeatNotice {
            message: SeatMessage::ReviewReminder,
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2027-02-01 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/assignments".into(),
        }),
        // --- award ---
        entry(AwardProposed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            amount_yuan: "2500000.00".into(),
            ends_at: "2027-02-09 00:00".into(),
            ends_on: "2027-02-08".into(),
            url: "http://127.0.0.1:8080/api/v1/notices".into(),
        }),
        entry(AwardWithdrawn {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            reason: "异议成立：团队成员资质不符。".into(),
            url: "http://127.0.0.1:8080/api/v1/notices".into(),
        }),
        entry(AwardConfirmed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            amount_yuan: "2500000.00".into(),
            audience: "winner".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0192f0c4-0000-7000-8000-000000000000"
                .into(),
        }),
        entry(AwardBlocked {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            url:
                "http://127.0.0.1:8080/api/v1/challenges/0192f0c4-0000-7000-8000-000000000000/award"
                    .into(),
        }),
        entry(ObjectionFiled {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            filed_at: "2027-02-03 10:00".into(),
            url: "http://127.0.0.1:8080/api/v1/objections".into(),
        }),
        entry(ObjectionResolved {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            outcome: "dismissed".into(),
            reason: "经核查，所述情况不属实。".into(),
            url: "http://127.0.0.1:8080/api/v1/objections".into(),
        }),
        // --- end award ---
        entry(SeatNotice {
            message: SeatMessage::AcceptanceInvitation,
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/acceptance-assignments".into(),
        }),
        entry(SeatNotice {
            message: SeatMessage::AcceptanceReminder,
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/acceptance-assignments".into(),
        }),
        entry(AcceptancePassed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            passes: 3,
            submitted: 3,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(AcceptanceFailed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            passes: 1,
            submitted: 3,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        // --- Projects ---
        entry(MilestoneReported {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            deliverable: "中试线已建成并试运行 <72 小时>".into(),
            final_milestone: false,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneAccepted {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            amount: yuan(150_000_000),
            payment_held: false,
            by_acceptance: false,
            comment: Some("成果符合要求".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneReturned {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            reason: "缺少第三方检测报告".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(ProjectReadyForAcceptance {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "海西大学".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(AcceptanceStarted {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ProjectTerminated {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            reason: "揭榜团队解散，项目无法继续实施".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(PaymentHeld {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            organization_name: "甲大学".into(),
            amount: yuan(150_000_000),
            standing: Standing::Serious,
            url: "http://127.0.0.1:8080/api/v1/payments".into(),
        }),
        entry(ExtensionRequested {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            months: 6,
            reason: "关键设备到货延迟".into(),
            requested_by: "林晓（甲大学）".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(ExtensionDecided {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            months: 6,
            approved: true,
            reason: Some("同意延期".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneOverdue {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            days_overdue: 1,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneOverdueAdmin {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            days_overdue: 8,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
    ]
}

#[test]
fn every_template_has_its_files_in_every_language() {
    let names = Templates::names();
    assert!(names.len() >= 30, "{names:?}");
    for name in &names {
        for lang in ["zh-CN", "en"] {
            for part in PARTS {
                let path = format!("{name}/{lang}/{part}");
                assert!(Templates::has_file(&path), "{path} is missing");
            }
            let locale = if lang == "en" {
                Locale::En
            } else {
                Locale::ZhCn
            };
            assert!(
                jiebang::i18n::lookup(locale, &Templates::subject_id(name), &Default::default())
                    .is_some()
                    || jiebang::i18n::has(
                        locale,
                        &Templates::subject_id(name),
                        &subject_args(name)
                    ),
                "{name} has no subject in {lang}"
            );
        }
    }
}

/// The arguments of a template's sample, as a subject takes them.
fn subject_args(name: &str) -> jiebang::i18n::Args {
    let mut args = jiebang::i18n::Args::new();
    let (_, vars) = samples().into_iter().find(|(n, _)| *n == name).unwrap();
    for (key, value) in vars.as_object().unwrap() {
        let text = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        args.set_named(key.clone().into(), text);
    }
    args
}

#[test]
fn every_template_has_a_notice_and_renders_with_exactly_its_variables() {
    let templates = Templates::load().unwrap();
    let samples = samples();
    let mut covered: Vec<&str> = samples.iter().map(|(name, _)| *name).collect();
    covered.sort();
    assert_eq!(
        covered,
        Templates::names(),
        "a template without a notice, or the reverse"
    );
    for (name, vars) in &samples {
        for locale in [Locale::ZhCn, Locale::En] {
            let rendered = templates
                .render(name, locale, vars)
                .unwrap_or_else(|e| panic!("{name} ({locale}): {e:#}"));
            assert!(!rendered.subject.is_empty() && !rendered.subject.contains('\n'));
            assert!(
                rendered.text.contains("陈思远"),
                "{name}: {}",
                rendered.text
            );
            assert!(rendered.html.contains("陈思远"), "{name}");
            // Strict: leaving out any variable is an error, not an empty string.
            for key in vars.as_object().unwrap().keys() {
                let mut partial = vars.clone();
                partial.as_object_mut().unwrap().remove(key);
                assert!(
                    templates.render(name, locale, &partial).is_err(),
                    "{name} ({locale}) does not use {key}"
                );
            }
            insta::assert_snapshot!(
                format!("email_{name}_{locale}"),
                format!(
                    "SUBJECT: {}\n---\n{}\n---\n{}",
                    rendered.subject, rendered.text, rendered.html
                )
            );
        }
    }
}

#[test]
fn html_is_escaped_and_text_is_not() {
    let templates = Templates::load().unwrap();
    let (_, vars) = samples()
        .into_iter()
        .find(|(n, _)| *n == "welcome")
        .unwrap();
    let rendered = templates.render("welcome", Locale::ZhCn, &vars).unwrap();
    assert!(
        rendered.html.contains("海西大学材料学院 &lt;R&amp;D&gt;"),
        "{}",
        rendered.html
    );
    assert!(rendered.text.contains("海西大学材料学院 <R&D>"));
    assert!(rendered.subject.starts_with("欢迎使用揭榜挂帅平台"));
    let en = templates.render("welcome", Locale::En, &vars).unwrap();
    assert!(en.subject.starts_with("Welcome"));
}
