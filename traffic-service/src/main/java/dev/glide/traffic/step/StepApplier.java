package dev.glide.traffic.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficApplied.Outcome;
import dev.glide.contract.concurrent.Coalescer;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.seam.Registry;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Applies one step to its gateway, idempotently on (rollout id, sequence): an older step is
 * ignored, the same step again is only read back and reported again (its first report may have been
 * lost in a crash), a newer one is applied and verified. Every applied or re-reported step is
 * answered with what the gateway really serves; a step the gateway would not take is answered with
 * a failure and its reason, never skipped in silence.
 */
@ApplicationScoped
public class StepApplier {

    private static final Logger LOG = Logger.getLogger(StepApplier.class);

    /**
     * The note on a report of a step that had been applied before: read back, not applied again.
     */
    public static final String REREAD = "already applied; read back again";

    /** The most steps read or recorded in one transaction. */
    private static final int BATCH = 500;

    private final Registry<GatewayAdapter> adapters;
    private final GatewayDriver driver;
    private final ReplicaCatchUp catchUp;
    private final RouteLanes lanes;

    private final MeterRegistry registry;
    private final EventCodec codec;

    /** Applied steps read and recorded for many routes at once: one transaction per batch. */
    private final Coalescer<String, Optional<Long>> lastSequences;

    private final Coalescer<RolloutStep, Boolean> recorder;

    StepApplier(
            Registry<GatewayAdapter> adapters,
            GatewayDriver driver,
            ReplicaCatchUp catchUp,
            RouteLanes lanes,
            MeterRegistry registry,
            EventCodec codec) {
        this.codec = codec;
        this.lastSequences =
                inTransactions("glide-applied-read", "reading applied steps", this::lastSequences);
        this.recorder =
                inTransactions("glide-applied-record", "recording applied steps", this::record);
        this.lanes = lanes;
        this.adapters = adapters;
        this.driver = driver;
        this.catchUp = catchUp;
        this.registry = registry;
    }

    /**
     * Batches of {@code work}, each in a transaction of its own, tried again while the database is
     * unreachable.
     */
    private static <T, R> Coalescer<T, R> inTransactions(
            String name, String what, Function<List<T>, List<R>> work) {
        return new Coalescer<>(
                name,
                BATCH,
                batch ->
                        DatabaseOutage.retry(
                                what + " (" + batch.size() + ")",
                                () ->
                                        QuarkusTransaction.requiringNew()
                                                .call(() -> work.apply(batch))));
    }

    /**
     * From the planner emitting a step to this gateway serving it (read back), or giving up on it:
     * {@code glide_traffic_step_seconds} by adapter and outcome.
     */
    private void timed(RolloutStep step, String adapter, String outcome) {
        if (step.emittedAt() == null) {
            return;
        }
        Timer.builder("glide.traffic.step")
                .description("From a step emitted by the planner to the gateway serving it")
                .tag("adapter", adapter)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(Duration.between(step.emittedAt(), Instant.now()).abs());
    }

    /**
     * The answer to publish on traffic-applied, or empty when the step is older than one already
     * applied. The gateway is driven outside any transaction: no database lock or connection is
     * held while it is tried, retried or waited for. Called in the step's route lane, so no other
     * work on the route runs meanwhile on this replica; what another replica recorded for the
     * rollout meanwhile (a rebalance) is checked again when this step is recorded. The applied step
     * is read before and recorded after in batches with other routes' steps ({@link Coalescer}): a
     * burst of steps costs a few transactions, not two per step. A step that serves everyone one
     * version (an abort's, a promotion's) goes first in the next batches, ahead of the others
     * waiting.
     */
    public CompletableFuture<Optional<TrafficApplied>> handle(RolloutStep step) {
        return lastSequences
                .submit(step.rolloutId(), step.urgent())
                .thenComposeAsync(last -> handle(step, last.orElse(null)), lanes.calls());
    }

