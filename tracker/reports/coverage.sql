-- Per target: sentences, articles, positions, actors for / against / mixed
--
-- One row per target (also those nobody mentioned). `sentences` counts the
-- sentences linked to the target or cited as evidence of a position on it (the
-- plan as a whole is never linked, only cited), `articles` their articles and
-- `positions` the stances. `actors_for`, `actors_against` and `actors_mixed`
-- count actors by their latest stance on the target (as in the matrix report),
-- so each actor counts once. A point taken out of its plan file (retired) is
-- listed only while links or positions coded before remain on it.
-- Options: --plan, --target, --since, --until, --reviewed-only, --min-score.
WITH t AS (
    SELECT *
    FROM report_targets
    WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
      AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
      AND (
          target_id NOT IN (SELECT id FROM targets WHERE retired)
          OR target_id IN (SELECT target_id FROM report_links)
          OR target_id IN (SELECT target_id FROM report_positions)
      )
),
l AS (
    SELECT sentence_id, article_id, target_id
    FROM report_links
    WHERE (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
    UNION
    SELECT sentence_id, article_id, target_id
    FROM report_positions
    WHERE sentence_id IS NOT NULL
      AND (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
           OR score >= CAST(:min_score AS FLOAT))
),
p AS (
    SELECT *
    FROM report_positions
    WHERE (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
           OR score >= CAST(:min_score AS FLOAT))
),
latest AS (
    SELECT target_id, stance
    FROM (
        SELECT
            actor_id,
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
)
SELECT
    t.plan,
    t.target,
    t.target_title,
    (SELECT COUNT(DISTINCT l.sentence_id) FROM l WHERE l.target_id = t.target_id) AS sentences,
    (SELECT COUNT(DISTINCT l.article_id) FROM l WHERE l.target_id = t.target_id) AS articles,
    (SELECT COUNT(*) FROM p WHERE p.target_id = t.target_id) AS positions,
    (
        SELECT COUNT(*) FROM latest WHERE latest.target_id = t.target_id
        AND latest.stance = 'support'
    ) AS actors_for,
    (
        SELECT COUNT(*) FROM latest WHERE latest.target_id = t.target_id
        AND latest.stance = 'oppose'
    ) AS actors_against,
    (
        SELECT COUNT(*) FROM latest WHERE latest.target_id = t.target_id
        AND latest.stance = 'mixed'
    ) AS actors_mixed
FROM t
ORDER BY t.plan, t.kind_order, t.target_number, t.target_slug
