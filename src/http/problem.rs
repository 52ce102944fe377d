//! Renders every error response as RFC 9457 problem+json, in Chinese by default and in English when
//! the client's `Accept-Language` prefers it. Responses that actix-web makes itself (unknown route,
//! wrong method) are rewritten into the same shape here, so clients only ever see one format.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse};
use std::borrow::Cow;

use crate::error::{FieldError, FieldErrorBody, Problem, ProblemBody};

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://jiebang.cn/problems/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language the request prefers among the two we speak: the highest-weighted `zh*` or
    /// `en*` tag of `Accept-Language`; Chinese when neither appears or they tie.
    pub fn of(req: &HttpRequest) -> Lang {
        let Some(value) = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::Zh;
        };
        let mut best = (Lang::Zh, 0.0_f32);
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag.starts_with("en") {
                Lang::En
            } else if tag.starts_with("zh") {
                Lang::Zh
            } else {
                continue;
            };
            if q > best.1 {
                best = (lang, q);
            }
        }
        best.0
    }
}

impl Problem {
    /// The problem for a response actix-web or a middleware made without one.
    fn for_status(status: StatusCode) -> Problem {
        let code = match status.as_u16() {
            400 => "bad_request",
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "route_not_found",
            405 => "method_not_allowed",
            406 => "not_acceptable",
            408 => "request_timeout",
            409 => "conflict",
            411 => "length_required",
            412 => "stale_version",
            428 => "if_match_required",
            413 => "payload_too_large",
            414 => "uri_too_long",
            415 => "unsupported_media_type",
            422 => "validation_failed",
            429 => "rate_limited",
            431 => "headers_too_large",
            503 => "service_unavailable",
            s if s >= 500 => "internal_error",
            _ => "bad_request",
        };
        Problem {
            status: status.as_u16(),
            code: Cow::Borrowed(code),
            detail: None,
            errors: Vec::new(),
            retry_after_secs: None,
        }
    }

    pub fn body(&self, lang: Lang) -> ProblemBody {
        ProblemBody {
            type_: format!("{TYPE_BASE}{}", self.code),
            title: title(&self.code, self.status, lang).to_string(),
            status: self.status,
            code: self.code.to_string(),
            detail: self.detail.clone(),
            errors: self
                .errors
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    code: e.code.clone(),
                    message: field_message(e, lang),
                })
                .collect(),
        }
    }

    /// The response for this problem in `lang`. The problem itself rides along in the response's
    /// extensions so that the error middleware can render it again in another language.
    pub fn response(&self, lang: Lang) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = HttpResponse::build(status);
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if self.code == "unauthenticated" || self.code == "invalid_token" {
            // RFC 6750 §3.
            let challenge = if self.code == "invalid_token" {
                r#"Bearer realm="jiebang", error="invalid_token""#
            } else {
                r#"Bearer realm="jiebang""#
            };
            builder.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        if let Some(secs) = self.retry_after_secs {
            builder.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let body = serde_json::to_vec(&self.body(lang)).unwrap_or_default();
        let mut response = builder.body(body);
        response.extensions_mut().insert(self.clone());
        response
    }
}

/// The middleware that makes every error response a problem document in the client's language.
pub fn error_renderer<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let lang = Lang::of(res.request());
    let existing = res.response().extensions().get::<Problem>().cloned();
    let problem = match existing {
        Some(_) if lang == Lang::Zh => {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        Some(problem) => problem,
        None if is_problem(&res) => {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        None => Problem::for_status(res.status()),
    };
    let mut fresh = problem.response(lang);
    // Keep what the original response said beyond its body (Allow on 405, Retry-After, CORS…).
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let res: ServiceResponse<EitherBody<B>> = res.into_response(fresh.map_into_right_body());
    Ok(ErrorHandlerResponse::Response(res))
}

fn is_problem<B>(res: &ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static(PROBLEM_JSON))
}

