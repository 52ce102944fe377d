## Email subjects: `email-<template>-subject`, given the notice's fields as arguments.
## Every template under templates/email/ has one in every language (a test checks it).

email-acceptance_failed-subject = Final acceptance failed: { $title }
email-acceptance_invitation-subject = Acceptance review invitation: { $title } (due { $review_deadline })
email-acceptance_passed-subject = Final acceptance passed: { $title }
email-acceptance_reminder-subject = Reminder: acceptance verdict for { $title } due { $review_deadline }
email-acceptance_started-subject = Final acceptance started: { $title }
email-account_disabled-subject = Your Jiebang account has been disabled
email-award_blocked-subject = Award confirmation blocked by the credit check: { $title }
email-award_confirmed-subject = { $audience ->
        [bidder] Result
       *[other] Award confirmed
    }: { $title }
email-award_proposed-subject = Award proposed (public notice): { $title }
email-award_withdrawn-subject = Award proposal withdrawn: { $title }
email-bid_received-subject = Bid received: { $title }
email-bid_reviewed-subject = Formal review: { $title } ({ $display_code }) is { formal-review-result }
email-bidding_closed-subject = Bidding closed: { $title }
email-challenge_approved-subject = Challenge published: { $title }
email-challenge_cancelled-subject = Challenge cancelled: { $title }
email-challenge_rejected-subject = Challenge returned: { $title }
email-clarification_added-subject = New clarification: { $title }
email-extension_decided-subject = { $approved ->
        [true] Extension approved
       *[other] Extension refused
    }: { $title }
email-extension_requested-subject = Extension requested: { $title } ({ $months } months)
email-milestone_accepted-subject = Milestone accepted: { $title } · { $milestone_title }
email-milestone_overdue-subject = Milestone overdue: { $title } · { $milestone_title }
email-milestone_overdue_admin-subject = Milestone overdue: { $title } · { $milestone_title } ({ $organization_name })
email-milestone_reported-subject = Milestone reported for acceptance: { $title } · { $milestone_title }
email-milestone_returned-subject = Milestone returned: { $title } · { $milestone_title }
email-objection_filed-subject = Objection filed: { $title }
email-objection_resolved-subject = Your objection: { $title }
email-panel_invitation-subject = Review invitation: { $title } (due { $review_deadline })
email-password_changed-subject = Your Jiebang password was reset by an administrator
email-payment_held-subject = Payment held: { $title } · { $milestone_title }
email-project_ready_for_acceptance-subject = Ready for final acceptance: { $title }
email-project_terminated-subject = Project terminated: { $title }
email-review_reminder-subject = Reminder: the review of { $title } closes { $review_deadline }
email-role_changed-subject = Your Jiebang role is now { role }
email-welcome-subject = Welcome to the Jiebang challenge platform, { $display_name }

# The footer of every email.
email-footer = This message was sent by the Jiebang challenge-bounty platform. Please do not reply.
email-blind_copies_made-subject = Blind-review copies made: { $title }
