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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

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
        consumer = BenchKafka.consumer(bootstrapServers, 2000);
        producer = BenchKafka.producer(bootstrapServers, 1);
        BenchKafka.createTopics(bootstrapServers);
        List<TopicPartition> partitions =
                consumer.partitionsFor(Topics.ROLLOUT_STEPS, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(Topics.ROLLOUT_STEPS, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        loop.start();
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
