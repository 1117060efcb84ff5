package dev.glide.planner;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.EventCodec;
import dev.glide.contract.ReleaseEvent;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.ServesOperationalEndpoints;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ReleaseIntakeTest implements ServesOperationalEndpoints {

    private static final Duration WAIT = TopicProbe.WAIT;
    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void aReleaseBecomesARolloutWhoseFirstStepAndStateArePublished() {
        String service = newService();
        Simulated.registerService(service, null);

        probe.send(Topics.RELEASE_EVENTS, service, codec.encode(release(service, "e-1")));

        RolloutStep step = awaitStep(service);
        assertThat(step.canary().version()).isEqualTo("v2");
        assertThat(step.canary().endpoints()).containsExactly("http://127.0.0.1:9002");
        assertThat(step.weights()).isEqualTo(new Weights(95, 5));
        ConsumerRecord<String, String> event =
                probe.awaitRecord(
                        Topics.ROLLOUT_EVENTS, WAIT, r -> step.rolloutId().equals(r.key()));
        RolloutEvent started = codec.decode(event.value(), RolloutEvent.class);
        assertThat(started.from()).isEqualTo(RolloutState.PENDING);
        assertThat(started.to()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(started.sequence()).isLessThan(step.sequence());
        assertThat(step.stable().version()).isEqualTo("v1");
        assertThat(step.gateway().route()).isEqualTo(service);
    }

    @Test
    void theSameReleaseEventTwiceStartsOneRollout() {
        String service = newService();
        Simulated.registerService(service, null);
        probe.send(Topics.RELEASE_EVENTS, service, codec.encode(release(service, "e-twice")));
        probe.send(Topics.RELEASE_EVENTS, service, codec.encode(release(service, "e-twice")));
        // Same key, same partition: once this marker is dead-lettered, both copies before it were
        // handled.
        probe.send(Topics.RELEASE_EVENTS, service, "not json");
        probe.awaitRecord(
                Topics.deadLetterOf(Topics.RELEASE_EVENTS), WAIT, r -> service.equals(r.key()));
        awaitStep(service);

        List<ConsumerRecord<String, String>> steps =
                probe.readAll(
                        Topics.ROLLOUT_STEPS,
                        r -> service.equals(codec.decode(r.value(), RolloutStep.class).service()));
        assertThat(steps).hasSize(1);
    }

    @Test
    void aMalformedReleaseLandsOnTheDeadLetterTopicNamingEachBadField() {
        String service = newService();
        String malformed = "{\"service\":\"" + service + "\",\"version\":\"\",\"endpoints\":[]}";

        RecordMetadata sent = probe.send(Topics.RELEASE_EVENTS, service, malformed);

        ConsumerRecord<String, String> dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.RELEASE_EVENTS),
                        WAIT,
                        r -> service.equals(r.key()));
        assertThat(dead.value()).isEqualTo(malformed);
        assertThat(header(dead, Topics.DLQ_REASON_HEADER))
                .isEqualTo(
                        "malformed ReleaseEvent: endpoints: must not be empty;"
                                + " environment: must not be blank; version: must not be blank (was \"\")");
        assertThat(header(dead, Topics.DLQ_TOPIC_HEADER)).isEqualTo(Topics.RELEASE_EVENTS);
        assertThat(header(dead, Topics.DLQ_PARTITION_HEADER))
                .isEqualTo(String.valueOf(sent.partition()));
        assertThat(header(dead, Topics.DLQ_OFFSET_HEADER)).isEqualTo(String.valueOf(sent.offset()));
    }

    @Test
    void aReleaseForAServiceNobodyRegisteredLandsOnTheDeadLetterTopicSayingSo() {
        String service = newService();

        probe.send(Topics.RELEASE_EVENTS, service, codec.encode(release(service, "e-unknown")));

        ConsumerRecord<String, String> dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.RELEASE_EVENTS),
                        WAIT,
                        r -> service.equals(r.key()));
        assertThat(header(dead, Topics.DLQ_REASON_HEADER))
                .isEqualTo(
                        "no service named '"
                                + service
                                + "' is registered; register it first with PUT /api/services/"
                                + service);
    }

    private RolloutStep awaitStep(String service) {
        ConsumerRecord<String, String> record =
                probe.awaitRecord(
                        Topics.ROLLOUT_STEPS,
                        WAIT,
                        r -> service.equals(codec.decode(r.value(), RolloutStep.class).service()));
        return codec.decode(record.value(), RolloutStep.class);
    }

    private static String newService() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ReleaseEvent release(String service, String eventId) {
        return new ReleaseEvent(
                ReleaseEvent.SCHEMA_VERSION,
                eventId + "-" + service,
                service,
                "v2",
                "prod",
                "pkg:oci/" + service + "@sha256:abc",
                List.of("http://127.0.0.1:9002"),
                null,
                null,
                null);
    }
}
