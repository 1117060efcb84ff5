-- Every notification delivered, by a key unique per rollout event or verdict: a redelivered record is
-- recognised here and not sent again.
create table delivery (
    dedupe_key    text        primary key,
    rollout_id    text        not null,
    channel       text        not null,
    delivered_at  timestamptz not null
);
create index delivery_by_rollout on delivery (rollout_id);
