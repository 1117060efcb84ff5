package dev.glide.traffic.step;

import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.kafka.EventPublisher;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads rollout steps and answers each on traffic-applied. A record that is not a valid step
 * throws, and the channel's dead-letter strategy moves it aside with the reason, so the partition
 * keeps flowing.
 */
@ApplicationScoped
public class StepConsumer {

    private final EventCodec codec;
    private final StepApplier applier;
    private final EventPublisher applied;

    StepConsumer(
            EventCodec codec,
            StepApplier applier,
            @Channel(Topics.TRAFFIC_APPLIED) Emitter<String> emitter) {
        this.codec = codec;
        this.applier = applier;
        this.applied = new EventPublisher(emitter, codec);
    }

    @Incoming(Topics.ROLLOUT_STEPS)
    @Blocking
    public void onStep(String json) {
        RolloutStep step = codec.decode(json, RolloutStep.class);
        // while the database is down the step waits, and its partition behind it: never
        // dead-lettered for that
        DatabaseOutage.retry(
                        "step " + step.sequence() + " of rollout " + step.rolloutId(),
                        () -> applier.handle(step))
                .ifPresent(applied::publish);
    }
}
