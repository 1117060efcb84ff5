package dev.glide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glide.contract.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the traffic service for the planner benchmark: answers every rollout step with an APPLIED
 * read-back and measures the step latency, from sending the answer to receiving the rollout's next
 * step. Steps of "paced" rollouts are answered at a fixed rate instead of at once.
 */
final class StepAcker implements AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    private final Map<String, Set<Long>> seen = new ConcurrentHashMap<>();
    private final Set<String> paced = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<JsonNode> pacedQueue = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    private final Thread loop = new Thread(this::run, "step-acker");
    private volatile boolean running = true;
    private volatile boolean measuringPaced;

    /**
     * Wall-clock time each step was answered and each step arrived, by "rolloutId/sequence", for
     * the breakdown.
     */
    final Map<String, Instant> answeredWall = new ConcurrentHashMap<>();

    final Map<String, Instant> arrivedWall = new ConcurrentHashMap<>();

    final Latencies burst = new Latencies();
    final Latencies steady = new Latencies();
    final AtomicLong received = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();

    StepAcker(String bootstrapServers) {
        consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                2000,
                                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                                StringDeserializer.class.getName(),
                                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                                StringDeserializer.class.getName()));
        producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.LINGER_MS_CONFIG,
                                1,
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName(),
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                StringSerializer.class.getName()));
        createTopics(bootstrapServers);
        List<TopicPartition> partitions =
                consumer.partitionsFor(Topics.ROLLOUT_STEPS, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(Topics.ROLLOUT_STEPS, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        loop.start();
    }

    /**
     * The planner's topics, made before anyone uses them, with the partitions a deployment would
     * give them.
     */
    private static void createTopics(String bootstrapServers) {
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

    /** Answers this rollout's steps at the paced rate rather than at once. */
    void pace(String rolloutId) {
        paced.add(rolloutId);
    }

    /**
     * Starts answering paced steps, {@code perSecond} of them a second (measured only once {@link
     * #measure} is called).
     */
    void startPaced(int perSecond) {
        pacer.scheduleAtFixedRate(
                () -> {
                    JsonNode step = pacedQueue.poll();
                    if (step != null) {
                        answer(step);
                    }
                },
                0,
                1_000_000 / perSecond,
                TimeUnit.MICROSECONDS);
    }

    /** From now on, paced steps' latencies count. */
    void measure() {
        measuredFrom = Instant.now();
        measuringPaced = true;
    }

    /** When measuring began. */
    volatile Instant measuredFrom = Instant.MAX;

    void stopPaced() {
        measuringPaced = false;
        pacer.shutdownNow();
    }

    /** Distinct steps received for a rollout. */
    int stepsOf(String rolloutId) {
        return seen.getOrDefault(rolloutId, Set.of()).size();
    }

    private void run() {
        while (running) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                long now = System.nanoTime();
                received.incrementAndGet();
                JsonNode step = read(record.value());
                String rollout = record.key();
                arrivedWall.put(rollout + "/" + step.path("sequence").asLong(), Instant.now());
                if (!seen.computeIfAbsent(rollout, k -> ConcurrentHashMap.newKeySet())
                        .add(step.path("sequence").asLong())) {
                    duplicates.incrementAndGet();
                    continue;
                }
                Long sent = answeredAt.remove(rollout);
                if (sent != null) {
                    double ms = (now - sent) / 1e6;
                    if (paced.contains(rollout)) {
                        if (measuringPaced) {
                            steady.add(ms);
                        }
                    } else {
                        burst.add(ms);
                    }
                }
                if (paced.contains(rollout)) {
                    pacedQueue.add(step);
                } else {
                    answer(step);
                }
            }
        }
    }

    private void answer(JsonNode step) {
        ObjectNode applied = mapper.createObjectNode();
        applied.put("schemaVersion", 1);
        applied.put("rolloutId", step.path("rolloutId").asText());
        applied.put("sequence", step.path("sequence").asLong());
        applied.put("service", step.path("service").asText());
        applied.put("outcome", "APPLIED");
        applied.set("served", step.path("weights"));
        applied.put("adapter", "bench");
        applied.put("appliedAt", Instant.now().toString());
        String rollout = step.path("rolloutId").asText();
        answeredAt.put(rollout, System.nanoTime());
        answeredWall.put(rollout + "/" + step.path("sequence").asLong(), Instant.now());
        producer.send(new ProducerRecord<>(Topics.TRAFFIC_APPLIED, rollout, applied.toString()));
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        loop.join(5000);
        pacer.shutdownNow();
        consumer.close();
        producer.close(Duration.ofSeconds(5));
    }
}
