-- Positions by date for an actor or a target, each change of stance marked
-- requires: actor or target
--
-- One row per position, undated ones first, then by date and sentence.
-- `previous_stance` is the same actor's stance on the same target in the
-- dated position just before (over the whole history, also before --since),
-- and `changed` is 1 when the stance differs from it. An undated position
-- has neither: when it was taken is unknown. `target_retired` is 1 for a point
-- taken out of its plan file (no longer coded).
-- Options: --actor and/or --target (at least one), --plan, --since, --until,
-- --reviewed-only, --min-score.
-- note: `changed` compares dated positions only: a position from an undated article
-- never counts as a change, since when it was taken is unknown.
WITH history AS (
    SELECT
        rp.*,
        CASE WHEN date IS NULL THEN NULL ELSE LAG(stance) OVER (
            PARTITION BY actor_id, target_id, CASE WHEN date IS NULL THEN 0 ELSE 1 END
            ORDER BY date, COALESCE(article_id, 0), COALESCE(sentence_start, 0),
            COALESCE(position_id, 9223372036854775807)
        ) END AS previous_stance
    FROM report_positions rp
    WHERE (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
      AND (CAST(:actor_id AS INTEGER) IS NULL OR actor_id = :actor_id)
      AND (CAST(:target AS TEXT) IS NULL OR target = :target AND NOT EXISTS (
          SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
      ) OR target_slug = :target)
      AND (CAST(:reviewed_only AS INTEGER) IS NULL OR rp.status <> 'auto')
      AND (CAST(:min_score AS FLOAT) IS NULL OR rp.status <> 'auto'
           OR rp.score >= CAST(:min_score AS FLOAT))
)
SELECT
    date,
    actor,
    affiliation,
    plan,
    target,
    target_title,
    CASE WHEN (SELECT t.retired FROM targets t WHERE t.id = history.target_id) THEN 1 ELSE 0 END
        AS target_retired,
    stance,
    previous_stance,
    CASE WHEN previous_stance IS NOT NULL AND previous_stance <> stance THEN 1 ELSE 0 END
        AS changed,
    score,
    method,
    sentence,
    source
FROM history
WHERE (CAST(:since AS DATE) IS NULL OR date >= :since)
  AND (CAST(:until AS DATE) IS NULL OR date <= :until)
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date, COALESCE(article_id, 0),
    COALESCE(sentence_start, 0), COALESCE(position_id, 9223372036854775807)
