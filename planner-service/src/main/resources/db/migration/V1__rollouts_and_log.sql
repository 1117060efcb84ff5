-- Services the planner may roll out: owner, gateway binding, stable version, strategy, release policy.
create table service (
    name        text        primary key,
    team        text        not null,
    spec        jsonb       not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

-- One row per rollout: its current state, always equal to folding its log from the start.
create table rollout (
    id              text             primary key,
    service         text             not null,
    environment     text             not null,
    stable_version  text,
    canary_version  text             not null,
    strategy        text             not null,
    state           text             not null,
    step_index      integer          not null,
    canary_weight   double precision not null,
    last_sequence   bigint           not null,
    -- The release's event id or idempotency key: the same key twice is one rollout.
    release_key     text             unique,
    release         jsonb            not null,
    created_at      timestamptz      not null,
    updated_at      timestamptz      not null,
    version         bigint           not null default 0
);
create index rollout_by_service_state on rollout (service, state);

-- Every step emitted and every transition, in order, written in the same transaction as the state change.
-- It doubles as the outbox: an entry with a topic is published from here, and only from here, so nothing is
-- published that was not stored, and nothing stored stays unpublished.
create table rollout_log (
    rollout_id    text        not null references rollout (id),
    sequence      bigint      not null,
    type          text        not null,
    topic         text,
    payload       jsonb       not null,
    cause         text,
    actor         text,
    occurred_at   timestamptz not null,
    published_at  timestamptz,
    primary key (rollout_id, sequence)
);
create index rollout_log_unpublished on rollout_log (occurred_at) where published_at is null and topic is not null;

-- Insertion order across all rollouts: the relay publishes in this order, which within one rollout is
-- its sequence order (a rollout's transactions are serialised by the version check on its row).
alter table rollout_log add column position bigserial not null unique;
