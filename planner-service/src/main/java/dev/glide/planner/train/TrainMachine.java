package dev.glide.planner.train;

import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutState;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.kernel.Machine;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain.Gate;
import dev.glide.planner.train.TrainInput.CommandReceived;
import dev.glide.planner.train.TrainInput.MemberMoved;
import dev.glide.planner.train.TrainInput.Start;
import dev.glide.planner.train.TrainInput.TimerFired;
import dev.glide.planner.train.TrainOutput.AbortMember;
import dev.glide.planner.train.TrainOutput.PauseMember;
import dev.glide.planner.train.TrainOutput.ProceedMember;
import dev.glide.planner.train.TrainOutput.ResumeMember;
import dev.glide.planner.train.TrainOutput.StartMember;
import dev.glide.planner.train.TrainOutput.StartTimer;
import dev.glide.planner.train.TrainOutput.Transition;
import dev.glide.planner.train.TrainStatus.Member;
import dev.glide.planner.train.TrainStatus.MemberState;
import dev.glide.planner.train.TrainStatus.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A release train's state machine: a pure function of (plan, status, input), like a rollout's. Each
 * member is a rollout of its own, walking its strategy's canary phase and then the train's gates;
 * the train starts members, lets them through their gates and aborts them, and hears back when they
 * pass a gate or end.
 *
 * <pre>
 * state / phase            input                              then
 * PENDING                  start                              CANARY: start the members that depend on none
 * CANARY                   member passed its gates            start each member whose dependencies all passed;
 *                                                             all passed: CUTOVER (or AWAITING_PROMOTION)
 * AWAITING_PROMOTION       promote                            CUTOVER
 * CUTOVER                  a level's members all cut over     the next dependency level cuts over, all its
 *                          (read back)                        members at once; all cut over: ROLLBACK_WINDOW
 * ROLLBACK_WINDOW          timer of this epoch, or promote    FINISHING: every member's new version becomes stable
 * FINISHING                member succeeded                   all succeeded: SUCCEEDED
 * any running              a member aborted or failed, abort  ABORTING: members abort by dependency level, the
 *                                                             highest first, all of a level at once
 * ABORTING                 member ended                       the level below aborts once this one has ended; all
 *                                                             ended: ABORTED (FAILED if one could not return)
 * PROGRESSING              pause                              PAUSED: members in their canary pause; nothing new
 *                                                             starts; the rollback window stops
 * PAUSED                   resume                             PROGRESSING: paused members resume; the train goes on
 * </pre>
 *
 * Every accepted input ends in one transition, the train's event, so people see each member's
 * progress.
 */
public final class TrainMachine implements Machine<TrainStatus, TrainInput, TrainOutput> {

    private static final Set<MemberState> PASSED_GATES =
            Set.of(
                    MemberState.READY,
                    MemberState.CUTTING_OVER,
                    MemberState.CUT_OVER,
                    MemberState.FINISHING,
                    MemberState.SUCCEEDED);

    private final TrainPlan plan;

    public TrainMachine(TrainPlan plan) {
        this.plan = plan;
    }

    public TrainPlan plan() {
        return plan;
    }

    public Decision<TrainStatus, TrainOutput> decide(TrainStatus status, TrainInput input) {
        if (status.state().isFinal()) {
            return input instanceof CommandReceived command
                    ? Decision.refuse(
                            status,
                            "the train has already ended ("
                                    + status.state()
                                    + "); nothing to "
                                    + command.type().name().toLowerCase(Locale.ROOT))
                    : Decision.ignore(status);
        }
        if (input instanceof Start) {
            return start(status);
        }
        if (input instanceof MemberMoved moved) {
            return moved(status, moved);
        }
        if (input instanceof CommandReceived command) {
            return command(status, command);
        }
        TimerFired timer = (TimerFired) input;
        if (status.state() != RolloutState.PROGRESSING
                || status.phase() != Phase.ROLLBACK_WINDOW
                || timer.epoch() != status.epoch()) {
            return Decision.ignore(status);
        }
        Outcome outcome = new Outcome(status);
        outcome.status = outcome.status.inPhase(Phase.FINISHING);
        advance(outcome);
        return outcome.decision("the rollback window ended", null);
    }

