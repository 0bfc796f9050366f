-- The sentences behind one actor × target cell, with article, date and score
-- requires: actor, target
--
-- One row per position of the actor on the target, undated ones first, then
-- by date and sentence. `target_retired` is 1 for a point taken out of its plan file
-- (no longer coded) whose positions, coded or reviewed before, are still listed.
-- Options: --actor and --target (required), --plan, --since, --until, --reviewed-only,
-- --min-score.
SELECT
    date,
    actor,
    plan,
    target,
    CASE WHEN (SELECT t.retired FROM targets t WHERE t.id = report_positions.target_id) THEN 1 ELSE 0 END
        AS target_retired,
    stance,
    score,
    method,
    sentence,
    source,
    article_title,
    url
FROM report_positions
WHERE actor_id = :actor_id
  AND (target = :target AND NOT EXISTS (
      SELECT 1 FROM targets taken_out WHERE taken_out.id = target_id AND taken_out.retired
  ) OR target_slug = :target)
  AND (CAST(:plan AS TEXT) IS NULL OR plan = :plan)
  AND (CAST(:since AS DATE) IS NULL OR date >= :since)
  AND (CAST(:until AS DATE) IS NULL OR date <= :until)
  AND (CAST(:reviewed_only AS INTEGER) IS NULL OR status <> 'auto')
  AND (CAST(:min_score AS FLOAT) IS NULL OR status <> 'auto'
       OR score >= CAST(:min_score AS FLOAT))
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date, COALESCE(article_id, 0),
    COALESCE(sentence_start, 0), COALESCE(position_id, 9223372036854775807)
