## Problem titles (`problem-<code>`) and, where an occurrence says more, details (`.detail`).
## Every `ErrorCode` has a title here and in every other language (a test checks it).

problem-bad_request = 请求有误
    .detail = 无法读取请求体：{ $error }
problem-malformed_json = 请求体不是合法的 JSON
    .detail = 第 { $line } 行第 { $column } 列：{ $problem ->
        [eof] 内容意外结束
        [syntax] 语法错误
       *[other] 无法读取
    }
problem-unauthenticated = 未登录或登录已失效
problem-invalid_token = 登录凭证无效或已过期
problem-invalid_credentials = 邮箱或密码错误
problem-account_disabled = 账号已停用
problem-invalid_refresh_token = 刷新令牌无效或已过期
problem-refresh_token_reused = 刷新令牌已被使用，该登录会话已全部注销
problem-cross_site_request = 已拒绝：登录 Cookie 只接受来自本站页面的请求
    .detail = 使用刷新令牌 Cookie 的请求必须来自本站，且 Content-Type 为 application/json
problem-forbidden = 当前角色无权执行此操作
problem-not_found = 资源不存在
problem-route_not_found = 接口不存在
problem-method_not_allowed = 该接口不支持此请求方法
problem-not_acceptable = 无法提供所要求的响应格式
problem-request_timeout = 请求发送过慢，已超时
problem-conflict = 与现有数据冲突
problem-duplicate = 与现有数据冲突
    .detail = 该记录已存在
problem-length_required = 请求须带 Content-Length
problem-uri_too_long = 请求地址过长
problem-headers_too_large = 请求头过大
problem-email_taken = 该邮箱已注册
problem-cannot_disable_self = 不能停用自己的账号
    .detail = 不能停用自己的账号或取消自己的管理员角色
problem-stale_version = 数据已被他人修改，请刷新后重试
problem-if_match_required = 修改须带 If-Match 请求头（取自 ETag）
problem-invalid_transition = 当前状态下不能执行此操作
    .detail = 当前状态为「{ challenge-status-current }」({ $current })，不允许此操作
problem-not_editable = 当前状态下不能修改这些内容
    .detail = 状态为「{ challenge-status-current }」时不能修改这些内容
problem-payload_too_large = 请求体过大
problem-unsupported_media_type = 请求体须为 application/json
problem-validation_failed = 提交的数据有误
problem-rate_limited = 尝试过于频繁，请稍后再试
problem-service_unavailable = 服务暂不可用，请稍后再试
problem-internal_error = 服务器内部错误
problem-job_not_failed = 只能重试已失败的任务
problem-credit_record_exists = 该来源已有此记录编号的信用记录
problem-credit_record_already_repaired = 该信用记录已修复
problem-credit_file_empty = 信用文件为空
    .detail = 文件为空，没有表头和记录
problem-credit_file_not_csv = 信用文件不是可识别的 CSV
    .detail = { $reason ->
        [binary] 文件不是 CSV 文本（含二进制内容）
       *[no_header] 首行不是可识别的表头
    }
problem-credit_file_encoding = 信用文件的字符编码无法识别
    .detail = 文件不是有效的 { $encoding } 编码，可改用 encoding=auto、utf-8 或 gbk
problem-credit_file_missing_columns = 信用文件缺少必需的列
    .detail = 缺少必需的列：{ $columns }
problem-credit_refused = 信用审查未通过，暂不能揭榜：失信记录完成信用修复后可重新提交，如有疑问请联系项目办
    .detail = 有 { $parties } 方存在有效的失信记录（见 errors）。失信记录经信用修复或有效期届满后不再计入，届时可重新提交；认为记录有误或已修复的，请联系项目办（科技局）核实更新
problem-award_credit_refused = 拟挂帅团队信用审查未通过，不能提出挂帅建议
    .detail = 有 { $parties } 方存在有效的失信记录（见 errors），本次审查已留存记录。可改选其他已排名的申报并说明理由，或待信用修复后重新提出
problem-bid_exists = 贵单位对该榜单已有申报
    .detail = 贵单位对该榜单已有申报（草稿或已提交）
problem-bidding_closed = 揭榜已截止或榜单不在张榜状态
    .detail = 榜单不在张榜状态（当前：{ challenge-status-current }）
problem-bidding_not_open = 揭榜尚未开始
    .detail = 揭榜尚未开始（{ $opens_at }）
problem-invalid_bid_state = 申报当前状态下不能执行此操作
    .detail = 申报状态为 { $current }，不允许此操作
problem-formal_review_closed = 形式审查只在揭榜截止后、专家评审前进行
    .detail = 形式审查只在揭榜截止后、专家评审前进行（当前「{ challenge-status-current }」）
problem-formal_review_incomplete = 尚有申报未完成形式审查
    .detail = 尚有 { $count } 份申报未完成形式审查
problem-not_under_review = 专家评审只在榜单评审中进行
    .detail = 榜单当前状态为 { challenge-status-current }，专家评审只在评审中进行
problem-panel_exists = 该榜单已抽取评审专家
problem-not_enough_experts = 符合条件的评审专家不足
    .detail = 符合条件的专家只有 { $found } 位，需要 { $needed } 位
problem-expert_exists = 该专家已在专家库中
    .detail = 该账号或身份证号已在专家库中
