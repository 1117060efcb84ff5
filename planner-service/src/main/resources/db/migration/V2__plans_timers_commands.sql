-- What a rollout follows (the release, the service as it was registered then, the strategy) and the state
-- machine's full status; both as JSON, so the machine can be rebuilt from the row alone.
alter table rollout add column spec jsonb;
alter table rollout add column status jsonb;
alter table rollout add column reason text;
create index rollout_by_state on rollout (state);

-- Pause and rollback-window timers: stored, so they survive a planner restart; a stale one (older epoch) is
-- ignored by the state machine when it fires.
create table rollout_timer (
    rollout_id  text        not null references rollout (id),
    step_index  integer     not null,
    epoch       integer     not null,
    due_at      timestamptz not null,
    primary key (rollout_id, step_index, epoch)
);
create index rollout_timer_due on rollout_timer (due_at);

-- Commands already applied, by their id: the same command twice (a retry, a redelivery) acts once.
create table rollout_command (
    command_id   text        primary key,
    rollout_id   text        not null references rollout (id),
    type         text        not null,
    actor        text        not null,
    accepted     boolean     not null,
    answer       text,
    received_at  timestamptz not null
);
