package dev.glide.planner.rollout;

import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.RolloutState;
import dev.glide.planner.strategy.AnalysisSpec;
import java.time.Duration;
import java.util.List;

/**
 * What the machine asks for in answer to an input; each output with a sequence becomes one log
 * entry.
 */
public sealed interface MachineOutput {

    long sequence();

    /**
     * Route traffic: {@code canaryPercent} to the new version plus match rules. {@code promoted}:
     * the new version becomes stable and serves everything; an abort routes 0 % with no rules
     * (everything on stable). {@code arms}: an experiment's arms, with its stopped variants' users
     * served by the control.
     */
    record RouteStep(
            long sequence,
            double canaryPercent,
            List<MatchRule> matchRules,
            String stickyKey,
            boolean promoted,
            Mirror mirror,
            boolean arms)
            implements MachineOutput {

        public RouteStep {
            matchRules = List.copyOf(matchRules);
        }

        public RouteStep(
                long sequence,
                double canaryPercent,
                List<MatchRule> matchRules,
                String stickyKey,
                boolean promoted,
                Mirror mirror) {
            this(sequence, canaryPercent, matchRules, stickyKey, promoted, mirror, false);
        }

        public RouteStep(
                long sequence,
                double canaryPercent,
                List<MatchRule> matchRules,
                String stickyKey,
                boolean promoted) {
            this(sequence, canaryPercent, matchRules, stickyKey, promoted, null);
        }
    }

    /** The rollout changed state or step: published as a rollout event. */
    record Transition(
            long sequence,
            RolloutState from,
            RolloutState to,
            int stepIndex,
            String cause,
            String actor)
            implements MachineOutput {}

    /**
     * An analysis begins; the analysis service judges the canary as {@code spec} says and names
     * this sequence.
     */
    record AnalysisStarted(long sequence, AnalysisSpec spec) implements MachineOutput {}

    /** The rollout ended {@code end} (SUCCEEDED or ABORTED): tell other CI/CD tools. */
    record Announcement(long sequence, RolloutState end) implements MachineOutput {}

    /**
     * Fire {@link MachineInput.TimerFired} for this step and epoch after {@code after}. Not a log
     * entry of its own.
     */
    record StartTimer(int stepIndex, int epoch, Duration after) implements MachineOutput {

        @Override
        public long sequence() {
            return 0;
        }
    }
}
