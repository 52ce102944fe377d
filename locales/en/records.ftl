## Texts the system writes into records (reasons, comments) that anyone may read later in either
## language: stored in both, "中文 / English" (`i18n::bilingual`).

record-final_acceptance_passed = final acceptance passed
record-project_terminated = the project was terminated
record-no_verdict_by_deadline = no verdict by the deadline
record-acceptance_passed = acceptance passed: { $passes } of { $total } experts passed the project
record-acceptance_failed = acceptance failed: { $passes } of { $total } experts passed the project, not a majority

## The file name of a bid document's blind copy: the bid's code and the document's number.
record-blind_file_name = Proposal-{ $code }-{ $n }
