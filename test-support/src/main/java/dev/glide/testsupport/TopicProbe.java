package dev.glide.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records to a real topic and waits for records on another, as a test's eyes on the broker.
 * It reads every partition from the beginning without joining a consumer group, so it sees what was
 * written before it looked and costs no rebalance.
 */
public final class TopicProbe implements AutoCloseable {

    /**
     * How long a test waits for a record before it fails: generous, since a first poll joins a
     * fresh broker.
     */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static TopicProbe shared;

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;

    public TopicProbe(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName(),
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName()));
    }

    /**
     * The probe for the broker of this test JVM, shared by its test classes and closed when the JVM
     * exits.
     */
    public static synchronized TopicProbe shared() {
        if (shared == null) {
            TopicProbe probe = new TopicProbe(RealInfrastructure.bootstrapServers());
            Runtime.getRuntime().addShutdownHook(new Thread(probe::close, "close-topic-probe"));
            shared = probe;
        }
        return shared;
    }

    /** Waits the default {@link #WAIT} for a matching record on {@code topic}. */
    public ConsumerRecord<String, String> awaitRecord(
            String topic, Predicate<ConsumerRecord<String, String>> matching) {
        return awaitRecord(topic, WAIT, matching);
    }

    /** Writes one record and waits until the broker has it. */
    public RecordMetadata send(String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    /**
     * Writes one record without waiting, as a gateway publishes its metrics: while the record's
     * partition has no leader the producer holds it, and records for other partitions go on.
     */
    public Future<RecordMetadata> sendWithoutWaiting(String topic, String key, String value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Waits until a record on {@code topic} matches, and returns the first that does. */
    public ConsumerRecord<String, String> awaitRecord(
            String topic, Duration timeout, Predicate<ConsumerRecord<String, String>> matching) {
        List<ConsumerRecord<String, String>> found = awaitRecords(topic, timeout, 1, matching);
        return found.get(0);
    }

    /**
     * Waits until at least {@code count} records on {@code topic} match, and returns all that
     * match.
     */
    public List<ConsumerRecord<String, String>> awaitRecords(
            String topic,
            Duration timeout,
            int count,
            Predicate<ConsumerRecord<String, String>> matching) {
        List<ConsumerRecord<String, String>> matches = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                if (consumer.assignment().isEmpty()) {
                                    assignAll(consumer, topic);
                                    if (consumer.assignment().isEmpty()) {
                                        return false; // the topic is still being created
                                    }
                                }
                                for (ConsumerRecord<String, String> record :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    if (matching.test(record)) {
                                        matches.add(record);
                                    }
                                }
                                return matches.size() >= count;
                            });
        }
        return matches;
    }

    /** Everything on {@code topic} now that matches, without waiting for more. */
    public List<ConsumerRecord<String, String>> readAll(
            String topic, Predicate<ConsumerRecord<String, String>> matching) {
        List<ConsumerRecord<String, String>> matches = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assignAll(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream()
                    .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (matching.test(record)) {
                        matches.add(record);
                    }
                }
            }
        }
        return matches;
    }

    /** A header's value as text, or null when the record does not carry it. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void assignAll(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class.getName()));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
