-- Retention (glide.retention.ended-after) finds ended rollouts by age and removes their commands by target.
create index rollout_ended on rollout (updated_at) where state in ('SUCCEEDED', 'ABORTED', 'FAILED');
create index seen_command_by_target on seen_command (kind, target_id);
