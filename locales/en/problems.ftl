## Problem titles (`problem-<code>`) and, where an occurrence says more, details (`.detail`).
## Every `ErrorCode` has a title here and in every other language (a test checks it).

problem-bad_request = Bad request
    .detail = could not read the request body: { $error }
problem-malformed_json = Malformed JSON body
    .detail = line { $line } column { $column }: { $problem ->
        [eof] unexpected end of input
        [syntax] syntax error
       *[other] unreadable body
    }
problem-unauthenticated = Not authenticated
problem-invalid_token = Invalid or expired token
problem-invalid_credentials = Wrong email or password
problem-account_disabled = Account disabled
problem-invalid_refresh_token = Invalid or expired refresh token
problem-refresh_token_reused = Refresh token reused; the whole session was revoked
problem-cross_site_request = Refused: the sign-in cookie is only accepted from this site's own pages
    .detail = a request that uses the refresh cookie must come from this site, with Content-Type: application/json
problem-forbidden = Your role may not do this
problem-not_found = Not found
problem-route_not_found = No such endpoint
problem-method_not_allowed = Method not allowed
problem-not_acceptable = Not acceptable
problem-request_timeout = The request was sent too slowly
problem-conflict = Conflict with existing data
problem-duplicate = Conflict with existing data
    .detail = already exists
problem-length_required = A Content-Length header is required
problem-uri_too_long = URI too long
problem-headers_too_large = Request headers too large
problem-email_taken = Email already registered
problem-cannot_disable_self = You cannot disable your own account
    .detail = you cannot disable or demote yourself
problem-stale_version = Stale version; reload and retry
problem-if_match_required = An If-Match header with the current ETag is required
problem-invalid_transition = Not allowed in the current state
    .detail = not allowed while the challenge is { $current }
problem-not_editable = These fields cannot be changed in the current state
    .detail = these fields cannot be changed while the challenge is { $current }
problem-payload_too_large = Request body too large
problem-unsupported_media_type = Request body must be application/json
problem-validation_failed = Invalid field values
problem-rate_limited = Too many attempts; retry later
problem-service_unavailable = Service temporarily unavailable
problem-internal_error = Internal server error
problem-job_not_failed = Only failed jobs can be retried
problem-credit_record_exists = A credit record with this source and record id exists
problem-credit_record_already_repaired = Credit record already repaired
problem-credit_file_empty = The credit file is empty
    .detail = the file is empty
problem-credit_file_not_csv = The credit file is not a CSV file we can read
    .detail = { $reason ->
        [binary] the file is not CSV text (binary content)
       *[no_header] the first row is not a header with known column names
    }
problem-credit_file_encoding = The credit file is not in a known or the chosen encoding
    .detail = the file is not valid { $encoding }; try encoding=auto, utf-8 or gbk
problem-credit_file_missing_columns = The credit file lacks required columns
    .detail = required columns missing: { $columns_en }
problem-credit_refused = Refused by the credit check: resubmit once the records are repaired (信用修复), or contact the program office
    .detail = parties with a dishonesty record in force: { $parties } (see errors). A record stops counting once it is repaired or expires, and the bid may then be submitted again; if you believe a record is wrong or already repaired, contact the program office (科技局) to have it checked and updated
problem-award_credit_refused = The proposed team failed the credit re-check: no award can be proposed for this bid
    .detail = parties with a dishonesty record in force: { $parties } (see errors); the checks are on record. Propose another ranked bid with a reason, or propose again once the records are repaired
problem-bid_exists = Your organisation already has a live bid on this challenge
    .detail = your organisation already has a live bid (a draft or a submitted one) on this challenge
problem-bidding_closed = Bidding is closed
    .detail = the challenge is not open for bids (now: { challenge-status-current })
problem-bidding_not_open = Bidding has not opened yet
    .detail = bidding opens at { $opens_at }
problem-invalid_bid_state = Not allowed in the bid's current state
    .detail = not allowed while the bid is { $current }
problem-formal_review_closed = Formal review happens between the deadline and the expert review
    .detail = formal review happens between the deadline and the expert review (the challenge is { $current })
problem-formal_review_incomplete = Some bids still need their formal review
    .detail = { $count } submitted bid(s) still need their formal review
problem-not_under_review = Expert review happens while the challenge is under review
    .detail = the challenge is { $current }; expert review happens while it is under_review
problem-panel_exists = The panel has already been drawn
problem-not_enough_experts = Not enough eligible experts for the panel
    .detail = found { $found } eligible expert(s), { $needed } needed
problem-expert_exists = The expert is already in the pool
    .detail = this account or ID number is already in the pool
problem-invalid_assignment_state = Not allowed in the assignment's current state
    .detail = the assignment is { $current }; it must be { $wanted }
