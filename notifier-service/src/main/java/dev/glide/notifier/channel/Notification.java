package dev.glide.notifier.channel;

/**
 * One thing worth telling people about a rollout.
 *
 * @param dedupeKey unique per source record: the same key is delivered once
 * @param kind what it is about: {@code rollout-event} or {@code analysis-verdict}
 * @param text a one-line summary for people
 * @param event the event itself, for channels that carry structured data
 * @param rollout the rollout as it stands with this news folded in, for channels that show it whole
 */
public record Notification(
        String dedupeKey,
        String rolloutId,
        String kind,
        String text,
        Object event,
        RolloutSnapshot rollout) {}
