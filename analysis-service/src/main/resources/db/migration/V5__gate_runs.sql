-- Each gate of each analysis window, run by one replica at a time. A replica takes a row with a lease
-- and renews it while the gate runs; a row whose lease ran out (its replica died) is taken over by
-- another, and a row that PASSED or FAILED is never run again. Window 0 is a load test running beside
-- the whole analysis, until runs_until. A row holds what its gate needs to run.
create table gate_run (
    rollout_id          text        not null,
    analysis_sequence   bigint      not null,
    gate_name           text        not null,
    window_number       int         not null,
    service             text        not null,
    stable_version      text,
    canary_version      text,
    gate                jsonb       not null,
    targets             jsonb,
    runs_until          timestamptz not null,
    state               text        not null,
    owner               text,
    lease_until         timestamptz not null,
    attempts            int         not null default 0,
    finding             jsonb,
    created_at          timestamptz not null,
    primary key (rollout_id, analysis_sequence, gate_name, window_number)
);
create index gate_run_open on gate_run (lease_until) where state in ('PENDING', 'RUNNING');
-- Where the gates find the versions: the backends' endpoints and the route's canary match rules.
alter table analysis_run add column targets jsonb;
