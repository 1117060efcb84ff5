package dev.glide.planner;

import static dev.glide.testsupport.TopicProbe.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.Topics;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inputs the planner reads with several consumers each: a record none can read waits on its
 * dead-letter topic.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class InputDeadLettersTest {

    private final TopicProbe probe = TopicProbe.shared();

    @ParameterizedTest
    @CsvSource({
        "traffic-applied, TrafficApplied",
        "analysis-verdicts, AnalysisVerdict",
        "rollout-commands, RolloutCommand"
    })
    void aRecordNoConsumerCanReadLandsUnchangedOnItsDeadLetterTopicWithTheReason(
            String topic, String type) {
        String key = "r-" + UUID.randomUUID();
        String malformed = "{\"not\": \"a " + type + "\"}";

        RecordMetadata sent = probe.send(topic, key, malformed);

        ConsumerRecord<String, String> dead =
                probe.awaitRecord(
                        Topics.deadLetterOf(topic), TopicProbe.WAIT, r -> key.equals(r.key()));
        assertThat(dead.value()).isEqualTo(malformed);
        assertThat(header(dead, Topics.DLQ_REASON_HEADER)).startsWith("malformed " + type + ": ");
        assertThat(header(dead, Topics.DLQ_TOPIC_HEADER)).isEqualTo(topic);
        assertThat(header(dead, Topics.DLQ_OFFSET_HEADER)).isEqualTo(String.valueOf(sent.offset()));
    }
}
