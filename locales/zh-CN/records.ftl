## Texts the system writes into records (reasons, comments) that anyone may read later in either
## language: stored in both, "中文 / English" (`i18n::bilingual`).

record-final_acceptance_passed = 最终验收通过
record-project_terminated = 项目已终止
record-no_verdict_by_deadline = 未在截止时间前提交验收意见
record-acceptance_passed = 验收通过: { $passes }/{ $total } 位专家判定通过
record-acceptance_failed = 验收未通过: { $passes }/{ $total } 位专家判定通过，未过半数

## The file name of a bid document's blind copy (匿名评审副本): the bid's code and the document's number.
record-blind_file_name = 方案{ $code }-附件{ $n }
