package dev.glide.planner.rollout;

import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.kernel.Machine;
import dev.glide.planner.rollout.MachineInput.CommandReceived;
import dev.glide.planner.rollout.MachineInput.DriftReported;
import dev.glide.planner.rollout.MachineInput.ReplayRequested;
import dev.glide.planner.rollout.MachineInput.Start;
import dev.glide.planner.rollout.MachineInput.TimerFired;
import dev.glide.planner.rollout.MachineInput.TrafficConfirmed;
import dev.glide.planner.rollout.MachineInput.TrafficFailed;
import dev.glide.planner.rollout.MachineInput.TrainProceeds;
import dev.glide.planner.rollout.MachineInput.VerdictReceived;
import dev.glide.planner.rollout.MachineOutput.AnalysisStarted;
import dev.glide.planner.rollout.MachineOutput.Announcement;
import dev.glide.planner.rollout.MachineOutput.RouteStep;
import dev.glide.planner.rollout.MachineOutput.StartTimer;
import dev.glide.planner.rollout.MachineOutput.Transition;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.PlannedStep.Analyse;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import dev.glide.planner.strategy.PlannedStep.HoldRollbackWindow;
import dev.glide.planner.strategy.PlannedStep.Pause;
import dev.glide.planner.strategy.PlannedStep.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's state machine: a pure function of (plan, status, input). It reads no clock and
 * touches no store, so folding a rollout's logged inputs from {@link RolloutStatus#initial()}
 * always gives its stored status.
 *
 * <pre>
 * state        input                              next                 outputs
 * PENDING      start                              PROGRESSING(0)       enter step 0
 * PENDING      abort                              ABORTED              (no traffic was moved)
 * PROGRESSING  traffic confirmed (awaited step)   PROGRESSING(i+1)     enter next step; past the last: SUCCEEDED
 * PROGRESSING  traffic failed (awaited step)      FAILED
 * PROGRESSING  verdict PASS/INCONCLUSIVE (count)  PROGRESSING(i)       counted
 * PROGRESSING  verdict FAIL over failureLimit     ABORTING             route all to stable
 * PROGRESSING  last verdict, all within limits    PROGRESSING(i+1)     enter next step
 * PROGRESSING  last verdict INCONCLUSIVE           PAUSED               (a person decides)
 * PROGRESSING  experiment verdict: guardrail failed PROGRESSING(i)     the arms again, those variants stopped
 * PROGRESSING  experiment verdict: a winner        PROGRESSING(i+1)     the winner goes out as planned
 * PROGRESSING  experiment over without a winner    PROGRESSING(last)    everyone back on the control
 * PROGRESSING  timer of this pause / window       PROGRESSING(i+1)     enter next step
 * PROGRESSING  promote (no traffic in flight)     PROGRESSING(i+1)     enter next step
 * PROGRESSING  promote at a train's gate          refused              the train decides
 * PROGRESSING  the train proceeds (at its gate)    PROGRESSING(i+1)     enter next step
 * PROGRESSING  pause                              PAUSED               timers of this epoch go stale
 * PROGRESSING  abort                              ABORTING             route all to stable
 * PAUSED       traffic confirmed (awaited step)   PAUSED               remembered
 * PAUSED       traffic failed (awaited step)      FAILED
 * PAUSED       resume                             PROGRESSING(i)       a confirmed route goes on; else step i again
 * PAUSED       promote (no traffic in flight)     PROGRESSING(i+1)     enter next step
 * PAUSED       abort                              ABORTING             route all to stable
 * ABORTING     traffic confirmed (abort step)     ABORTED
 * ABORTING     traffic failed (abort step)        FAILED
 * any but PENDING/FAILED  replay               unchanged            the desired route again, new sequence
 * running      drift reported (policy 'report')   unchanged            logged: the history shows it
 * -> SUCCEEDED / ABORTED                          (final)              announced (CDEvents) to other tools
 * final        command                            refused              why, for whoever gave it
 * any          stale or repeated input            ignored              not logged
 * </pre>
 *
 * Commands that make no sense in a state (resume while progressing, pause while paused, promote
 * while a traffic change is in flight) are refused with the reason.
 */
