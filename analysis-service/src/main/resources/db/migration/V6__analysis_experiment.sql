-- An experiment's analysis: its design (variants, goal, since when), kept with the run; null for a canary's.
alter table analysis_run add column experiment jsonb;
