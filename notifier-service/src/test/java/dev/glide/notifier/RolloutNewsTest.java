package dev.glide.notifier;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.Weights;
import dev.glide.notifier.channel.WebhookChannel;
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
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(WebhookReceiver.class)
class RolloutNewsTest implements ServesOperationalEndpoints {

    private static final Duration WAIT = TopicProbe.WAIT;
    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void aRolloutEventIsDeliveredSignedAndARedeliveredOneIsNotSentAgain() {
        String rollout = "r-" + UUID.randomUUID();

        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                codec.encode(event(rollout, 1, null, RolloutState.PENDING)));
        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                codec.encode(event(rollout, 1, null, RolloutState.PENDING)));
        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                codec.encode(event(rollout, 3, RolloutState.PENDING, RolloutState.PROGRESSING)));

        await().atMost(WAIT)
                .until(
                        () ->
                                calls(rollout).size() >= 2
                                        && calls(rollout).get(1).body().contains("PROGRESSING"));
        List<WebhookReceiver.Call> calls = calls(rollout);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).body())
                .contains("\"text\":\"checkout v2 (canary, prod): PENDING, canary 5.0 %\"");
        assertThat(calls.get(1).body())
                .contains(
                        "\"text\":\"checkout v2 (canary, prod): PENDING -> PROGRESSING, canary 5.0 %\"");
        WebhookReceiver.Call first = calls.get(0);
        assertThat(first.signature())
                .isEqualTo(
                        "sha256="
                                + WebhookChannel.sign(
                                        WebhookReceiver.SECRET,
                                        first.timestamp() + "." + first.body()));
    }

    @Test
    void aVerdictIsDeliveredWithItsScoreAndSummary() {
        String rollout = "r-" + UUID.randomUUID();
        var verdict =
                new AnalysisVerdict(
                        AnalysisVerdict.SCHEMA_VERSION,
                        rollout,
                        2,
                        1,
                        AnalysisVerdict.Verdict.FAIL,
                        20,
                        List.of(),
                        "canary error rate 5.00 % exceeds the ceiling of 1.00 %",
                        Instant.now());

        probe.send(Topics.ANALYSIS_VERDICTS, rollout, codec.encode(verdict));

        await().atMost(WAIT).until(() -> !calls(rollout).isEmpty());
        assertThat(calls(rollout).get(0).body())
                .contains("\"kind\":\"analysis-verdict\"")
                .contains(
                        "\"text\":\"analysis window 1: FAIL (score 20) canary error rate 5.00 % exceeds the ceiling of 1.00 %\"");
    }

    @Test
    void malformedRecordsOnEitherInputLandOnTheirDeadLetterTopicsWithTheReason() {
        String rollout = "r-" + UUID.randomUUID();

        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                "{\"rolloutId\":\"" + rollout + "\",\"to\":\"EXPLODED\"}");
        probe.send(Topics.ANALYSIS_VERDICTS, rollout, "{\"rolloutId\":\"" + rollout + "\"");

        ConsumerRecord<String, String> deadEvent =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.ROLLOUT_EVENTS),
                        WAIT,
                        r -> rollout.equals(r.key()));
        assertThat(header(deadEvent, Topics.DLQ_REASON_HEADER))
                .startsWith("malformed RolloutEvent: to: cannot read \"EXPLODED\" as one of [");
        ConsumerRecord<String, String> deadVerdict =
                probe.awaitRecord(
                        Topics.deadLetterOf(Topics.ANALYSIS_VERDICTS),
                        WAIT,
                        r -> rollout.equals(r.key()));
        assertThat(header(deadVerdict, Topics.DLQ_REASON_HEADER))
                .startsWith("malformed AnalysisVerdict: not valid JSON");
        assertThat(calls(rollout)).isEmpty();
    }

    private static List<WebhookReceiver.Call> calls(String rollout) {
        return WebhookReceiver.CALLS.stream().filter(c -> c.body().contains(rollout)).toList();
    }

    private static RolloutEvent event(
            String rollout, long sequence, RolloutState from, RolloutState to) {
        return new RolloutEvent(
                RolloutEvent.SCHEMA_VERSION,
                rollout,
                sequence,
                "checkout",
                "prod",
                "canary",
                "v1",
                "v2",
                from,
                to,
                0,
                4,
                Weights.canaryPercent(5),
                "test",
                null,
                null,
                null,
                Instant.now(),
                "payments");
    }
}
