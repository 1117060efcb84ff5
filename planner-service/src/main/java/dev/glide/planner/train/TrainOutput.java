package dev.glide.planner.train;

import dev.glide.contract.RolloutState;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import java.time.Duration;

/**
 * What the train's machine asks for; each output with a sequence becomes one entry of the train's
 * log.
 */
public sealed interface TrainOutput {

    long sequence();

    /**
     * The train changed (its state, its phase or a member's standing): published as the train's
     * event.
     */
    record Transition(
            long sequence,
            RolloutState from,
            RolloutState to,
            TrainStatus.Phase phase,
            String cause,
            String actor)
            implements TrainOutput {}

    /** What the train does to one member's rollout: logged as an action, then carried out. */
    sealed interface MemberAction extends TrainOutput {

        String service();
    }

    /** Start the member's rollout (its canary phase). */
    record StartMember(long sequence, String service) implements MemberAction {}

    /** Let the member's rollout past {@code gate}. */
    record ProceedMember(long sequence, String service, AwaitTrain.Gate gate)
            implements MemberAction {}

    /** Abort the member's rollout: all its traffic back to stable. */
    record AbortMember(long sequence, String service, String reason) implements MemberAction {}

    /** Pause the member's rollout where it is. */
    record PauseMember(long sequence, String service) implements MemberAction {}

    /** Resume the member's rollout. */
    record ResumeMember(long sequence, String service) implements MemberAction {}

    /**
     * Fire {@link TrainInput.TimerFired} for {@code epoch} after {@code after}. Not a log entry of
     * its own.
     */
    record StartTimer(int epoch, Duration after) implements TrainOutput {

        @Override
        public long sequence() {
            return 0;
        }
    }
}
