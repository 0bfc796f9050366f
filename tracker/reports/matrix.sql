-- Actors × targets: latest stance per cell by article date, evidence, changes
--
-- One row per actor and target the actor took a position on. `stance` is the
-- latest (by article date; undated positions count as the oldest, ties go to
-- the later sentence), `evidence` counts the positions with that stance,
-- `positions` all of them, and `changed` is 1 when the actor's stance on the
-- target differed within the period between dated positions (an undated one
-- cannot be placed in time). `sentence` is the latest evidence. `target_retired`
-- is 1 for a point taken out of its plan file: it is no longer coded, and what is
-- listed on it was coded (or reviewed) before.
-- Options: --plan, --actor, --target, --since, --until, --reviewed-only, --min-score.
-- note: `changed` compares dated positions only: a position from an undated article
-- never counts as a change, since when it was taken is unknown.
WITH p AS (
    SELECT *
    FROM report_positions
    WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
      AND (CAST(:actor_id AS INTEGER) IS NULL OR actor_id = :actor_id)
      AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
      AND (CAST(:since AS DATE) IS NULL OR date >= :since)
      AND (CAST(:until AS DATE) IS NULL OR date <= :until)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
           OR score >= CAST(:min_score AS FLOAT))
),
ranked AS (
    SELECT
        p.*,
        ROW_NUMBER() OVER (
            PARTITION BY actor_id, target_id
            ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END DESC, date DESC,
                COALESCE(article_id, 0) DESC, COALESCE(sentence_start, 0) DESC,
                COALESCE(position_id, 9223372036854775807) DESC
        ) AS recency
    FROM p
),
cells AS (
    SELECT
        actor_id,
        target_id,
        COUNT(*) AS positions,
        COUNT(DISTINCT CASE WHEN date IS NOT NULL THEN stance END) AS dated_stances,
        MAX(date) AS last_date,
        SUM(CASE WHEN stance = 'support' THEN 1 ELSE 0 END) AS support,
        SUM(CASE WHEN stance = 'oppose' THEN 1 ELSE 0 END) AS oppose,
        SUM(CASE WHEN stance = 'mixed' THEN 1 ELSE 0 END) AS mixed
    FROM p
    GROUP BY actor_id, target_id
)
SELECT
    r.actor,
    r.affiliation,
    r.plan,
    r.target,
    r.target_title,
    CASE WHEN (SELECT t.retired FROM targets t WHERE t.id = r.target_id) THEN 1 ELSE 0 END
        AS target_retired,
    r.stance,
    -- counted once per cell, not by a subquery per row (PostgreSQL read the whole of p for
    -- each: the matrix of 3,000 articles took 8 s there, 1.4 s on SQLite)
    CASE r.stance WHEN 'support' THEN c.support WHEN 'oppose' THEN c.oppose
        WHEN 'mixed' THEN c.mixed ELSE 0 END AS evidence,
    c.positions,
    CASE WHEN c.dated_stances > 1 THEN 1 ELSE 0 END AS changed,
    c.last_date,
    r.sentence
FROM ranked r
JOIN cells c ON c.actor_id = r.actor_id AND c.target_id = r.target_id
WHERE r.recency = 1
ORDER BY r.actor, r.plan, r.kind_order, r.target_number, r.target_slug
