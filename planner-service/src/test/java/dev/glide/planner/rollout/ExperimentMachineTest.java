package dev.glide.planner.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.RolloutCommand.Type;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Weights;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import dev.glide.planner.rollout.MachineInput.ReplayRequested;
import dev.glide.planner.rollout.MachineInput.Start;
import dev.glide.planner.rollout.MachineInput.TrafficConfirmed;
import dev.glide.planner.rollout.MachineInput.VerdictReceived;
import dev.glide.planner.rollout.MachineOutput.RouteStep;
import dev.glide.planner.rollout.MachineOutput.Transition;
import dev.glide.planner.strategy.ExperimentSpec;
import dev.glide.planner.strategy.InvalidStrategyException;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.StrategyPlanner;
import dev.glide.planner.strategy.StrategySpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An experiment on the rollout machine: its arms routed, a variant that fails its guardrail stopped
 * alone while the analysis goes on, the winner switched to (blue-green) or, without one, everyone
 * returned to the control.
 */
class ExperimentMachineTest {

    private RolloutMachine machine = machine("blueGreen", true);
    private RolloutStatus status = RolloutStatus.initial();

    @Test
    void theArmsRunAFailingVariantStopsAloneAndTheWinnerTakesEveryUser() {
        RouteStep arms = route(give(new Start()));
        assertThat(arms.arms()).isTrue();
        assertThat(arms.stickyKey()).isEqualTo("X-User");
        assertThat(arms.canaryPercent()).isEqualTo(50);

        confirm();
        assertThat(status.analysisSequence()).isPositive();
        long analysis = status.analysisSequence();

        // v2b fails its guardrail: the arms again with it stopped, the analysis goes on
        Decision<RolloutStatus, MachineOutput> stop =
                give(verdict(analysis, 1, Verdict.PASS, List.of("v2b"), null));
        assertThat(route(stop).arms()).isTrue();
        assertThat(status.stopped()).containsExactly("v2b");
        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        confirm();
        assertThat(status.stepIndex()).isEqualTo(1);
        assertThat(status.analysisSequence()).isEqualTo(analysis);

        // v2a wins: every user switched to it at once
        RouteStep cutover = route(give(verdict(analysis, 2, Verdict.PASS, List.of(), "v2a")));
        assertThat(cutover.promoted()).isTrue();
        assertThat(cutover.canaryPercent()).isEqualTo(100);
        assertThat(status.winner()).isEqualTo("v2a");
        Decision<RolloutStatus, MachineOutput> end = confirm();
        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        assertThat(transition(end).cause()).isEqualTo("the winner v2a serves all traffic");
    }

    @Test
    void aWinnerNamedBeforeTheGatewayConfirmedAStoppedVariantStillTakesEveryUser() {
        give(new Start());
        confirm();
        long analysis = status.analysisSequence();
        long stopping =
                route(give(verdict(analysis, 1, Verdict.PASS, List.of("v2b"), null))).sequence();

        // the winner's verdict comes before the gateway's read-back of the stopped variant
        RouteStep cutover = route(give(verdict(analysis, 2, Verdict.PASS, List.of(), "v2a")));
        assertThat(cutover.promoted()).isTrue();
        assertThat(cutover.canaryPercent()).isEqualTo(100);
        assertThat(give(new TrafficConfirmed(stopping, Weights.canaryPercent(50))).outputs())
                .isEmpty();
        assertThat(status.state()).isEqualTo(RolloutState.PROGRESSING);
        confirm();
        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        assertThat(status.winner()).isEqualTo("v2a");
    }

    @Test
    void withoutAWinnerAPromoteReturnsEveryUserToTheControl() {
        give(new Start());
        confirm();
        long analysis = status.analysisSequence();
        give(verdict(analysis, 1, Verdict.PASS, List.of(), null));
        give(verdict(analysis, 2, Verdict.INCONCLUSIVE, List.of(), null));
        assertThat(status.state()).isEqualTo(RolloutState.PAUSED);

        RouteStep back = route(give(new CommandReceived(Type.PROMOTE, "alice")));
        assertThat(back.canaryPercent()).isZero();
        assertThat(back.promoted()).isFalse();
        assertThat(back.arms()).isFalse();
        Decision<RolloutStatus, MachineOutput> end = confirm();
        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        assertThat(transition(end).cause())
                .isEqualTo("the experiment ended without a winner; the control serves every user");
    }

