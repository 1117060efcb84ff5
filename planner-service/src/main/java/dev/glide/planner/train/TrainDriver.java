package dev.glide.planner.train;

import dev.glide.contract.RolloutCommand;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainEvent;
import dev.glide.contract.TrainMember;
import dev.glide.planner.kernel.Aggregate;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.kernel.LogEntry;
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
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The release train as one kind of the kernel's aggregates: its machine, and what its outputs do
 * (its event into the log, published from there; each action on a member logged and carried out:
 * the member's rollout started, let through its gate or aborted; the rollback-window timer onto the
 * row). Callers feed it inputs through {@link #apply}.
 */
@ApplicationScoped
public class TrainDriver implements Aggregate<Train, TrainStatus, TrainInput, TrainOutput> {

    private static final Logger LOG = Logger.getLogger(TrainDriver.class);

    public static final String KIND = "train";

    /** A train's one timer. */
    private static final String ROLLBACK_WINDOW = "rollback-window";

    private final Kernel kernel;
    private final RolloutDriver rollouts;
    private final ReleaseIntake intake;

    TrainDriver(Kernel kernel, RolloutDriver rollouts, ReleaseIntake intake) {
        this.kernel = kernel;
        this.rollouts = rollouts;
        this.intake = intake;
    }

    /**
     * Feeds one input to the train's machine and carries out its decision, in the caller's
     * transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision<TrainStatus, TrainOutput> apply(
            Train train, TrainInput input, String cause, String actor) {
        return kernel.apply(this, train, input, cause, actor);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<TrainInput> inputType() {
        return TrainInput.class;
    }

    /** The train, locked for this transaction: take it before any member's lock. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public Train lock(String trainId) {
        return Train.findLocked(trainId).orElseThrow(() -> new UnknownTrainException(trainId));
    }

    @Override
    public Train find(String trainId) {
        Train train = Train.findById(trainId);
        if (train == null) {
            throw new UnknownTrainException(trainId);
        }
        return train;
    }

    public TrainSpec spec(Train train) {
        return train.spec;
    }

    @Override
    public TrainStatus status(Train train) {
        return train.status;
    }

    @Override
    public TrainStatus initial(Train train) {
        return TrainStatus.initial(spec(train).plan());
    }

    @Override
    public String state(Train train) {
        return train.state.name();
    }

    @Override
    public TrainInput command(RolloutCommand command) {
        return new TrainInput.CommandReceived(command.type(), command.actor(), command.reason());
    }

    @Override
    public TrainInput timerFired(String name, int epoch) {
        return new TrainInput.TimerFired(epoch);
    }

    @Override
    public TrainMachine machine(Train train) {
        return new TrainMachine(spec(train).plan());
    }

    /**
     * Every member this decision acts on (let through, aborted, paused, resumed) locked in one go:
     * a level of two hundred members is three statements, not six hundred.
     */
    @Override
    public void prepare(Train train, Decision<TrainStatus, TrainOutput> decision) {
        List<String> acted =
                decision.outputs().stream()
                        .filter(o -> o instanceof MemberAction && !(o instanceof StartMember))
                        .map(o -> TrainSpec.memberRolloutId(train.id, ((MemberAction) o).service()))
                        .toList();
        if (acted.size() > 1) {
            rollouts.lockAll(acted);
        }
    }

    @Override
    public void carryOut(
            Train train, TrainOutput output, TrainStatus after, Kernel.Effects effects) {
        if (output instanceof Transition transition) {
            TrainSpec spec = spec(train);
            boolean news =
                    !train.holdNews
                            || transition.from() != transition.to()
                            || transition.phase() != train.phase;
            effects.log(
                    transition.sequence(),
                    LogEntry.Type.TRANSITION,
                    news ? Topics.ROLLOUT_EVENTS : null,
                    event(train, spec, spec.plan(), after, transition, effects.now()),
                    transition.cause(),
                    transition.actor());
        } else if (output instanceof StartTimer timer) {
            effects.startTimer(ROLLBACK_WINDOW, timer.epoch(), timer.after());
        } else if (output instanceof MemberAction action) {
            effects.log(
                    action.sequence(),
                    LogEntry.Type.ACTION,
                    null,
                    action,
                    describe(action),
                    effects.actor());
            String by = "train " + train.name;
            act(train, action, by, effects.actor() == null ? by : effects.actor());
        }
    }

    @Override
    public void settle(
            Train train, TrainStatus before, Decision<TrainStatus, TrainOutput> decision) {
        TrainStatus after = decision.status();
        train.state = after.state();
        train.phase = after.phase();
        train.reason = after.reason();
        train.status = after;
        if (after.state().isFinal() && !before.state().isFinal()) {
            LOG.infof(
                    "[train %s] ended %s%s",
                    train.id, after.state(), after.reason() == null ? "" : ": " + after.reason());
        }
    }

    private void act(Train train, MemberAction output, String by, String actor) {
        String rolloutId = TrainSpec.memberRolloutId(train.id, output.service());
        if (output instanceof StartMember) {
            intake.acceptMember(
                    spec(train).releaseOf(train.id, output.service()), rolloutId, train.id, actor);
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

    /** The train's event: its state, its phase and each member's line, on rollout-events. */
    static TrainEvent event(
            Train train,
            TrainSpec spec,
            TrainPlan plan,
            TrainStatus status,
            Transition transition,
            Instant now) {
        return new TrainEvent(
                TrainEvent.SCHEMA_VERSION,
                train.id,
                transition.sequence(),
                train.name,
                train.environment,
                transition.from(),
                transition.to(),
                transition.phase().name(),
                transition.phase().ordinal(),
                TrainStatus.Phase.values().length,
                transition.cause(),
                transition.actor(),
                status.reason(),
                now,
                spec.team(),
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
