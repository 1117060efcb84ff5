package dev.glide.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import jakarta.validation.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Records of schema version 1, exactly as the planner of that version wrote them (taken from its
 * log), are still read: a train's event that was a {@link RolloutEvent} with members becomes a
 * {@link TrainEvent}, and a command naming no target is aimed by its id.
 */
class VersionOneRecordsTest {

    private final EventCodec codec =
            new EventCodec(Validation.buildDefaultValidatorFactory().getValidator());

    @Test
    void aVersionOneTrainEventIsReadAsATrainEvent() {
        RolloutNews news = RolloutNews.read(codec, resource("/v1/train-event.json"));

        assertThat(news).isInstanceOf(TrainEvent.class);
        TrainEvent train = (TrainEvent) news;
        assertThat(train.trainId()).startsWith("train-");
        assertThat(train.name()).isEqualTo("kafka cdb6fd92");
        assertThat(train.to()).isEqualTo(RolloutState.PROGRESSING);
        assertThat(train.phaseIndex()).isZero();
        assertThat(train.phaseCount()).isEqualTo(5);
        assertThat(train.members())
                .extracting(TrainMember::service, TrainMember::state)
                .containsExactly(
                        tuple("backend-cdb6fd92", "CANARY"),
                        tuple("web-cdb6fd92", "WAITING"),
                        tuple("mobile-cdb6fd92", "WAITING"));
        assertThat(train.recordKey()).isEqualTo(train.trainId());
    }

    @Test
    void aVersionOneRolloutEventIsReadAsARolloutEvent() {
        RolloutNews news = RolloutNews.read(codec, resource("/v1/rollout-event.json"));

        assertThat(news).isInstanceOf(RolloutEvent.class);
        RolloutEvent event = (RolloutEvent) news;
        assertThat(event.schemaVersion()).isEqualTo(1);
        assertThat(event.analysis().analysisSequence()).isEqualTo(7);
        assertThat(event.weights().canary()).isEqualTo(10.0);
    }

    @Test
    void todaysEventsSayTheirKindAndReadBackAsWritten() {
        TrainEvent train = (TrainEvent) RolloutNews.read(codec, resource("/v1/train-event.json"));
        String written = codec.encode(train);

        assertThat(written).contains("\"kind\":\"train\"");
        assertThat(RolloutNews.read(codec, written)).isEqualTo(train);
        RolloutEvent rollout =
                (RolloutEvent) RolloutNews.read(codec, resource("/v1/rollout-event.json"));
        assertThat(codec.encode(rollout)).contains("\"kind\":\"rollout\"");
    }

    @Test
    void anUnknownKindIsRefusedNamingTheKindsThereAre() {
        assertThatThrownBy(() -> RolloutNews.read(codec, "{\"kind\":\"experiment\"}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("kind: 'experiment' is not one of rollout, train");
    }

    @Test
    void aVersionOneCommandIsAimedByItsId() {
        String v1 =
                "{\"schemaVersion\":1,\"commandId\":\"c-1\",\"rolloutId\":\"%s\",\"type\":\"ABORT\","
                        + "\"actor\":\"alice\",\"source\":\"kafka\"}";

        assertThat(codec.decode(v1.formatted("train-42"), RolloutCommand.class).target())
                .isEqualTo(RolloutCommand.Target.TRAIN);
        assertThat(codec.decode(v1.formatted("r-42"), RolloutCommand.class).target())
                .isEqualTo(RolloutCommand.Target.ROLLOUT);
    }

    @Test
    void aCommandThatNamesItsTargetIsAimedByIt() {
        String v2 =
                "{\"schemaVersion\":2,\"commandId\":\"c-2\",\"rolloutId\":\"train-7\",\"type\":\"PAUSE\","
                        + "\"actor\":\"bob\",\"target\":\"ROLLOUT\"}";

        assertThat(codec.decode(v2, RolloutCommand.class).forTrain()).isFalse();
    }

    private static String resource(String name) {
        try (InputStream in = VersionOneRecordsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