    private CompletableFuture<Optional<TrafficApplied>> handle(RolloutStep step, Long last) {
        if (last != null && step.sequence() < last) {
            LOG.infof(
                    "[rollout %s] step %d ignored: step %d is already applied",
                    step.rolloutId(), step.sequence(), last);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String type = step.gateway().adapter();
        Optional<GatewayAdapter> adapter = adapters.find(type);
        if (adapter.isEmpty()) {
            return CompletableFuture.completedFuture(
                    Optional.of(failed(step, type, adapters.unknown(type))));
        }
        if (last != null && step.sequence() == last) {
            // redelivered (a rebalance, a crash before the offset was committed): report it
            // again, change nothing
            return CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            ServedTraffic served = adapter.get().read(step.gateway());
                            LOG.infof(
                                    "[rollout %s] step %d again, already applied; %s serves %s",
                                    step.rolloutId(), step.sequence(), type, served.describe());
                            return Optional.of(applied(step, served, REREAD));
                        } catch (GatewayException e) {
                            return Optional.of(failed(step, type, e.getMessage()));
                        }
                    },
                    lanes.calls());
        }
        return driver.applyAndVerifyAsync(adapter.get(), step)
                .handle(
                        (served, failure) -> {
                            if (failure == null) {
                                // what follows (the answer, its publishing, the lane's next
                                // work) runs off the recorder's one thread
                                return recorder.submit(step, step.urgent())
                                        .thenApplyAsync(
                                                recorded -> {
                                                    catchUp.appliedHere(step);
                                                    timed(step, type, "applied");
                                                    LOG.infof(
                                                            "[rollout %s] step %d served by %s: %s",
                                                            step.rolloutId(),
                                                            step.sequence(),
                                                            type,
                                                            served.describe());
                                                    return Optional.of(applied(step, served, null));
                                                },
                                                lanes.calls());
                            }
                            Throwable cause =
                                    failure instanceof CompletionException
                                                    && failure.getCause() != null
                                            ? failure.getCause()
                                            : failure;
                            String reason = cause.getMessage();
                            LOG.warnf(
                                    "[rollout %s] step %d failed on %s: %s",
                                    step.rolloutId(), step.sequence(), type, reason);
                            timed(step, type, "failed");
                            return CompletableFuture.completedFuture(
                                    Optional.of(failed(step, type, reason)));
                        })
                .thenCompose(answer -> answer);
    }

    /**
     * The newest sequence applied to each of these rollouts (empty for one never applied), in one
     * query.
     */
    private List<Optional<Long>> lastSequences(List<String> rolloutIds) {
        Map<String, Long> known = new HashMap<>();
        // one array parameter: a list parameter would have Hibernate translate the query again
        // for every size of batch
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                AppliedStep.getEntityManager()
                        .createNativeQuery(
                                "select rollout_id, sequence from applied_step"
                                        + " where rollout_id = any(?1)",
                                Object[].class)
                        .setParameter(1, rolloutIds.stream().distinct().toArray(String[]::new))
                        .getResultList();
        rows.forEach(row -> known.put((String) row[0], ((Number) row[1]).longValue()));
        return rolloutIds.stream().map(id -> Optional.ofNullable(known.get(id))).toList();
    }

    /**
     * Records these applied steps in one transaction and one statement: each replaces its rollout's
     * row unless a newer step was recorded meanwhile (another replica, after a rebalance), which
     * the conditional upsert decides without reading the row first. True for each step recorded.
     * Steps of one rollout twice in a batch (which the route lanes never make) go one statement
     * each, as one statement may not change a row twice.
     */
    private List<Boolean> record(List<RolloutStep> steps) {
        Instant now = Instant.now();
        Set<String> written = new HashSet<>();
        List<List<RolloutStep>> statements = new ArrayList<>();
        List<RolloutStep> current = new ArrayList<>();
        for (RolloutStep step : steps) {
            if (!written.add(step.rolloutId())) {
                statements.add(current);
                current = new ArrayList<>();
                written.clear();
                written.add(step.rolloutId());
            }
            current.add(step);
        }
        statements.add(current);
        Map<RolloutStep, Boolean> recorded = new IdentityHashMap<>();
        for (List<RolloutStep> statement : statements) {
            Set<String> stored = upsert(statement, now);
            for (RolloutStep step : statement) {
                boolean done = stored.contains(step.rolloutId());
                if (!done) {
                    LOG.infof(
                            "[rollout %s] step %d not recorded: a newer step was recorded"
                                    + " meanwhile",
                            step.rolloutId(), step.sequence());
                }
                recorded.put(step, done);
            }
        }
        return steps.stream().map(recorded::get).toList();
    }

    /** The rollouts whose row these steps (one per rollout) now are. */
    private Set<String> upsert(List<RolloutStep> steps, Instant now) {
        @SuppressWarnings("unchecked")
        List<String> stored =
                AppliedStep.getEntityManager()
                        .createNativeQuery(
                                "insert into applied_step (rollout_id, sequence, service, adapter,"
                                        + " route, desired, applied_at) select s.rollout_id,"
                                        + " s.sequence, s.service, s.adapter, s.route,"
                                        + " cast(s.desired as jsonb), ?7 from unnest(cast(?1 as"
                                        + " text[]), cast(?2 as bigint[]), cast(?3 as text[]),"
                                        + " cast(?4 as text[]), cast(?5 as text[]), cast(?6 as"
                                        + " text[])) as s(rollout_id, sequence, service, adapter,"
                                        + " route, desired) on conflict (rollout_id) do update set"
                                        + " sequence = excluded.sequence, service ="
                                        + " excluded.service, adapter = excluded.adapter, route ="
                                        + " excluded.route, desired = excluded.desired, applied_at"
                                        + " = excluded.applied_at where applied_step.sequence <="
                                        + " excluded.sequence returning applied_step.rollout_id",
                                String.class)
                        .setParameter(
                                1,
                                steps.stream().map(RolloutStep::rolloutId).toArray(String[]::new))
                        .setParameter(
                                2, steps.stream().map(RolloutStep::sequence).toArray(Long[]::new))
                        .setParameter(
                                3, steps.stream().map(RolloutStep::service).toArray(String[]::new))
                        .setParameter(
                                4,
                                steps.stream()
                                        .map(step -> step.gateway().adapter())
                                        .toArray(String[]::new))
                        .setParameter(
                                5,
                                steps.stream()
                                        .map(step -> step.gateway().route())
                                        .toArray(String[]::new))
                        .setParameter(6, steps.stream().map(this::json).toArray(String[]::new))
                        .setParameter(7, now)
                        .getResultList();
        return Set.copyOf(stored);
    }

    private String json(RolloutStep step) {
        try {
            return codec.mapper().writeValueAsString(step);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write step " + step.sequence(), e);
        }
    }

    @PreDestroy
    void stop() {
        lastSequences.close();
        recorder.close();
    }

    static TrafficApplied applied(RolloutStep step, ServedTraffic served, String note) {
        return new TrafficApplied(
                TrafficApplied.SCHEMA_VERSION,
                step.rolloutId(),
                step.sequence(),
                step.service(),
                Outcome.APPLIED,
                served.weights(),
                served.matchRules(),
                step.gateway().adapter(),
                note,
                Instant.now());
    }

    /** A drift found and left alone: what the gateway served instead of {@code step}, if known. */
    static TrafficApplied drifted(RolloutStep step, ServedTraffic served, String note) {
        return new TrafficApplied(
                TrafficApplied.SCHEMA_VERSION,
                step.rolloutId(),
                step.sequence(),
                step.service(),
                Outcome.DRIFTED,
                served == null ? null : served.weights(),
                served == null ? null : served.matchRules(),
                step.gateway().adapter(),
                note,
                Instant.now());
    }

    private static TrafficApplied failed(RolloutStep step, String adapter, String reason) {
        return new TrafficApplied(
                TrafficApplied.SCHEMA_VERSION,
                step.rolloutId(),
                step.sequence(),
                step.service(),
                Outcome.FAILED,
                null,
                null,
                adapter,
                reason,
                Instant.now());
    }
}
