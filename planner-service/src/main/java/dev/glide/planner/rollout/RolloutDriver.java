package dev.glide.planner.rollout;

import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.Arm;
import dev.glide.contract.Backend;
import dev.glide.contract.ExperimentDesign;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.planner.kernel.Aggregate;
import dev.glide.planner.kernel.Decision;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.kernel.LogEntry.Type;
import dev.glide.planner.rollout.MachineOutput.AnalysisStarted;
import dev.glide.planner.rollout.MachineOutput.Announcement;
import dev.glide.planner.rollout.MachineOutput.RouteStep;
import dev.glide.planner.rollout.MachineOutput.StartTimer;
import dev.glide.planner.rollout.MachineOutput.Transition;
import dev.glide.planner.strategy.AnalysisSpec;
import dev.glide.planner.strategy.ExperimentSpec;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.PlannedStep.Route;
import dev.glide.planner.strategy.StrategyPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The rollout as one kind of the kernel's aggregates: its machine, and what its outputs do (steps,
 * events and analyses into the log, published from there by the outbox; timers into their table;
 * the new status onto the row). Callers feed it inputs through {@link #apply}.
 */
@ApplicationScoped
public class RolloutDriver
        implements Aggregate<Rollout, RolloutStatus, MachineInput, MachineOutput> {

    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);

    public static final String KIND = "rollout";

    /**
     * Fired inside the transaction when a rollout ends, so whoever waits for the service may start.
     *
     * @param canary the new version's backend, which serves everything when the rollout SUCCEEDED
     */
    public record Ended(String rolloutId, String service, RolloutState state, Backend canary) {}

    /**
     * Fired inside the transaction when the machine asks for the rollout's end to be announced to
     * other CI/CD tools: whoever announces it logs entry {@code sequence} (through the kernel's
     * log), in order with the rest of the decision.
     */
    public record EndAnnounced(
            Rollout rollout, RolloutSpec spec, long sequence, RolloutState end, Backend serving) {}

    /**
     * Fired inside the transaction for every transition of a release train's member, so its train
     * hears of it.
     *
     * @param step the plan step the member is at now, or null once it has gone past the last
     */
    public record MemberMoved(
            String trainId,
            String rolloutId,
            String service,
            RolloutState state,
            PlannedStep step,
            double canaryPercent,
            String reason) {}

    private final Kernel kernel;
    private final Event<Ended> ended;
    private final Event<EndAnnounced> announced;
    private final Event<MemberMoved> memberMoved;
    private final RolloutMeters meters;

    RolloutDriver(
            Kernel kernel,
            Event<Ended> ended,
            Event<EndAnnounced> announced,
            Event<MemberMoved> memberMoved,
            RolloutMeters meters) {
        this.kernel = kernel;
        this.meters = meters;
        this.ended = ended;
        this.announced = announced;
        this.memberMoved = memberMoved;
    }

    /**
     * Feeds one input to the rollout's machine and makes its decision durable, in the caller's
     * transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Decision<RolloutStatus, MachineOutput> apply(
            Rollout rollout, MachineInput input, String cause, String actor) {
        return kernel.apply(this, rollout, input, cause, actor);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<MachineInput> inputType() {
        return MachineInput.class;
    }

    /** The rollout, locked for this transaction, so its inputs are applied one at a time. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollout lock(String rolloutId) {
        return Rollout.findLocked(rolloutId)
                .orElseThrow(() -> new UnknownRolloutException(rolloutId));
    }

    /** These rollouts, locked for this transaction in one go ({@link Rollout#lockAll}). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockAll(Collection<String> rolloutIds) {
        Rollout.lockAll(rolloutIds);
    }

    @Override
    public Rollout find(String rolloutId) {
        Rollout rollout = Rollout.findById(rolloutId);
        if (rollout == null) {
            throw new UnknownRolloutException(rolloutId);
        }
        return rollout;
    }

    public RolloutSpec spec(Rollout rollout) {
        return rollout.spec;
    }

    @Override
    public RolloutStatus status(Rollout rollout) {
        return rollout.status;
    }

    @Override
    public RolloutStatus initial(Rollout rollout) {
        return RolloutStatus.initial();
    }

    @Override
    public String state(Rollout rollout) {
        return rollout.state.name();
    }

    @Override
    public MachineInput command(RolloutCommand command) {
        return new MachineInput.CommandReceived(command.type(), command.actor(), command.reason());
    }

    @Override
    public MachineInput timerFired(String name, int epoch) {
        return new MachineInput.TimerFired(Integer.parseInt(name), epoch);
    }

    @Override
    /**
     * The rollout's machine, planned once per loaded row and spec: a decision asks for it often.
     */
    public RolloutMachine machine(Rollout rollout) {
        if (rollout.machineOf != rollout.spec) {
            rollout.machine = machine(rollout.spec);
            rollout.machineOf = rollout.spec;
        }
        return rollout.machine;
    }

    public RolloutMachine machine(RolloutSpec spec) {
        return new RolloutMachine(
                spec.trainId() == null
                        ? StrategyPlanner.plan(spec.strategy(), spec.release().versions().size())
                        : StrategyPlanner.planForTrain(spec.strategy()));
    }

    @Override
    public void carryOut(
            Rollout rollout, MachineOutput output, RolloutStatus after, Kernel.Effects effects) {
        RolloutSpec spec = spec(rollout);
        Instant now = effects.now();
        if (output instanceof RouteStep route) {
            effects.log(
                    route.sequence(),
                    Type.STEP,
                    Topics.ROLLOUT_STEPS,
                    step(rollout, spec, route, after, now),
                    effects.cause(),
                    effects.actor());
        } else if (output instanceof Transition transition) {
            logEvent(rollout, spec, after, transition, told(spec, transition), effects);
            meters.transition(rollout, spec.strategy().type().name(), transition, now);
        } else if (output instanceof AnalysisStarted analysis) {
            AnalysisSpec wanted = analysis.spec();
            logEvent(
                    rollout,
                    spec,
                    after,
                    new Transition(
                            analysis.sequence(),
                            after.state(),
                            after.state(),
                            after.stepIndex(),
                            "analysis started",
                            null),
                    new AnalysisRequest(
                            analysis.sequence(),
                            wanted.metrics(),
                            wanted.intervalDuration().toSeconds(),
                            wanted.count(),
                            wanted.failureLimit(),
                            wanted.gatesOrNone(),
                            wanted.gatesOrNone() == null
                                    ? null
                                    : new GateTargets(
                                            spec.stable(),
                                            spec.canary(),
                                            routeBefore(machine(rollout).plan(), after.stepIndex())
                                                    .map(Route::matchRules)
                                                    .orElse(List.of())),
                            wanted.experiment() == null
                                    ? null
                                    : design(spec, wanted.experiment(), after, now)),
                    effects);
        } else if (output instanceof Announcement announcement) {
            announced.fire(
                    new EndAnnounced(
                            rollout,
                            spec,
                            announcement.sequence(),
                            announcement.end(),
                            announcement.end() == RolloutState.SUCCEEDED
                                    ? newStable(rollout, spec, after)
                                    : spec.stable()));
        } else if (output instanceof StartTimer timer) {
            // a rollout's timers are named by the step that set them
            effects.startTimer(String.valueOf(timer.stepIndex()), timer.epoch(), timer.after());
        }
    }

    @Override
    public void settle(
            Rollout rollout,
            RolloutStatus before,
            Decision<RolloutStatus, MachineOutput> decision) {
        RolloutStatus after = decision.status();
        rollout.state = after.state();
        rollout.stepIndex = after.stepIndex();
        rollout.canaryWeight = after.canaryPercent();
        rollout.reason = after.reason();
        rollout.status = after;
        RolloutSpec spec = spec(rollout);
        if (after.state().isFinal() && !before.state().isFinal()) {
            LOG.infof("[rollout %s] ended %s", rollout.id, after.state());
            ended.fire(
                    new Ended(
                            rollout.id,
                            rollout.service,
                            after.state(),
                            newStable(rollout, spec, after)));
        }
        if (spec.trainId() != null
                && decision.outputs().stream().anyMatch(Transition.class::isInstance)) {
            List<PlannedStep> plan = machine(rollout).plan();
            PlannedStep at = after.stepIndex() < plan.size() ? plan.get(after.stepIndex()) : null;
            memberMoved.fire(
                    new MemberMoved(
                            spec.trainId(),
                            rollout.id,
                            rollout.service,
                            after.state(),
                            at,
                            after.canaryPercent(),
                            after.reason()));
        }
    }

    /**
     * The onAbort gates, carried on the event of a rollout's end other than success so the analysis
     * service tells them (nothing waits on their answers); null when there are none.
     */
    private static AnalysisRequest told(RolloutSpec spec, Transition transition) {
        List<Gate> told = spec.strategy().gates(Gate.ON_ABORT);
        if (told.isEmpty()
                || !transition.to().isFinal()
                || transition.to() == RolloutState.SUCCEEDED) {
            return null;
        }
        return new AnalysisRequest(
                transition.sequence(),
                List.of(),
                1,
                1,
                0,
                told,
                new GateTargets(spec.stable(), spec.canary(), List.of()));
    }

    /** The route in effect at plan step {@code index}: the last one before it. */
    private static Optional<Route> routeBefore(List<PlannedStep> plan, int index) {
        for (int i = Math.min(index, plan.size()) - 1; i >= 0; i--) {
            if (plan.get(i) instanceof Route route) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    private static RolloutStep step(
            Rollout rollout, RolloutSpec spec, RouteStep route, RolloutStatus status, Instant now) {
        Backend canary = status.winner() == null ? spec.canary() : spec.variant(status.winner());
        RolloutStep step =
                new RolloutStep(
                        RolloutStep.SCHEMA_VERSION,
                        rollout.id,
                        route.sequence(),
                        rollout.service,
                        rollout.environment,
                        spec.stable(),
                        canary,
                        Weights.canaryPercent(route.canaryPercent()),
                        route.matchRules(),
                        spec.gateway(),
                        route.stickyKey(),
                        now,
                        route.mirror());
        return route.arms() ? step.withArms(arms(spec, status)) : step;
    }

    /**
     * An experiment's arms: the control (the stable version) and each variant at its share, those
     * stopped keeping their buckets while the control serves their users.
     */
    private static List<Arm> arms(RolloutSpec spec, RolloutStatus status) {
        List<Backend> variants = spec.release().versions();
        double[] percents = spec.strategy().experiment().percents(variants.size());
        List<Arm> arms = new ArrayList<>();
        arms.add(new Arm(spec.stable(), percents[0]));
        for (int i = 0; i < variants.size(); i++) {
            Arm arm = new Arm(variants.get(i), percents[i + 1]);
            arms.add(status.stopped().contains(arm.version()) ? arm.stop() : arm);
        }
        return arms;
    }

    /** What an experiment's analysis judges, from now on. */
    private static ExperimentDesign design(
            RolloutSpec spec, ExperimentSpec experiment, RolloutStatus status, Instant now) {
        return new ExperimentDesign(
                spec.release().versions().stream().map(Backend::version).toList(),
                status.stopped(),
                experiment.goal(),
                experiment.unit(),
                experiment.alphaOrDefault(),
                experiment.minUnitsOrDefault(),
                now);
    }

    /**
     * The service's stable version once a rollout ended: the new version; for an experiment, its
     * winner when the plan promoted it, else the control.
     */
    private Backend newStable(Rollout rollout, RolloutSpec spec, RolloutStatus status) {
        if (spec.strategy().experiment() == null) {
            return spec.canary();
        }
        return machine(rollout).endsPromoted() && status.winner() != null
                ? spec.variant(status.winner())
                : spec.stable();
    }

    /** The rollout's event for a transition (or the start of an analysis), into the log. */
    private void logEvent(
            Rollout rollout,
            RolloutSpec spec,
            RolloutStatus status,
            Transition change,
            AnalysisRequest analysis,
            Kernel.Effects effects) {
        RolloutEvent event =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout.id,
                        change.sequence(),
                        rollout.service,
                        rollout.environment,
                        spec.strategy().type().name(),
                        spec.stable().version(),
                        spec.canary().version(),
                        change.from(),
                        change.to(),
                        change.stepIndex(),
                        machine(rollout).plan().size(),
                        Weights.canaryPercent(status.canaryPercent()),
                        change.cause(),
                        change.actor(),
                        status.reason(),
                        analysis,
                        effects.now(),
                        spec.team(),
                        spec.trainId());
        effects.log(
                change.sequence(),
                analysis == null || change.to().isFinal() ? Type.TRANSITION : Type.ANALYSIS,
                Topics.ROLLOUT_EVENTS,
                event,
                change.cause(),
                change.actor());
    }
}
