-- One append-only log (and outbox) for every event-sourced aggregate, keyed by its kind, id and sequence: rollouts'
-- and trains' logs were two tables of the same shape. Every entry moves over unchanged; an unpublished entry stays
-- unpublished and is published from here. Within one aggregate the new positions keep the old order (each old table
-- is copied in its own position order), which is all the relay's ordering promises.
create table aggregate_log (
    kind          text        not null,
    aggregate_id  text        not null,
    sequence      bigint      not null,
    type          text        not null,
    topic         text,
    payload       jsonb       not null,
    cause         text,
    actor         text,
    occurred_at   timestamptz not null,
    published_at  timestamptz,
    position      bigserial   not null unique,
    primary key (kind, aggregate_id, sequence)
);
create index aggregate_log_unpublished on aggregate_log (position) where published_at is null and topic is not null;

insert into aggregate_log (kind, aggregate_id, sequence, type, topic, payload, cause, actor, occurred_at, published_at)
select 'rollout', rollout_id, sequence, type, topic, payload, cause, actor, occurred_at, published_at
from rollout_log order by position;

insert into aggregate_log (kind, aggregate_id, sequence, type, topic, payload, cause, actor, occurred_at, published_at)
select 'train', train_id, sequence, type, topic, payload, cause, actor, occurred_at, published_at
from train_log order by position;

drop table rollout_log;
drop table train_log;

-- Commands already applied, by their id, to any kind of aggregate: the target's kind is said, not read off its id.
create table seen_command (
    command_id   text        primary key,
    kind         text        not null,
    target_id    text        not null,
    type         text        not null,
    actor        text        not null,
    accepted     boolean     not null,
    answer       text,
    received_at  timestamptz not null
);

insert into seen_command (command_id, kind, target_id, type, actor, accepted, answer, received_at)
select command_id, case when rollout_id like 'train-%' then 'train' else 'rollout' end, rollout_id, type, actor,
       accepted, answer, received_at
from rollout_command;

drop table rollout_command;

-- Timers of any kind of aggregate, by name (a rollout's by the step that set it; a train's rollback window), each
-- with the epoch it was set in: a stale one is ignored by the machine when it fires.
create table aggregate_timer (
    kind          text        not null,
    aggregate_id  text        not null,
    name          text        not null,
    epoch         integer     not null,
    due_at        timestamptz not null,
    primary key (kind, aggregate_id, name, epoch)
);
create index aggregate_timer_due on aggregate_timer (due_at);

insert into aggregate_timer (kind, aggregate_id, name, epoch, due_at)
select 'rollout', rollout_id, step_index::text, epoch, due_at from rollout_timer;

insert into aggregate_timer (kind, aggregate_id, name, epoch, due_at)
select 'train', id, 'rollback-window', timer_epoch, due_at from train where due_at is not null;

drop table rollout_timer;
drop index train_due;
alter table train drop column due_at, drop column timer_epoch;
