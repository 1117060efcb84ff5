package dev.glide.traffic.step;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.kafka.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Reads rollout steps and answers each on traffic-applied. Steps of different routes are applied
 * concurrently, each route's strictly in the order they were read ({@link RouteLanes}): an abort
 * waits for its own route's earlier steps, never for another route's, and a step that takes users
 * back to stable runs on workers of its own, ahead of other routes' queued steps. A step's offset
 * is committed only once its answer is stored (the commit strategy keeps track of records
 * acknowledged out of order); at most {@code glide.traffic.max-steps-in-flight} steps are read
 * ahead of their answers. A record that is not a valid step goes to the dead-letter topic with the
 * reason, so the partition keeps flowing.
 */
@ApplicationScoped
public class StepConsumer {

    private static final Logger LOG = Logger.getLogger(StepConsumer.class);

    private final EventCodec codec;
    private final StepApplier applier;
    private final RouteLanes lanes;
    private final EventPublisher applied;

    StepConsumer(
            EventCodec codec,
            StepApplier applier,
            RouteLanes lanes,
            @Channel(Topics.TRAFFIC_APPLIED) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                    Emitter<String> emitter) {
        this.codec = codec;
        this.applier = applier;
        this.lanes = lanes;
        this.applied = new EventPublisher(emitter, codec);
    }

    /**
     * Hands the step to its route's lane and asks for the next record at once, unless the replica
     * has as many steps in flight as it may: then the next record waits until one is answered.
     */
    @Incoming(Topics.ROLLOUT_STEPS)
    public CompletionStage<Void> onStep(Message<String> message) {
        RolloutStep step;
        try {
            step = codec.decode(message.getPayload(), RolloutStep.class);
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        return lanes.consume(
                message,
                RouteLanes.laneOf(step.gateway()),
                step.urgent(),
                () ->
                        applier.handle(step)
                                .thenCompose(
                                        answer ->
                                                answer.map(a -> applied.sendEvents(List.of(a)))
                                                        .orElse(
                                                                CompletableFuture.completedFuture(
                                                                        null)))
                                .whenComplete(
                                        (ignored, failure) -> {
                                            if (failure != null) {
                                                LOG.warnf(
                                                        failure,
                                                        "[rollout %s] step %d could not be answered",
                                                        step.rolloutId(),
                                                        step.sequence());
                                            }
                                        }));
    }
}
