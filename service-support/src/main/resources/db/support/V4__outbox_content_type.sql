-- The Kafka content-type header a record needs (a structured-mode CloudEvent:
-- application/cloudevents+json); NULL for internal saga events, sent without one.
ALTER TABLE outbox ADD COLUMN content_type TEXT;