    @Test
    void aReplayKeepsTheArmsAndAfterAnEndWithoutWinnerKeepsEveryoneOnTheControl() {
        give(new Start());
        confirm();
        RouteStep again = route(give(new ReplayRequested("alice")));
        assertThat(again.arms()).isTrue();
        assertThat(again.stickyKey()).isEqualTo("X-User");

        long analysis = status.analysisSequence();
        give(verdict(analysis, 1, Verdict.PASS, List.of(), null));
        give(verdict(analysis, 2, Verdict.INCONCLUSIVE, List.of(), null));
        give(new CommandReceived(Type.PROMOTE, "alice"));
        confirm();
        assertThat(status.state()).isEqualTo(RolloutState.SUCCEEDED);
        RouteStep after = route(give(new ReplayRequested("alice")));
        assertThat(after.canaryPercent()).isZero();
        assertThat(after.arms()).isFalse();
    }

    @Test
    void aReportOnlyExperimentEndsOnTheControlWithItsWinnerNamed() {
        machine = machine("none", true);
        give(new Start());
        confirm();
        RouteStep back =
                route(give(verdict(status.analysisSequence(), 1, Verdict.PASS, List.of(), "v2a")));
        assertThat(back.canaryPercent()).isZero();
        assertThat(back.promoted()).isFalse();
        Decision<RolloutStatus, MachineOutput> end = confirm();
        assertThat(transition(end).cause())
                .isEqualTo(
                        "the experiment ended: v2a won (report only); the control serves every user");
    }

    @Test
    void everyVariantFailingAbortsTheExperiment() {
        give(new Start());
        confirm();
        give(verdict(status.analysisSequence(), 1, Verdict.FAIL, List.of("v2a", "v2b"), null));
        assertThat(status.state()).isEqualTo(RolloutState.ABORTING);
    }

    @Test
    void anExperimentWithoutItsDesignOrWithSharesLeavingNoControlIsRefused() {
        assertThatThrownBy(
                        () ->
                                StrategyPlanner.plan(
                                        new StrategySpec(
                                                StrategySpec.Type.experiment,
                                                null,
                                                null,
                                                null,
                                                null,
                                                null,
                                                null)))
                .isInstanceOf(InvalidStrategyException.class)
                .hasMessageContaining("experiment: an experiment strategy needs its design");
        assertThatThrownBy(
                        () ->
                                StrategyPlanner.plan(
                                        strategy(
                                                new ExperimentSpec(
                                                        "checkout",
                                                        null,
                                                        "X-User",
                                                        List.of(60.0, 40.0),
                                                        null,
                                                        null,
                                                        null,
                                                        null,
                                                        null,
                                                        null,
                                                        null)),
                                        2))
                .isInstanceOf(InvalidStrategyException.class)
                .hasMessageContaining("experiment.shares: [60.0, 40.0] leave the control no users");
    }

    private static RolloutMachine machine(String winner, boolean autoPromote) {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        strategy(
                                new ExperimentSpec(
                                        "checkout",
                                        "user",
                                        "X-User",
                                        List.of(25.0, 25.0),
                                        List.of("error-rate"),
                                        "10s",
                                        2,
                                        1000L,
                                        0.05,
                                        winner,
                                        autoPromote)),
                        2);
        return new RolloutMachine(plan);
    }

    private static StrategySpec strategy(ExperimentSpec experiment) {
        return new StrategySpec(
                StrategySpec.Type.experiment, null, null, null, null, null, experiment);
    }

    private static VerdictReceived verdict(
            long analysis, int window, Verdict verdict, List<String> failed, String winner) {
        return new VerdictReceived(
                analysis, window, verdict, "window " + window, List.of(), failed, winner, null);
    }

    private Decision<RolloutStatus, MachineOutput> give(MachineInput input) {
        Decision<RolloutStatus, MachineOutput> decision = machine.decide(status, input);
        status = decision.status();
        return decision;
    }

    private Decision<RolloutStatus, MachineOutput> confirm() {
        return give(
                new TrafficConfirmed(
                        status.awaitingSequence(), Weights.canaryPercent(status.canaryPercent())));
    }

    private static RouteStep route(Decision<RolloutStatus, MachineOutput> decision) {
        return decision.outputs().stream()
                .filter(RouteStep.class::isInstance)
                .map(RouteStep.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static Transition transition(Decision<RolloutStatus, MachineOutput> decision) {
        return decision.outputs().stream()
                .filter(Transition.class::isInstance)
                .map(Transition.class::cast)
                .reduce((a, b) -> b)
                .orElseThrow();
    }
}
