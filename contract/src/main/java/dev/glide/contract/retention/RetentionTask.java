package dev.glide.contract.retention;

import java.time.Instant;

/**
 * What one service removes of rollouts that ended before the retention cutoff: its own rows of
 * them, never a running rollout's. {@link RetentionJob} runs every task of the service on its
 * schedule.
 */
public interface RetentionTask {

    /** What is removed, for the log: "metrics windows and finished analyses". */
    String what();

    /**
     * Removes what ended before {@code cutoff}, in transactions of its own; returns how many
     * rollouts' (or rows') worth went.
     */
    int removeEndedBefore(Instant cutoff);
}