problem-invalid_assignment_state = 评审任务当前状态下不能执行此操作
    .detail = 任务当前状态为 { $current }，须为 { $wanted }
problem-review_closed = 评审已结束
problem-review_not_closed = 评审尚未结束
    .detail = 评审尚未结束，还没有排名
problem-review_not_ready = 尚有专家未提交评分，不能结束评审
    .detail = { $case ->
        [after_deadline] 评审已截止，但仅 { $submitted } 位专家提交（至少 3 位）
       *[before_deadline] 评审截止前须全部专家提交：{ $submitted } 位已提交，{ $pending } 位未提交
    }
problem-scores_incomplete = 尚有方案未评分
    .detail = 尚有 { $count } 份方案未评分
problem-commitment_required = 请先签署承诺书
    .detail = 请阅读现行承诺书，并在 `commitment` 中提交其版本号和哈希值
problem-commitment_outdated = 承诺书已更新
    .detail = 您签署的是第 { $signed } 版，现行版本为第 { $current } 版，请重新阅读并签署
problem-commitment_unchanged = 文本与现行版本相同
problem-objection_pending = 您对该公示的异议尚在处理中
    .detail = 您对该公示的异议尚在处理中，处理后可再次提出
problem-calendar_not_maintained = 公示期经过的年份尚未维护节假日日历
    .detail = 公示期经过 { $years } 年，该年的节假日日历尚未维护（PUT /calendar/{"{"}year{"}"}）
problem-notice_closed = 该榜单当前不在公示期内，不能提出异议
    .detail = { $case ->
        [ended] 公示期已于 { $ended_at }（北京时间）结束
       *[none] 该榜单当前没有公示
    }
problem-objection_resolved = 该异议已处理
    .detail = 该异议已处理（{ $current }）
problem-award_not_in_publicity = 拟立项不在公示中，不能撤销
    .detail = 拟立项状态为 { $current }，不能撤销
problem-not_awarded = 验收只在挂帅（项目实施）期间进行
    .detail = 榜单当前状态为 { challenge-status-current }，验收只在挂帅（项目实施）期间进行
problem-acceptance_exists = 该项目已抽取验收专家
problem-milestones_outstanding = 尚有节点未完成，不能启动验收
    .detail = 尚有 { $count } 个节点未完成：最后一个节点须已提交成果，其余须已确认
problem-final_milestone_by_acceptance = 最后一个节点由最终验收评定
    .detail = 最后一个节点由最终验收评定，验收通过后支付尾款
problem-acceptance_started = 最终验收已启动
problem-acceptance_closed = 验收已结束
problem-acceptance_not_ready = 尚有专家未提交验收意见，不能结束验收
    .detail = { $case ->
        [after_deadline] 验收已截止，但仅 { $submitted } 位专家提交意见（至少 3 位）
       *[before_deadline] 验收截止前须全部专家提交意见且至少 3 位：{ $submitted } 位已提交，{ $pending } 位未提交
    }
problem-verdict_missing = 尚未填写验收意见
problem-project_not_running = 项目不在实施中
    .detail = 项目不在实施中（榜单状态为「{ challenge-status-current }」）
problem-invalid_milestone_state = 项目节点当前状态下不能执行此操作
    .detail = 节点当前状态为「{ milestone-status-current }」，不允许此操作
problem-payment_not_held = 该款项未被暂缓，无需放行
    .detail = 该款项状态为 { $current }，无需放行
problem-payment_blocked = 信用审查仍未通过，款项继续暂缓
    .detail = 信用审查仍未通过（{ standing }），款项继续暂缓
problem-extension_used = 该项目已延期一次，不能再次延期
problem-extension_pending = 该项目已有待审批的延期申请
problem-no_extension_pending = 该项目没有待审批的延期申请
problem-document_empty = 文件为空
    .detail = 上传的文件没有内容
problem-document_too_large = 文件超过大小上限
    .detail = 单个文件不得超过 { $limit_mib } MiB
problem-document_quota_exceeded = 附件总量超过上限
    .detail = 同一对象的现行附件合计不得超过 { $limit_mib } MiB，可先删除不需要的附件
problem-document_type_refused = 不支持的文件类型
    .detail = 按文件内容识别为 { $detected }；仅接受 PDF、DOCX、XLSX、PPTX、ZIP、PNG、JPEG、OFD
problem-document_executable = 压缩包内含可执行文件，已拒收
    .detail = 压缩包中的“{ $entry }”是可执行文件或脚本
problem-document_javascript = PDF 内含 JavaScript 脚本，已拒收
    .detail = 请另存为不含脚本的 PDF 后重新上传
problem-document_malformed = 文件已损坏或格式不正确
    .detail = { $detail }
problem-document_infected = 病毒扫描发现威胁，文件已拒收
    .detail = 扫描结果：{ $signature }
problem-virus_scan_unavailable = 病毒扫描服务暂不可用，请稍后再上传
problem-documents_closed = 当前状态下不能增删附件
    .detail = 附件所属对象当前状态不允许增删附件（当前：{ $current }）
problem-document_not_current = 该附件已被新版本替换或已删除
problem-blind_copy_pending = 匿名评审副本正在生成，请稍后再试
problem-range_not_satisfiable = 请求的字节范围无效
    .detail = 文件共 { $size } 字节
problem-link_invalid = 下载链接无效或已过期，请重新获取
