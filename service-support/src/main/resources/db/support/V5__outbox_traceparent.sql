-- The W3C trace context (traceparent) of the span that wrote the event, sent as the record's
-- traceparent header so the consumer continues the clone's trace; NULL when the row was written
-- outside any trace (a watchdog) or with tracing off: the record is then sent without one.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
