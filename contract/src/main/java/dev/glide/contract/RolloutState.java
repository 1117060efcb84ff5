package dev.glide.contract;

/** The states of a rollout, as the planner publishes them on {@link Topics#ROLLOUT_EVENTS}. */
public enum RolloutState {
    PENDING,
    PROGRESSING,
    PAUSED,
    SUCCEEDED,
    ABORTING,
    ABORTED,
    FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == ABORTED || this == FAILED;
    }
}
