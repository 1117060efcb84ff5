package dev.glide.planner.release;

import dev.glide.contract.EventCodec;
import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.Topics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads releases from Kafka. A record that is not a valid release throws, and the channel's dead-letter
 * strategy moves it aside with the reason, so the partition keeps flowing.
 */
@ApplicationScoped
public class ReleaseConsumer {

    private final EventCodec codec;
    private final ReleaseIntake intake;
    private final CdEventsReleases cdEvents;

    ReleaseConsumer(EventCodec codec, ReleaseIntake intake, CdEventsReleases cdEvents) {
        this.codec = codec;
        this.intake = intake;
        this.cdEvents = cdEvents;
    }

    /** A plain release, or a CDEvents release as a structured CloudEvent or bare. */
    @Incoming(Topics.RELEASE_EVENTS)
    @Blocking
    public void onRelease(String json) {
        boolean cdEvent = json != null && !json.isBlank() && json.trim().startsWith("{") && cdEvents.isCdEvent(json);
        intake.accept(cdEvent ? cdEvents.toRelease(json) : codec.decode(json, ReleaseEvent.class), Topics.RELEASE_EVENTS);
    }
}
