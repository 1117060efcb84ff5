package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import java.util.List;

/**
 * What the state machine knows of one rollout between two inputs. Stored on the rollout row, and
 * equal to folding the rollout's logged inputs through {@link RolloutMachine} from {@link
 * #initial()}.
 *
 * @param stepIndex the plan step the rollout is at (0-based; the plan's size once it has succeeded)
 * @param epoch grows each time a step is entered, paused or resumed: a timer from an older epoch is
 *     stale
 * @param lastSequence the sequence of the rollout's newest log entry
 * @param awaitingSequence the traffic step whose read-back the rollout waits for, or 0
 * @param canaryPercent the canary share last asked of the gateway
 * @param analysisSequence the log sequence that started the current analysis; verdicts must name
 *     it, or 0
 * @param lastWindow the newest analysis window counted, so a redelivered verdict is not counted
 *     twice
 * @param passes PASS verdicts counted in the current analysis
 * @param failures FAIL verdicts counted in the current analysis
 * @param inconclusive INCONCLUSIVE verdicts counted in the current analysis
 * @param reason why the rollout is paused, failed or aborting, for people
 * @param stopped an experiment's variants stopped for failing a guardrail (their users are served
 *     by the control)
 * @param winner the variant an experiment declared the winner, or null
 */
public record RolloutStatus(
        RolloutState state,
        int stepIndex,
        int epoch,
        long lastSequence,
        long awaitingSequence,
        double canaryPercent,
        long analysisSequence,
        int lastWindow,
        int passes,
        int failures,
        int inconclusive,
        String reason,
        List<String> stopped,
        String winner) {

    public RolloutStatus {
        stopped = stopped == null ? List.of() : List.copyOf(stopped);
    }

    public static RolloutStatus initial() {
        return new RolloutStatus(
                RolloutState.PENDING, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, List.of(), null);
    }

    /** An experiment's variants stopped so far and its winner (null while none). */
    RolloutStatus experiment(List<String> stoppedVariants, String winnerVariant) {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch,
                lastSequence,
                awaitingSequence,
                canaryPercent,
                analysisSequence,
                lastWindow,
                passes,
                failures,
                inconclusive,
                reason,
                stoppedVariants,
                winnerVariant);
    }

    RolloutStatus withState(RolloutState newState, String newReason) {
        return new RolloutStatus(
                newState,
                stepIndex,
                epoch,
                lastSequence,
                awaitingSequence,
                canaryPercent,
                analysisSequence,
                lastWindow,
                passes,
                failures,
                inconclusive,
                newReason,
                stopped,
                winner);
    }

    RolloutStatus atStep(int index) {
        return new RolloutStatus(
                state,
                index,
                epoch + 1,
                lastSequence,
                0,
                canaryPercent,
                0,
                0,
                0,
                0,
                0,
                reason,
                stopped,
                winner);
    }

    RolloutStatus nextEpoch() {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch + 1,
                lastSequence,
                awaitingSequence,
                canaryPercent,
                analysisSequence,
                lastWindow,
                passes,
                failures,
                inconclusive,
                reason,
                stopped,
                winner);
    }

    RolloutStatus withSequence(long sequence) {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch,
                sequence,
                awaitingSequence,
                canaryPercent,
                analysisSequence,
                lastWindow,
                passes,
                failures,
                inconclusive,
                reason,
                stopped,
                winner);
    }

    RolloutStatus awaiting(long sequence, double percent) {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch,
                lastSequence,
                sequence,
                percent,
                analysisSequence,
                lastWindow,
                passes,
                failures,
                inconclusive,
                reason,
                stopped,
                winner);
    }

    RolloutStatus analysing(long sequence) {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch,
                lastSequence,
                awaitingSequence,
                canaryPercent,
                sequence,
                0,
                0,
                0,
                0,
                reason,
                stopped,
                winner);
    }

    RolloutStatus counted(int window, int newPasses, int newFailures, int newInconclusive) {
        return new RolloutStatus(
                state,
                stepIndex,
                epoch,
                lastSequence,
                awaitingSequence,
                canaryPercent,
                analysisSequence,
                window,
                newPasses,
                newFailures,
                newInconclusive,
                reason,
                stopped,
                winner);
    }
}
