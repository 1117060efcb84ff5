package dev.glide.planner.inbound;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.jpa.DatabaseOutage;
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
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The planner's Kafka inputs besides releases: the gateway's read-backs, verdicts and commands (to
 * rollouts and release trains). A record that is not valid throws, and its channel dead-letters it
 * with the reason; one about a rollout or train this planner does not know is logged and skipped.
 */
@ApplicationScoped
public class PlannerInputsConsumer {

    private static final Logger LOG = Logger.getLogger(PlannerInputsConsumer.class);

    private final EventCodec codec;
    private final RolloutDriver driver;
    private final Kernel kernel;
    private final TrainDriver trains;

    PlannerInputsConsumer(
            EventCodec codec, RolloutDriver driver, Kernel kernel, TrainDriver trains) {
        this.codec = codec;
        this.driver = driver;
        this.kernel = kernel;
        this.trains = trains;
    }

    @Incoming(Topics.TRAFFIC_APPLIED)
    @Blocking
    public void onTrafficApplied(String json) {
        TrafficApplied applied = codec.decode(json, TrafficApplied.class);
        MachineInput input =
                switch (applied.outcome()) {
                    case APPLIED -> new TrafficConfirmed(applied.sequence(), applied.served());
                    case FAILED -> new TrafficFailed(applied.sequence(), applied.reason());
                    case DRIFTED ->
                            new DriftReported(
                                    applied.sequence(), applied.served(), applied.reason());
                };
        apply(applied.rolloutId(), input, "traffic-applied from " + applied.adapter());
    }

    @Incoming(Topics.ANALYSIS_VERDICTS)
    @Blocking
    public void onVerdict(String json) {
        AnalysisVerdict verdict = codec.decode(json, AnalysisVerdict.class);
        apply(
                verdict.rolloutId(),
                new VerdictReceived(
                        verdict.stepSequence(),
                        verdict.window(),
                        verdict.verdict(),
                        verdict.summary(),
                        verdict.checks()),
                "verdict " + verdict.verdict() + " (window " + verdict.window() + ")");
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
    private void apply(String rolloutId, MachineInput input, String cause) {
        DatabaseOutage.retry(
                cause + " of rollout " + rolloutId,
                () ->
                        QuarkusTransaction.requiringNew()
                                .run(
                                        () ->
                                                Rollout.findLocked(rolloutId)
                                                        .ifPresentOrElse(
                                                                rollout ->
                                                                        driver.apply(
                                                                                rollout, input,
                                                                                cause, null),
                                                                () ->
                                                                        LOG.warnf(
                                                                                "[rollout %s] %s skipped: no such rollout",
                                                                                rolloutId,
                                                                                cause))));
    }
}
