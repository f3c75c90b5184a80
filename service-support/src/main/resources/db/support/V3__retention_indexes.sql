-- Retention deletes published outbox rows and old inbox rows by age.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX inbox_processed_at ON inbox (processed_at);
