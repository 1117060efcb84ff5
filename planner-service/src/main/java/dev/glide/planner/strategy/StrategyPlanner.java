package dev.glide.planner.strategy;

import dev.glide.contract.Durations;
import dev.glide.contract.Gate;
import dev.glide.planner.strategy.PlannedStep.Analyse;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import dev.glide.planner.strategy.PlannedStep.HoldRollbackWindow;
import dev.glide.planner.strategy.PlannedStep.Pause;
import dev.glide.planner.strategy.PlannedStep.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a strategy into the plan a rollout walks. Field-level rules (ranges, durations) are the
 * spec's own validation; this checks what depends on the strategy's type, and names the field of
 * every problem.
 */
public final class StrategyPlanner {

    private StrategyPlanner() {}

    public static List<PlannedStep> plan(StrategySpec spec) {
        return plan(spec, 1);
    }

    /**
     * The plan for a release of {@code variants} versions (an experiment's arms are the control and
     * each of them).
     */
    public static List<PlannedStep> plan(StrategySpec spec, int variants) {
        List<String> problems = problems(spec);
        if (!problems.isEmpty()) {
            throw new InvalidStrategyException(problems);
        }
        List<PlannedStep> plan = new ArrayList<>();
        List<Gate> preRollout = spec.gates(Gate.PRE_ROLLOUT);
        if (!preRollout.isEmpty()) {
            plan.add(new Analyse(AnalysisSpec.gatesOnly(preRollout)));
        }
        List<Gate> rollout = spec.gates(Gate.ROLLOUT);
        List<Gate> prePromotion = spec.gates(Gate.PRE_PROMOTION);
        switch (spec.type()) {
            case canary -> addRamp(plan, steps(spec), rollout);
            case blueGreen -> addCutover(plan, blueGreen(spec), true, prePromotion);
            case canaryThenBlueGreen -> {
                addRamp(plan, steps(spec), rollout);
                addCutover(plan, blueGreen(spec), false, prePromotion);
            }
            case segmentFirst -> {
                plan.add(new Route(0, spec.segment().match(), spec.segment().stickyKey(), false));
                addRamp(plan, steps(spec), rollout);
            }
            case experiment -> {
                ExperimentSpec experiment = spec.experiment();
                plan.add(
                        Route.arms(100 - experiment.percents(variants)[0], experiment.stickyKey()));
                plan.add(
                        new Analyse(
                                new AnalysisSpec(
                                        experiment.guardrails(),
                                        experiment.interval() == null
                                                ? "1m"
                                                : experiment.interval(),
                                        experiment.windows(),
                                        0,
                                        null,
                                        experiment)));
                if (!experiment.promotesItself()) {
                    plan.add(new Pause(null));
                }
                switch (experiment.winnerOrDefault()) {
                    case "none" -> {
                        // report only: everyone back on the control, which stays stable
                        plan.add(Route.weight(0));
                        return List.copyOf(plan);
                    }
                    case "canary" -> addRamp(plan, steps(spec), rollout);
                    default -> {
                        // blueGreen: the promotion below moves every user to the winner at once
                    }
                }
            }
        }
        addPostPromotion(plan, spec.gates(Gate.POST_PROMOTION));
        plan.add(Route.promotion());
        return List.copyOf(plan);
    }

