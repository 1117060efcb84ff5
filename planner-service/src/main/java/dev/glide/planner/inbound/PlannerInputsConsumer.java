package dev.glide.planner.inbound;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.kafka.KeyedLanes;
import dev.glide.planner.kernel.CommandAnswer;
import dev.glide.planner.kernel.Kernel;
import dev.glide.planner.rollout.MachineInput;
import dev.glide.planner.rollout.MachineInput.DriftReported;
import dev.glide.planner.rollout.MachineInput.TrafficConfirmed;
import dev.glide.planner.rollout.MachineInput.TrafficFailed;
import dev.glide.planner.rollout.MachineInput.VerdictReceived;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.rollout.UnknownRolloutException;
import dev.glide.planner.train.TrainDriver;
import dev.glide.planner.train.UnknownTrainException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The planner's Kafka inputs besides releases: the gateway's read-backs, verdicts and commands (to
 * rollouts and release trains). Read-backs and verdicts are applied in one lane per rollout ({@link
 * KeyedLanes}, {@code glide.planner.input-workers} rollouts at once): a rollout's inputs in order,
 * a burst of rollouts side by side instead of one after another; an urgent one (a failing verdict,
 * a read-back of everyone on stable) ahead of other rollouts' queued inputs. A record that is not
 * valid throws, and its channel dead-letters it with the reason; one about a rollout or train this
 * planner does not know is logged and skipped.
 */
@ApplicationScoped
public class PlannerInputsConsumer {

    private static final Logger LOG = Logger.getLogger(PlannerInputsConsumer.class);

    private final EventCodec codec;
    private final RolloutDriver driver;
    private final Kernel kernel;
    private final TrainDriver trains;
    private final KeyedLanes lanes;
    private final GroupCommit<Input> batches;
    private final DistributionSummary perTransaction;

    /** An input to a rollout, and what it came from (for the log). */
    private record Input(String rolloutId, MachineInput input, String cause) {}

    PlannerInputsConsumer(
            EventCodec codec,
            RolloutDriver driver,
            Kernel kernel,
            TrainDriver trains,
            MeterRegistry registry,
            @ConfigProperty(name = "glide.planner.input-workers", defaultValue = "8") int workers,
            @ConfigProperty(name = "glide.planner.max-inputs-in-flight", defaultValue = "5000")
                    int maxInFlight,
            @ConfigProperty(name = "glide.planner.max-inputs-per-transaction", defaultValue = "64")
                    int maxBatch,
            @ConfigProperty(name = "glide.planner.input-transactions", defaultValue = "4")
                    int transactions) {
        this.lanes = new KeyedLanes("planner-inputs", workers, maxInFlight);
        this.perTransaction =
                DistributionSummary.builder("glide.planner.inputs.per.transaction")
                        .description(
                                "Read-backs and verdicts applied in one transaction: more than one"
                                        + " when they arrive faster than they are applied")
                        .register(registry);
        this.batches =
                new GroupCommit<>(
                        "planner-inputs-commit",
                        transactions,
                        maxBatch,
                        this::applyAll,
                        this::apply);
        this.codec = codec;
        this.driver = driver;
        this.kernel = kernel;
        this.trains = trains;
    }

