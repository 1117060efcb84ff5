-- Retention (glide.retention.ended-after) removes metrics windows by age.
create index metric_window_received on metric_window (received_at);
