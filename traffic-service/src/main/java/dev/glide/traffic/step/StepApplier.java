package dev.glide.traffic.step;

import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficApplied;
import dev.glide.contract.TrafficApplied.Outcome;
import dev.glide.contract.jpa.DatabaseOutage;
import dev.glide.contract.seam.Registry;
import dev.glide.traffic.gateway.GatewayAdapter;
import dev.glide.traffic.gateway.GatewayException;
import dev.glide.traffic.gateway.ServedTraffic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    private final Registry<GatewayAdapter> adapters;
    private final GatewayDriver driver;
    private final ReplicaCatchUp catchUp;
    private final RouteLanes lanes;

    private final MeterRegistry registry;

    StepApplier(
            Registry<GatewayAdapter> adapters,
            GatewayDriver driver,
            ReplicaCatchUp catchUp,
            RouteLanes lanes,
            MeterRegistry registry) {
        this.lanes = lanes;
        this.adapters = adapters;
        this.driver = driver;
        this.catchUp = catchUp;
        this.registry = registry;
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
     * rollout meanwhile (a rebalance) is checked again before this step is recorded.
     */
    public CompletableFuture<Optional<TrafficApplied>> handle(RolloutStep step) {
        String what = "step " + step.sequence() + " of rollout " + step.rolloutId();
        Long last =
                DatabaseOutage.retry(
                        what,
                        () ->
                                QuarkusTransaction.requiringNew()
                                        .call(() -> lastSequence(step.rolloutId())));
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
                            if (failure != null) {
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
                                return Optional.of(failed(step, type, reason));
                            }
                            DatabaseOutage.retry(
                                    what,
                                    () ->
                                            QuarkusTransaction.requiringNew()
                                                    .run(() -> record(step)));
                            catchUp.appliedHere(step);
                            timed(step, type, "applied");
                            LOG.infof(
                                    "[rollout %s] step %d served by %s: %s",
                                    step.rolloutId(), step.sequence(), type, served.describe());
                            return Optional.of(applied(step, served, null));
                        });
    }

    private static Long lastSequence(String rolloutId) {
        AppliedStep last = AppliedStep.findById(rolloutId);
        return last == null ? null : last.sequence;
    }

    private void record(RolloutStep step) {
        AppliedStep last = AppliedStep.findById(step.rolloutId(), LockModeType.PESSIMISTIC_WRITE);
        if (last != null && last.sequence > step.sequence()) {
            LOG.infof(
                    "[rollout %s] step %d not recorded: step %d was recorded meanwhile",
                    step.rolloutId(), step.sequence(), last.sequence);
            return;
        }
        AppliedStep applied = last != null ? last : new AppliedStep();
        applied.rolloutId = step.rolloutId();
        applied.sequence = step.sequence();
        applied.service = step.service();
        applied.adapter = step.gateway().adapter();
        applied.route = step.gateway().route();
        applied.desired = step;
        applied.appliedAt = Instant.now();
        applied.persist();
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
