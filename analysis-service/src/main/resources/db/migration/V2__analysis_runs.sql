-- Analyses the planner started: judged every interval, count times, by whichever replica takes the row.
create table analysis_run (
    rollout_id          text        not null,
    analysis_sequence   bigint      not null,
    service             text        not null,
    stable_version      text,
    canary_version      text,
    metrics             jsonb       not null,
    interval_seconds    bigint      not null,
    count               int         not null,
    started_at          timestamptz not null,
    windows_judged      int         not null default 0,
    threshold_failures  int         not null default 0,
    state               text        not null,
    due_at              timestamptz not null,
    primary key (rollout_id, analysis_sequence)
);
create index analysis_run_due on analysis_run (due_at) where state = 'ACTIVE';
-- Windows are looked up by the rollout and when they ended.
create index metric_window_end on metric_window (rollout_id, window_end);
