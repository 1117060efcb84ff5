package dev.glide.planner.rollout;

import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.planner.cdevents.CdEventsAnnouncer;
import dev.glide.planner.rollout.MachineOutput.AnalysisStarted;
import dev.glide.planner.rollout.MachineOutput.Announcement;
import dev.glide.planner.rollout.MachineOutput.RouteStep;
import dev.glide.planner.rollout.MachineOutput.StartTimer;
import dev.glide.planner.rollout.MachineOutput.Transition;
import dev.glide.planner.rollout.RolloutLogEntry.Type;
import dev.glide.planner.strategy.PlannedStep;
import dev.glide.planner.strategy.StrategyPlanner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Feeds one input to a rollout's state machine and makes its decision durable, all in the caller's
 * transaction: the input and every output go into the log with the machine's sequences (steps and
 * events are published from there by the outbox), timers into their table, the new status onto the
 * row. An ignored input leaves no trace.
 */
@ApplicationScoped
public class RolloutDriver {

    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);

    /**
     * Fired inside the transaction when a rollout ends, so whoever waits for the service may start.
     *
     * @param canary the new version's backend, which serves everything when the rollout SUCCEEDED
     */
    public record Ended(
            String rolloutId,
            String service,
            RolloutState state,
            dev.glide.contract.Backend canary) {}

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

    private final EventCodec codec;
    private final RolloutLog log;
    private final Event<Ended> ended;
    private final Event<MemberMoved> memberMoved;
    private final CdEventsAnnouncer announcer;

    RolloutDriver(
            EventCodec codec,
            RolloutLog log,
            Event<Ended> ended,
            Event<MemberMoved> memberMoved,
            CdEventsAnnouncer announcer) {
        this.codec = codec;
        this.log = log;
        this.ended = ended;
        this.memberMoved = memberMoved;
        this.announcer = announcer;
    }

    /** The rollout, locked for this transaction, so its inputs are applied one at a time. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollout lock(String rolloutId) {
        return Rollout.findLocked(rolloutId)
                .orElseThrow(() -> new UnknownRolloutException(rolloutId));
    }

    public RolloutSpec spec(Rollout rollout) {
        return codec.decode(rollout.spec, RolloutSpec.class);
    }

    public RolloutStatus status(Rollout rollout) {
        return codec.decode(rollout.status, RolloutStatus.class);
    }

    public RolloutMachine machine(RolloutSpec spec) {
        return new RolloutMachine(
                spec.trainId() == null
                        ? StrategyPlanner.plan(spec.strategy())
                        : StrategyPlanner.planForTrain(spec.strategy()));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Decision apply(Rollout rollout, MachineInput input, String cause, String actor) {
        RolloutSpec spec = spec(rollout);
        RolloutMachine machine = machine(spec);
        RolloutStatus before = status(rollout);
        Decision decision = machine.decide(before, input);
        if (decision.ignored()) {
            if (decision.refused()) {
                LOG.infof("[rollout %s] %s refused: %s", rollout.id, cause, decision.refusal());
            }
            return decision;
        }
        log.append(rollout, before.lastSequence() + 1, Type.INPUT, null, input, cause, actor);
        RolloutStatus after = decision.status();
        Instant now = Instant.now();
        for (MachineOutput output : decision.outputs()) {
            if (output instanceof RouteStep route) {
                log.append(
                        rollout,
                        route.sequence(),
                        Type.STEP,
                        Topics.ROLLOUT_STEPS,
                        step(rollout, spec, route, now),
                        cause,
                        actor);
            } else if (output instanceof Transition transition) {
                log.append(
                        rollout,
                        transition.sequence(),
                        Type.TRANSITION,
                        Topics.ROLLOUT_EVENTS,
                        event(
                                rollout,
                                spec,
                                machine,
                                after,
                                transition.sequence(),
                                transition.from(),
                                transition.to(),
                                transition.stepIndex(),
                                transition.cause(),
                                transition.actor(),
                                null,
                                now),
                        transition.cause(),
                        transition.actor());
            } else if (output instanceof AnalysisStarted analysis) {
                AnalysisRequest request =
                        new AnalysisRequest(
                                analysis.sequence(),
                                analysis.spec().metrics(),
                                analysis.spec().intervalDuration().toSeconds(),
                                analysis.spec().count(),
                                analysis.spec().failureLimit());
                log.append(
                        rollout,
                        analysis.sequence(),
                        Type.ANALYSIS,
                        Topics.ROLLOUT_EVENTS,
                        event(
                                rollout,
                                spec,
                                machine,
                                after,
                                analysis.sequence(),
                                after.state(),
                                after.state(),
                                after.stepIndex(),
                                "analysis started",
                                null,
                                request,
                                now),
                        "analysis started",
                        null);
            } else if (output instanceof Announcement announcement) {
                log.append(
                        rollout,
                        announcement.sequence(),
                        Type.ANNOUNCEMENT,
                        Topics.CDEVENTS,
                        announcer.announce(rollout, spec, announcement.end()),
                        "ended " + announcement.end(),
                        null);
            } else if (output instanceof StartTimer timer) {
                RolloutTimer row = new RolloutTimer();
                row.rolloutId = rollout.id;
                row.stepIndex = timer.stepIndex();
                row.epoch = timer.epoch();
                row.dueAt = now.plus(timer.after());
                row.persist();
            }
        }
        rollout.state = after.state();
        rollout.stepIndex = after.stepIndex();
        rollout.canaryWeight = after.canaryPercent();
        rollout.reason = after.reason();
        rollout.status = codec.encode(after);
        if (after.state().isFinal() && !before.state().isFinal()) {
            LOG.infof("[rollout %s] ended %s", rollout.id, after.state());
            ended.fire(new Ended(rollout.id, rollout.service, after.state(), spec.canary()));
        }
        if (spec.trainId() != null
                && decision.outputs().stream().anyMatch(Transition.class::isInstance)) {
            PlannedStep at =
                    after.stepIndex() < machine.plan().size()
                            ? machine.plan().get(after.stepIndex())
                            : null;
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
        return decision;
    }

    private static RolloutStep step(
            Rollout rollout, RolloutSpec spec, RouteStep route, Instant now) {
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                rollout.id,
                route.sequence(),
                rollout.service,
                rollout.environment,
                spec.stable(),
                spec.canary(),
                Weights.canaryPercent(route.canaryPercent()),
                route.matchRules(),
                spec.gateway(),
                route.stickyKey(),
                now);
    }

    private static RolloutEvent event(
            Rollout rollout,
            RolloutSpec spec,
            RolloutMachine machine,
            RolloutStatus status,
            long sequence,
            RolloutState from,
            RolloutState to,
            int stepIndex,
            String cause,
            String actor,
            AnalysisRequest analysis,
            Instant now) {
        return new RolloutEvent(
                RolloutEvent.SCHEMA_VERSION,
                rollout.id,
                sequence,
                rollout.service,
                rollout.environment,
                spec.strategy().type().name(),
                spec.stable().version(),
                spec.canary().version(),
                from,
                to,
                stepIndex,
                machine.plan().size(),
                Weights.canaryPercent(status.canaryPercent()),
                cause,
                actor,
                status.reason(),
                analysis,
                now,
                spec.team(),
                spec.trainId(),
                java.util.List.of());
    }
}