    /**
     * The gateway's read-back of a step, in its rollout's lane: reports and verdicts of one rollout
     * are applied in the order they came, different rollouts' at once.
     */
    @Incoming(Topics.TRAFFIC_APPLIED)
    public CompletionStage<Void> onTrafficApplied(Message<String> message) {
        TrafficApplied applied;
        try {
            applied = codec.decode(message.getPayload(), TrafficApplied.class);
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        return lanes.consume(
                message,
                applied.rolloutId(),
                applied.urgent(),
                () -> inLane(input(applied), applied.urgent()));
    }

    private Input input(TrafficApplied applied) {
        MachineInput input =
                switch (applied.outcome()) {
                    case APPLIED -> new TrafficConfirmed(applied.sequence(), applied.served());
                    case FAILED -> new TrafficFailed(applied.sequence(), applied.reason());
                    case DRIFTED ->
                            new DriftReported(
                                    applied.sequence(), applied.served(), applied.reason());
                };
        return new Input(applied.rolloutId(), input, "traffic-applied from " + applied.adapter());
    }

    /** A verdict, in its rollout's lane (see {@link #onTrafficApplied(Message)}). */
    @Incoming(Topics.ANALYSIS_VERDICTS)
    public CompletionStage<Void> onVerdict(Message<String> message) {
        AnalysisVerdict verdict;
        try {
            verdict = codec.decode(message.getPayload(), AnalysisVerdict.class);
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        return lanes.consume(
                message,
                verdict.rolloutId(),
                verdict.urgent(),
                () -> inLane(input(verdict), verdict.urgent()));
    }

    private Input input(AnalysisVerdict verdict) {
        return new Input(
                verdict.rolloutId(),
                new VerdictReceived(
                        verdict.stepSequence(),
                        verdict.window(),
                        verdict.verdict(),
                        verdict.summary(),
                        verdict.checks(),
                        verdict.experiment() == null
                                ? null
                                : verdict.experiment().guardrailFailed(),
                        verdict.experiment() == null ? null : verdict.experiment().winner(),
                        verdict.experiment()),
                "verdict " + verdict.verdict() + " (window " + verdict.window() + ")");
    }

    /**
     * An urgent input at once on its lane's worker (it waits for no other rollout's); any other
     * with what else is waiting, in one transaction ({@link GroupCommit}).
     */
    private CompletableFuture<Void> inLane(Input input, boolean urgent) {
        if (urgent) {
            apply(input);
            return CompletableFuture.completedFuture(null);
        }
        return batches.submit(input);
    }

    @Incoming(Topics.ROLLOUT_COMMANDS)
    @Blocking
    public void onCommand(String json) {
        RolloutCommand command = codec.decode(json, RolloutCommand.class);
        try {
            CommandAnswer answer =
                    DatabaseOutage.retry(
                            "command " + command.commandId(),
                            () ->
                                    command.forTrain()
                                            ? kernel.command(trains, command)
                                            : kernel.command(driver, command));
            LOG.infof(
                    "[rollout %s] %s by %s: %s",
                    command.rolloutId(), command.type(), command.actor(), answer.message());
        } catch (UnknownRolloutException | UnknownTrainException e) {
            LOG.warnf(
                    "[rollout %s] command %s skipped: %s",
                    command.rolloutId(), command.commandId(), e.getMessage());
        }
    }

    /**
     * In a transaction of its own, tried again while the database is down (the record waits, and
     * its partition behind it, rather than being dead-lettered).
     */
    private void apply(Input input) {
        DatabaseOutage.retry(
                input.cause() + " of rollout " + input.rolloutId(),
                () -> QuarkusTransaction.requiringNew().run(() -> applyLocked(input)));
        perTransaction.record(1);
    }

    /**
     * Several rollouts' inputs in one transaction, their rollouts (and services) locked first in
     * two statements; tried once: if it fails, {@link GroupCommit} applies each on its own.
     */
    private void applyAll(List<Input> inputs) {
        QuarkusTransaction.requiringNew()
                .run(
                        () -> {
                            Rollout.lockAll(inputs.stream().map(Input::rolloutId).toList());
                            inputs.forEach(this::applyLocked);
                        });
        perTransaction.record(inputs.size());
    }

    private void applyLocked(Input input) {
        Rollout.findLocked(input.rolloutId())
                .ifPresentOrElse(
                        rollout -> driver.apply(rollout, input.input(), input.cause(), null),
                        () ->
                                LOG.warnf(
                                        "[rollout %s] %s skipped: no such rollout",
                                        input.rolloutId(), input.cause()));
    }

    @PreDestroy
    void stop() {
        lanes.close();
        batches.close();
    }
}