    private Decision<TrainStatus, TrainOutput> start(TrainStatus status) {
        if (status.state() != RolloutState.PENDING) {
            return Decision.ignore(status);
        }
        Outcome outcome = new Outcome(status);
        outcome.status = outcome.status.withState(RolloutState.PROGRESSING, null);
        advance(outcome);
        return outcome.decision("train of " + plan.members().size() + " services released", null);
    }

    private Decision<TrainStatus, TrainOutput> moved(TrainStatus status, MemberMoved moved) {
        if (plan.indexOf(moved.service()) < 0) {
            return Decision.ignore(status);
        }
        Member member = status.member(moved.service());
        Outcome outcome = new Outcome(status);
        switch (moved.signal()) {
            case GATES_PASSED:
                if (member.state() == MemberState.CUTTING_OVER) {
                    // it was paused and resumed at its gate, and waits there again
                    outcome.proceed(member.service(), Gate.CUTOVER);
                    return outcome.decision(
                            member.service() + " waits at its cutover gate again", null);
                }
                if (member.state() != MemberState.CANARY) {
                    return Decision.ignore(status);
                }
                outcome.update(member.to(MemberState.READY, null).at(moved.canaryPercent()));
                advance(outcome);
                return outcome.decision(
                        String.format(
                                Locale.ROOT,
                                "%s passed its gates at %.1f %%",
                                member.service(),
                                moved.canaryPercent()),
                        null);
            case CUT_OVER:
                if (member.state() == MemberState.FINISHING) {
                    outcome.proceed(member.service(), Gate.FINISH);
                    return outcome.decision(
                            member.service() + " waits at its last gate again", null);
                }
                if (member.state() != MemberState.CUTTING_OVER) {
                    return Decision.ignore(status);
                }
                outcome.update(member.to(MemberState.CUT_OVER, null).at(100));
                advance(outcome);
                return outcome.decision(
                        member.service() + " serves its new version to all traffic", null);
            default:
                return ended(outcome, member, moved);
        }
    }

    private Decision<TrainStatus, TrainOutput> ended(
            Outcome outcome, Member member, MemberMoved moved) {
        if (member.state().isFinal()) {
            return Decision.ignore(outcome.before);
        }
        if (moved.state() == RolloutState.SUCCEEDED) {
            outcome.update(member.to(MemberState.SUCCEEDED, null).at(100));
            if (outcome.status.state() == RolloutState.ABORTING) {
                abortNext(outcome);
            } else {
                advance(outcome);
            }
            return outcome.decision(member.service() + "'s new version is stable", null);
        }
        boolean failed = moved.state() == RolloutState.FAILED;
        outcome.update(
                member.to(failed ? MemberState.FAILED : MemberState.ABORTED, moved.reason())
                        .at(failed ? moved.canaryPercent() : 0));
        String cause =
                member.service()
                        + (failed ? " failed" : " was aborted")
                        + (moved.reason() == null ? "" : ": " + moved.reason());
        if (outcome.status.state() == RolloutState.ABORTING) {
            abortNext(outcome);
        } else {
            startAbort(outcome, cause);
        }
        return outcome.decision(cause, null);
    }

    private Decision<TrainStatus, TrainOutput> command(
            TrainStatus status, CommandReceived command) {
        Outcome outcome = new Outcome(status);
        if (status.state() == RolloutState.PENDING) {
            if (command.type() != RolloutCommand.Type.ABORT) {
                return Decision.refuse(
                        status, "the train has not started yet; only abort is possible");
            }
            startAbort(outcome, command.describe("aborted") + " before any member started");
            return outcome.decision(command.describe("aborted"), command.actor());
        }
        if (status.state() == RolloutState.ABORTING) {
            return Decision.refuse(status, "the train is already aborting");
        }
        switch (command.type()) {
            case ABORT:
                startAbort(outcome, command.describe("aborted"));
                return outcome.decision(command.describe("aborted"), command.actor());
            case PAUSE:
                if (status.state() == RolloutState.PAUSED) {
                    return Decision.refuse(status, "the train is already paused");
                }
                outcome.status =
                        outcome.status
                                .withState(RolloutState.PAUSED, command.describe("paused"))
                                .nextEpoch();
                for (Member member : status.members()) {
                    if (member.state() == MemberState.CANARY) {
                        outcome.outputs.add(
                                new PauseMember(outcome.nextSequence(), member.service()));
                    }
                }
                return outcome.decision(command.describe("paused"), command.actor());
            case RESUME:
                if (status.state() != RolloutState.PAUSED) {
                    return Decision.refuse(status, "the train is not paused");
                }
                outcome.status = outcome.status.withState(RolloutState.PROGRESSING, null);
                for (Member member : status.members()) {
                    if (member.state() == MemberState.CANARY) {
                        outcome.outputs.add(
                                new ResumeMember(outcome.nextSequence(), member.service()));
                    }
                }
                if (status.phase() == Phase.ROLLBACK_WINDOW) {
                    openRollbackWindow(outcome);
                } else {
                    advance(outcome);
                }
                return outcome.decision(command.describe("resumed"), command.actor());
            default:
                return promote(outcome, command);
        }
    }

