## The awards' own texts: the Atom feed of the public notices (`GET /notices/feed`), written in
## the language the request asks for.

# The state of an award named by `$status`.
awards-status = { $status ->
    [publicity] in publicity
    [withdrawn] withdrawn
    [confirmed] confirmed
   *[other] { $status }
}

awards-feed-title = Award notices
awards-feed-author = Program office

# One notice: `$challenge` (its title), `$organization` (the proposed awardee).
awards-feed-entry-title = Award notice: { $challenge } — { $organization }

# The text of one notice. `$amount_yuan` is grouped with two decimals, `$amount_fen` the same in
# fen; `$ends_beijing` is the end as Beijing time (`YYYY-MM-DD HH:MM`), `$ends_at` as RFC 3339.
awards-feed-entry =
    Challenge: { $challenge }
    Proposed awardee: { $organization }
    Amount: { $amount_yuan } yuan ({ $amount_fen } fen)
    Notice period: { $starts_on } — { $ends_on } (until { $ends_at })
    Status: { awards-status }

# Added to a notice whose bid is not the top-ranked one.
awards-feed-entry-reason = Reason for the choice: { $reason }
