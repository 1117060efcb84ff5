package dev.glide.planner.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.planner.kernel.EventLog;
import dev.glide.planner.kernel.LogEntry;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.rollout.RolloutSpec;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Tells other CI/CD tools how a rollout ended, in their language: a CDEvents {@code
 * service.upgraded} (the new version serves) or {@code service.rolledback} (the old one does
 * again), as a structured CloudEvent.
 */
@ApplicationScoped
public class CdEventsAnnouncer {

    public static final String UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String ROLLED_BACK = "dev.cdevents.service.rolledback.0.3.0";
    private static final URI SOURCE = URI.create("/glide/planner");
    private static final String CDEVENTS_SPEC = "0.4.1";

    private final ObjectMapper mapper;
    private final EventLog log;

    CdEventsAnnouncer(EventCodec codec, EventLog log) {
        this.mapper = codec.mapper();
        this.log = log;
    }

    /**
     * A rollout ended: its announcement goes into its log as the entry the machine numbered, in the
     * rollout's transaction, and the outbox publishes it.
     */
    void onEnd(@Observes RolloutDriver.EndAnnounced ended) {
        log.append(
                RolloutDriver.KIND,
                ended.rollout(),
                ended.sequence(),
                LogEntry.Type.ANNOUNCEMENT,
                Topics.CDEVENTS,
                announce(ended.rollout(), ended.spec(), ended.end(), ended.serving()),
                "ended " + ended.end(),
                null,
                Instant.now());
    }

    /**
     * The CloudEvent announcing that {@code rollout} ended {@code end} with {@code serving} serving
     * its users, as JSON: upgraded when a new version serves, rolled back when the old one does (an
     * aborted rollout, or an experiment that kept its control).
     */
    JsonNode announce(Rollout rollout, RolloutSpec spec, RolloutState end, Backend serving) {
        boolean keptControl =
                spec.strategy().experiment() != null
                        && serving.version().equals(spec.stable().version());
        boolean upgraded = end == RolloutState.SUCCEEDED && !keptControl;
        String type = upgraded ? UPGRADED : ROLLED_BACK;
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ObjectNode cdEvent = mapper.createObjectNode();
        ObjectNode context = cdEvent.putObject("context");
        context.put("specversion", CDEVENTS_SPEC)
                .put("id", id)
                .put("source", SOURCE.toString())
                .put("type", type)
                .put("timestamp", now.toString());
        ObjectNode subject = cdEvent.putObject("subject");
        subject.put("id", rollout.service).put("source", SOURCE.toString());
        ObjectNode content = subject.putObject("content");
        content.putObject("environment").put("id", rollout.environment);
        content.put(
                "artifactId",
                upgraded
                        ? artifact(spec, serving)
                        : generic(rollout.service, spec.stable().version()));
        try {
            CloudEvent cloudEvent =
                    CloudEventBuilder.v1()
                            .withId(id)
                            .withSource(SOURCE)
                            .withType(type)
                            .withTime(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                            .withSubject(rollout.service)
                            .withExtension("rolloutid", rollout.id.replace("-", ""))
                            .withDataContentType("application/json")
                            .withData(mapper.writeValueAsBytes(cdEvent))
                            .build();
            byte[] json =
                    EventFormatProvider.getInstance()
                            .resolveFormat(JsonFormat.CONTENT_TYPE)
                            .serialize(cloudEvent);
            return mapper.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CDEvent for rollout " + rollout.id, e);
        }
    }

    /** The release's own artifact when its version serves, else the serving version's. */
    private static String artifact(RolloutSpec spec, Backend serving) {
        String artifact = spec.release().artifact();
        boolean released = serving.version().equals(spec.release().version());
        return released && artifact != null && artifact.startsWith("pkg:")
                ? artifact
                : generic(spec.release().service(), serving.version());
    }

    private static String generic(String service, String version) {
        return "pkg:generic/" + service + "@" + URLEncoder.encode(version, StandardCharsets.UTF_8);
    }
}
