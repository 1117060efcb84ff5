-- Every metrics window received, once: a redelivered window is the same row, so it is never counted twice,
-- and a rollout's analysis can be rebuilt from here after a restart.
create table metric_window (
    rollout_id    text        not null,
    source        text        not null,
    window_start  timestamptz not null,
    window_end    timestamptz not null,
    payload       jsonb       not null,
    received_at   timestamptz not null,
    primary key (rollout_id, source, window_start)
);