    private Decision<TrainStatus, TrainOutput> promote(Outcome outcome, CommandReceived command) {
        TrainStatus status = outcome.before;
        if (status.phase() == Phase.AWAITING_PROMOTION) {
            outcome.status =
                    outcome.status.withState(RolloutState.PROGRESSING, null).inPhase(Phase.CUTOVER);
            advance(outcome);
            return outcome.decision(
                    command.describe("promoted") + ": the cutover begins", command.actor());
        }
        if (status.phase() == Phase.ROLLBACK_WINDOW) {
            outcome.status =
                    outcome.status
                            .withState(RolloutState.PROGRESSING, null)
                            .inPhase(Phase.FINISHING)
                            .nextEpoch();
            advance(outcome);
            return outcome.decision(
                    command.describe("promoted") + ": the rollback window is closed early",
                    command.actor());
        }
        if (status.phase() == Phase.CANARY) {
            String waiting =
                    status.members().stream()
                            .filter(m -> !PASSED_GATES.contains(m.state()))
                            .map(m -> m.service() + " (" + m.state() + ")")
                            .collect(Collectors.joining(", "));
            return Decision.refuse(
                    status,
                    "members have not passed their gates yet: "
                            + waiting
                            + "; the train cuts over once every member has");
        }
        return Decision.refuse(
                status,
                "the train is "
                        + (status.phase() == Phase.CUTOVER ? "cutting over" : "finishing")
                        + " already; nothing to promote");
    }

    /** Moves a progressing train on as far as its members' standing allows. */
    private void advance(Outcome outcome) {
        if (outcome.status.state() != RolloutState.PROGRESSING) {
            return;
        }
        if (outcome.status.phase() == Phase.CANARY) {
            for (TrainPlan.Member planned : plan.members()) {
                boolean ready =
                        planned.dependsOn().stream()
                                .allMatch(
                                        d ->
                                                PASSED_GATES.contains(
                                                        outcome.status.member(d).state()));
                if (outcome.status.member(planned.service()).state() == MemberState.WAITING
                        && ready) {
                    outcome.update(outcome.status.member(planned.service()).begun());
                    outcome.outputs.add(new StartMember(outcome.nextSequence(), planned.service()));
                }
            }
            if (outcome.status.all(m -> m.state() == MemberState.READY)) {
                outcome.status =
                        outcome.status.inPhase(
                                plan.autoPromote() ? Phase.CUTOVER : Phase.AWAITING_PROMOTION);
            }
        }
        if (outcome.status.phase() == Phase.CUTOVER) {
            if (outcome.status.all(m -> m.state() == MemberState.CUT_OVER)) {
                openRollbackWindow(outcome);
                return;
            }
            if (!outcome.status.any(m -> m.state() == MemberState.CUTTING_OVER)) {
                // the lowest level still to go moves as one: every member of it at once, the
                // next level once all of this one are read back at 100 %
                Map<String, Integer> levels = plan.levels();
                List<Member> ready =
                        outcome.status.members().stream()
                                .filter(m -> m.state() == MemberState.READY)
                                .toList();
                ready.stream()
                        .mapToInt(m -> levels.get(m.service()))
                        .min()
                        .ifPresent(
                                level ->
                                        ready.stream()
                                                .filter(m -> levels.get(m.service()) == level)
                                                .forEach(
                                                        next -> {
                                                            outcome.update(
                                                                    next.to(
                                                                            MemberState
                                                                                    .CUTTING_OVER,
                                                                            null));
                                                            outcome.proceed(
                                                                    next.service(), Gate.CUTOVER);
                                                        }));
            }
        }
        if (outcome.status.phase() == Phase.FINISHING) {
            for (Member member : outcome.status.members()) {
                if (member.state() == MemberState.CUT_OVER) {
                    outcome.update(member.to(MemberState.FINISHING, null));
                    outcome.proceed(member.service(), Gate.FINISH);
                }
            }
            if (outcome.status.all(m -> m.state() == MemberState.SUCCEEDED)) {
                outcome.status = outcome.status.withState(RolloutState.SUCCEEDED, null);
            }
        }
    }

