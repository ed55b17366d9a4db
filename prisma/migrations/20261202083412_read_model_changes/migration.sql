-- CreateTable
CREATE TABLE "ReadModelChange" (
    "topic" TEXT NOT NULL,
    "xid" BIGINT NOT NULL,

    CONSTRAINT "ReadModelChange_pkey" PRIMARY KEY ("topic","xid")
);

-- The function body is an E'' string with each semicolon written \073 (the driver adapter that applies
-- migrations splits a script at every semicolon, also inside a dollar-quoted body).

-- Records that the current transaction wrote a table of the topic given as the trigger's argument: one
-- row per transaction and topic (a second statement finds it there). Different transactions insert
-- different keys, so writers never wait for each other here.
CREATE FUNCTION "read_model_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "ReadModelChange" ("topic", "xid") VALUES (TG_ARGV[0], txid_current()) ON CONFLICT DO NOTHING\073
  RETURN NULL\073
END\073
';

-- What the results dashboard and its drill-down read: the programmes' subject tables, the money, the
-- reported values and their per-subject sums, and the institutions the drill-down names.
CREATE TRIGGER "Proposal_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Proposal"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "ExpertRequest_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ExpertRequest"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "EventTravel_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "EventTravel"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "Internship_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Internship"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "UnvAssignment_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "UnvAssignment"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "Contract_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Contract"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "Payment_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Payment"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "ResultValue_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ResultValue"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "ResultSubjectFigures_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ResultSubjectFigures"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
CREATE TRIGGER "Institution_results_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Institution"
  FOR EACH STATEMENT EXECUTE FUNCTION "read_model_changed"('results');