problem-review_closed = The review is closed
problem-review_not_closed = The review is not closed yet
    .detail = the review is not closed: there is no ranking yet
problem-review_not_ready = Experts still have to submit; the review cannot close yet
    .detail = { $case ->
        [after_deadline] the deadline has passed but only { $submitted } expert(s) submitted (at least 3 needed)
       *[before_deadline] before the deadline every expert must submit: { $submitted } submitted, { $pending } not yet
    }
problem-scores_incomplete = Some bids are not scored yet
    .detail = { $count } bid(s) not scored yet
problem-commitment_required = Sign the commitment first
    .detail = read the current commitment and send its version and hash as `commitment`
problem-commitment_outdated = The commitment has changed
    .detail = you signed version { $signed }, the current version is { $current }; read it again and sign it
problem-commitment_unchanged = The texts are those of the current version
problem-objection_pending = Your objection to this notice is still pending
    .detail = your objection to this notice is still pending; you may file another once it is decided
problem-calendar_not_maintained = The holiday calendar of a year the notice runs through is not maintained
    .detail = the notice runs through { $years }, whose holiday calendar is not maintained (PUT /calendar/{"{"}year{"}"})
problem-notice_closed = The challenge's public notice is not open
    .detail = { $case ->
        [ended] the public notice ended at { $ended_at } (Beijing time)
       *[none] the challenge has no public notice open
    }
problem-objection_resolved = The objection is already resolved
    .detail = the objection is already resolved ({ $current })
problem-award_not_in_publicity = The award is not in publicity and cannot be withdrawn
    .detail = the award is { $current }; only an award in publicity can be withdrawn
problem-not_awarded = Final acceptance happens while the challenge is awarded
    .detail = the challenge is { $current }; final acceptance happens while it is awarded
problem-acceptance_exists = The acceptance panel has already been drawn
problem-milestones_outstanding = Milestones are still outstanding; the acceptance cannot start
    .detail = { $count } milestone(s) not ready: the last must be reported, the others accepted
problem-final_milestone_by_acceptance = The last milestone is decided by the final acceptance
    .detail = the last milestone is decided by the final acceptance; its share is paid when the acceptance passes
problem-acceptance_started = The final acceptance has started
problem-acceptance_closed = The acceptance is closed
problem-acceptance_not_ready = Experts still have to submit their verdicts; the acceptance cannot close yet
    .detail = { $case ->
        [after_deadline] the deadline has passed but only { $submitted } expert(s) submitted (at least 3 needed)
       *[before_deadline] before the deadline every expert must submit, and at least 3: { $submitted } submitted, { $pending } not yet
    }
problem-verdict_missing = No verdict saved yet
problem-project_not_running = The project is not running
    .detail = the project is not running (the challenge is { $current })
problem-invalid_milestone_state = Not allowed in the milestone's current state
    .detail = not allowed while the milestone is { $current }
problem-payment_not_held = The payment is not held
    .detail = the payment is { $current }, not held
problem-payment_blocked = The credit check still blocks; the payment stays held
    .detail = the credit check still blocks ({ standing }); the payment stays held
problem-extension_used = The project has already been extended once
problem-extension_pending = An extension request is waiting for a decision
problem-no_extension_pending = No extension request is waiting for a decision
problem-document_empty = The file is empty
    .detail = the uploaded file has no content
problem-document_too_large = The file is over the size limit
    .detail = a file may be at most { $limit_mib } MiB
problem-document_quota_exceeded = The documents are over their total limit
    .detail = the current documents of one object may total at most { $limit_mib } MiB; remove some first
problem-document_type_refused = This type of file is not accepted
    .detail = its content is { $detected }; accepted are PDF, DOCX, XLSX, PPTX, ZIP, PNG, JPEG and OFD
problem-document_executable = The archive holds an executable and was refused
    .detail = "{ $entry }" in the archive is an executable or a script
problem-document_javascript = The PDF holds JavaScript and was refused
    .detail = save it as a PDF without scripts and upload it again
problem-document_malformed = The file is damaged or not in its format
    .detail = { $detail }
problem-document_infected = The virus scan found a threat; the file was refused
    .detail = scan result: { $signature }
problem-virus_scan_unavailable = The virus scan is unavailable; upload again later
problem-documents_closed = Documents cannot be added or removed in this state
    .detail = what the documents belong to does not take changes now (now: { $current })
problem-document_not_current = This document was replaced by a newer version or removed
problem-blind_copy_pending = The blind-review copy is being made; try again shortly
problem-range_not_satisfiable = The requested byte range cannot be served
    .detail = the file has { $size } bytes
problem-link_invalid = The download link is invalid or expired; ask for a new one