public final class RolloutMachine implements Machine<RolloutStatus, MachineInput, MachineOutput> {

    private final List<PlannedStep> plan;

    /** The plan step of an experiment's analysis, or -1 for a plan without one. */
    private final int experiment;

    public RolloutMachine(List<PlannedStep> plan) {
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("a plan has at least its promotion step");
        }
        this.plan = List.copyOf(plan);
        int found = -1;
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i) instanceof Analyse analyse && analyse.spec().experiment() != null) {
                found = i;
            }
        }
        this.experiment = found;
    }

    public List<PlannedStep> plan() {
        return plan;
    }

    public Decision<RolloutStatus, MachineOutput> decide(RolloutStatus status, MachineInput input) {
        if (input instanceof ReplayRequested replay) {
            return replay(status, replay);
        }
        if (input instanceof DriftReported) {
            return driftReported(status);
        }
        return switch (status.state()) {
            case PENDING -> pending(status, input);
            case PROGRESSING -> progressing(status, input);
            case PAUSED -> paused(status, input);
            case ABORTING -> aborting(status, input);
            case SUCCEEDED, ABORTED, FAILED ->
                    input instanceof CommandReceived command
                            ? Decision.refuse(
                                    status,
                                    "the rollout has already ended ("
                                            + status.state()
                                            + "); nothing to "
                                            + command.type().name().toLowerCase())
                            : Decision.ignore(status);
        };
    }

    /**
     * Sends the desired traffic state again under a new sequence: the gateway drifted or was
     * rebuilt. When a change was in flight, the rollout now waits for the new sequence instead (the
     * old one may never be answered).
     */
    private Decision<RolloutStatus, MachineOutput> replay(
            RolloutStatus status, ReplayRequested replay) {
        if (status.state() == RolloutState.PENDING) {
            return Decision.refuse(
                    status, "the rollout has not moved any traffic yet; nothing to replay");
        }
        if (status.state() == RolloutState.FAILED) {
            return Decision.refuse(
                    status, "the rollout failed; what the gateway should serve is not known");
        }
        Outcome outcome = new Outcome(status);
        long sequence = outcome.nextSequence();
        RouteStep route = desiredRoute(status, sequence);
        outcome.outputs.add(route);
        if (status.awaitingSequence() != 0) {
            outcome.status = outcome.status.awaiting(sequence, route.canaryPercent());
        }
        return outcome.decision();
    }

    /**
     * A drift the traffic service reported and left alone: logged (the history shows it), the
     * status otherwise unchanged. Only while the rollout runs: an ended rollout's log is final.
     */
    private Decision<RolloutStatus, MachineOutput> driftReported(RolloutStatus status) {
        return switch (status.state()) {
            case PROGRESSING, PAUSED, ABORTING -> new Outcome(status).decision();
            case PENDING, SUCCEEDED, ABORTED, FAILED -> Decision.ignore(status);
        };
    }

    /** What the gateway should serve now: the newest route at or before the current step. */
    private RouteStep desiredRoute(RolloutStatus status, long sequence) {
        if (status.state() == RolloutState.ABORTING || status.state() == RolloutState.ABORTED) {
            return new RouteStep(sequence, 0, List.of(), null, false);
        }
        if (experiment >= 0 && status.stepIndex() > experiment && status.winner() == null) {
            // an experiment that ended (or is ending) without a winner: everyone on the control
            return new RouteStep(sequence, 0, List.of(), null, false);
        }
        for (int i = Math.min(status.stepIndex(), plan.size() - 1); i >= 0; i--) {
            if (plan.get(i) instanceof Route route) {
                return new RouteStep(
                        sequence,
                        route.canaryPercent(),
                        route.matchRules(),
                        route.stickyKey(),
                        route.promoted(),
                        route.mirror(),
                        route.arms());
            }
        }
        return new RouteStep(sequence, 0, List.of(), null, false);
    }

    private Decision<RolloutStatus, MachineOutput> pending(
            RolloutStatus status, MachineInput input) {
        if (input instanceof Start) {
            Outcome outcome = new Outcome(status);
            outcome.transition(RolloutState.PROGRESSING, "release", null, null);
            enter(outcome, 0);
            return outcome.decision();
        }
        if (input instanceof CommandReceived command) {
            if (command.type() == RolloutCommand.Type.ABORT) {
                Outcome outcome = new Outcome(status);
                outcome.transition(
                        RolloutState.ABORTED,
                        command.describe("aborted") + " before any traffic moved",
                        command.actor(),
                        command.describe("aborted") + " before any traffic moved");
                return outcome.decision();
            }
            return Decision.refuse(
                    status, "the rollout has not started yet; only abort is possible");
        }
        return Decision.ignore(status);
    }

    private Decision<RolloutStatus, MachineOutput> progressing(
            RolloutStatus status, MachineInput input) {
        PlannedStep step = plan.get(status.stepIndex());
        if (input instanceof TrafficConfirmed confirmed) {
            if (confirmed.sequence() != status.awaitingSequence()) {
                return Decision.ignore(status);
            }
            Outcome outcome = new Outcome(status);
            outcome.status = outcome.status.awaiting(0, status.canaryPercent());
            if (!(step instanceof Analyse)) {
                // an experiment's arms changed mid-analysis (a variant stopped): it goes on
                enter(outcome, status.stepIndex() + 1);
            }
            return outcome.decision();
        }
        if (input instanceof TrafficFailed failed) {
            return gatewayFailed(status, failed);
        }
        if (input instanceof VerdictReceived verdict) {
            return step instanceof Analyse analyse
                    ? counted(status, analyse, verdict)
                    : Decision.ignore(status);
        }
        if (input instanceof TimerFired timer) {
            boolean current =
                    timer.stepIndex() == status.stepIndex() && timer.epoch() == status.epoch();
            if (!current || !(step instanceof Pause || step instanceof HoldRollbackWindow)) {
                return Decision.ignore(status);
            }
            Outcome outcome = new Outcome(status);
            enter(outcome, status.stepIndex() + 1);
            return outcome.decision();
        }
        if (input instanceof TrainProceeds proceeds) {
            if (!(step instanceof AwaitTrain gate) || gate.gate() != proceeds.gate()) {
                return Decision.ignore(status);
            }
            Outcome outcome = new Outcome(status);
            outcome.actor = proceeds.train();
            enter(outcome, status.stepIndex() + 1);
            return outcome.decision();
        }
        if (input instanceof CommandReceived command) {
            switch (command.type()) {
                case PROMOTE:
                    return promote(status, command);
                case PAUSE:
                    Outcome outcome = new Outcome(status);
                    outcome.status = outcome.status.nextEpoch();
                    outcome.transition(
                            RolloutState.PAUSED,
                            command.describe("paused"),
                            command.actor(),
                            command.describe("paused"));
                    return outcome.decision();
                case RESUME:
                    return Decision.refuse(status, "the rollout is not paused");
                default:
                    return abort(status, command.describe("aborted"), command.actor());
            }
        }
        return Decision.ignore(status);
    }

    private Decision<RolloutStatus, MachineOutput> paused(
            RolloutStatus status, MachineInput input) {
        if (input instanceof TrafficConfirmed confirmed) {
            if (confirmed.sequence() != status.awaitingSequence()) {
                return Decision.ignore(status);
            }
            Outcome outcome = new Outcome(status);
            outcome.status = outcome.status.awaiting(0, status.canaryPercent());
            return outcome.decision();
        }
        if (input instanceof TrafficFailed failed) {
            return gatewayFailed(status, failed);
        }
        if (!(input instanceof CommandReceived command)) {
            return Decision.ignore(status);
        }
        switch (command.type()) {
            case RESUME:
                Outcome outcome = new Outcome(status);
                outcome.transition(
                        RolloutState.PROGRESSING,
                        "resumed by " + command.actor(),
                        command.actor(),
                        null);
                boolean routeConfirmed =
                        plan.get(status.stepIndex()) instanceof Route
                                && status.awaitingSequence() == 0;
                if (routeConfirmed) {
                    enter(outcome, status.stepIndex() + 1);
                } else if (status.awaitingSequence() == 0) {
                    enter(outcome, status.stepIndex());
                }
                return outcome.decision();
            case PROMOTE:
                return promote(status, command);
            case PAUSE:
                return Decision.refuse(status, "the rollout is already paused");
            default:
                return abort(status, command.describe("aborted"), command.actor());
        }
    }

    private Decision<RolloutStatus, MachineOutput> aborting(
            RolloutStatus status, MachineInput input) {
        if (input instanceof TrafficConfirmed confirmed
                && confirmed.sequence() == status.awaitingSequence()) {
            Outcome outcome = new Outcome(status);
            outcome.status = outcome.status.awaiting(0, 0);
            outcome.transition(
                    RolloutState.ABORTED, "all traffic is back on stable", null, status.reason());
            return outcome.decision();
        }
        if (input instanceof TrafficFailed failed
                && failed.sequence() == status.awaitingSequence()) {
            Outcome outcome = new Outcome(status);
            String reason = "could not return traffic to stable: " + failed.reason();
            outcome.transition(RolloutState.FAILED, reason, null, reason);
            return outcome.decision();
        }
        if (input instanceof CommandReceived) {
            return Decision.refuse(status, "the rollout is already aborting");
        }
        return Decision.ignore(status);
    }

    private Decision<RolloutStatus, MachineOutput> promote(
            RolloutStatus status, CommandReceived command) {
        if (plan.get(status.stepIndex()) instanceof AwaitTrain) {
            return Decision.refuse(
                    status,
                    "the rollout is a member of a release train and waits for it here; promote the train");
        }
        if (status.awaitingSequence() != 0) {
            return Decision.refuse(
                    status,
                    "traffic for step "
                            + (status.stepIndex() + 1)
                            + " is still being applied; promote again once the gateway confirms it");
        }
        Outcome outcome = new Outcome(status);
        if (status.state() == RolloutState.PAUSED) {
            outcome.transition(
                    RolloutState.PROGRESSING,
                    "promoted by " + command.actor(),
                    command.actor(),
                    null);
        }
        outcome.actor = command.actor();
        enter(outcome, status.stepIndex() + 1);
        return outcome.decision();
    }

    private Decision<RolloutStatus, MachineOutput> counted(
            RolloutStatus status, Analyse analyse, VerdictReceived verdict) {
        if (verdict.analysisSequence() != status.analysisSequence()
                || verdict.window() <= status.lastWindow()) {
            return Decision.ignore(status);
        }
        int passes = status.passes() + (verdict.verdict() == Verdict.PASS ? 1 : 0);
        int failures = status.failures() + (verdict.verdict() == Verdict.FAIL ? 1 : 0);
        int inconclusive =
                status.inconclusive() + (verdict.verdict() == Verdict.INCONCLUSIVE ? 1 : 0);
        Outcome outcome = new Outcome(status);
        outcome.status = outcome.status.counted(verdict.window(), passes, failures, inconclusive);
        if (failures > analyse.spec().failureLimit()) {
            return abort(outcome, "analysis failed: " + verdict.summary(), null);
        }
        if (analyse.spec().experiment() != null) {
            List<String> stopped = new ArrayList<>(status.stopped());
            verdict.guardrailFailed().stream()
                    .filter(v -> !stopped.contains(v))
                    .forEach(stopped::add);
            outcome.status = outcome.status.experiment(stopped, verdict.winner());
            if (verdict.winner() != null) {
                enter(outcome, status.stepIndex() + 1);
                return outcome.decision();
            }
            if (stopped.size() > status.stopped().size()) {
                // the failing variants' users go back to the control; the others go on
                long sequence = outcome.nextSequence();
                outcome.outputs.add(
                        new RouteStep(
                                sequence,
                                status.canaryPercent(),
                                List.of(),
                                ((Route) plan.get(experiment - 1)).stickyKey(),
                                false,
                                null,
                                true));
                outcome.status = outcome.status.awaiting(sequence, status.canaryPercent());
            }
        }
        if (passes + failures + inconclusive >= analyse.spec().count()) {
            // each verdict judges all windows so far, so the last one speaks for the whole
            // analysis: an early window
            // that could not decide yet (too little traffic so far, metrics lost in a broker
            // restart) is superseded
            if (verdict.verdict() == Verdict.INCONCLUSIVE) {
                String reason =
                        "analysis inconclusive: "
                                + inconclusive
                                + " of "
                                + analyse.spec().count()
                                + " windows could not decide"
                                + (verdict.summary() == null || verdict.summary().isBlank()
                                        ? ""
                                        : " (" + verdict.summary() + ")")
                                + "; resume to analyse again, promote to go on, or abort";
                outcome.transition(RolloutState.PAUSED, reason, null, reason);
            } else {
                enter(outcome, status.stepIndex() + 1);
            }
        }
        return outcome.decision();
    }

    private Decision<RolloutStatus, MachineOutput> gatewayFailed(
            RolloutStatus status, TrafficFailed failed) {
        if (failed.sequence() != status.awaitingSequence()) {
            return Decision.ignore(status);
        }
        Outcome outcome = new Outcome(status);
        String reason = "the gateway could not be set: " + failed.reason();
        outcome.transition(RolloutState.FAILED, reason, null, reason);
        return outcome.decision();
    }

    private Decision<RolloutStatus, MachineOutput> abort(
            RolloutStatus status, String cause, String actor) {
        return abort(new Outcome(status), cause, actor);
    }

    private Decision<RolloutStatus, MachineOutput> abort(
            Outcome outcome, String cause, String actor) {
        outcome.status = outcome.status.nextEpoch();
        outcome.transition(RolloutState.ABORTING, cause, actor, cause);
        long sequence = outcome.nextSequence();
        outcome.outputs.add(new RouteStep(sequence, 0, List.of(), null, false));
        outcome.status = outcome.status.awaiting(sequence, 0);
        return outcome.decision();
    }

    /**
     * Enters step {@code index}: asks for its traffic, analysis or timer; past the last step, the
     * rollout succeeded.
     */
    private void enter(Outcome outcome, int index) {
        outcome.status = outcome.status.atStep(index);
        if (index >= plan.size()) {
            outcome.transition(RolloutState.SUCCEEDED, ended(outcome.status), outcome.actor, null);
            return;
        }
        if (experiment >= 0
                && index > experiment
                && outcome.status.winner() == null
                && index < plan.size() - 1) {
            // the experiment ended without a winner (promoted by a person): the control stays
            enter(outcome, plan.size() - 1);
            return;
        }
        if (experiment >= 0
                && index == plan.size() - 1
                && outcome.status.winner() == null
                && plan.get(index) instanceof Route) {
            outcome.transition(
                    RolloutState.PROGRESSING,
                    "no winner: every user back on the control",
                    outcome.actor,
                    null);
            long sequence = outcome.nextSequence();
            outcome.outputs.add(new RouteStep(sequence, 0, List.of(), null, false));
            outcome.status = outcome.status.awaiting(sequence, 0);
            return;
        }
        PlannedStep step = plan.get(index);
        outcome.transition(RolloutState.PROGRESSING, describe(step), outcome.actor, null);
        if (step instanceof Route route) {
            long sequence = outcome.nextSequence();
            outcome.outputs.add(
                    new RouteStep(
                            sequence,
                            route.canaryPercent(),
                            route.matchRules(),
                            route.stickyKey(),
                            route.promoted(),
                            route.mirror(),
                            route.arms()));
            outcome.status = outcome.status.awaiting(sequence, route.canaryPercent());
        } else if (step instanceof Pause pause) {
            if (!pause.untilPromoted()) {
                outcome.outputs.add(
                        new StartTimer(index, outcome.status.epoch(), pause.duration()));
            }
        } else if (step instanceof Analyse analyse) {
            long sequence = outcome.nextSequence();
            outcome.outputs.add(new AnalysisStarted(sequence, analyse.spec()));
            outcome.status = outcome.status.analysing(sequence);
        } else if (step instanceof HoldRollbackWindow window) {
            outcome.outputs.add(new StartTimer(index, outcome.status.epoch(), window.window()));
        }
        // AwaitTrain asks for nothing: the transition tells the train, which sends TrainProceeds
    }

    /** What a rollout that went past its last step achieved. */
    private String ended(RolloutStatus status) {
        if (experiment < 0) {
            return "the new version serves all traffic";
        }
        if (status.winner() == null) {
            return "the experiment ended without a winner; the control serves every user";
        }
        return endsPromoted()
                ? "the winner " + status.winner() + " serves all traffic"
                : "the experiment ended: "
                        + status.winner()
                        + " won (report only); the control serves every user";
    }

    /** Whether the plan ends by making its new version (an experiment's winner) the stable one. */
    public boolean endsPromoted() {
        return plan.get(plan.size() - 1) instanceof Route last && last.promoted();
    }

    private static String describe(PlannedStep step) {
        if (step instanceof Route route) {
            if (route.arms()) {
                return "running the experiment: "
                        + route.canaryPercent()
                        + " % of users on the variants, each kept on one";
            }
            if (route.promoted()) {
                return "promoting: the new version becomes stable";
            }
            return "routing "
                    + route.canaryPercent()
                    + " % "
                    + (route.matchRules().isEmpty() ? "" : "and matching requests ")
                    + "to the new version"
                    + (route.mirror() == null
                            ? ""
                            : ", mirroring "
                                    + route.mirror().percent()
                                    + " %"
                                    + (route.mirror().match().isEmpty()
                                            ? ""
                                            : " of matching requests")
                                    + " to it (answers discarded)");
        }
        if (step instanceof Pause pause) {
            return pause.untilPromoted()
                    ? "waiting for promotion"
                    : "pausing for " + pause.duration();
        }
        if (step instanceof Analyse analyse) {
            return analyse.spec().experiment() != null
                    ? "comparing the variants with the control on "
                            + analyse.spec().experiment().goal()
                            + " (guardrails "
                            + String.join(", ", analyse.spec().metrics())
                            + ")"
                    : "analysing " + String.join(", ", analyse.spec().metrics());
        }
        if (step instanceof AwaitTrain gate) {
            return gate.gate() == AwaitTrain.Gate.CUTOVER
                    ? "gates passed: waiting for the train's cutover"
                    : "cut over: waiting for the train's rollback window to end";
        }
        return "keeping the old version ready for " + ((HoldRollbackWindow) step).window();
    }

    /**
     * The status and outputs being built for one input; the input itself takes the first sequence.
     */
    private static final class Outcome {
        RolloutStatus status;
        final List<MachineOutput> outputs = new ArrayList<>();
        String actor;

        Outcome(RolloutStatus before) {
            this.status = before.withSequence(before.lastSequence() + 1);
        }

        long nextSequence() {
            status = status.withSequence(status.lastSequence() + 1);
            return status.lastSequence();
        }

        void transition(RolloutState to, String cause, String byActor, String reason) {
            RolloutState from = status.state();
            long sequence = nextSequence();
            status = status.withState(to, reason);
            outputs.add(new Transition(sequence, from, to, status.stepIndex(), cause, byActor));
            if (to == RolloutState.SUCCEEDED || to == RolloutState.ABORTED) {
                outputs.add(new Announcement(nextSequence(), to));
            }
        }

        Decision<RolloutStatus, MachineOutput> decision() {
            return Decision.of(status, outputs);
        }
    }
}
