package dev.glide.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec =
            new EventCodec(Validation.buildDefaultValidatorFactory().getValidator());

    private static RolloutStep step() {
        return new RolloutStep(
                0,
                "r-1",
                3,
                "checkout",
                "prod",
                new Backend("v1", List.of("http://127.0.0.1:9001")),
                new Backend("v2", List.of("http://127.0.0.1:9002")),
                Weights.canaryPercent(5),
                List.of(new MatchRule(MatchRule.Kind.HEADER, "x-beta", "true", Role.CANARY)),
                new GatewayBinding("embedded", "checkout", null, null),
                null,
                Instant.parse("2026-11-24T10:00:00Z"));
    }

    /** The same rollout's step {@code sequence}, with these weights and rules. */
    private static RolloutStep step(long sequence, Weights weights, List<MatchRule> rules) {
        RolloutStep step = step();
        return new RolloutStep(
                0,
                step.rolloutId(),
                sequence,
                step.service(),
                step.environment(),
                step.stable(),
                step.canary(),
                weights,
                rules,
                step.gateway(),
                null,
                null);
    }

    @Test
    void everyEventRoundTripsWithItsSchemaVersion() {
        RolloutStep step = step();
        String json = codec.encode(step);

        assertThat(json)
                .contains("\"schemaVersion\":1")
                .contains("\"emittedAt\":\"2026-11-24T10:00:00Z\"");
        assertThat(codec.decode(json, RolloutStep.class)).isEqualTo(step);
        assertThat(step.recordKey()).isEqualTo("r-1");
    }

    @Test
    void onlyWhatTakesUsersBackToStableIsUrgentAndUrgencyIsNotOnTheWire() {
        RolloutStep canary = step();
        RolloutStep weightOnly = step(4, Weights.canaryPercent(5), List.of());
        RolloutStep back = step(5, Weights.allStable(), List.of());
        RolloutStep backButBetaTesters = step(6, Weights.allStable(), canary.matchRules());

        assertThat(canary.urgent()).isFalse();
        assertThat(weightOnly.urgent()).isFalse();
        assertThat(backButBetaTesters.urgent()).isFalse();
        assertThat(back.urgent()).isTrue();
        assertThat(codec.encode(back)).doesNotContain("urgent");
        assertThat(codec.decode(codec.encode(back), RolloutStep.class)).isEqualTo(back);

        assertThat(readBack(Weights.allStable()).urgent()).isTrue();
        assertThat(readBack(Weights.canaryPercent(5)).urgent()).isFalse();
    }

    private static TrafficApplied readBack(Weights served) {
        return new TrafficApplied(
                0,
                "r-1",
                5,
                "checkout",
                TrafficApplied.Outcome.APPLIED,
                served,
                List.of(),
                "noop",
                null,
                null);
    }

    @Test
    void releaseEventsAreKeyedByServiceAndEverythingElseByRollout() {
        var release =
                new ReleaseEvent(
                        0,
                        "e-1",
                        "checkout",
                        "v2",
                        "prod",
                        null,
                        List.of("http://h:1"),
                        null,
                        null,
                        null);
        var command =
                new RolloutCommand(
                        0, "c-1", "r-9", RolloutCommand.Type.ABORT, "alice", "api", null, null);

        assertThat(release.recordKey()).isEqualTo("checkout");
        assertThat(command.recordKey()).isEqualTo("r-9");
    }

    @Test
    void missingFieldsAreEachNamed() {
        assertThatThrownBy(
                        () ->
                                codec.decode(
                                        "{\"service\":\"checkout\",\"endpoints\":[]}",
                                        ReleaseEvent.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("malformed ReleaseEvent: ")
                .hasMessageContaining("endpoints: must not be empty")
                .hasMessageContaining("environment: must not be blank")
                .hasMessageContaining("version: must not be blank");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithWhatWasExpected() {
        String json = codec.encode(step()).replace("\"sequence\":3", "\"sequence\":\"third\"");

        assertThatThrownBy(() -> codec.decode(json, RolloutStep.class))
                .hasMessageContaining("sequence: cannot read \"third\" as a whole number");
    }

    @Test
    void anUnknownEnumValueListsTheAllowedOnes() {
        String json =
                "{\"commandId\":\"c\",\"rolloutId\":\"r\",\"type\":\"EXPLODE\",\"actor\":\"a\"}";

        assertThatThrownBy(() -> codec.decode(json, RolloutCommand.class))
                .hasMessageContaining(
                        "type: cannot read \"EXPLODE\" as one of [PROMOTE, ABORT, PAUSE, RESUME]");
    }

    @Test
    void weightsThatDoNotAddUpToAHundredAreRefusedOnTheObject() {
        String json = codec.encode(step()).replace("\"stable\":95.0", "\"stable\":90.0");

        assertThatThrownBy(() -> codec.decode(json, RolloutStep.class))
                .hasMessage("malformed RolloutStep: weights: stable and canary must add up to 100");
    }

    @Test
    void aSchemaVersionNewerThanTheConsumerIsRefused() {
        String json = codec.encode(step()).replace("\"schemaVersion\":1", "\"schemaVersion\":2");

        assertThatThrownBy(() -> codec.decode(json, RolloutStep.class))
                .hasMessageContaining("schemaVersion: must be less than or equal to 1 (was 2)");
    }

    @Test
    void notJsonAtAllIsSaidPlainly() {
        assertThatThrownBy(() -> codec.decode("weights=50", RolloutStep.class))
                .hasMessageStartingWith("malformed RolloutStep: not valid JSON");
        assertThatThrownBy(() -> codec.decode("", RolloutStep.class))
                .hasMessage("malformed RolloutStep: the record has no value");
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() {
        String json =
                codec.encode(step())
                        .replace("{\"schemaVersion\"", "{\"futureField\":42,\"schemaVersion\"");

        assertThat(codec.decode(json, RolloutStep.class)).isEqualTo(step());
    }

    @Test
    void aMetricsWindowWithMoreErrorsThanRequestsIsRefused() {
        var window =
                new TrafficMetrics.VersionWindow(
                        Role.CANARY,
                        "v2",
                        10,
                        11,
                        new LatencyHistogram(List.of(10.0, 100.0), List.of(5L, 4L, 1L)));
        var metrics =
                new TrafficMetrics(
                        0,
                        "r",
                        "s",
                        Instant.EPOCH,
                        Instant.EPOCH.plusSeconds(1),
                        "test",
                        List.of(window));

        assertThatThrownBy(() -> codec.decode(codec.encode(metrics), TrafficMetrics.class))
                .hasMessage("malformed TrafficMetrics: versions[0]: errors cannot exceed requests");
    }

    @Test
    void deadLetterTopicsFollowSmallRyesDefaultName() {
        assertThat(Topics.deadLetterOf(Topics.ROLLOUT_STEPS))
                .isEqualTo("dead-letter-topic-rollout-steps");
    }
}
