package dev.glide.planner.train;

import java.time.Instant;
import java.util.List;

/**
 * A train as the API shows it: its state and phase, and each member in dependency order with where
 * it stands in the train and, once started, its own rollout (state and canary share as that rollout
 * has them now).
 */
public record TrainView(
        String id,
        String name,
        String environment,
        String state,
        String phase,
        String reason,
        String team,
        List<MemberView> members,
        Instant createdAt,
        Instant updatedAt) {

    /**
     * One member: {@code standing} in the train, {@code rolloutState} and {@code canaryPercent} of
     * its own rollout.
     */
    public record MemberView(
            String service,
            String version,
            List<String> dependsOn,
            String standing,
            String rolloutId,
            String rolloutState,
            double canaryPercent,
            String reason) {}
}
