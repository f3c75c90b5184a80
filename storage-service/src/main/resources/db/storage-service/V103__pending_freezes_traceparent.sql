-- The trace of the queued clone request (W3C traceparent of the span that received it): when the
-- request starts later, in the handling of another clone's event, it continues its own trace.
ALTER TABLE pending_freezes ADD COLUMN traceparent TEXT;
