-- Retention (glide.retention.ended-after) finds ended rollouts' views by age.
create index rollout_view_by_age on rollout_view (updated_at);
