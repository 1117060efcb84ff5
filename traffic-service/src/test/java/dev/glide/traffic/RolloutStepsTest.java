package dev.glide.traffic;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
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

    @Test
    void manyRoutesAreSteppedAtOnceAndEachRoutesStepsAreAppliedInTheOrderTheyCame() {
        List<String> rollouts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rollouts.add(newRolloutId());
        }
        // every route's ten steps, interleaved with every other route's
        for (int sequence = 1; sequence <= 10; sequence++) {
            for (String rollout : rollouts) {
                probe.send(
                        Topics.ROLLOUT_STEPS,
                        rollout,
                        codec.encode(step(rollout, sequence, sequence * 10, "noop")));
            }
        }

        Set<String> ours = Set.copyOf(rollouts);
        Map<String, List<Long>> answered =
                probe
                        .awaitRecords(
                                Topics.TRAFFIC_APPLIED, WAIT, 400, r -> ours.contains(r.key()))
                        .stream()
                        .map(r -> codec.decode(r.value(), TrafficApplied.class))
                        .peek(
                                a ->
                                        assertThat(a.outcome())
                                                .as(a.reason())
                                                .isEqualTo(TrafficApplied.Outcome.APPLIED))
                        .collect(
                                Collectors.groupingBy(
                                        TrafficApplied::rolloutId,
                                        Collectors.mapping(
                                                TrafficApplied::sequence, Collectors.toList())));
        // none overtook another of its route: each was newer than the last, so each was applied
        assertThat(answered).hasSize(40);
        assertThat(answered.values())
                .allSatisfy(
                        sequences ->
                                assertThat(sequences)
                                        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
    }

    @Test
    void aGatewayThatHangsHoldsOnlyItsOwnRouteAnotherRoutesStepIsConfirmedMeanwhile()
            throws Exception {
        // a Runtime API that takes connections and never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor =
                    new Thread(
                            () -> {
                                while (!silent.isClosed()) {
                                    try {
                                        held.add(silent.accept());
                                    } catch (Exception closed) {
                                        return;
                                    }
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            String hung = newRolloutId();
            RolloutStep toSilent =
                    step(
                            hung,
                            1,
                            10,
                            new GatewayBinding(
                                    "haproxy",
                                    "checkout",
                                    "stable",
                                    "canary",
                                    "127.0.0.1:" + silent.getLocalPort(),
                                    null));
            probe.send(Topics.ROLLOUT_STEPS, hung, codec.encode(toSilent));
            await().atMost(WAIT).until(() -> !held.isEmpty());

            String other = newRolloutId();
            probe.send(Topics.ROLLOUT_STEPS, other, codec.encode(step(other, 1, 5, "noop")));

            assertThat(awaitApplied(other, 1).outcome()).isEqualTo(TrafficApplied.Outcome.APPLIED);
            assertThat(probe.readAll(Topics.TRAFFIC_APPLIED, r -> hung.equals(r.key())))
                    .as("the hung gateway's step is still being tried")
                    .isEmpty();
            TrafficApplied gaveUp = awaitApplied(hung, 1);
            assertThat(gaveUp.outcome()).isEqualTo(TrafficApplied.Outcome.FAILED);
            assertThat(gaveUp.reason()).contains("tries");
            held.forEach(
                    socket -> {
                        try {
                            socket.close();
                        } catch (Exception ignored) {
                            // closing what the test held open
                        }
                    });
        }
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
        return step(
                rollout,
                sequence,
                canaryPercent,
                new GatewayBinding(adapter, "checkout-" + rollout, null, null));
    }

    private static RolloutStep step(
            String rollout, long sequence, double canaryPercent, GatewayBinding gateway) {
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
                gateway,
                null,
                Instant.now());
    }
}