/// The short title of a problem code.
pub fn title(code: &str, status: u16, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        "bad_request" => ("请求有误", "Bad request"),
        "malformed_json" => ("请求体不是合法的 JSON", "Malformed JSON body"),
        "unauthenticated" => ("未登录或登录已失效", "Not authenticated"),
        "invalid_token" => ("登录凭证无效或已过期", "Invalid or expired token"),
        "invalid_credentials" => ("邮箱或密码错误", "Wrong email or password"),
        "account_disabled" => ("账号已停用", "Account disabled"),
        "invalid_refresh_token" => ("刷新令牌无效或已过期", "Invalid or expired refresh token"),
        "refresh_token_reused" => (
            "刷新令牌已被使用，该登录会话已全部注销",
            "Refresh token reused; the whole session was revoked",
        ),
        "forbidden" => ("当前角色无权执行此操作", "Your role may not do this"),
        "not_found" => ("资源不存在", "Not found"),
        "route_not_found" => ("接口不存在", "No such endpoint"),
        "method_not_allowed" => ("该接口不支持此请求方法", "Method not allowed"),
        "duplicate" | "conflict" => ("与现有数据冲突", "Conflict with existing data"),
        "email_taken" => ("该邮箱已注册", "Email already registered"),
        "cannot_disable_self" => ("不能停用自己的账号", "You cannot disable your own account"),
        "stale_version" => (
            "数据已被他人修改，请刷新后重试",
            "Stale version; reload and retry",
        ),
        "if_match_required" => (
            "修改须带 If-Match 请求头（取自 ETag）",
            "An If-Match header with the current ETag is required",
        ),
        "invalid_transition" => (
            "当前状态下不能执行此操作",
            "Not allowed in the current state",
        ),
        "not_editable" => (
            "当前状态下不能修改这些内容",
            "These fields cannot be changed in the current state",
        ),
        "payload_too_large" => ("请求体过大", "Request body too large"),
        "unsupported_media_type" => (
            "请求体须为 application/json",
            "Request body must be application/json",
        ),
        "validation_failed" => ("提交的数据有误", "Invalid field values"),
        "rate_limited" => ("尝试过于频繁，请稍后再试", "Too many attempts; retry later"),
        "service_unavailable" => (
            "服务暂不可用，请稍后再试",
            "Service temporarily unavailable",
        ),
        "internal_error" => ("服务器内部错误", "Internal server error"),
        "credit_record_exists" => (
            "该来源已有此记录编号的信用记录",
            "A credit record with this source and record id exists",
        ),
        "credit_record_already_repaired" => ("该信用记录已修复", "Credit record already repaired"),
        "credit_file_empty" => ("信用文件为空", "The credit file is empty"),
        "credit_file_not_csv" => (
            "信用文件不是可识别的 CSV",
            "The credit file is not a CSV file we can read",
        ),
        "credit_file_encoding" => (
            "信用文件的字符编码无法识别",
            "The credit file is not in a known or the chosen encoding",
        ),
        "credit_file_missing_columns" => (
            "信用文件缺少必需的列",
            "The credit file lacks required columns",
        ),
        "bid_exists" => (
            "贵单位对该榜单已有申报",
            "Your organisation already has a live bid on this challenge",
        ),
        "bidding_closed" => ("揭榜已截止或榜单不在张榜状态", "Bidding is closed"),
        "bidding_not_open" => ("揭榜尚未开始", "Bidding has not opened yet"),
        "invalid_bid_state" => (
            "申报当前状态下不能执行此操作",
            "Not allowed in the bid's current state",
        ),
        "formal_review_closed" => (
            "形式审查只在揭榜截止后、专家评审前进行",
            "Formal review happens between the deadline and the expert review",
        ),
        "formal_review_incomplete" => (
            "尚有申报未完成形式审查",
            "Some bids still need their formal review",
        ),
        "not_under_review" => (
            "专家评审只在榜单评审中进行",
            "Expert review happens while the challenge is under review",
        ),
        "panel_exists" => ("该榜单已抽取评审专家", "The panel has already been drawn"),
        "not_enough_experts" => (
            "符合条件的评审专家不足",
            "Not enough eligible experts for the panel",
        ),
        "expert_exists" => ("该专家已在专家库中", "The expert is already in the pool"),
        "invalid_assignment_state" => (
            "评审任务当前状态下不能执行此操作",
            "Not allowed in the assignment's current state",
        ),
        "review_closed" => ("评审已结束", "The review is closed"),
        "review_not_closed" => ("评审尚未结束", "The review is not closed yet"),
        "objection_pending" => (
            "您对该公示的异议尚在处理中",
            "Your objection to this notice is still pending",
        ),
        "calendar_not_maintained" => (
            "公示期经过的年份尚未维护节假日日历",
            "The holiday calendar of a year the notice runs through is not maintained",
        ),
        "review_not_ready" => (
            "尚有专家未提交评分，不能结束评审",
            "Experts still have to submit; the review cannot close yet",
        ),
        "scores_incomplete" => ("尚有方案未评分", "Some bids are not scored yet"),
        // --- award ---
        "notice_closed" => (
            "该榜单当前不在公示期内，不能提出异议",
            "The challenge's public notice is not open",
        ),
        "objection_resolved" => ("该异议已处理", "The objection is already resolved"),
        "award_not_in_publicity" => (
            "拟立项不在公示中，不能撤销",
            "The award is not in publicity and cannot be withdrawn",
        ),
        // --- end award ---
        "not_awarded" => (
            "验收只在挂帅（项目实施）期间进行",
            "Final acceptance happens while the challenge is awarded",
        ),
        "acceptance_exists" => (
            "该项目已抽取验收专家",
            "The acceptance panel has already been drawn",
        ),
        "milestones_outstanding" => (
            "尚有节点未完成，不能启动验收",
            "Milestones are still outstanding; the acceptance cannot start",
        ),
        "final_milestone_by_acceptance" => (
            "最后一个节点由最终验收评定",
            "The last milestone is decided by the final acceptance",
        ),
        "acceptance_started" => ("最终验收已启动", "The final acceptance has started"),
        "acceptance_closed" => ("验收已结束", "The acceptance is closed"),
        "acceptance_not_ready" => (
            "尚有专家未提交验收意见，不能结束验收",
            "Experts still have to submit their verdicts; the acceptance cannot close yet",
        ),
        "verdict_missing" => ("尚未填写验收意见", "No verdict saved yet"),
        // --- Projects: milestones, payments, extension ---
        "project_not_running" => ("项目不在实施中", "The project is not running"),
        "invalid_milestone_state" => (
            "项目节点当前状态下不能执行此操作",
            "Not allowed in the milestone's current state",
        ),
        "payment_not_held" => ("该款项未被暂缓，无需放行", "The payment is not held"),
        "payment_blocked" => (
            "信用审查仍未通过，款项继续暂缓",
            "The credit check still blocks; the payment stays held",
        ),
        "extension_used" => (
            "该项目已延期一次，不能再次延期",
            "The project has already been extended once",
        ),
        "extension_pending" => (
            "该项目已有待审批的延期申请",
            "An extension request is waiting for a decision",
        ),
        "no_extension_pending" => (
            "该项目没有待审批的延期申请",
            "No extension request is waiting for a decision",
        ),
        _ => match status {
            400 => ("请求有误", "Bad request"),
            401 => ("未登录或登录已失效", "Not authenticated"),
            403 => ("无权执行此操作", "Forbidden"),
            404 => ("资源不存在", "Not found"),
            409 => ("与现有数据冲突", "Conflict"),
            422 => ("提交的数据有误", "Invalid field values"),
            s if s >= 500 => ("服务器内部错误", "Internal server error"),
            _ => ("请求失败", "Request failed"),
        },
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The message of one field error, from its code and parameters.
pub fn field_message(error: &FieldError, lang: Lang) -> String {
    let p = |name: &str| error.param(name).unwrap_or("?").to_string();
    let zh = lang == Lang::Zh;
    match error.code.as_str() {
        "required" => {
            if zh {
                "必填".into()
            } else {
                "is required".into()
            }
        }
        "length" => match (error.param("min"), error.param("max")) {
            (Some(min), Some(max)) if zh => format!("长度须在 {min} 到 {max} 个字符之间"),
            (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
            (Some(min), None) if zh => format!("长度至少 {min} 个字符"),
            (Some(min), None) => format!("must be at least {min} characters long"),
            (None, Some(max)) if zh => format!("长度最多 {max} 个字符"),
            (None, Some(max)) => format!("must be at most {max} characters long"),
            _ => {
                if zh {
                    "长度不符合要求".into()
                } else {
                    "has a wrong length".into()
                }
            }
        },
        "range" => {
            if zh {
                format!("取值须在 {} 到 {} 之间", p("min"), p("max"))
            } else {
                format!("must be between {} and {}", p("min"), p("max"))
            }
        }
        "email" => {
            if zh {
                "邮箱格式不正确".into()
            } else {
                "is not a valid email address".into()
            }
        }
        "check_character" => {
            if zh {
                "校验位错误".into()
            } else {
                "has a wrong check character".into()
            }
        }
        "invalid_character" => {
            if zh {
                "含有不允许的字符".into()
            } else {
                "contains characters that are not allowed".into()
            }
        }
        "invalid_type" => {
            if zh {
                "类型不正确".into()
            } else {
                "has the wrong type".into()
            }
        }
        "invalid_choice" => {
            if zh {
                "不是允许的取值".into()
            } else {
                "is not one of the allowed values".into()
            }
        }
        "not_allowed" => {
            if zh {
                "此处不允许该取值".into()
            } else {
                "is not allowed here".into()
            }
        }
        "unknown_field" => {
            if zh {
                "未知字段".into()
            } else {
                "is not a known field".into()
            }
        }
        "taken" => {
            if zh {
                "已被使用".into()
            } else {
                "is already taken".into()
            }
        }
        "invalid_transition" => {
            if zh {
                format!("当前状态为 {}，不允许此操作", p("current"))
            } else {
                format!("the current state is {}; this is not allowed", p("current"))
            }
        }
        "not_editable" => {
            if zh {
                format!("状态为 {} 时不能修改", p("current"))
            } else {
                format!("cannot be changed while the state is {}", p("current"))
            }
        }
        "in_past" => {
            if zh {
                "须晚于当前时间".into()
            } else {
                "must be in the future".into()
            }
        }
        "not_later" => {
            if zh {
                format!("须晚于 {}", p("than"))
            } else {
                format!("must be later than {}", p("than"))
            }
        }
        "sum" => {
            if zh {
                format!("合计须为 {}（现为 {}）", p("expected"), p("actual"))
            } else {
                format!(
                    "must add up to {} (they add up to {})",
                    p("expected"),
                    p("actual")
                )
            }
        }
        "duplicate_entry" => {
            if zh {
                "有重复项".into()
            } else {
                "has duplicate entries".into()
            }
        }
        "in_future" => {
            if zh {
                "不能晚于今天".into()
            } else {
                "must not be in the future".into()
            }
        }
        "before_decision" => {
            if zh {
                "不能早于认定日期".into()
            } else {
                "must not be before the decision date".into()
            }
        }
        "before_start" => {
            if zh {
                "须晚于开始时间".into()
            } else {
                "must be after the start".into()
            }
        }
        // --- award ---
        "credit_blocked" if error.param("purpose").is_some() => {
            match (error.param("standing"), zh) {
                (Some("serious"), true) => "信用复核未通过：存在在效的严重失信记录，不能挂帅".into(),
                (Some("serious"), false) => {
                    "cannot be awarded: a serious dishonesty record is in force".into()
                }
                (Some("general"), true) => {
                    "信用复核未通过：存在在效的一般失信记录，本榜单规定一般失信亦不得挂帅".into()
                }
                (Some("general"), false) => {
                    "cannot be awarded: a general dishonesty record is in force, and this challenge bars those too".into()
                }
                (_, true) => "信用复核未通过，不能挂帅".into(),
                (_, false) => "cannot be awarded because of its credit standing".into(),
            }
        }
        "not_ranked" => {
            if zh {
                "不在该榜单的评审排名中".into()
            } else {
                "is not a bid of this challenge's ranking".into()
            }
        }
        "not_eligible" => {
            if zh {
                format!("该申报未通过形式审查（状态 {}）", p("current"))
            } else {
                format!("is not an eligible bid (it is {})", p("current"))
            }
        }
        "not_closed" => {
            if zh {
                "评审尚未结束".into()
            } else {
                "the review is not closed".into()
            }
        }
        "objection_pending" => {
            if zh {
                "已有待处理的异议".into()
            } else {
                "an objection of yours is pending".into()
            }
        }
        "calendar_not_maintained" => {
            if zh {
                format!("请先维护 {} 年的节假日日历", p("years"))
            } else {
                format!("maintain the calendar of {} first", p("years"))
            }
        }
        "tied" => {
            if zh {
                format!("有 {} 个方案并列第一，选择其一须说明理由", p("tied"))
            } else {
                format!("{} bids share the first place: say why this one", p("tied"))
            }
        }
        "previously_withdrawn" => {
            if zh {
                "该方案曾被拟立项后撤销，再次拟立项须说明理由".into()
            } else {
                "an earlier proposal of this bid was withdrawn: say why it is proposed again".into()
            }
        }
        "notice_closed" => {
            if zh {
                "不在公示期内".into()
            } else {
                "no public notice is open".into()
            }
        }
        "out_of_year" => {
            if zh {
                format!("日期须在 {} 年内", p("year"))
            } else {
                format!("must be a date of {}", p("year"))
            }
        }
        "holiday_and_workday" => {
            if zh {
                "同一日期不能既是节假日又是调休上班日".into()
            } else {
                "cannot be both a holiday and a make-up working day".into()
            }
        }
        "not_weekend" => {
            if zh {
                "调休上班日须为周六或周日".into()
            } else {
                "a make-up working day must be a Saturday or a Sunday".into()
            }
        }
        // --- end award ---
        "credit_blocked" => match (error.param("standing"), zh) {
            (Some("serious"), true) => {
                "信用审查未通过：存在在效的严重失信记录，不能参与揭榜".into()
            }
            (Some("serious"), false) => {
                "is barred from bidding: a serious dishonesty record is in force".into()
            }
            (Some("general"), true) => {
                "信用审查未通过：存在在效的一般失信记录，本榜单规定一般失信亦不得揭榜".into()
            }
            (Some("general"), false) => {
                "is barred from bidding: a general dishonesty record is in force, and this challenge bars those too".into()
            }
            (_, true) => "信用审查未通过，不能参与揭榜".into(),
            (_, false) => "is barred from bidding by its credit standing".into(),
        },
        "org_kind_not_eligible" => {
            if zh {
                format!("该榜单不接受此类单位（{}）申报", p("kind"))
            } else {
                format!(
                    "organisations of this kind ({}) may not bid on this challenge",
                    p("kind")
                )
            }
        }
        "over_bounty" => {
            if zh {
                format!("不能超过榜单悬赏金额 {} 分", p("max"))
            } else {
                format!("must not exceed the bounty of {} fen", p("max"))
            }
        }
        "over_limit" => {
            if zh {
                format!("不能超过 {} 个月", p("max"))
            } else {
                format!("must be at most {} months", p("max"))
            }
        }
        "missing_kpi" => {
            if zh {
                format!("缺少对考核指标「{}」的承诺", p("kpi"))
            } else {
                format!("lacks a commitment for the KPI \"{}\"", p("kpi"))
            }
        }
        "unknown_kpi" => {
            if zh {
                "不是该榜单的考核指标".into()
            } else {
                "is not a KPI of this challenge".into()
            }
        }
        "one_leader" => {
            if zh {
                format!("须有且仅有一名项目负责人（现有 {} 名）", p("count"))
            } else {
                format!("needs exactly one leader (has {})", p("count"))
            }
        }
        "not_yet" => {
            if zh {
                format!("须等到 {}", p("at"))
            } else {
                format!("not before {}", p("at"))
            }
        }
        "bidding_closed" => {
            if zh {
                format!("揭榜已截止（榜单状态 {}）", p("current"))
            } else {
                format!("bidding is closed (the challenge is {})", p("current"))
            }
        }
        "not_reviewed" => {
            if zh {
                format!("尚有 {} 份申报未完成形式审查", p("count"))
            } else {
                format!("{} bid(s) still need their formal review", p("count"))
            }
        }
        "not_expert" => {
            if zh {
                "须为评审专家账号".into()
            } else {
                "must be an account with the role expert".into()
            }
        }
        "not_enough_experts" => {
            if zh {
                format!("符合条件的专家 {} 位，需要 {} 位", p("found"), p("needed"))
            } else {
                format!(
                    "{} eligible expert(s) found, {} needed",
                    p("found"),
                    p("needed")
                )
            }
        }
        "missing_criterion" => {
            if zh {
                format!("缺少评分项「{}」", p("name"))
            } else {
                format!("the criterion {:?} is not scored", p("name"))
            }
        }
        "kpi_not_judged" => {
            if zh {
                format!("缺少对考核指标「{}」的判定", p("name"))
            } else {
                format!("the KPI \"{}\" is not judged", p("name"))
            }
        }
        "final_milestone_by_acceptance" => {
            if zh {
                "由最终验收评定，验收通过后支付尾款".into()
            } else {
                "decided by the final acceptance; its share is paid when it passes".into()
            }
        }
        "acceptance_started" => {
            if zh {
                "最终验收已启动".into()
            } else {
                "the final acceptance has started".into()
            }
        }
        "milestones_outstanding" => {
            if zh {
                format!("尚有 {} 个节点未完成（最后一个须已提交，其余须已确认）", p("count"))
            } else {
                format!(
                    "{} milestone(s) not ready (the last reported, the others accepted)",
                    p("count")
                )
            }
        }
        "verdicts_not_submitted" => {
            if zh {
                "尚有专家未提交验收意见".into()
            } else {
                "experts still have to submit their verdicts".into()
            }
        }
        "not_scored" => {
            if zh {
                format!("尚有 {} 份方案未评分", p("count"))
            } else {
                format!("{} bid(s) not scored yet", p("count"))
            }
        }
        "not_submitted" => {
            if zh {
                "尚有专家未提交评分".into()
            } else {
                "experts still have to submit".into()
            }
        }
        "payment_held" => match (error.param("standing"), zh) {
            (Some("serious"), true) => "信用审查未通过：存在在效的严重失信记录，款项暂缓支付".into(),
            (Some("serious"), false) => {
                "the payee's credit check blocks: a serious dishonesty record is in force".into()
            }
            (Some("general"), true) => {
                "信用审查未通过：存在在效的一般失信记录，本榜单规定一般失信亦暂缓支付".into()
            }
            (Some("general"), false) => {
                "the payee's credit check blocks: a general dishonesty record is in force, and this challenge bars those too".into()
            }
            (_, true) => "信用审查未通过，款项暂缓支付".into(),
            (_, false) => "the payee's credit check blocks the payment".into(),
        },
        "url" => {
            if zh {
                "须为 http(s) 链接，每个不超过 500 个字符".into()
            } else {
                "must be http(s) links of at most 500 characters each".into()
            }
        }
        "blank" => {
            if zh {
                "不能为空白".into()
            } else {
                "must not be blank".into()
            }
        }
        _ => {
            if zh {
                "取值无效".into()
            } else {
                "is invalid".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn lang(header: &str) -> Lang {
        Lang::of(
            &TestRequest::default()
                .insert_header((header::ACCEPT_LANGUAGE, header))
                .to_http_request(),
        )
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        use actix_web::ResponseError;
        let err = crate::error::AppError::Internal(anyhow::anyhow!(
            "password=hunter2 at db.internal:5432"
        ));
        let res = err.error_response();
        assert_eq!(res.status(), 500);
        let body = actix_web::body::to_bytes(res.into_body());
        let body = futures_util::FutureExt::now_or_never(body)
            .unwrap()
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("internal_error"), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("db.internal"),
            "{text}"
        );
    }

    #[test]
    fn picks_the_preferred_language() {
        assert_eq!(
            Lang::of(&TestRequest::default().to_http_request()),
            Lang::Zh
        );
        assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(lang("fr, en;q=0.5, zh;q=0.4"), Lang::En);
        assert_eq!(lang("fr"), Lang::Zh);
    }
}
