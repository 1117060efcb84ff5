-- The route a step drives, so the newest step per gateway route (its desired state) is one indexed query.
alter table applied_step add column route text;
update applied_step set route = desired -> 'gateway' ->> 'route';
alter table applied_step alter column route set not null;
create index applied_step_route on applied_step (adapter, route, applied_at desc);
