package dev.glide.traffic;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.Backend;
import dev.glide.contract.EventCodec;
import dev.glide.contract.GatewayBinding;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.ServesOperationalEndpoints;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class RolloutStepsTest implements ServesOperationalEndpoints {

    private static final Duration WAIT = TopicProbe.WAIT;
    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void aStepIsAppliedAndWhatTheGatewayServesIsReported() {
        String rollout = newRolloutId();

        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(rollout, 1, 5, "noop")));

        TrafficApplied applied = awaitApplied(rollout, 1);
        assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);
        assertThat(applied.served()).isEqualTo(new Weights(95, 5));
        assertThat(applied.adapter()).isEqualTo("noop");
    }

    @Test
    void anOlderStepArrivingLateDoesNotOverrideANewerOne() {
        String rollout = newRolloutId();
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(rollout, 2, 25, "noop")));
        awaitApplied(rollout, 2);

        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(rollout, 1, 5, "noop")));
        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(rollout, 2, 25, "noop")));

        // The redelivered step 2 is answered again with what is served; the late step 1 is not
        // answered at all.
        List<TrafficApplied> answers =
                probe
                        .awaitRecords(Topics.TRAFFIC_APPLIED, WAIT, 2, r -> rollout.equals(r.key()))
                        .stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .toList();
        assertThat(answers).extracting(TrafficApplied::sequence).containsExactly(2L, 2L);
        assertThat(answers).extracting(TrafficApplied::served).containsOnly(new Weights(75, 25));
    }

    @Test
    void aStepNamingAnUnknownGatewayIsAnsweredWithAFailureThatSaysWhichExist() {
        String rollout = newRolloutId();

        probe.send(Topics.ROLLOUT_STEPS, rollout, codec.encode(step(rollout, 1, 5, "f5-bigip")));

        TrafficApplied applied = awaitApplied(rollout, 1);
        assertThat(applied.outcome()).isEqualTo(TrafficApplied.Outcome.FAILED);
        assertThat(applied.served()).isNull();
        assertThat(applied.reason())
                .isEqualTo(
                        "no gateway adapter named 'f5-bigip'; known: embedded, gateway-api, haproxy, nginx, noop");
    }

    @Test
    void aMalformedStepLandsOnTheDeadLetterTopicWithItsReasonAndTheNextStepStillFlows() {
        String key = newRolloutId();
        String malformed = "{\"rolloutId\":\"" + key + "\",\"sequence\":\"first\"}";

        RecordMetadata sent = probe.send(Topics.ROLLOUT_STEPS, key, malformed);
        probe.send(Topics.ROLLOUT_STEPS, key, codec.encode(step(key, 1, 5, "noop")));

        ConsumerRecord<String, String> dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.ROLLOUT_STEPS), WAIT, r -> key.equals(r.key()));
        assertThat(dead.value()).isEqualTo(malformed);
        assertThat(header(dead, Topics.DLQ_REASON_HEADER))
                .isEqualTo(
                        "malformed RolloutStep: sequence: cannot read \"first\" as a whole number");
        assertThat(header(dead, Topics.DLQ_TOPIC_HEADER)).isEqualTo(Topics.ROLLOUT_STEPS);
        assertThat(header(dead, Topics.DLQ_PARTITION_HEADER))
                .isEqualTo(String.valueOf(sent.partition()));
        assertThat(header(dead, Topics.DLQ_OFFSET_HEADER)).isEqualTo(String.valueOf(sent.offset()));
        assertThat(awaitApplied(key, 1).outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);
    }

    private TrafficApplied awaitApplied(String rollout, long sequence) {
        ConsumerRecord<String, String> record =
                probe.awaitRecord(
                        Topics.TRAFFIC_APPLIED,
                        WAIT,
                        r ->
                                rollout.equals(r.key())
                                        && codec.decode(r.value(), TrafficApplied.class).sequence()
                                                == sequence);
        return codec.decode(record.value(), TrafficApplied.class);
    }

    private static String newRolloutId() {
        return "r-" + UUID.randomUUID();
    }

    static RolloutStep step(String rollout, long sequence, double canaryPercent, String adapter) {
        return new RolloutStep(
                RolloutStep.SCHEMA_VERSION,
                rollout,
                sequence,
                "checkout",
                "prod",
                new Backend("v1", List.of("http://127.0.0.1:9001")),
                new Backend("v2", List.of("http://127.0.0.1:9002")),
                Weights.canaryPercent(canaryPercent),
                List.of(),
                new GatewayBinding(adapter, "checkout-" + rollout, null, null),
                null,
                Instant.now());
    }
}