    /**
     * postPromotion gates: waited on right after all users reached the new version (the first route
     * of 100 % with no rules; one is added when the ramp stops short), while stable still stands
     * by, so a failure returns everyone to it.
     */
    private static void addPostPromotion(List<PlannedStep> plan, List<Gate> gates) {
        if (gates.isEmpty()) {
            return;
        }
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i) instanceof Route route
                    && route.canaryPercent() >= 100
                    && route.matchRules().isEmpty()) {
                plan.add(i + 1, new Analyse(AnalysisSpec.gatesOnly(gates)));
                return;
            }
        }
        plan.add(Route.weight(100));
        plan.add(new Analyse(AnalysisSpec.gatesOnly(gates)));
    }

    /**
     * The plan of a release train's member: its strategy's canary phase (everything before traffic
     * reaches 100 %, less a final wait for promotion, which is the train's to give), then the
     * train's gates around the joint cutover.
     */
    public static List<PlannedStep> planForTrain(StrategySpec spec) {
        if (spec.type() == StrategySpec.Type.experiment) {
            throw new InvalidStrategyException(
                    List.of(
                            "strategy: an experiment cannot be a member of a release train (it decides its own winner); release it on its own"));
        }
        List<PlannedStep> plan = new ArrayList<>();
        for (PlannedStep step : plan(spec)) {
            if (step instanceof Route route && route.canaryPercent() >= 100) {
                break;
            }
            plan.add(step);
        }
        while (!plan.isEmpty()
                && plan.get(plan.size() - 1) instanceof Pause pause
                && pause.untilPromoted()) {
            plan.remove(plan.size() - 1);
        }
        plan.add(new AwaitTrain(AwaitTrain.Gate.CUTOVER));
        plan.add(Route.weight(100));
        List<Gate> postPromotion = spec.gates(Gate.POST_PROMOTION);
        if (!postPromotion.isEmpty()) {
            plan.add(new Analyse(AnalysisSpec.gatesOnly(postPromotion)));
        }
        plan.add(new AwaitTrain(AwaitTrain.Gate.FINISH));
        plan.add(Route.promotion());
        return List.copyOf(plan);
    }

    private static void addRamp(List<PlannedStep> plan, List<StepSpec> steps, List<Gate> gates) {
        for (StepSpec step : steps) {
            if (step.setWeight() != null) {
                plan.add(Route.weight(step.setWeight()));
            } else if (step.mirror() != null) {
                plan.add(lastRoute(plan).mirroring(step.mirror()));
            } else if (step.pause() != null) {
                plan.add(
                        new Pause(
                                step.pause().duration() == null
                                        ? null
                                        : Durations.parse(step.pause().duration())));
            } else {
                plan.add(new Analyse(step.analysis().withGates(gates)));
            }
        }
    }

    /** The route in effect at the end of {@code plan}: all on stable before the first. */
    private static Route lastRoute(List<PlannedStep> plan) {
        for (int i = plan.size() - 1; i >= 0; i--) {
            if (plan.get(i) instanceof Route route) {
                return route;
            }
        }
        return Route.weight(0);
    }

    /**
     * Blue-green: preview only (when green has had no traffic yet), analysis, promotion, the
     * switch, the window.
     */
    private static void addCutover(
            List<PlannedStep> plan,
            BlueGreenSpec blueGreen,
            boolean withPreview,
            List<Gate> prePromotion) {
        if (withPreview) {
            plan.add(new Route(0, List.of(blueGreen.preview()), null, false));
        }
        if (blueGreen.prePromotionAnalysis() != null) {
            plan.add(new Analyse(blueGreen.prePromotionAnalysis().withGates(prePromotion)));
        } else if (!prePromotion.isEmpty()) {
            plan.add(new Analyse(AnalysisSpec.gatesOnly(prePromotion)));
        }
        if (!blueGreen.autoPromote()) {
            plan.add(new Pause(null));
        }
        plan.add(Route.weight(100));
        plan.add(new HoldRollbackWindow(Durations.parse(blueGreen.rollbackWindow())));
    }

    /**
     * The ramp's steps: the spec's own, or the default ramp (up to the ceiling for
     * canaryThenBlueGreen).
     */
    private static List<StepSpec> steps(StrategySpec spec) {
        if (spec.steps() != null && !spec.steps().isEmpty()) {
            return spec.steps();
        }
        if (spec.type() == StrategySpec.Type.canaryThenBlueGreen) {
            AnalysisSpec analysis = AnalysisSpec.defaults();
            return List.of(
                    StepSpec.weight(5),
                    StepSpec.analyse(analysis),
                    StepSpec.weight(ceiling(spec)),
                    StepSpec.analyse(analysis));
        }
        return StrategySpec.defaultSteps();
    }

    private static double ceiling(StrategySpec spec) {
        return spec.ceiling() == null ? StrategySpec.DEFAULT_CEILING : spec.ceiling();
    }

    private static BlueGreenSpec blueGreen(StrategySpec spec) {
        return spec.blueGreen() == null ? BlueGreenSpec.defaults() : spec.blueGreen();
    }

    private static List<String> problems(StrategySpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.type() == null) {
            return List.of(
                    "type: must be one of canary, blueGreen, canaryThenBlueGreen, segmentFirst, experiment");
        }
        boolean experiment = spec.type() == StrategySpec.Type.experiment;
        if (experiment && spec.experiment() == null) {
            problems.add(
                    "experiment: an experiment strategy needs its design (goal, stickyKey; shares, metrics, interval, maxWindows, minUnits, alpha, winner, autoPromote optional)");
        }
        if (!experiment && spec.experiment() != null) {
            problems.add(
                    "experiment: only experiment strategies take it (type is " + spec.type() + ")");
        }
        if (experiment && spec.experiment() != null) {
            ExperimentSpec design = spec.experiment();
            if (design.shares() != null
                    && design.shares().stream()
                                    .filter(java.util.Objects::nonNull)
                                    .mapToDouble(Double::doubleValue)
                                    .sum()
                            >= 100) {
                problems.add(
                        "experiment.shares: "
                                + design.shares()
                                + " leave the control no users; they must add up to less than 100");
            }
            if (spec.steps() != null
                    && !spec.steps().isEmpty()
                    && !"canary".equals(design.winnerOrDefault())) {
                problems.add(
                        "steps: an experiment ramps its winner by steps only with winner canary (winner is "
                                + design.winnerOrDefault()
                                + ")");
            }
        }
        boolean cutover =
                spec.type() == StrategySpec.Type.blueGreen
                        || spec.type() == StrategySpec.Type.canaryThenBlueGreen;
        if (spec.blueGreen() != null && !cutover) {
            problems.add(
                    "blueGreen: only blueGreen and canaryThenBlueGreen strategies take it (type is "
                            + spec.type()
                            + ")");
        }
        if (spec.type() == StrategySpec.Type.blueGreen
                && spec.steps() != null
                && !spec.steps().isEmpty()) {
            problems.add(
                    "steps: a blueGreen strategy has no canary steps; use canaryThenBlueGreen");
        }
        if (spec.type() == StrategySpec.Type.segmentFirst && spec.segment() == null) {
            problems.add(
                    "segment: a segmentFirst strategy needs the match rules and sticky key of its first segment");
        }
        if (spec.type() != StrategySpec.Type.segmentFirst && spec.segment() != null) {
            problems.add(
                    "segment: only segmentFirst strategies take it (type is " + spec.type() + ")");
        }
        if (spec.ceiling() != null && spec.type() != StrategySpec.Type.canaryThenBlueGreen) {
            problems.add(
                    "ceiling: only canaryThenBlueGreen strategies take it (type is "
                            + spec.type()
                            + ")");
        }
        problems.addAll(gateProblems(spec));
        if (spec.type() == StrategySpec.Type.canaryThenBlueGreen) {
            double ceiling = ceiling(spec);
            List<StepSpec> steps = steps(spec);
            for (int i = 0; i < steps.size(); i++) {
                Double weight = steps.get(i).setWeight();
                if (weight != null && weight > ceiling) {
                    problems.add(
                            "steps["
                                    + i
                                    + "].setWeight: "
                                    + weight
                                    + " is above the canary ceiling of "
                                    + ceiling
                                    + " % (the blue-green cutover moves the rest)");
                }
            }
        }
        return problems;
    }

    /** Whether a gate of this phase runs beside an analysis of metrics. */
    private static boolean beside(StrategySpec spec, Gate gate) {
        return Gate.ROLLOUT.equals(gate.phase())
                || Gate.PRE_PROMOTION.equals(gate.phase())
                        && spec.blueGreen() != null
                        && spec.blueGreen().prePromotionAnalysis() != null;
    }

    /**
     * What a gate's own validation cannot see: a zero timeout, names used twice, a phase the type
     * has not.
     */
    private static List<String> gateProblems(StrategySpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.gates() == null) {
            return problems;
        }
        Set<String> names = new HashSet<>();
        boolean cutover =
                spec.type() == StrategySpec.Type.blueGreen
                        || spec.type() == StrategySpec.Type.canaryThenBlueGreen;
        for (int i = 0; i < spec.gates().size(); i++) {
            Gate gate = spec.gates().get(i);
            if (gate == null) {
                continue;
            }
            if (gate.name() != null && !names.add(gate.name())) {
                problems.add("gates[" + i + "].name: " + gate.name() + " is used by another gate");
            }
            if (gate.timeout() != null
                    && gate.timeout().matches(Durations.PATTERN)
                    && Durations.parse(gate.timeout()).isZero()) {
                problems.add("gates[" + i + "].timeout: must be longer than 0 (was 0)");
            }
            if (Gate.PRE_PROMOTION.equals(gate.phase()) && !cutover) {
                problems.add(
                        "gates["
                                + i
                                + "].phase: prePromotion gates need a blue-green switch (type is "
                                + spec.type()
                                + ")");
            }
            if (gate.test() != null && gate.test().isLoad() && !beside(spec, gate)) {
                problems.add(
                        "gates["
                                + i
                                + "].test.kind: a load test's requests are judged by the analysis it runs beside; a "
                                + gate.phase()
                                + " gate has none here (use a rollout gate, a prePromotion gate with the blueGreen"
                                + " prePromotionAnalysis, or kind smoke)");
            }
            if (gate.told() && gate.test() != null) {
                problems.add(
                        "gates["
                                + i
                                + "].test: an onAbort gate is told, not run against the new version"
                                + " (traffic is already back on stable): give it a url");
            }
            if (Gate.ROLLOUT.equals(gate.phase()) && spec.type() == StrategySpec.Type.blueGreen) {
                problems.add(
                        "gates["
                                + i
                                + "].phase: a blueGreen strategy has no canary analyses for rollout gates; use prePromotion");
            }
        }
        return problems;
    }
}
