-- CreateTable
CREATE TABLE "ResultSubjectFigures" (
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "committedCents" BIGINT NOT NULL DEFAULT 0,
    "disbursedCents" BIGINT NOT NULL DEFAULT 0,
    "beneficiariesTarget" BIGINT,
    "beneficiaries" BIGINT,
    "beneficiariesWomen" BIGINT,
    "beneficiariesMen" BIGINT,
    "beneficiariesYouth" BIGINT,

    CONSTRAINT "ResultSubjectFigures_pkey" PRIMARY KEY ("subjectType","subjectId")
);

-- The function bodies are E'' strings with each semicolon written \073: the driver adapter that
-- applies migrations splits a script at every semicolon, also inside a dollar-quoted body.

-- The figures of the given subjects, recomputed from Contract, Payment and ResultValue (set-based:
-- one aggregate per table over the subjects a statement touched). The subjects' rows are locked
-- first, in order, and the sums read after the lock with a fresh snapshot (a VOLATILE function's
-- statements each take one): two transactions writing for the same subject cannot leave the sums of
-- the one that committed first.
CREATE FUNCTION "refresh_result_subject_figures"(types TEXT[], ids TEXT[]) RETURNS void LANGUAGE sql VOLATILE AS E'
  INSERT INTO "ResultSubjectFigures" ("subjectType", "subjectId")
  SELECT DISTINCT u.t, u.i FROM unnest(types, ids) AS u(t, i) ORDER BY 1, 2
  ON CONFLICT DO NOTHING\073
  SELECT 1 FROM "ResultSubjectFigures" f
  WHERE (f."subjectType", f."subjectId") IN (SELECT u.t, u.i FROM unnest(types, ids) AS u(t, i))
  ORDER BY f."subjectType", f."subjectId" FOR UPDATE\073
  -- One aggregate over the rows of the three tables (each table joined once, never per subject).
  WITH k AS MATERIALIZED (SELECT DISTINCT u.t, u.i FROM unnest(types, ids) AS u(t, i)),
  n AS MATERIALIZED (
    SELECT a.t, a.i, SUM(a.committed)::bigint AS committed, SUM(a.disbursed)::bigint AS disbursed,
      SUM(a.target)::bigint AS target, SUM(a.total)::bigint AS total, SUM(a.women)::bigint AS women,
      SUM(a.men)::bigint AS men, SUM(a.youth)::bigint AS youth
    FROM (
      SELECT k.t, k.i, 0 AS committed, 0 AS disbursed, NULL::int AS target, NULL::int AS total,
        NULL::int AS women, NULL::int AS men, NULL::int AS youth FROM k
      UNION ALL
      SELECT x."subjectType", x."subjectId", x."valueCents", 0, NULL, NULL, NULL, NULL, NULL FROM "Contract" x
      WHERE x."status" = ''signed'' AND (x."subjectType", x."subjectId") IN (SELECT k.t, k.i FROM k)
      UNION ALL
      SELECT x."subjectType", x."subjectId", 0, x."amountCents", NULL, NULL, NULL, NULL, NULL FROM "Payment" x
      WHERE (x."subjectType", x."subjectId") IN (SELECT k.t, k.i FROM k)
      UNION ALL
      SELECT x."subjectType", x."subjectId", 0, 0,
        CASE WHEN x."kind" = ''target'' AND x."indicator" = ''beneficiaries'' THEN x."value" END,
        CASE WHEN x."kind" = ''actual'' AND x."indicator" = ''beneficiaries'' THEN x."value" END,
        CASE WHEN x."kind" = ''actual'' AND x."indicator" = ''beneficiariesWomen'' THEN x."value" END,
        CASE WHEN x."kind" = ''actual'' AND x."indicator" = ''beneficiariesMen'' THEN x."value" END,
        CASE WHEN x."kind" = ''actual'' AND x."indicator" = ''beneficiariesYouth'' THEN x."value" END
      FROM "ResultValue" x
      WHERE x."indicator" IN (''beneficiaries'', ''beneficiariesWomen'', ''beneficiariesMen'', ''beneficiariesYouth'')
        AND (x."subjectType", x."subjectId") IN (SELECT k.t, k.i FROM k)
    ) a GROUP BY a.t, a.i)
  UPDATE "ResultSubjectFigures" f SET
    "committedCents" = n.committed, "disbursedCents" = n.disbursed, "beneficiariesTarget" = n.target,
    "beneficiaries" = n.total, "beneficiariesWomen" = n.women, "beneficiariesMen" = n.men, "beneficiariesYouth" = n.youth
  FROM n WHERE f."subjectType" = n.t AND f."subjectId" = n.i\073
';

-- Every subject's figures from scratch: the backfill, and after a TRUNCATE of a source table.
CREATE FUNCTION "rebuild_result_subject_figures"() RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM "ResultSubjectFigures"\073
  PERFORM "refresh_result_subject_figures"(array_agg(t), array_agg(i)) FROM (
    SELECT "subjectType" AS t, "subjectId" AS i FROM "Contract"
    UNION SELECT "subjectType", "subjectId" FROM "Payment"
    UNION SELECT "subjectType", "subjectId" FROM "ResultValue") s\073
END\073
';

CREATE FUNCTION "result_subject_figures_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''TRUNCATE'' THEN
    PERFORM "rebuild_result_subject_figures"()\073
  ELSIF TG_OP = ''INSERT'' THEN
    PERFORM "refresh_result_subject_figures"(array_agg("subjectType"), array_agg("subjectId")) FROM new_rows\073
  ELSIF TG_OP = ''DELETE'' THEN
    PERFORM "refresh_result_subject_figures"(array_agg("subjectType"), array_agg("subjectId")) FROM old_rows\073
  ELSE
    PERFORM "refresh_result_subject_figures"(array_agg(t), array_agg(i)) FROM (
      SELECT "subjectType" AS t, "subjectId" AS i FROM new_rows
      UNION SELECT "subjectType", "subjectId" FROM old_rows) s\073
  END IF\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER "Contract_figures_insert" AFTER INSERT ON "Contract" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Contract_figures_update" AFTER UPDATE ON "Contract" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Contract_figures_delete" AFTER DELETE ON "Contract" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Contract_figures_truncate" AFTER TRUNCATE ON "Contract"
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Payment_figures_insert" AFTER INSERT ON "Payment" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Payment_figures_update" AFTER UPDATE ON "Payment" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Payment_figures_delete" AFTER DELETE ON "Payment" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "Payment_figures_truncate" AFTER TRUNCATE ON "Payment"
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "ResultValue_figures_insert" AFTER INSERT ON "ResultValue" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "ResultValue_figures_update" AFTER UPDATE ON "ResultValue" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "ResultValue_figures_delete" AFTER DELETE ON "ResultValue" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();
CREATE TRIGGER "ResultValue_figures_truncate" AFTER TRUNCATE ON "ResultValue"
  FOR EACH STATEMENT EXECUTE FUNCTION "result_subject_figures_changed"();

SELECT "rebuild_result_subject_figures"();