    private void openRollbackWindow(Outcome outcome) {
        outcome.status = outcome.status.inPhase(Phase.ROLLBACK_WINDOW).nextEpoch();
        outcome.outputs.add(new StartTimer(outcome.status.epoch(), plan.rollbackWindow()));
    }

    private void startAbort(Outcome outcome, String cause) {
        outcome.status = outcome.status.withState(RolloutState.ABORTING, cause).nextEpoch();
        abortNext(outcome);
    }

    /**
     * Aborts level by level, the highest first: every running member of a level at once, once every
     * member of the levels above it has ended (back on stable, read back, or failed trying);
     * members that never started end at once. When all have ended, so has the train.
     */
    private void abortNext(Outcome outcome) {
        Map<String, Integer> levels = plan.levels();
        for (Member member : outcome.status.members()) {
            if (member.state() == MemberState.WAITING) {
                outcome.update(
                        member.to(MemberState.ABORTED, "never started: the train was aborted"));
            }
        }
        int highestRunning =
                outcome.status.members().stream()
                        .filter(m -> !m.state().isFinal())
                        .mapToInt(m -> levels.get(m.service()))
                        .max()
                        .orElse(-1);
        for (int i = plan.members().size() - 1; i >= 0; i--) {
            Member member = outcome.status.member(plan.members().get(i).service());
            if (levels.get(member.service()) == highestRunning
                    && member.state().isActive()
                    && member.state() != MemberState.ABORTING) {
                outcome.update(member.to(MemberState.ABORTING, null));
                outcome.outputs.add(
                        new AbortMember(
                                outcome.nextSequence(), member.service(), outcome.status.reason()));
            }
        }
        if (outcome.status.all(m -> m.state().isFinal())) {
            List<String> failed =
                    outcome.status.members().stream()
                            .filter(m -> m.state() == MemberState.FAILED)
                            .map(m -> m.service() + " (" + m.reason() + ")")
                            .toList();
            List<String> kept =
                    outcome.status.members().stream()
                            .filter(m -> m.state() == MemberState.SUCCEEDED)
                            .map(Member::service)
                            .toList();
            String reason =
                    outcome.status.reason()
                            + (kept.isEmpty()
                                    ? ""
                                    : "; already stable before the abort: "
                                            + String.join(", ", kept));
            outcome.status =
                    failed.isEmpty()
                            ? outcome.status.withState(RolloutState.ABORTED, reason)
                            : outcome.status.withState(
                                    RolloutState.FAILED,
                                    reason
                                            + "; could not return to stable: "
                                            + String.join(", ", failed));
        }
    }

    /**
     * The status and outputs being built for one input; the input takes the first sequence, the
     * transition the last.
     */
    private static final class Outcome {
        final TrainStatus before;
        TrainStatus status;
        final List<TrainOutput> outputs = new ArrayList<>();

        Outcome(TrainStatus before) {
            this.before = before;
            this.status = before.withSequence(before.lastSequence() + 1);
        }

        long nextSequence() {
            status = status.withSequence(status.lastSequence() + 1);
            return status.lastSequence();
        }

        void update(Member member) {
            status = status.with(member);
        }

        void proceed(String service, Gate gate) {
            outputs.add(new ProceedMember(nextSequence(), service, gate));
        }

        Decision<TrainStatus, TrainOutput> decision(String cause, String actor) {
            long sequence = nextSequence();
            outputs.add(
                    new Transition(
                            sequence,
                            before.state(),
                            status.state(),
                            status.phase(),
                            cause,
                            actor));
            return Decision.of(status, outputs);
        }
    }
}
