-- A notice in its period, for the notices page's spec, when seed-demo made none: a bid of the
-- demo solver on a challenge under review, proposed for the award (as POST /challenges/{id}/award
-- would leave it), with a 5-working-day period starting tomorrow.
WITH c AS (
  SELECT id FROM challenges WHERE status = 'under_review' ORDER BY created_at LIMIT 1
), solver AS (
  SELECT id, organization_id FROM users WHERE email = 'solver1@demo.jiebang.cn'
), admin AS (
  SELECT id FROM users WHERE email = 'admin@demo.jiebang.cn'
), bid AS (
  INSERT INTO bids (id, challenge_id, organization_id, created_by, status, anonymous_code, submitted_at,
                    requested_fen, duration_months, credit_result, technical_approach)
  SELECT gen_random_uuid(), c.id, solver.organization_id, solver.id, 'submitted', 'A', now() - interval '20 days',
         250000000, 24, 'pass', '以连续化工艺为主线的技术方案。'
  FROM c, solver
  RETURNING id, challenge_id, organization_id
), moved AS (
  UPDATE challenges SET status = 'publicity' WHERE id IN (SELECT challenge_id FROM bid) RETURNING id
)
INSERT INTO awards (id, challenge_id, bid_id, organization_id, amount_fen, rank, top_ranked, proposed_by,
                    proposed_at, proposal_check_ids, working_days, starts_on, ends_on, ends_at,
                    calendar_maintained, status)
SELECT gen_random_uuid(), bid.challenge_id, bid.id, bid.organization_id, 250000000, 1, true, admin.id,
       now(), '{}', 5, current_date + 1, current_date + 7,
       ((current_date + 7)::timestamp + interval '16 hours') AT TIME ZONE 'UTC', true, 'publicity'
FROM bid, admin, moved;
