## Labels of states, roles and results. A label selects on the argument its name says
## (`$current`, `$standing`, `$role`…), so that a message that has that argument can include it
## by reference (`{ challenge-status-current }`), and templates can call it
## (`t("role", role=…)`).

# The state of a challenge named by `$current`.
challenge-status-current = { $current ->
    [draft] 草稿
    [pending_approval] 待审核
    [published] 张榜中
    [bidding_closed] 揭榜截止
    [under_review] 评审中
    [publicity] 公示中
    [awarded] 已挂帅
    [accepted] 验收通过
    [rejected] 已退回
    [cancelled] 已撤榜
    [failed] 未通过验收
   *[other] { $current }
}

# The state of a milestone named by `$current`.
milestone-status-current = { $current ->
    [pending] 待提交
    [reported] 已提交
    [returned] 已退回
    [accepted] 已验收
   *[other] { $current }
}

standing = { $standing ->
    [serious] 存在严重失信记录
    [general] 存在一般失信记录
    [good] 信用良好
   *[other] { $standing }
}

role = { $role ->
    [admin] 管理员（科技局项目办）
    [issuer] 发榜方
    [solver] 揭榜方
    [expert] 评审专家
   *[other] { $role }
}

# Who cancelled a challenge, as its notice says.
cancelled-by = { $party ->
    [issuer] 发榜方
   *[other] 科技局项目办
}

formal-review-result = { $result ->
    [eligible] 合格
   *[other] 不合格
}
