-- The webhook gates an analysis calls at each window (empty for analyses of metrics alone).
alter table analysis_run add column gates jsonb not null default '[]'::jsonb;
