package dev.glide.planner.metrics;

import dev.glide.contract.RolloutState;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.planner.rollout.Rollout;
import dev.glide.planner.rollout.RolloutDriver;
import dev.glide.planner.strategy.PlannedStep;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The platform's state as gauges on {@code /q/metrics}, read from the database (and the broker)
 * every {@code glide.metrics.refresh}: every planner replica reports the same values, so aggregate
 * them with {@code max}, never {@code sum}.
 *
 * <ul>
 *   <li>{@code glide_rollouts{state,strategy}}: rollouts stored, by state and strategy;
 *   <li>{@code glide_rollout_running{service,strategy,state}}: 1 per running rollout;
 *   <li>{@code glide_rollout_canary_weight_percent{service,strategy}}: each running rollout's
 *       canary share;
 *   <li>{@code glide_rollout_progress_overdue_seconds{service}}: how far past what its plan allows
 *       a running rollout is without progress (0 while on time; absent while it waits for a person
 *       or its train);
 *   <li>{@code glide_outbox_lag_seconds}: the age of the oldest log entry not yet published;
 *   <li>{@code glide_dead_letter_records{topic}}: records on each dead-letter topic.
 * </ul>
 *
 * Services label only running rollouts (one per service at a time), so the series stay bounded by
 * the services registered.
 */
@ApplicationScoped
public class PlatformGauges {

    private static final Logger LOG = Logger.getLogger(PlatformGauges.class);
    private static final Set<RolloutState> RUNNING =
            Set.of(RolloutState.PROGRESSING, RolloutState.PAUSED, RolloutState.ABORTING);

    private final EntityManager entityManager;
    private final RolloutDriver driver;
    private final Duration slack;
    private final String bootstrapServers;
    private final MultiGauge rollouts;
    private final MultiGauge running;
    private final MultiGauge weights;
    private final MultiGauge overdue;
    private final MultiGauge deadLetters;
    private final AtomicReference<Double> outboxLag = new AtomicReference<>(0.0);
    private Admin admin;

    PlatformGauges(
            EntityManager entityManager,
            RolloutDriver driver,
            MeterRegistry registry,
            @ConfigProperty(name = "glide.metrics.progress-slack", defaultValue = "2m")
                    Duration slack,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.entityManager = entityManager;
        this.driver = driver;
        this.slack = slack;
        this.bootstrapServers = bootstrapServers;
        this.rollouts =
                MultiGauge.builder("glide.rollouts")
                        .description("Rollouts stored, by state and strategy")
                        .register(registry);
        this.running =
                MultiGauge.builder("glide.rollout.running")
                        .description("1 for each running rollout")
                        .register(registry);
        this.weights =
                MultiGauge.builder("glide.rollout.canary.weight")
                        .baseUnit("percent")
                        .description("Each running rollout's canary share")
                        .register(registry);
        this.overdue =
                MultiGauge.builder("glide.rollout.progress.overdue")
                        .baseUnit("seconds")
                        .description(
                                "How far past what its plan allows a running rollout is without progress")
                        .register(registry);
        this.deadLetters =
                MultiGauge.builder("glide.dead.letter.records")
                        .description("Records on each dead-letter topic")
                        .register(registry);
        Gauge.builder("glide.outbox.lag", outboxLag, AtomicReference::get)
                .baseUnit("seconds")
                .description("Age of the oldest log entry not yet published to Kafka")
                .register(registry);
    }

    @Scheduled(
            every = "${glide.metrics.refresh:10s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        DatabaseOutage.tick("refreshing the platform metrics", this::refresh);
        try {
            refreshDeadLetters();
        } catch (RuntimeException e) {
            LOG.debugf(e, "dead-letter topics not read: %s", e.getMessage());
        }
    }

    /** Reads everything again now. */
    public void refresh() {
        QuarkusTransaction.requiringNew().run(this::refreshRollouts);
    }

