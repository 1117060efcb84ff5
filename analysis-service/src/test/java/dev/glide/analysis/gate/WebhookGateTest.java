package dev.glide.analysis.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.analysis.source.AnalysedRollout;
import dev.glide.contract.Backend;
import dev.glide.contract.Gate;
import dev.glide.contract.GateTargets;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook gates against a real HTTP receiver that checks their signature. */
class WebhookGateTest {

    private static final String SECRET = "s3cret";
    private static final AnalysedRollout ROLLOUT =
            new AnalysedRollout("r-1", "checkout", "v1", "v2");

    private static final GateTargets TARGETS =
            new GateTargets(
                    new Backend("v1", List.of("http://10.0.0.1:8080")),
                    new Backend("v2", List.of("http://10.0.0.2:8080", "http://10.0.0.3:8080")),
                    List.of(
                            new MatchRule(
                                    MatchRule.Kind.HEADER,
                                    "x-glide-preview",
                                    "true",
                                    Role.CANARY)));

    private final WebhookGate gates =
            new WebhookGate(new ObjectMapper(), Optional.empty(), Map.of("checkout", SECRET));
    private GateReceiver receiver;

    @BeforeEach
    void start() {
        receiver = GateReceiver.start(SECRET);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void a2xxPassesAndTheReceiverGetsTheRolloutSigned() {
        GateOutcome outcome = call(gate("smoke", "/ok", "2s", 0, "abort"));

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.finding().check().detail()).contains("answered 204");
        assertThat(receiver.badSignatures()).isZero();
        assertThat(receiver.received()).hasSize(1);
        JsonNode payload = receiver.received().get(0);
        assertThat(payload.path("rolloutId").asText()).isEqualTo("r-1");
        assertThat(payload.path("service").asText()).isEqualTo("checkout");
        assertThat(payload.path("stableVersion").asText()).isEqualTo("v1");
        assertThat(payload.path("canaryVersion").asText()).isEqualTo("v2");
        assertThat(payload.path("phase").asText()).isEqualTo("preRollout");
        assertThat(payload.path("gate").asText()).isEqualTo("smoke");
        assertThat(payload.path("window").asInt()).isEqualTo(1);
        assertThat(payload.path("canary").path("endpoints").toString())
                .isEqualTo("[\"http://10.0.0.2:8080\",\"http://10.0.0.3:8080\"]");
        assertThat(payload.path("stable").path("version").asText()).isEqualTo("v1");
        assertThat(payload.path("canaryRules").get(0).path("name").asText())
                .as("how to reach the preview through the gateway")
                .isEqualTo("x-glide-preview");
    }

    @Test
    void anotherStatusFailsWithTheStatusAndTheBodyAfterItsRetries() {
        GateOutcome outcome = call(gate("tests", "/red", "2s", 2, "abort"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.finding().status()).isEqualTo(Status.FAIL);
        assertThat(outcome.finding().check().detail())
                .contains("answered 500: " + GateReceiver.RED)
                .contains("3 tries");
        assertThat(receiver.received()).hasSize(3);
    }

    @Test
    void aGateThatPausesOnFailureIsInconclusiveNotFailed() {
        GateOutcome outcome = call(gate("tests", "/red", "2s", 0, "pause"));

        assertThat(outcome.finding().status()).isEqualTo(Status.INCONCLUSIVE);
    }

    @Test
    void aHangingReceiverFailsTheGateAfterItsTimeout() {
        GateOutcome outcome = call(gate("slow", "/hang", "300ms", 1, "abort"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.finding().check().detail())
                .contains("gave no whole answer within 300ms")
                .contains("2 tries");
    }

    @Test
    void aHugeAnswerFailsWithItsFirstCharactersOnly() {
        GateOutcome outcome = call(gate("big", "/huge", "5s", 0, "abort"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.finding().check().detail())
                .contains("answered 500: " + "x".repeat(WebhookGate.REASON_CHARS) + "...")
                .hasSizeLessThan(600);
    }

    @Test
    void aRefusedConnectionFailsTheGate() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GateOutcome outcome =
                call(
                        new Gate(
                                "gone",
                                "preRollout",
                                "http://127.0.0.1:" + port + "/gate",
                                "1s",
                                0,
                                "abort"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.finding().check().detail()).contains("is unreachable");
    }

    private GateOutcome call(Gate gate) {
        return new GateOutcome(gate, gates.call(ROLLOUT, 1, 1, gate, TARGETS));
    }

    private Gate gate(String name, String path, String timeout, int retries, String onFailure) {
        return new Gate(name, "preRollout", receiver.url(path), timeout, retries, onFailure);
    }
}
