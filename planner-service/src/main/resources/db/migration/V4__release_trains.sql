-- Release trains: several services' rollouts canaried in dependency order, then cut over together. A train is kept
-- like a rollout: its row holds the state machine's status, its log the inputs that fold into it.
create table train (
    id             text        primary key,
    name           text        not null,
    environment    text        not null,
    state          text        not null,
    phase          text        not null,
    spec           jsonb       not null,
    status         jsonb       not null,
    reason         text,
    last_sequence  bigint      not null,
    release_key    text        unique,
    -- The train's one timer (its rollback window), with the epoch it was set in: a stale one is ignored.
    due_at         timestamptz,
    timer_epoch    integer,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        bigint      not null default 0
);
create index train_due on train (due_at) where due_at is not null;

-- The train's own log; entries with a topic are its outbox (its events, published by the same relay as rollouts').
create table train_log (
    train_id      text        not null references train (id),
    sequence      bigint      not null,
    type          text        not null,
    topic         text,
    payload       jsonb       not null,
    cause         text,
    actor         text,
    occurred_at   timestamptz not null,
    published_at  timestamptz,
    position      bigserial   not null unique,
    primary key (train_id, sequence)
);
create index train_log_unpublished on train_log (position) where published_at is null and topic is not null;

-- What a member's rollout did that its train must hear of (gates passed, cut over, ended), written in the member's
-- transaction and read by the train in its own, so a member never waits on its train's lock (no lock cycles). No
-- foreign key to train on purpose: checking it would take a share lock on the train's row, which the train holds
-- for update while it locks its members; the member's transaction would wait on the train and the train on it.
create table train_signal (
    id          bigserial   primary key,
    train_id    text        not null,
    payload     jsonb       not null,
    created_at  timestamptz not null
);
create index train_signal_by_train on train_signal (train_id, id);

-- Commands already applied, by their id, now to rollouts and to trains alike: rollout_id names either.
alter table rollout_command drop constraint rollout_command_rollout_id_fkey;

alter table rollout add column train_id text;
create index rollout_by_train on rollout (train_id) where train_id is not null;
