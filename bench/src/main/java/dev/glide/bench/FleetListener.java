package dev.glide.bench;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the fleet benchmark hears on the broker, as it happens: every step the planner publishes and
 * every report of the traffic service (by rollout), and every analysis the planner asks for, which
 * it answers in the analysis service's place — PASS at once, or, for rollouts it holds, the verdict
 * it is told later. Only the planner and the traffic service run: what is measured is theirs.
 */
final class FleetListener implements AutoCloseable {

    private final EventCodec codec;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread loop = new Thread(this::run, "fleet-listener");
    private volatile boolean running = true;

    final Map<String, List<RolloutStep>> steps = new ConcurrentHashMap<>();
    final Map<String, List<TrafficApplied>> reports = new ConcurrentHashMap<>();

    /** When each step reached the broker ("rolloutId/sequence" -> the record's timestamp). */
    final Map<String, Instant> stepPublished = new ConcurrentHashMap<>();

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Map<String, RolloutEvent> pending = new ConcurrentHashMap<>();
    private final Set<String> judged = ConcurrentHashMap.newKeySet();

    FleetListener(String bootstrapServers, EventCodec codec) {
        this.codec = codec;
        consumer = BenchKafka.consumer(bootstrapServers, 5000);
        producer = BenchKafka.producer(bootstrapServers, 0);
        BenchKafka.createTopics(bootstrapServers);
        List<String> topics =
                List.of(Topics.ROLLOUT_STEPS, Topics.TRAFFIC_APPLIED, Topics.ROLLOUT_EVENTS);
        List<TopicPartition> partitions =
                topics.stream()
                        .flatMap(
                                topic ->
                                        consumer
                                                .partitionsFor(topic, Duration.ofSeconds(30))
                                                .stream()
                                                .map(p -> new TopicPartition(topic, p.partition())))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // from now on
        loop.setDaemon(true);
        loop.start();
    }

    /** The analyses of {@code rolloutId} wait for {@link #judge} instead of passing at once. */
    void hold(String rolloutId) {
        held.add(rolloutId);
    }

    /** Answers the held rollout's waiting analysis with {@code verdict}; when it was decided. */
    Instant judge(String rolloutId, AnalysisVerdict.Verdict verdict) {
        held.remove(rolloutId);
        RolloutEvent event = pending.remove(rolloutId);
        return event == null ? null : answer(event, verdict);
    }

    boolean waiting(String rolloutId) {
        return pending.containsKey(rolloutId);
    }

    List<TrafficApplied> reportsOf(String rolloutId) {
        return reports.getOrDefault(rolloutId, List.of());
    }

    List<RolloutStep> stepsOf(String rolloutId) {
        return steps.getOrDefault(rolloutId, List.of());
    }

    private void run() {
        while (running) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                try {
                    take(record);
                } catch (RuntimeException e) {
                    // a train's event on rollout-events, or anything else this bench does not read
                }
            }
        }
    }

    private void take(ConsumerRecord<String, String> record) {
        switch (record.topic()) {
            case Topics.ROLLOUT_STEPS -> {
                RolloutStep step = codec.decode(record.value(), RolloutStep.class);
                steps.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>()).add(step);
                stepPublished.putIfAbsent(
                        step.rolloutId() + "/" + step.sequence(),
                        Instant.ofEpochMilli(record.timestamp()));
            }
            case Topics.TRAFFIC_APPLIED ->
                    reports.computeIfAbsent(record.key(), k -> new CopyOnWriteArrayList<>())
                            .add(codec.decode(record.value(), TrafficApplied.class));
            default -> {
                if (record.key().startsWith("train-")) {
                    return;
                }
                RolloutEvent event = codec.decode(record.value(), RolloutEvent.class);
                if (event.analysis() == null
                        || !judged.add(
                                event.rolloutId() + "/" + event.analysis().analysisSequence())) {
                    return;
                }
                if (held.contains(event.rolloutId())) {
                    pending.put(event.rolloutId(), event);
                } else {
                    answer(event, AnalysisVerdict.Verdict.PASS);
                }
            }
        }
    }

    private Instant answer(RolloutEvent event, AnalysisVerdict.Verdict verdict) {
        Instant now = Instant.now();
        for (int window = 1; window <= event.analysis().count(); window++) {
            producer.send(
                    new ProducerRecord<>(
                            Topics.ANALYSIS_VERDICTS,
                            event.rolloutId(),
                            codec.encode(
                                    new AnalysisVerdict(
                                            AnalysisVerdict.SCHEMA_VERSION,
                                            event.rolloutId(),
                                            event.analysis().analysisSequence(),
                                            window,
                                            verdict,
                                            verdict == AnalysisVerdict.Verdict.PASS ? 100 : 0,
                                            List.of(),
                                            "judged by the fleet benchmark: " + verdict,
                                            now))));
        }
        producer.flush();
        return now;
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
    }
}
