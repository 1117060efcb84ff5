package dev.glide.planner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.Durations;
import dev.glide.contract.Gate;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Mirror;
import dev.glide.contract.Role;
import dev.glide.planner.strategy.PlannedStep.Analyse;
import dev.glide.planner.strategy.PlannedStep.HoldRollbackWindow;
import dev.glide.planner.strategy.PlannedStep.Pause;
import dev.glide.planner.strategy.PlannedStep.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyPlannerTest {

    @Test
    void aTrainMemberKeepsItsCanaryPhaseBelow100PercentThenWaitsForTheTrainAroundTheCutover() {
        List<PlannedStep> plan = StrategyPlanner.planForTrain(StrategySpec.defaults());

        assertThat(plan)
                .extracting(PlannedStep::getClass)
                .containsExactly(
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Analyse.class,
                        PlannedStep.AwaitTrain.class,
                        Route.class,
                        PlannedStep.AwaitTrain.class,
                        Route.class);
        assertThat(
                        plan.stream()
                                .filter(Route.class::isInstance)
                                .map(Route.class::cast)
                                .map(Route::canaryPercent))
                .containsExactly(5.0, 25.0, 50.0, 100.0, 100.0);
        assertThat(((PlannedStep.AwaitTrain) plan.get(6)).gate())
                .isEqualTo(PlannedStep.AwaitTrain.Gate.CUTOVER);
        assertThat(((Route) plan.get(plan.size() - 1)).promoted()).isTrue();
    }

    @Test
    void aBlueGreenTrainMemberPreviewsThenLeavesItsPromotionToTheTrain() {
        List<PlannedStep> plan =
                StrategyPlanner.planForTrain(
                        new StrategySpec(StrategySpec.Type.blueGreen, null, null, null, null));

        assertThat(plan)
                .extracting(PlannedStep::getClass)
                .containsExactly(
                        Route.class,
                        PlannedStep.AwaitTrain.class,
                        Route.class,
                        PlannedStep.AwaitTrain.class,
                        Route.class);
        assertThat(((Route) plan.get(0)).matchRules()).hasSize(1);
    }

    private static final MatchRule BETA =
            new MatchRule(MatchRule.Kind.COOKIE, "beta", "yes", Role.CANARY);

    @Test
    void aMirrorStepKeepsTheRouteInEffectAndAddsCopiesToTheCanaryUntilTheNextWeight() {
        Mirror copies =
                new Mirror(
                        20,
                        List.of(
                                new MatchRule(
                                        MatchRule.Kind.HEADER, "x-region", "eu", Role.CANARY)));
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(
                                StrategySpec.Type.canary,
                                List.of(
                                        new StepSpec(null, null, null, copies),
                                        StepSpec.analyse(
                                                new AnalysisSpec(
                                                        List.of("error-rate"), "1m", 3, 0)),
                                        StepSpec.weight(10)),
                                null,
                                null,
                                null));

        assertThat(plan.get(0)).isEqualTo(new Route(0, List.of(), null, false, copies));
        assertThat(plan.get(1)).isInstanceOf(Analyse.class);
        assertThat(plan.get(2)).isEqualTo(new Route(10, List.of(), null, false, null));
    }

    @Test
    void theDefaultIsACanaryOf5_25_50_100WithAnalysisAtEachStepThenPromotion() {
        List<PlannedStep> plan = StrategyPlanner.plan(StrategySpec.defaults());

        assertThat(plan)
                .extracting(PlannedStep::getClass)
                .containsExactly(
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Route.class);
        assertThat(
                        plan.stream()
                                .filter(Route.class::isInstance)
                                .map(Route.class::cast)
                                .map(Route::canaryPercent))
                .containsExactly(5.0, 25.0, 50.0, 100.0, 100.0);
        assertThat(((Route) plan.get(plan.size() - 1)).promoted()).isTrue();
    }

    @Test
    void aCanaryWalksItsOwnStepsWithTimedAndOpenPauses() {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        StrategySpec.canary(
                                List.of(
                                        StepSpec.weight(10),
                                        StepSpec.pauseFor("30s"),
                                        StepSpec.weight(60),
                                        StepSpec.pauseUntilPromoted())));

        assertThat(plan)
                .containsExactly(
                        new Route(10, List.of(), null, false),
                        new Pause(Duration.ofSeconds(30)),
                        new Route(60, List.of(), null, false),
                        new Pause(null),
                        new Route(100, List.of(), null, true));
    }

    @Test
    void blueGreenPreviewsByHeaderWaitsForPromotionSwitchesAtOnceAndKeepsBlueReady() {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(StrategySpec.Type.blueGreen, null, null, null, null));

        BlueGreenSpec defaults = BlueGreenSpec.defaults();
        assertThat(plan)
                .containsExactly(
                        new Route(0, List.of(defaults.preview()), null, false),
                        new Pause(null),
                        new Route(100, List.of(), null, false),
                        new HoldRollbackWindow(Duration.ofMinutes(10)),
                        new Route(100, List.of(), null, true));
    }

    private static Gate gate(String name, String phase) {
        return new Gate(name, phase, "http://tests.internal/" + name, null, null, null);
    }

    @Test
    void preRolloutGatesAreWaitedOnBeforeAnyTrafficAndRolloutGatesAtEveryAnalysis() {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(
                                StrategySpec.Type.canary,
                                null,
                                null,
                                null,
                                null,
                                List.of(gate("smoke", "preRollout"), gate("load", "rollout"))));

        assertThat(plan.get(0))
                .isEqualTo(
                        new Analyse(AnalysisSpec.gatesOnly(List.of(gate("smoke", "preRollout")))));
        assertThat(plan.get(1)).isEqualTo(Route.weight(5));
        List<Analyse> analyses =
                plan.stream().filter(Analyse.class::isInstance).map(Analyse.class::cast).toList();
        assertThat(analyses).hasSize(4);
        assertThat(analyses.subList(1, 4))
                .allSatisfy(
                        a -> {
                            assertThat(a.spec().metrics()).isNotEmpty();
                            assertThat(a.spec().gatesOrNone())
                                    .containsExactly(gate("load", "rollout"));
                        });
    }

    @Test
    void prePromotionGatesJoinThePrePromotionAnalysisOrStandAloneBeforeTheSwitch() {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(
                                StrategySpec.Type.blueGreen,
                                null,
                                null,
                                null,
                                null,
                                List.of(gate("smoke", "prePromotion"))));

        assertThat(plan)
                .containsSubsequence(
                        new Analyse(AnalysisSpec.gatesOnly(List.of(gate("smoke", "prePromotion")))),
                        new Pause(null),
                        new Route(100, List.of(), null, false));
    }

    /** A canary of one 20 % step, with {@code gate}. */
    private static StrategySpec canaryTo20(Gate gate) {
        return new StrategySpec(
                StrategySpec.Type.canary,
                List.of(StepSpec.weight(20)),
                null,
                null,
                null,
                List.of(gate));
    }

    @Test
    void postPromotionGatesAreWaitedOnOnceAllUsersAreOnTheNewVersionWhileStableStandsBy() {
        Analyse post =
                new Analyse(AnalysisSpec.gatesOnly(List.of(gate("verify", "postPromotion"))));
        List<PlannedStep> blueGreen =
                StrategyPlanner.plan(
                        new StrategySpec(
                                StrategySpec.Type.blueGreen,
                                null,
                                null,
                                null,
                                null,
                                List.of(gate("verify", "postPromotion"))));
        assertThat(blueGreen)
                .containsSubsequence(
                        new Route(100, List.of(), null, false),
                        post,
                        new HoldRollbackWindow(Duration.ofMinutes(10)),
                        Route.promotion());

        // a ramp that stops short of 100 % is taken there first
        List<PlannedStep> canary =
                StrategyPlanner.plan(canaryTo20(gate("verify", "postPromotion")));
        assertThat(canary)
                .containsExactly(Route.weight(20), Route.weight(100), post, Route.promotion());

        List<PlannedStep> member =
                StrategyPlanner.planForTrain(canaryTo20(gate("verify", "postPromotion")));
        assertThat(member)
                .containsExactly(
                        Route.weight(20),
                        new PlannedStep.AwaitTrain(PlannedStep.AwaitTrain.Gate.CUTOVER),
                        Route.weight(100),
                        post,
                        new PlannedStep.AwaitTrain(PlannedStep.AwaitTrain.Gate.FINISH),
                        Route.promotion());
    }

    @Test
    void onAbortGatesAreNotPartOfThePlanAndMustBeWebhooks() {
        List<PlannedStep> plan = StrategyPlanner.plan(canaryTo20(gate("tell", "onAbort")));
        assertThat(plan).containsExactly(Route.weight(20), Route.promotion());

        var tested =
                new StrategySpec(
                        StrategySpec.Type.canary,
                        null,
                        null,
                        null,
                        null,
                        List.of(
                                new Gate(
                                        "smoke",
                                        "onAbort",
                                        null,
                                        new dev.glide.contract.GateTest(
                                                "smoke",
                                                null,
                                                null,
                                                null,
                                                null,
                                                "/health",
                                                null,
                                                null,
                                                null,
                                                null,
                                                "http://gw"),
                                        null,
                                        null,
                                        null)));
        assertThatThrownBy(() -> StrategyPlanner.plan(tested))
                .isInstanceOf(InvalidStrategyException.class)
                .satisfies(
                        e ->
                                assertThat(((InvalidStrategyException) e).problems())
                                        .singleElement()
                                        .asString()
                                        .startsWith("gates[0].test: an onAbort gate is told"));
    }

    @Test
    void badGatesAreEachNamed() {
        var spec =
                new StrategySpec(
                        StrategySpec.Type.canary,
                        null,
                        null,
                        null,
                        null,
                        List.of(
                                gate("smoke", "preRollout"),
                                new Gate("smoke", "rollout", "http://t/x", "0s", null, null),
                                gate("switch", "prePromotion")));

        assertThatThrownBy(() -> StrategyPlanner.plan(spec))
                .isInstanceOf(InvalidStrategyException.class)
                .satisfies(
                        e ->
                                assertThat(((InvalidStrategyException) e).problems())
                                        .containsExactly(
                                                "gates[1].name: smoke is used by another gate",
                                                "gates[1].timeout: must be longer than 0 (was 0)",
                                                "gates[2].phase: prePromotion gates need a blue-green switch (type is canary)"));
    }

    @Test
    void autoPromotedBlueGreenWithAnalysisDoesNotWaitForAPerson() {
        var blueGreen =
                new BlueGreenSpec(
                        BlueGreenSpec.defaults().preview(), AnalysisSpec.defaults(), true, "5m");

        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(StrategySpec.Type.blueGreen, null, blueGreen, null, null));

        assertThat(plan)
                .extracting(PlannedStep::getClass)
                .containsExactly(
                        Route.class,
                        Analyse.class,
                        Route.class,
                        HoldRollbackWindow.class,
                        Route.class);
    }

    @Test
    void canaryThenBlueGreenRampsToTheCeilingThenCutsOver() {
        List<PlannedStep> plan =
                StrategyPlanner.plan(
                        new StrategySpec(
                                StrategySpec.Type.canaryThenBlueGreen, null, null, null, 30.0));

        assertThat(plan)
                .extracting(PlannedStep::getClass)
                .containsExactly(
                        Route.class,
                        Analyse.class,
                        Route.class,
                        Analyse.class,
                        Pause.class,
                        Route.class,
                        HoldRollbackWindow.class,
                        Route.class);
        assertThat(((Route) plan.get(2)).canaryPercent()).isEqualTo(30.0);
        assertThat(((Route) plan.get(5)).canaryPercent()).isEqualTo(100.0);
    }

    @Test
    void segmentFirstSendsOnlyTheSegmentToTheCanaryStickilyBeforeTheRamp() {
        var spec =
                new StrategySpec(
                        StrategySpec.Type.segmentFirst,
                        List.of(StepSpec.weight(50)),
                        null,
                        new SegmentSpec(List.of(BETA), "x-user-id"),
                        null);

        assertThat(StrategyPlanner.plan(spec))
                .containsExactly(
                        new Route(0, List.of(BETA), "x-user-id", false),
                        new Route(50, List.of(), null, false),
                        new Route(100, List.of(), null, true));
    }

    @Test
    void aCanaryStepAboveTheCeilingIsRefusedNamingTheStep() {
        var spec =
                new StrategySpec(
                        StrategySpec.Type.canaryThenBlueGreen,
                        List.of(StepSpec.weight(10), StepSpec.weight(40)),
                        null,
                        null,
                        20.0);

        assertThatThrownBy(() -> StrategyPlanner.plan(spec))
                .isInstanceOf(InvalidStrategyException.class)
                .hasMessage(
                        "invalid strategy: steps[1].setWeight: 40.0 is above the canary ceiling of 20.0 %"
                                + " (the blue-green cutover moves the rest)");
    }

    @Test
    void fieldsThatDoNotBelongToTheTypeAreEachNamed() {
        var spec =
                new StrategySpec(
                        StrategySpec.Type.canary,
                        null,
                        BlueGreenSpec.defaults(),
                        new SegmentSpec(List.of(BETA), "u"),
                        20.0);

        assertThatThrownBy(() -> StrategyPlanner.plan(spec))
                .isInstanceOf(InvalidStrategyException.class)
                .satisfies(
                        e ->
                                assertThat(((InvalidStrategyException) e).problems())
                                        .containsExactly(
                                                "blueGreen: only blueGreen and canaryThenBlueGreen strategies take it (type is canary)",
                                                "segment: only segmentFirst strategies take it (type is canary)",
                                                "ceiling: only canaryThenBlueGreen strategies take it (type is canary)"));
    }

    @Test
    void segmentFirstWithoutASegmentSaysWhatIsMissing() {
        assertThatThrownBy(
                        () ->
                                StrategyPlanner.plan(
                                        new StrategySpec(
                                                StrategySpec.Type.segmentFirst,
                                                null,
                                                null,
                                                null,
                                                null)))
                .hasMessage(
                        "invalid strategy: segment: a segmentFirst strategy needs the match rules and sticky key"
                                + " of its first segment");
    }

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Durations.parse("ten minutes"))
                .hasMessage("'ten minutes' is not a duration such as 500ms, 30s, 10m or 1h");
    }
}
