## Email subjects: `email-<template>-subject`, given the notice's fields as arguments.
## Every template under templates/email/ has one in every language (a test checks it).

email-acceptance_failed-subject = 验收未通过：{ $title }
email-acceptance_invitation-subject = 验收评审邀请：{ $title }（截止 { $review_deadline }）
email-acceptance_passed-subject = 验收通过：{ $title }
email-acceptance_reminder-subject = 验收评审提醒：{ $title }（截止 { $review_deadline }）
email-acceptance_started-subject = 最终验收已启动：{ $title }
email-account_disabled-subject = 您的揭榜挂帅平台账号已停用
email-award_blocked-subject = 挂帅确认受阻（信用审查）：{ $title }
email-award_confirmed-subject = { $audience ->
        [winner] 挂帅确认
        [bidder] 评审结果
       *[other] 挂帅确认
    }：{ $title }
email-award_proposed-subject = 拟立项公示：{ $title }
email-award_withdrawn-subject = 拟立项已撤销：{ $title }
email-bid_received-subject = 申报已收到：{ $title }
email-bid_reviewed-subject = 形式审查结果：{ $title }（{ $display_code }）{ formal-review-result }
email-bidding_closed-subject = 揭榜已截止：{ $title }
email-challenge_approved-subject = 榜单已发布：{ $title }
email-challenge_cancelled-subject = 榜单已撤销：{ $title }
email-challenge_rejected-subject = 榜单未通过审核：{ $title }
email-clarification_added-subject = 榜单新增答疑：{ $title }
email-extension_decided-subject = { $approved ->
        [true] 延期已批准
       *[other] 延期未获批准
    }：{ $title }
email-extension_requested-subject = 延期申请待审批：{ $title }（{ $months } 个月）
email-milestone_accepted-subject = 节点已验收：{ $title } · { $milestone_title }
email-milestone_overdue-subject = 节点已逾期：{ $title } · { $milestone_title }
email-milestone_overdue_admin-subject = 节点逾期：{ $title } · { $milestone_title }（{ $organization_name }）
email-milestone_reported-subject = 节点已提交待验收：{ $title } · { $milestone_title }
email-milestone_returned-subject = 节点被退回：{ $title } · { $milestone_title }
email-objection_filed-subject = 公示收到异议：{ $title }
email-objection_resolved-subject = 异议处理结果：{ $title }
email-panel_invitation-subject = 评审邀请：{ $title }（截止 { $review_deadline }）
email-password_changed-subject = 您的揭榜挂帅平台密码已被管理员重置
email-payment_held-subject = 款项暂缓支付：{ $title } · { $milestone_title }
email-project_ready_for_acceptance-subject = 项目待验收：{ $title }
email-project_terminated-subject = 项目已终止：{ $title }
email-review_reminder-subject = 评审提醒：{ $title } 将于 { $review_deadline } 截止
email-role_changed-subject = 您在揭榜挂帅平台的角色已变更为{ role }
email-welcome-subject = 欢迎使用揭榜挂帅平台，{ $display_name }

# The footer of every email.
email-footer = 本邮件由揭榜挂帅平台自动发送，请勿直接回复。
email-blind_copies_made-subject = 匿名评审副本已生成：{ $title }
