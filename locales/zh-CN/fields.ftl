## Messages of field errors (`field-<code>`), shown beside each field a 422 (or a 409) names.
## Every `FieldCode` has a message here and in every other language (a test checks it).

field-required = 必填
field-length = { $bounds ->
    [both] 长度须在 { $min } 到 { $max } 个字符之间
    [min] 长度至少 { $min } 个字符
    [max] 长度最多 { $max } 个字符
   *[none] 长度不符合要求
}
field-range = 取值须在 { $min } 到 { $max } 之间
field-email = 邮箱格式不正确
field-url = 须为 http(s) 链接，每个不超过 500 个字符
field-blank = 不能为空白
field-empty = 至少修改一项内容
field-invalid = 取值无效
field-check_character = 校验位错误
field-invalid_character = 含有不允许的字符
field-control_character = 含有控制字符（如 NUL，或单行文本中的换行）
field-invalid_type = 类型不正确
field-invalid_choice = 不是允许的取值
field-not_allowed = 此处不允许该取值
field-not_self_registered = { $role ->
    [expert] 评审专家账号不能自行注册：由项目办（科技局）创建账号（POST /users）并纳入专家库（POST /experts），请联系项目办
    [admin] 管理员账号不能自行注册：由项目办现有管理员创建（POST /users），首个管理员在服务器上用命令 create-admin 创建
   *[other] 只有发榜方（issuer）和揭榜方（solver）可以自行注册
}
field-not_found = 不存在
field-unknown_field = 未知字段
field-taken = 已被使用
field-needs_q = 按相关度排序须同时提供检索词 q
field-too_many_words = 检索词最多 { $max } 个
field-too_many_matches = 匹配结果超过 { $max } 条，请增加检索词或筛选条件
field-page_too_deep = 翻页过深：按页码最多可读到第 { $max } 条，请改用 cursor 继续读取（每页返回 next_cursor）
field-cursor_order = 与当前排序（{ $sort }）不符
field-page_and_cursor = 不能与 page 同时使用，请二选一
field-invalid_transition = 当前状态为 { $current }，不允许此操作
field-not_editable = 状态为 { $current } 时不能修改
field-in_past = 须晚于当前时间
field-not_later = 须晚于 { $than }
field-sum = 合计须为 { $expected }（现为 { $actual }）
field-duplicate_entry = 有重复项
field-in_future = 不能晚于今天
field-before_decision = 不能早于认定日期
field-before_start = 须晚于开始时间
field-credit_blocked = { $purpose ->
    [bid] { $standing ->
        [serious] 信用审查未通过：存在有效的严重失信记录，不能参与揭榜
        [general] 信用审查未通过：存在有效的一般失信记录，本榜单规定一般失信亦不得揭榜
       *[other] 信用审查未通过，不能参与揭榜
    }
   *[other] { $standing ->
        [serious] 信用复核未通过：存在有效的严重失信记录，不能挂帅
        [general] 信用复核未通过：存在有效的一般失信记录，本榜单规定一般失信亦不得挂帅
       *[other] 信用复核未通过，不能挂帅
    }
}
field-payment_held = { $standing ->
    [serious] 信用审查未通过：存在有效的严重失信记录，款项暂缓支付
    [general] 信用审查未通过：存在有效的一般失信记录，本榜单规定一般失信亦暂缓支付
   *[other] 信用审查未通过，款项暂缓支付
}
field-not_ranked = 不在该榜单的评审排名中
field-not_eligible = 该申报未通过形式审查（状态 { $current }）
field-not_closed = 评审尚未结束
field-objection_pending = 已有待处理的异议
field-calendar_not_maintained = 请先维护 { $years } 年的节假日日历
field-tied = 有 { $tied } 个方案并列第一，选择其一须说明理由
field-previously_withdrawn = 该方案曾被拟立项后撤销，再次拟立项须说明理由
field-notice_closed = 不在公示期内
field-out_of_year = 日期须在 { $year } 年内
field-holiday_and_workday = 同一日期不能既是节假日又是调休上班日
field-not_weekend = 调休上班日须为周六或周日
field-org_kind_not_eligible = 该榜单不接受此类单位（{ $kind }）申报
field-over_bounty = 不能超过榜单悬赏金额 { $max } 分
field-over_limit = 不能超过 { $max } 个月
field-missing_kpi = 缺少对考核指标「{ $kpi }」的承诺
field-unknown_kpi = 不是该榜单的考核指标
field-one_leader = 须有且仅有一名项目负责人（现有 { $count } 名）
field-not_yet = 须等到 { $at }
field-bidding_closed = 不在张榜状态（当前：{ challenge-status-current }）
field-not_reviewed = 尚有 { $count } 份申报未完成形式审查
field-not_expert = 须为评审专家账号
field-not_enough_experts = 符合条件的专家 { $found } 位，需要 { $needed } 位
field-missing_criterion = 缺少评分项「{ $name }」
field-kpi_not_judged = 缺少对考核指标「{ $name }」的判定
field-final_milestone_by_acceptance = 由最终验收评定，验收通过后支付尾款
field-acceptance_started = 最终验收已启动
field-milestones_outstanding = 尚有 { $count } 个节点未完成（最后一个须已提交，其余须已确认）
field-verdicts_not_submitted = 尚有专家未提交验收意见
field-not_scored = 尚有 { $count } 份方案未评分
field-not_submitted = 尚有专家未提交评分
