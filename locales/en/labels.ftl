## Labels of states, roles and results. A label selects on the argument its name says
## (`$current`, `$standing`, `$role`…), so that a message that has that argument can include it
## by reference (`{ challenge-status-current }`), and templates can call it
## (`t("role", role=…)`).

# The state of a challenge named by `$current`.
challenge-status-current = { $current ->
    [draft] draft
    [pending_approval] pending approval
    [published] published
    [bidding_closed] bidding closed
    [under_review] under review
    [publicity] in public notice
    [awarded] awarded
    [accepted] accepted
    [rejected] rejected
    [cancelled] cancelled
    [failed] failed
   *[other] { $current }
}

# The state of a milestone named by `$current`.
milestone-status-current = { $current ->
    [pending] pending
    [reported] reported
    [returned] returned
    [accepted] accepted
   *[other] { $current }
}

standing = { $standing ->
    [serious] a serious dishonesty record is in force
    [general] a general dishonesty record is in force
    [good] good standing
   *[other] { $standing }
}

role = { $role ->
    [admin] administrator
    [issuer] issuer
    [solver] solver
    [expert] expert
   *[other] { $role }
}

# Who cancelled a challenge, as its notice says.
cancelled-by = { $party ->
    [issuer] the issuer
   *[other] the program office
}

formal-review-result = { $result ->
    [eligible] eligible
   *[other] ineligible
}
