package dev.glide.planner.inbound;

import dev.glide.contract.EventCodec;
import dev.glide.contract.MalformedEventException;
import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainRelease;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.planner.release.CdEventsReleases;
import dev.glide.planner.release.ReleaseIntake;
import dev.glide.planner.train.TrainIntake;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads releases from Kafka. A record that is not a valid release throws, and the channel's
 * dead-letter strategy moves it aside with the reason, so the partition keeps flowing.
 */
@ApplicationScoped
public class ReleaseConsumer {

    private final EventCodec codec;
    private final ReleaseIntake intake;
    private final CdEventsReleases cdEvents;
    private final TrainIntake trains;

    ReleaseConsumer(
            EventCodec codec, ReleaseIntake intake, CdEventsReleases cdEvents, TrainIntake trains) {
        this.codec = codec;
        this.intake = intake;
        this.cdEvents = cdEvents;
        this.trains = trains;
    }

    /**
     * A plain release, a release train (it has {@code members}), or a CDEvents release as a
     * CloudEvent (binary, {@code ce_*} headers; or structured) or bare.
     */
    @Incoming(Topics.RELEASE_EVENTS)
    @Blocking
    public void onRelease(ConsumerRecord<String, String> record) {
        String json = record.value();
        boolean binary = CdEventsReleases.isBinary(record.headers());
        boolean object = json != null && !json.isBlank() && json.trim().startsWith("{");
        if (!binary && object && isTrain(json)) {
            TrainRelease train = codec.decode(json, TrainRelease.class);
            DatabaseOutage.retry(
                    "train " + train.name(), () -> trains.accept(train, Topics.RELEASE_EVENTS));
            return;
        }
        // a CDEvent's endpoints come from its service's registration, in the database
        ReleaseEvent release;
        if (binary) {
            // a CloudEvent in binary mode: its attributes in ce_* headers, the CDEvent as the value
            byte[] value = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            release =
                    DatabaseOutage.retry(
                            "CloudEvent", () -> cdEvents.fromKafka(record.headers(), value));
        } else if (object && cdEvents.isCdEvent(json)) {
            release = DatabaseOutage.retry("CDEvent", () -> cdEvents.toRelease(json));
        } else {
            release = codec.decode(json, ReleaseEvent.class);
        }
        DatabaseOutage.retry(
                "release " + release.version() + " of " + release.service(),
                () -> intake.accept(release, Topics.RELEASE_EVENTS));
    }

    private boolean isTrain(String json) {
        try {
            return codec.tree(json).has("members");
        } catch (MalformedEventException e) {
            return false;
        }
    }
}
