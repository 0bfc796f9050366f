-- Targets nobody addressed, and per actor the targets it never addressed
--
-- Rows with scope "nobody": targets no actor took a position on. Rows with
-- scope "actor": for each actor with a position in the period (or the one
-- --actor names), the targets it took no position on. A point taken out of its
-- plan file (retired) is not coded any more, so it is never listed.
-- Options: --plan, --actor, --target, --since, --until, --reviewed-only, --min-score.
WITH t AS (
    SELECT *
    FROM report_targets
    WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
      AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
      AND target_id NOT IN (SELECT id FROM targets WHERE retired)
),
p AS (
    SELECT actor_id, target_id
    FROM report_positions
    WHERE target_id IN (SELECT target_id FROM t)
      AND (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
           OR score >= CAST(:min_score AS FLOAT))
),
speakers AS (
    SELECT actor_id, actor
    FROM report_actors
    WHERE (CAST(:actor_id AS INTEGER) IS NULL AND actor_id IN (SELECT actor_id FROM p))
       OR actor_id = :actor_id
),
omitted AS (
    SELECT
        0 AS scope_order,
        'nobody' AS scope,
        CAST(NULL AS TEXT) AS actor,
        t.plan,
        t.target,
        t.target_title,
        t.kind_order,
        t.target_number,
        t.target_slug
    FROM t
    WHERE t.target_id NOT IN (SELECT target_id FROM p)
    UNION ALL
    SELECT
        1 AS scope_order,
        'actor' AS scope,
        a.actor,
        t.plan,
        t.target,
        t.target_title,
        t.kind_order,
        t.target_number,
        t.target_slug
    FROM speakers a
    CROSS JOIN t
    WHERE NOT EXISTS (
        SELECT 1 FROM p WHERE p.actor_id = a.actor_id AND p.target_id = t.target_id
    )
)
SELECT scope, actor, plan, target, target_title
FROM omitted
ORDER BY scope_order, actor, plan, kind_order, target_number, target_slug
