-- Targets with actors on both sides (latest stances), and who is on each side
--
-- One row per target where, by their latest stance (as in the matrix report),
-- at least one actor supports and one opposes; the names on each side are
-- joined with ", " in alphabetical order. `target_retired` is 1 for a point
-- taken out of its plan file (no longer coded).
-- Options: --plan, --actor (targets where that actor is on one side), --target,
-- --since, --until, --reviewed-only, --min-score.
WITH RECURSIVE p AS (
    SELECT *
    FROM report_positions
    WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
      AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
      AND (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
           OR score >= CAST(:min_score AS FLOAT))
),
latest AS (
    SELECT actor_id, actor, target_id, stance
    FROM (
        SELECT
            actor_id,
            actor,
            target_id,
            stance,
            ROW_NUMBER() OVER (
                PARTITION BY actor_id, target_id
                ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END DESC, date DESC,
                    COALESCE(article_id, 0) DESC, COALESCE(sentence_start, 0) DESC,
                    COALESCE(position_id, 9223372036854775807) DESC
            ) AS recency
        FROM p
    ) AS ranked
    WHERE recency = 1
),
contested AS (
    SELECT target_id
    FROM latest
    GROUP BY target_id
    HAVING SUM(CASE WHEN stance = 'support' THEN 1 ELSE 0 END) > 0
       AND SUM(CASE WHEN stance = 'oppose' THEN 1 ELSE 0 END) > 0
       AND (
           CAST(:actor_id AS INTEGER) IS NULL
           OR SUM(CASE WHEN actor_id = :actor_id THEN 1 ELSE 0 END) > 0
       )
),
named AS (
    SELECT
        target_id,
        stance,
        actor,
        ROW_NUMBER() OVER (PARTITION BY target_id, stance ORDER BY actor) AS n,
        COUNT(*) OVER (PARTITION BY target_id, stance) AS total
    FROM latest
    WHERE target_id IN (SELECT target_id FROM contested)
),
joined (target_id, stance, n, total, names) AS (
    SELECT target_id, stance, n, total, CAST(actor AS TEXT)
    FROM named
    WHERE n = 1
    UNION ALL
    SELECT j.target_id, j.stance, m.n, j.total, j.names || ', ' || m.actor
    FROM joined j
    JOIN named m ON m.target_id = j.target_id AND m.stance = j.stance AND m.n = j.n + 1
),
sides AS (
    SELECT target_id, stance, total, names FROM joined WHERE n = total
)
SELECT
    t.plan,
    t.target,
    t.target_title,
    CASE WHEN (SELECT x.retired FROM targets x WHERE x.id = t.target_id) THEN 1 ELSE 0 END
        AS target_retired,
    s.total AS supporters,
    s.names AS support,
    o.total AS opponents,
    o.names AS oppose,
    COALESCE(m.total, 0) AS mixed,
    m.names AS mixed_actors
FROM report_targets t
JOIN sides s ON s.target_id = t.target_id AND s.stance = 'support'
JOIN sides o ON o.target_id = t.target_id AND o.stance = 'oppose'
LEFT JOIN sides m ON m.target_id = t.target_id AND m.stance = 'mixed'
ORDER BY t.plan, t.kind_order, t.target_number, t.target_slug
