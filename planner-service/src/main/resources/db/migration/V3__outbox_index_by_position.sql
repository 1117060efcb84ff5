-- The relay reads unpublished entries in position order, LIMIT a batch. The first partial index was on
-- occurred_at, so PostgreSQL scanned and sorted; with 10 000 rollouts (~100 000 log entries) that made steps
-- wait ~100 ms in the outbox. Indexed by position, it reads just the few unpublished rows, already in order.
drop index rollout_log_unpublished;
create index rollout_log_unpublished on rollout_log (position) where published_at is null and topic is not null;
