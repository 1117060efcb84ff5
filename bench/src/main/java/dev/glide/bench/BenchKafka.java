package dev.glide.bench;

import dev.glide.contract.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka clients the benchmarks that stand in for a service use, and the topics they need. */
final class BenchKafka {

    private BenchKafka() {}

    /** A consumer of text records that commits nothing (it is assigned partitions, not a group). */
    static KafkaConsumer<String, String> consumer(String bootstrapServers, int maxPollRecords) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        maxPollRecords,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName()));
    }

    static KafkaProducer<String, String> producer(String bootstrapServers, int lingerMs) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        lingerMs,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        StringSerializer.class.getName()));
    }

    /**
     * The planner's topics, made before anyone uses them (the services make theirs on first use:
     * before that there would be no partitions to listen to), with the partitions a deployment
     * would give them.
     */
    static void createTopics(String bootstrapServers) {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    List.of(
                                    Topics.ROLLOUT_STEPS,
                                    Topics.TRAFFIC_APPLIED,
                                    Topics.ROLLOUT_EVENTS,
                                    Topics.RELEASE_EVENTS,
                                    Topics.ANALYSIS_VERDICTS,
                                    Topics.ROLLOUT_COMMANDS,
                                    Topics.CDEVENTS)
                            .stream()
                            .filter(t -> !existing.contains(t))
                            .map(t -> new NewTopic(t, 6, (short) 1))
                            .toList();
            admin.createTopics(missing).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the benchmark's topics", e);
        }
    }
}
