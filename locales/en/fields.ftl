## Messages of field errors (`field-<code>`), shown beside each field a 422 (or a 409) names.
## Every `FieldCode` has a message here and in every other language (a test checks it).

field-required = is required
field-length = { $bounds ->
    [both] must be { $min } to { $max } characters long
    [min] must be at least { $min } characters long
    [max] must be at most { $max } characters long
   *[none] has a wrong length
}
field-range = must be between { $min } and { $max }
field-email = is not a valid email address
field-url = must be http(s) links of at most 500 characters each
field-blank = must not be blank
field-empty = change at least one field
field-invalid = is invalid
field-check_character = has a wrong check character
field-invalid_character = contains characters that are not allowed
field-control_character = contains control characters (such as NUL or a line break where one line is expected)
field-invalid_type = has the wrong type
field-invalid_choice = is not one of the allowed values
field-not_allowed = is not allowed here
field-not_self_registered = { $role ->
    [expert] expert accounts do not register themselves: the program office creates the account (POST /users) and adds it to the expert pool (POST /experts); please contact the program office
    [admin] administrator accounts do not register themselves: an existing administrator of the program office creates them (POST /users); the first one is made on the server with the create-admin command
   *[other] only issuers and solvers register themselves
}
field-not_found = does not exist
field-unknown_field = is not a known field
field-taken = is already taken
field-needs_q = sorting by relevance needs a search text q
field-too_many_words = must have at most { $max } words
field-too_many_matches = matches more than { $max } entries: add words or filters
field-page_too_deep = is too deep: at most { $max } rows can be reached by page number; read on with `cursor` (each page gives `next_cursor`)
field-cursor_order = belongs to another order: this list is sorted by { $sort }
field-page_and_cursor = cannot be given with `page`: use one or the other
field-invalid_transition = the current state is { $current }; this is not allowed
field-not_editable = cannot be changed while the state is { $current }
field-in_past = must be in the future
field-not_later = must be later than { $than }
field-sum = must add up to { $expected } (they add up to { $actual })
field-duplicate_entry = has duplicate entries
field-in_future = must not be in the future
field-before_decision = must not be before the decision date
field-before_start = must be after the start
field-credit_blocked = { $purpose ->
    [bid] { $standing ->
        [serious] is barred from bidding: a serious dishonesty record is in force
        [general] is barred from bidding: a general dishonesty record is in force, and this challenge bars those too
       *[other] is barred from bidding by its credit standing
    }
   *[other] { $standing ->
        [serious] cannot be awarded: a serious dishonesty record is in force
        [general] cannot be awarded: a general dishonesty record is in force, and this challenge bars those too
       *[other] cannot be awarded because of its credit standing
    }
}
field-payment_held = { $standing ->
    [serious] the payee's credit check blocks: a serious dishonesty record is in force
    [general] the payee's credit check blocks: a general dishonesty record is in force, and this challenge bars those too
   *[other] the payee's credit check blocks the payment
}
field-not_ranked = is not a bid of this challenge's ranking
field-not_eligible = is not an eligible bid (it is { $current })
field-not_closed = the review is not closed
field-objection_pending = an objection of yours is pending
field-calendar_not_maintained = maintain the calendar of { $years } first
field-tied = { $tied } bids share the first place: say why this one
field-previously_withdrawn = an earlier proposal of this bid was withdrawn: say why it is proposed again
field-notice_closed = no public notice is open
field-out_of_year = must be a date of { $year }
field-holiday_and_workday = cannot be both a holiday and a make-up working day
field-not_weekend = a make-up working day must be a Saturday or a Sunday
field-org_kind_not_eligible = organisations of this kind ({ $kind }) may not bid on this challenge
field-over_bounty = must not exceed the bounty of { $max } fen
field-over_limit = must be at most { $max } months
field-missing_kpi = lacks a commitment for the KPI "{ $kpi }"
field-unknown_kpi = is not a KPI of this challenge
field-one_leader = needs exactly one leader (has { $count })
field-not_yet = not before { $at }
field-bidding_closed = not open for bids (now: { challenge-status-current })
field-not_reviewed = { $count } bid(s) still need their formal review
field-not_expert = must be an account with the role expert
field-not_enough_experts = { $found } eligible expert(s) found, { $needed } needed
field-missing_criterion = the criterion "{ $name }" is not scored
field-kpi_not_judged = the KPI "{ $name }" is not judged
field-final_milestone_by_acceptance = decided by the final acceptance; its share is paid when it passes
field-acceptance_started = the final acceptance has started
field-milestones_outstanding = { $count } milestone(s) not ready (the last reported, the others accepted)
field-verdicts_not_submitted = experts still have to submit their verdicts
field-not_scored = { $count } bid(s) not scored yet
field-not_submitted = experts still have to submit
