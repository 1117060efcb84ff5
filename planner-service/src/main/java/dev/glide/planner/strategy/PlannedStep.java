package dev.glide.planner.strategy;

import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import java.time.Duration;
import java.util.List;

/**
 * One step of a rollout's plan, as the state machine walks it. A strategy compiles into a list of
 * these.
 */
public sealed interface PlannedStep {

    /**
     * Move traffic: {@code canaryPercent} to the new version plus {@code matchRules} (sticky per
     * {@code stickyKey} when set). The rollout waits for the gateway's read-back before it goes on.
     * {@code promoted} is the last route of every plan: the new version becomes the stable one,
     * serving everything. {@code mirror}, when set, sends copies of requests to the canary as well.
     * {@code arms}: an experiment's route, the control and every variant at their shares ({@code
     * canaryPercent} is then all the variants' together), users kept on theirs by {@code
     * stickyKey}.
     */
    record Route(
            double canaryPercent,
            List<MatchRule> matchRules,
            String stickyKey,
            boolean promoted,
            Mirror mirror,
            boolean arms)
            implements PlannedStep {

        public Route {
            matchRules = List.copyOf(matchRules);
        }

        public Route(
                double canaryPercent,
                List<MatchRule> matchRules,
                String stickyKey,
                boolean promoted,
                Mirror mirror) {
            this(canaryPercent, matchRules, stickyKey, promoted, mirror, false);
        }

        /** An experiment's arms: {@code variantsPercent} to all the variants together. */
        static Route arms(double variantsPercent, String stickyKey) {
            return new Route(variantsPercent, List.of(), stickyKey, false, null, true);
        }

        public Route(
                double canaryPercent,
                List<MatchRule> matchRules,
                String stickyKey,
                boolean promoted) {
            this(canaryPercent, matchRules, stickyKey, promoted, null);
        }

        /** This route, also sending {@code mirror}'s copies to the canary. */
        Route mirroring(Mirror copies) {
            return new Route(canaryPercent, matchRules, stickyKey, false, copies);
        }

        static Route weight(double canaryPercent) {
            return new Route(canaryPercent, List.of(), null, false);
        }

        static Route promotion() {
            return new Route(100, List.of(), null, true);
        }
    }

    /** Wait for {@code duration}, or for a promote command when it is null. */
    record Pause(Duration duration) implements PlannedStep {

        public boolean untilPromoted() {
            return duration == null;
        }
    }

    /** Judge the canary as {@code spec} says before going on. */
    record Analyse(AnalysisSpec spec) implements PlannedStep {}

    /**
     * Keep the old version ready for {@code window} after a cutover: an abort in it returns
     * everything at once.
     */
    record HoldRollbackWindow(Duration window) implements PlannedStep {}

    /**
     * A release train's member waits here for its train: at {@link Gate#CUTOVER} its canary phase
     * has passed and it waits for the joint cutover; at {@link Gate#FINISH} it serves the new
     * version and waits for the train's rollback window to end. Only the train moves it on.
     */
    record AwaitTrain(Gate gate) implements PlannedStep {

        public enum Gate {
            CUTOVER,
            FINISH
        }
    }
}