    private void refreshRollouts() {
        @SuppressWarnings("unchecked")
        List<Object[]> counts =
                entityManager
                        .createNativeQuery(
                                "select state, strategy, count(*) from rollout group by state, strategy")
                        .getResultList();
        rollouts.register(
                counts.stream()
                        .map(
                                row ->
                                        MultiGauge.Row.of(
                                                Tags.of(
                                                        "state",
                                                        String.valueOf(row[0]),
                                                        "strategy",
                                                        String.valueOf(row[1])),
                                                ((Number) row[2]).doubleValue()))
                        .collect(Collectors.toList()),
                true);

        Instant now = Instant.now();
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> weightRows = new ArrayList<>();
        List<MultiGauge.Row<?>> overdueRows = new ArrayList<>();
        List<Rollout> active = Rollout.list("state in ?1", RUNNING);
        for (Rollout rollout : active) {
            Tags service = Tags.of("service", rollout.service);
            runningRows.add(
                    MultiGauge.Row.of(
                            service.and(
                                    "strategy", rollout.strategy, "state", rollout.state.name()),
                            1));
            weightRows.add(
                    MultiGauge.Row.of(
                            service.and("strategy", rollout.strategy), rollout.canaryWeight));
            allowance(rollout)
                    .ifPresent(
                            allowed -> {
                                double late =
                                        Duration.between(rollout.updatedAt, now)
                                                        .minus(allowed)
                                                        .minus(slack)
                                                        .toMillis()
                                                / 1000.0;
                                overdueRows.add(MultiGauge.Row.of(service, Math.max(0, late)));
                            });
        }
        running.register(runningRows, true);
        weights.register(weightRows, true);
        overdue.register(overdueRows, true);

        Instant since =
                (Instant)
                        entityManager
                                .createNativeQuery(
                                        "select min(occurred_at) from aggregate_log where published_at is null and topic is not null",
                                        Instant.class)
                                .getSingleResult();
        outboxLag.set(
                since == null
                        ? 0.0
                        : Math.max(0, Duration.between(since, now).toMillis() / 1000.0));
    }

    /**
     * How long the rollout's current step may take before it is late: a traffic change or an abort
     * is read back at once, a timed pause or rollback window takes its time, an analysis its
     * windows. Empty while it waits for a person (paused, an indefinite pause) or for its train.
     */
    private Optional<Duration> allowance(Rollout rollout) {
        if (rollout.state == RolloutState.PAUSED) {
            return Optional.empty();
        }
        if (rollout.state == RolloutState.ABORTING) {
            return Optional.of(Duration.ZERO);
        }
        List<PlannedStep> plan = driver.machine(rollout).plan();
        if (rollout.stepIndex >= plan.size()) {
            return Optional.of(Duration.ZERO);
        }
        PlannedStep step = plan.get(rollout.stepIndex);
        if (rollout.status != null && rollout.status.awaitingSequence() != 0) {
            return Optional.of(Duration.ZERO); // a traffic change in flight
        }
        if (step instanceof PlannedStep.Pause pause) {
            return Optional.ofNullable(pause.duration());
        }
        if (step instanceof PlannedStep.Analyse analyse) {
            return Optional.of(analyse.spec().intervalDuration());
        }
        if (step instanceof PlannedStep.HoldRollbackWindow hold) {
            return Optional.of(hold.window());
        }
        if (step instanceof PlannedStep.AwaitTrain) {
            return Optional.empty();
        }
        return Optional.of(Duration.ZERO);
    }

    private void refreshDeadLetters() {
        Admin kafka = admin();
        try {
            Set<String> topics =
                    kafka.listTopics().names().get(5, TimeUnit.SECONDS).stream()
                            .filter(t -> t.startsWith("dead-letter-topic-"))
                            .collect(Collectors.toSet());
            if (topics.isEmpty()) {
                deadLetters.register(List.of(), true);
                return;
            }
            Map<String, TopicDescription> described =
                    kafka.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            described
                    .values()
                    .forEach(
                            d ->
                                    d.partitions()
                                            .forEach(
                                                    p -> {
                                                        TopicPartition tp =
                                                                new TopicPartition(
                                                                        d.name(), p.partition());
                                                        latest.put(tp, OffsetSpec.latest());
                                                        earliest.put(tp, OffsetSpec.earliest());
                                                    }));
            var ends = kafka.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            var starts = kafka.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
            Map<String, Long> records = new TreeMap<>();
            ends.forEach(
                    (tp, end) ->
                            records.merge(
                                    tp.topic(), end.offset() - starts.get(tp).offset(), Long::sum));
            deadLetters.register(
                    records.entrySet().stream()
                            .map(e -> MultiGauge.Row.of(Tags.of("topic", e.getKey()), e.getValue()))
                            .collect(Collectors.toList()),
                    true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties properties = new Properties();
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "planner-metrics");
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
            admin = Admin.create(properties);
        }
        return admin;
    }

    synchronized void close(@Observes ShutdownEvent shutdown) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
