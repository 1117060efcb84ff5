package dev.glide.planner.train;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainMember;
import dev.glide.planner.outbox.OutboxRelay;
import dev.glide.planner.release.ReleaseIntake;
import dev.glide.planner.rollout.MachineInput;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.strategy.PlannedStep.AwaitTrain;
import dev.glide.planner.train.TrainOutput.AbortMember;
import dev.glide.planner.train.TrainOutput.MemberAction;
import dev.glide.planner.train.TrainOutput.PauseMember;
import dev.glide.planner.train.TrainOutput.ProceedMember;
import dev.glide.planner.train.TrainOutput.StartMember;
import dev.glide.planner.train.TrainOutput.StartTimer;
import dev.glide.planner.train.TrainOutput.Transition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Feeds one input to a train's machine and carries out its decision in the caller's transaction:
 * the input, each action on a member and the transition go into the train's log (the transition is
 * published from there), the members' rollouts are started, let through their gates or aborted, and
 * the new status goes onto the row.
 */
@ApplicationScoped
public class TrainDriver {

    private static final Logger LOG = Logger.getLogger(TrainDriver.class);

    private final EventCodec codec;
    private final RolloutDriver rollouts;
    private final ReleaseIntake intake;
    private final Event<OutboxRelay.TrainLogAppended> appended;

    TrainDriver(
            EventCodec codec,
            RolloutDriver rollouts,
            ReleaseIntake intake,
            Event<OutboxRelay.TrainLogAppended> appended) {
        this.codec = codec;
        this.rollouts = rollouts;
        this.intake = intake;
        this.appended = appended;
    }

