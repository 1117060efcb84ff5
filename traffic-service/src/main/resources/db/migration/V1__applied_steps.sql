-- The newest step applied per rollout: what makes step handling idempotent on (rollout id, sequence),
-- and the desired state a reconcile compares the gateway with.
create table applied_step (
    rollout_id  text        primary key,
    sequence    bigint      not null,
    service     text        not null,
    adapter     text        not null,
    desired     jsonb       not null,
    applied_at  timestamptz not null
);
