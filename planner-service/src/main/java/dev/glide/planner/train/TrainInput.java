package dev.glide.planner.train;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;

/**
 * What can happen to a train. Each accepted input is logged, so the log replays to the same state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "input")
@JsonSubTypes({
    @JsonSubTypes.Type(TrainInput.Start.class),
    @JsonSubTypes.Type(TrainInput.MemberMoved.class),
    @JsonSubTypes.Type(TrainInput.CommandReceived.class),
    @JsonSubTypes.Type(TrainInput.TimerFired.class)
})
public sealed interface TrainInput {

    /** The train was released. */
    record Start() implements TrainInput {}

    /** What a member's rollout did that matters to its train. */
    enum Signal {
        /** Its canary phase passed: it waits at its cutover gate. */
        GATES_PASSED,
        /**
         * Its cutover to 100 % was confirmed by read-back: it waits for the rollback window to end.
         */
        CUT_OVER,
        /** It ended ({@code state}: SUCCEEDED, ABORTED or FAILED). */
        ENDED
    }

    /** A member's rollout moved: {@code signal} with its state, canary share and reason then. */
    record MemberMoved(
            String service, Signal signal, RolloutState state, double canaryPercent, String reason)
            implements TrainInput {}

    /** A person's or a tool's command to the whole train. */
    record CommandReceived(RolloutCommand.Type type, String actor, String reason)
            implements TrainInput {

        String describe(String verb) {
            return verb
                    + " by "
                    + actor
                    + (reason == null || reason.isBlank() ? "" : ": " + reason);
        }
    }

    /** The rollback window set in {@code epoch} ran out. */
    record TimerFired(int epoch) implements TrainInput {}
}
