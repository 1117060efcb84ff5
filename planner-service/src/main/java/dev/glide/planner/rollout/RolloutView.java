package dev.glide.planner.rollout;

import java.time.Instant;

/**
 * A rollout as the API shows it; {@code trainId} names the release train it is a member of, or is
 * null.
 */
public record RolloutView(
        String id,
        String service,
        String environment,
        String strategy,
        String state,
        int step,
        int stepCount,
        double canaryWeight,
        String stableVersion,
        String canaryVersion,
        String reason,
        Instant createdAt,
        Instant updatedAt,
        String team,
        String trainId) {}
