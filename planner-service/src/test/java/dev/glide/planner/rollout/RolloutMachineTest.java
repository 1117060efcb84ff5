package dev.glide.planner.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.RolloutCommand.Type;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Weights;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import dev.glide.planner.rollout.MachineInput.Start;
import dev.glide.planner.rollout.MachineInput.TimerFired;
import dev.glide.planner.rollout.MachineInput.TrafficConfirmed;
import dev.glide.planner.rollout.MachineInput.TrafficFailed;
import dev.glide.planner.rollout.MachineInput.VerdictReceived;
import dev.glide.planner.rollout.MachineOutput.AnalysisStarted;
import dev.glide.planner.rollout.MachineOutput.RouteStep;
import dev.glide.planner.rollout.MachineOutput.StartTimer;
import dev.glide.planner.rollout.MachineOutput.Transition;
import dev.glide.planner.strategy.AnalysisSpec;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.StepSpec;
import dev.glide.planner.strategy.StrategyPlanner;
import dev.glide.planner.strategy.StrategySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMachineTest {

    private static final AnalysisSpec TWO_WINDOWS_ONE_FAILURE_ALLOWED =
            new AnalysisSpec(List.of("error-rate"), "10s", 2, 1);

    /**
     * 10 %, analysis (2 windows, 1 failure allowed), 50 %, a 30 s pause, a pause until promoted,
     * then promotion.
     */
    private final RolloutMachine machine =
            new RolloutMachine(
                    StrategyPlanner.plan(
                            StrategySpec.canary(
                                    List.of(
                                            StepSpec.weight(10),
                                            StepSpec.analyse(TWO_WINDOWS_ONE_FAILURE_ALLOWED),
                                            StepSpec.weight(50),
                                            StepSpec.pauseFor("30s"),
                                            StepSpec.pauseUntilPromoted()))));

    private final List<MachineInput> inputs = new ArrayList<>();
    private RolloutStatus status = RolloutStatus.initial();
    private Decision<RolloutStatus, MachineOutput> last;

    private Decision<RolloutStatus, MachineOutput> give(MachineInput input) {
        last = machine.decide(status, input);
        if (!last.ignored()) {
            inputs.add(input);
        }
        status = last.status();
        return last;
    }

    private RouteStep route(Decision<RolloutStatus, MachineOutput> decision) {
        return decision.outputs().stream()
                .filter(RouteStep.class::isInstance)
                .map(RouteStep.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private void confirm() {
        give(
                new TrafficConfirmed(
                        status.awaitingSequence(), Weights.canaryPercent(status.canaryPercent())));
    }

    private long analysis() {
        return status.analysisSequence();
    }

    /** Walks to the analysis of step 1. */
    private void startAndConfirmFirstRoute() {
        give(new Start());
        confirm();
        assertThat(status.stepIndex()).isEqualTo(1);
    }

    @Test
    void startEntersTheFirstStepAndAsksForItsTraffic() {
        Decision<RolloutStatus, MachineOutput> decision = give(new Start());

        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(decision.outputs())
                .extracting(MachineOutput::sequence)
                .containsExactly(2L, 3L, 4L);
        assertThat(route(decision)).isEqualTo(new RouteStep(4, 10, List.of(), null, false));
        assertThat(status.awaitingSequence()).isEqualTo(4);
        assertThat(status.lastSequence()).isEqualTo(4);
    }

    @Test
    void anAbortBeforeTheStartEndsTheRolloutWithoutMovingTraffic() {
        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.ABORT, "alice"));

        assertThat(status.state()).isEqualTo(RolloutState.ABORTED);
        assertThat(decision.outputs()).noneMatch(RouteStep.class::isInstance);
    }

    @Test
    void theGatewaysConfirmationOfTheAwaitedStepMovesToTheNextStep() {
        give(new Start());

        Decision<RolloutStatus, MachineOutput> decision =
                give(new TrafficConfirmed(4, Weights.canaryPercent(10)));

        assertThat(status.stepIndex()).isEqualTo(1);
        assertThat(status.awaitingSequence()).isZero();
        assertThat(decision.outputs()).hasAtLeastOneElementOfType(AnalysisStarted.class);
        assertThat(status.analysisSequence())
                .isEqualTo(((AnalysisStarted) decision.outputs().get(1)).sequence());
    }

    @Test
    void aConfirmationOfAnyOtherStepIsIgnoredAndNotLogged() {
        give(new Start());

        Decision<RolloutStatus, MachineOutput> decision =
                give(new TrafficConfirmed(3, Weights.canaryPercent(10)));

        assertThat(decision.ignored()).isTrue();
        assertThat(status.stepIndex()).isZero();
        assertThat(status.lastSequence()).isEqualTo(4);
    }

    @Test
    void aGatewayThatCannotBeSetFailsTheRolloutWithItsReason() {
        give(new Start());

        give(new TrafficFailed(4, "haproxy unreachable"));

        assertThat(status.state()).isEqualTo(RolloutState.FAILED);
        assertThat(status.reason()).isEqualTo("the gateway could not be set: haproxy unreachable");
    }

    @Test
    void passingWindowsUpToTheCountMoveToTheNextStep() {
        startAndConfirmFirstRoute();

        give(new VerdictReceived(analysis(), 1, Verdict.PASS, "ok"));
        assertThat(status.stepIndex()).isEqualTo(1);
        Decision<RolloutStatus, MachineOutput> decision =
                give(new VerdictReceived(analysis(), 2, Verdict.PASS, "ok"));

        assertThat(status.stepIndex()).isEqualTo(2);
        assertThat(route(decision).canaryPercent()).isEqualTo(50);
    }

    @Test
    void failuresBeyondTheLimitAbortAndSendAllTrafficToStable() {
        startAndConfirmFirstRoute();
        give(new VerdictReceived(analysis(), 1, Verdict.FAIL, "errors 5 %"));
        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);

        Decision<RolloutStatus, MachineOutput> decision =
                give(new VerdictReceived(analysis(), 2, Verdict.FAIL, "errors 6 %"));

        assertThat(status.state()).isEqualTo(RolloutState.ABORTING);
        assertThat(status.reason()).isEqualTo("analysis failed: errors 6 %");
        assertThat(route(decision))
                .isEqualTo(new RouteStep(status.awaitingSequence(), 0, List.of(), null, false));
    }

    @Test
    void aRedeliveredVerdictOrOneOfAnotherAnalysisIsNotCounted() {
        startAndConfirmFirstRoute();
        give(new VerdictReceived(analysis(), 1, Verdict.FAIL, "errors"));

        assertThat(give(new VerdictReceived(analysis(), 1, Verdict.FAIL, "errors")).ignored())
                .isTrue();
        assertThat(give(new VerdictReceived(analysis() + 100, 2, Verdict.FAIL, "errors")).ignored())
                .isTrue();
        assertThat(status.failures()).isEqualTo(1);
        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
    }

    @Test
    void inconclusiveWindowsPauseTheRolloutForAPerson() {
        startAndConfirmFirstRoute();
        give(new VerdictReceived(analysis(), 1, Verdict.PASS, "ok"));

        give(new VerdictReceived(analysis(), 2, Verdict.INCONCLUSIVE, "too little traffic"));

        assertThat(status.state()).isEqualTo(RolloutState.PAUSED);
        assertThat(status.reason())
                .isEqualTo(
                        "analysis inconclusive: 1 of 2 windows could not decide (too little"
                                + " traffic); resume to analyse again, promote to go on, or abort");
    }

    @Test
    void anEarlyWindowThatCouldNotDecideYetIsSupersededByALastVerdictThatPasses() {
        startAndConfirmFirstRoute();
        give(
                new VerdictReceived(
                        analysis(),
                        1,
                        Verdict.INCONCLUSIVE,
                        "only 12 canary requests after window 1"));

        Decision<RolloutStatus, MachineOutput> decision =
                give(
                        new VerdictReceived(
                                analysis(), 2, Verdict.PASS, "no regression found after window 2"));

        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(status.stepIndex()).isEqualTo(2);
        assertThat(decision.outputs()).hasAtLeastOneElementOfType(RouteStep.class);
    }

    @Test
    void resumingAfterAnInconclusiveAnalysisAnalysesAgain() {
        startAndConfirmFirstRoute();
        give(new VerdictReceived(analysis(), 1, Verdict.INCONCLUSIVE, "quiet"));
        give(new VerdictReceived(analysis(), 2, Verdict.INCONCLUSIVE, "quiet"));
        long firstAnalysis = status.analysisSequence();

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.RESUME, "bob"));

        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(status.stepIndex()).isEqualTo(1);
        assertThat(decision.outputs()).hasAtLeastOneElementOfType(AnalysisStarted.class);
        assertThat(status.analysisSequence()).isGreaterThan(firstAnalysis);
        assertThat(status.passes() + status.failures() + status.inconclusive()).isZero();
    }

    private void walkToTimedPause() {
        startAndConfirmFirstRoute();
        give(new VerdictReceived(analysis(), 1, Verdict.PASS, "ok"));
        give(new VerdictReceived(analysis(), 2, Verdict.PASS, "ok"));
        Decision<RolloutStatus, MachineOutput> decision =
                give(new TrafficConfirmed(status.awaitingSequence(), Weights.canaryPercent(50)));
        assertThat(status.stepIndex()).isEqualTo(3);
        assertThat(decision.outputs())
                .contains(new StartTimer(3, status.epoch(), Duration.ofSeconds(30)));
    }

    @Test
    void theTimerOfATimedPauseMovesToTheNextStep() {
        walkToTimedPause();

        give(new TimerFired(3, status.epoch()));

        assertThat(status.stepIndex()).isEqualTo(4);
    }

    @Test
    void aTimerFromAnEarlierEpochIsIgnored() {
        walkToTimedPause();

        assertThat(give(new TimerFired(3, status.epoch() - 1)).ignored()).isTrue();
        assertThat(status.stepIndex()).isEqualTo(3);
    }

    @Test
    void pausingMakesPendingTimersStaleAndResumingStartsThePauseAgain() {
        walkToTimedPause();
        int epochBefore = status.epoch();

        give(new CommandReceived(Type.PAUSE, "carol"));
        assertThat(status.state()).isEqualTo(RolloutState.PAUSED);
        assertThat(give(new TimerFired(3, epochBefore)).ignored()).isTrue();
        Decision<RolloutStatus, MachineOutput> resumed =
                give(new CommandReceived(Type.RESUME, "carol"));

        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(resumed.outputs())
                .contains(new StartTimer(3, status.epoch(), Duration.ofSeconds(30)));
    }

    @Test
    void promoteEndsAPauseThatWaitsForIt() {
        walkToTimedPause();
        give(new TimerFired(3, status.epoch()));

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.PROMOTE, "dave"));

        assertThat(route(decision).promoted()).isTrue();
        assertThat(decision.outputs())
                .filteredOn(Transition.class::isInstance)
                .extracting(o -> ((Transition) o).actor())
                .containsOnly("dave");
    }

    @Test
    void promoteWhileTrafficIsStillBeingAppliedIsRefusedWithTheReason() {
        give(new Start());

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.PROMOTE, "dave"));

        assertThat(decision.refusal())
                .isEqualTo(
                        "traffic for step 1 is still being applied; promote again once the gateway confirms it");
        assertThat(status.stepIndex()).isZero();
    }

    @Test
    void resumingWhileProgressingAndPausingWhilePausedAreRefused() {
        give(new Start());
        assertThat(give(new CommandReceived(Type.RESUME, "e")).refusal())
                .isEqualTo("the rollout is not paused");

        give(new CommandReceived(Type.PAUSE, "e"));

        assertThat(give(new CommandReceived(Type.PAUSE, "e")).refusal())
                .isEqualTo("the rollout is already paused");
    }

    @Test
    void aRouteConfirmedWhilePausedGoesOnAtResume() {
        give(new Start());
        give(new CommandReceived(Type.PAUSE, "frank"));
        confirm();
        assertThat(status.state()).isEqualTo(RolloutState.PAUSED);

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.RESUME, "frank"));

        assertThat(status.stepIndex()).isEqualTo(1);
        assertThat(decision.outputs()).hasAtLeastOneElementOfType(AnalysisStarted.class);
    }

    @Test
    void aRouteThatFailsWhilePausedFailsTheRollout() {
        give(new Start());
        give(new CommandReceived(Type.PAUSE, "frank"));

        give(new TrafficFailed(status.awaitingSequence(), "timeout"));

        assertThat(status.state()).isEqualTo(RolloutState.FAILED);
    }

    @Test
    void abortWhileProgressingSendsAllTrafficToStableAndWaitsForTheGateway() {
        give(new Start());

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.ABORT, "gina"));

        assertThat(status.state()).isEqualTo(RolloutState.ABORTING);
        assertThat(route(decision).canaryPercent()).isZero();
        assertThat(status.awaitingSequence()).isEqualTo(route(decision).sequence());
        assertThat(status.reason()).isEqualTo("aborted by gina");
    }

    @Test
    void abortWhilePausedSendsAllTrafficToStable() {
        give(new Start());
        give(new CommandReceived(Type.PAUSE, "gina"));

        Decision<RolloutStatus, MachineOutput> decision =
                give(new CommandReceived(Type.ABORT, "gina"));

        assertThat(status.state()).isEqualTo(RolloutState.ABORTING);
        assertThat(route(decision).canaryPercent()).isZero();
    }

    @Test
    void theGatewaysConfirmationOfTheAbortEndsTheRolloutAborted() {
        give(new Start());
        give(new CommandReceived(Type.ABORT, "gina"));
        assertThat(give(new TrafficConfirmed(4, Weights.canaryPercent(10))).ignored()).isTrue();

        confirm();

        assertThat(status.state()).isEqualTo(RolloutState.ABORTED);
        assertThat(status.canaryPercent()).isZero();
    }

    @Test
    void aGatewayThatCannotReturnToStableFailsTheRollout() {
        give(new Start());
        give(new CommandReceived(Type.ABORT, "gina"));

        give(new TrafficFailed(status.awaitingSequence(), "socket closed"));

        assertThat(status.state()).isEqualTo(RolloutState.FAILED);
        assertThat(status.reason()).isEqualTo("could not return traffic to stable: socket closed");
    }

    @Test
    void commandsWhileAbortingAndAfterTheEndAreRefused() {
        give(new Start());
        give(new CommandReceived(Type.ABORT, "h"));
        assertThat(give(new CommandReceived(Type.PROMOTE, "h")).refusal())
                .isEqualTo("the rollout is already aborting");
        confirm();

        assertThat(give(new CommandReceived(Type.ABORT, "h")).refusal())
                .isEqualTo("the rollout has already ended (ABORTED); nothing to abort");
    }

    @Test
    void aWholeCanaryWalksEveryStepToSucceeded() {
        walkToTimedPause();
        give(new TimerFired(3, status.epoch()));
        give(new CommandReceived(Type.PROMOTE, "ivy"));

        confirm();

        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        assertThat(status.canaryPercent()).isEqualTo(100);
    }

    @Test
    void foldingTheAcceptedInputsFromTheStartReproducesTheStatus() {
        walkToTimedPause();
        give(new CommandReceived(Type.PAUSE, "j"));
        give(new CommandReceived(Type.RESUME, "j"));
        give(new TimerFired(3, status.epoch()));
        give(new CommandReceived(Type.ABORT, "j"));
        confirm();

        RolloutStatus folded = RolloutStatus.initial();
        for (MachineInput input : inputs) {
            folded = machine.decide(folded, input).status();
        }

        assertThat(folded).isEqualTo(status);
        assertThat(folded.state()).isEqualTo(RolloutState.ABORTED);
    }

    @Test
    void replayWhileAChangeIsInFlightResendsItAndWaitsForTheNewSequence() {
        give(new Start());
        long first = status.awaitingSequence();

        Decision<RolloutStatus, MachineOutput> decision =
                give(new MachineInput.ReplayRequested("ops"));

        assertThat(route(decision)).isEqualTo(new RouteStep(first + 2, 10, List.of(), null, false));
        assertThat(status.awaitingSequence()).isEqualTo(first + 2);
        assertThat(give(new TrafficConfirmed(first, Weights.canaryPercent(10))).ignored()).isTrue();
        confirm();
        assertThat(status.stepIndex()).isEqualTo(1);
    }

    @Test
    void replayAfterTheGatewayConfirmedResendsTheCurrentRouteWithoutWaiting() {
        startAndConfirmFirstRoute();

        Decision<RolloutStatus, MachineOutput> decision =
                give(new MachineInput.ReplayRequested("ops"));

        assertThat(route(decision).canaryPercent()).isEqualTo(10);
        assertThat(status.awaitingSequence()).isZero();
        assertThat(status.stepIndex()).isEqualTo(1);
    }

    @Test
    void replayOfAnAbortedRolloutResendsAllTrafficToStableAndOfAPendingOneIsRefused() {
        assertThat(give(new MachineInput.ReplayRequested("ops")).refusal())
                .isEqualTo("the rollout has not moved any traffic yet; nothing to replay");
        give(new Start());
        give(new CommandReceived(Type.ABORT, "ops"));
        confirm();

        assertThat(route(give(new MachineInput.ReplayRequested("ops"))).canaryPercent()).isZero();
    }

    @Test
    void theEndOfARolloutIsAnnouncedOnceItSucceedsOrIsAborted() {
        give(new Start());
        give(new CommandReceived(Type.ABORT, "ops"));

        Decision<RolloutStatus, MachineOutput> decision =
                machine.decide(
                        status,
                        new TrafficConfirmed(status.awaitingSequence(), Weights.allStable()));

        assertThat(decision.outputs())
                .contains(
                        new MachineOutput.Announcement(
                                decision.status().lastSequence(), RolloutState.ABORTED));
    }

    @Test
    void anAbortInsideTheBlueGreenRollbackWindowReturnsEverythingToBlueInOneStep() {
        var blueGreen =
                new RolloutMachine(
                        StrategyPlanner.plan(
                                new StrategySpec(
                                        StrategySpec.Type.blueGreen, null, null, null, null)));
        RolloutStatus s = blueGreen.decide(RolloutStatus.initial(), new Start()).status();
        s =
                blueGreen
                        .decide(s, new TrafficConfirmed(s.awaitingSequence(), Weights.allStable()))
                        .status();
        s = blueGreen.decide(s, new CommandReceived(Type.PROMOTE, "kim")).status();
        assertThat(s.canaryPercent()).isEqualTo(100);
        s =
                blueGreen
                        .decide(
                                s,
                                new TrafficConfirmed(
                                        s.awaitingSequence(), Weights.canaryPercent(100)))
                        .status();

        Decision<RolloutStatus, MachineOutput> abort =
                blueGreen.decide(s, new CommandReceived(Type.ABORT, "kim"));

        List<RouteStep> routes =
                abort.outputs().stream()
                        .filter(RouteStep.class::isInstance)
                        .map(RouteStep.class::cast)
                        .toList();
        assertThat(routes)
                .containsExactly(
                        new RouteStep(
                                abort.status().awaitingSequence(), 0, List.of(), null, false));
        assertThat(abort.status().state()).isEqualTo(RolloutState.ABORTING);
    }

    @Test
    void aTrainMemberWaitsAtItsGateUntilItsTrainProceedsAndRefusesAPromoteThere() {
        RolloutMachine member =
                new RolloutMachine(
                        StrategyPlanner.planForTrain(
                                StrategySpec.canary(List.of(StepSpec.weight(10)))));
        RolloutStatus at = member.decide(RolloutStatus.initial(), new Start()).status();
        at =
                member.decide(
                                at,
                                new TrafficConfirmed(
                                        at.awaitingSequence(), Weights.canaryPercent(10)))
                        .status();
        assertThat(at.stepIndex()).isEqualTo(1);

        Decision<RolloutStatus, MachineOutput> promote =
                member.decide(at, new CommandReceived(Type.PROMOTE, "alice"));
        assertThat(promote.refusal()).contains("member of a release train");
        assertThat(
                        member.decide(
                                        at,
                                        new MachineInput.TrainProceeds(
                                                PlannedStep.AwaitTrain.Gate.FINISH, "train t"))
                                .ignored())
                .isTrue();

        Decision<RolloutStatus, MachineOutput> proceed =
                member.decide(
                        at,
                        new MachineInput.TrainProceeds(
                                PlannedStep.AwaitTrain.Gate.CUTOVER, "train t"));
        assertThat(route(proceed).canaryPercent()).isEqualTo(100.0);
        assertThat(route(proceed).promoted()).isFalse();
        assertThat(proceed.outputs())
                .filteredOn(Transition.class::isInstance)
                .extracting(o -> ((Transition) o).actor())
                .containsExactly("train t");
    }
}