    /** The train, locked for this transaction: take it before any member's lock. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Train lock(String trainId) {
        return Train.findLocked(trainId).orElseThrow(() -> new UnknownTrainException(trainId));
    }

    public TrainSpec spec(Train train) {
        return codec.decode(train.spec, TrainSpec.class);
    }

    public TrainStatus status(Train train) {
        return codec.decode(train.status, TrainStatus.class);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public TrainDecision apply(Train train, TrainInput input, String cause, String actor) {
        TrainSpec spec = spec(train);
        TrainStatus before = status(train);
        TrainPlan plan = spec.plan();
        TrainDecision decision = new TrainMachine(plan).decide(before, input);
        if (decision.ignored()) {
            if (decision.refused()) {
                LOG.infof("[train %s] %s refused: %s", train.id, cause, decision.refusal());
            }
            return decision;
        }
        Instant now = Instant.now();
        append(
                train,
                before.lastSequence() + 1,
                TrainLogEntry.Type.INPUT,
                null,
                input,
                cause,
                actor,
                now);
        TrainStatus after = decision.status();
        String by = "train " + train.name;
        for (TrainOutput output : decision.outputs()) {
            if (output instanceof Transition transition) {
                append(
                        train,
                        transition.sequence(),
                        TrainLogEntry.Type.TRANSITION,
                        Topics.ROLLOUT_EVENTS,
                        event(train, spec, plan, after, transition, now),
                        transition.cause(),
                        transition.actor(),
                        now);
            } else if (output instanceof StartTimer timer) {
                train.dueAt = now.plus(timer.after());
                train.timerEpoch = timer.epoch();
            } else if (output instanceof MemberAction action) {
                append(
                        train,
                        action.sequence(),
                        TrainLogEntry.Type.ACTION,
                        null,
                        action,
                        describe(action),
                        actor,
                        now);
                act(train, spec, action, by, actor == null ? by : actor);
            }
        }
        train.state = after.state();
        train.phase = after.phase();
        train.reason = after.reason();
        train.status = codec.encode(after);
        if (after.state().isFinal()) {
            train.dueAt = null;
            train.timerEpoch = null;
            if (!before.state().isFinal()) {
                LOG.infof(
                        "[train %s] ended %s%s",
                        train.id,
                        after.state(),
                        after.reason() == null ? "" : ": " + after.reason());
            }
        }
        return decision;
    }

    private void act(Train train, TrainSpec spec, MemberAction output, String by, String actor) {
        String rolloutId = TrainSpec.memberRolloutId(train.id, output.service());
        if (output instanceof StartMember) {
            intake.acceptMember(
                    spec.releaseOf(train.id, output.service()), rolloutId, train.id, actor);
            return;
        }
        Rollout member = rollouts.lock(rolloutId);
        MachineInput input;
        if (output instanceof ProceedMember proceed) {
            input = new MachineInput.TrainProceeds(proceed.gate(), by);
        } else if (output instanceof AbortMember abort) {
            input =
                    new MachineInput.CommandReceived(
                            RolloutCommand.Type.ABORT, actor, abort.reason());
        } else {
            input =
                    new MachineInput.CommandReceived(
                            output instanceof PauseMember
                                    ? RolloutCommand.Type.PAUSE
                                    : RolloutCommand.Type.RESUME,
                            actor,
                            "by " + by);
        }
        rollouts.apply(member, input, describe(output), actor);
    }

    private static String describe(MemberAction action) {
        if (action instanceof ProceedMember proceed) {
            return "let "
                    + proceed.service()
                    + (proceed.gate() == AwaitTrain.Gate.CUTOVER
                            ? " cut over"
                            : " make its new version stable");
        }
        String verb =
                action instanceof StartMember
                        ? "start"
                        : action instanceof AbortMember
                                ? "abort"
                                : action instanceof PauseMember ? "pause" : "resume";
        return verb + " " + action.service();
    }

    private void append(
            Train train,
            long sequence,
            TrainLogEntry.Type type,
            String topic,
            Object payload,
            String cause,
            String actor,
            Instant now) {
        if (sequence != train.lastSequence + 1) {
            throw new IllegalStateException(
                    "train "
                            + train.id
                            + ": log entry "
                            + sequence
                            + " does not follow "
                            + train.lastSequence);
        }
        TrainLogEntry entry = new TrainLogEntry();
        entry.trainId = train.id;
        entry.sequence = sequence;
        entry.type = type.name();
        entry.topic = topic;
        entry.payload = codec.encode(payload);
        entry.cause = cause;
        entry.actor = actor;
        entry.occurredAt = now;
        entry.persist();
        train.lastSequence = sequence;
        train.updatedAt = now;
        if (topic != null) {
            appended.fire(new OutboxRelay.TrainLogAppended(train.id));
        }
    }

    /**
     * The train's event: its state and each member's line, on the rollout-events topic under the
     * train's id.
     */
    static RolloutEvent event(
            Train train,
            TrainSpec spec,
            TrainPlan plan,
            TrainStatus status,
            Transition transition,
            Instant now) {
        return new RolloutEvent(
                RolloutEvent.SCHEMA_VERSION,
                train.id,
                transition.sequence(),
                train.name,
                train.environment,
                "train",
                null,
                null,
                transition.from(),
                transition.to(),
                transition.phase().ordinal(),
                TrainStatus.Phase.values().length,
                null,
                transition.cause(),
                transition.actor(),
                status.reason(),
                null,
                now,
                spec.team(),
                null,
                members(train.id, spec, plan, status));
    }

    static List<TrainMember> members(
            String trainId, TrainSpec spec, TrainPlan plan, TrainStatus status) {
        return plan.members().stream()
                .map(
                        planned -> {
                            TrainStatus.Member member = status.member(planned.service());
                            boolean started = member.started();
                            return new TrainMember(
                                    planned.service(),
                                    spec.member(planned.service()).version(),
                                    started
                                            ? TrainSpec.memberRolloutId(trainId, planned.service())
                                            : null,
                                    member.state().name(),
                                    member.canaryPercent(),
                                    planned.dependsOn(),
                                    member.reason());
                        })
                .toList();
    }
}
