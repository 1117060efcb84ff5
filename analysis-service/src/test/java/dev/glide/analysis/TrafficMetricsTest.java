package dev.glide.analysis;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.Role;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
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
class TrafficMetricsTest implements ServesOperationalEndpoints {

    private static final Duration WAIT = TopicProbe.WAIT;
    private final TopicProbe probe = TopicProbe.shared();

    @Inject
    EventCodec codec;

    @Test
    void aCanaryServingErrorsIsJudgedFailWithItsEvidence() {
        String rollout = "r-" + UUID.randomUUID();

        probe.send(Topics.TRAFFIC_METRICS, rollout, codec.encode(window(rollout, 500, 25)));

        AnalysisVerdict verdict = awaitVerdict(rollout);
        assertThat(verdict.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict.window()).isEqualTo(1);
        AnalysisVerdict.Check check = verdict.checks().get(0);
        assertThat(check.metric()).isEqualTo("error-rate");
        assertThat(check.canary()).isEqualTo(0.05);
        assertThat(check.baseline()).isEqualTo(0.001);
        assertThat(check.threshold()).isEqualTo(0.01);
        assertThat(check.passed()).isFalse();
    }

    @Test
    void aHealthyCanaryIsJudgedPass() {
        String rollout = "r-" + UUID.randomUUID();

        probe.send(Topics.TRAFFIC_METRICS, rollout, codec.encode(window(rollout, 500, 0)));

        assertThat(awaitVerdict(rollout).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void aCanaryWithAlmostNoTrafficIsInconclusive() {
        String rollout = "r-" + UUID.randomUUID();

        probe.send(Topics.TRAFFIC_METRICS, rollout, codec.encode(window(rollout, 3, 0)));

        assertThat(awaitVerdict(rollout).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void aMalformedWindowLandsOnTheDeadLetterTopicWithItsReason() {
        String rollout = "r-" + UUID.randomUUID();
        String malformed = codec.encode(window(rollout, 10, 0)).replace("\"errors\":0", "\"errors\":11");

        RecordMetadata sent = probe.send(Topics.TRAFFIC_METRICS, rollout, malformed);

        ConsumerRecord<String, String> dead = probe.awaitRecord(Topics.deadLetterOf(Topics.TRAFFIC_METRICS), WAIT,
                r -> rollout.equals(r.key()));
        assertThat(dead.value()).isEqualTo(malformed);
        assertThat(header(dead, Topics.DLQ_REASON_HEADER))
                .isEqualTo("malformed TrafficMetrics: versions[1]: errors cannot exceed requests");
        assertThat(header(dead, Topics.DLQ_TOPIC_HEADER)).isEqualTo(Topics.TRAFFIC_METRICS);
        assertThat(header(dead, Topics.DLQ_OFFSET_HEADER)).isEqualTo(String.valueOf(sent.offset()));
    }

    private AnalysisVerdict awaitVerdict(String rollout) {
        return codec.decode(probe.awaitRecord(Topics.ANALYSIS_VERDICTS, WAIT, r -> rollout.equals(r.key())).value(),
                AnalysisVerdict.class);
    }

    private static TrafficMetrics window(String rollout, long canaryRequests, long canaryErrors) {
        Instant start = Instant.parse("2026-11-24T12:00:00Z");
        return new TrafficMetrics(TrafficMetrics.SCHEMA_VERSION, rollout, "checkout", start, start.plusSeconds(10),
                "embedded", List.of(
                        new VersionWindow(Role.STABLE, "v1", 1000, 1, null),
                        new VersionWindow(Role.CANARY, "v2", canaryRequests, canaryErrors, null)));
    }
}
