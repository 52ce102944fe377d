## The awards' own texts: the Atom feed of the public notices (`GET /notices/feed`), written in
## the language the request asks for.

# The state of an award named by `$status`.
awards-status = { $status ->
    [publicity] 公示中
    [withdrawn] 已撤销
    [confirmed] 已确认挂帅
   *[other] { $status }
}

awards-feed-title = 揭榜挂帅拟立项公示
awards-feed-author = 科技局项目办

# One notice: `$challenge` (its title), `$organization` (the proposed awardee).
awards-feed-entry-title = 拟立项公示：{ $challenge } — { $organization }

# The text of one notice. `$amount_yuan` is grouped with two decimals, `$amount_fen` the same in
# fen; `$ends_beijing` is the end as Beijing time (`YYYY-MM-DD HH:MM`), `$ends_at` as RFC 3339.
awards-feed-entry =
    榜单：{ $challenge }
    拟挂帅单位：{ $organization }
    金额：{ $amount_yuan } 元（{ $amount_fen } 分）
    公示期：{ $starts_on } — { $ends_on }（截至北京时间 { $ends_beijing }）
    状态：{ awards-status }

# Added to a notice whose bid is not the top-ranked one.
awards-feed-entry-reason = 选择理由：{ $reason }
