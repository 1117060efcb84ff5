package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import dev.glide.planner.rollout.MachineOutput.Transition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What this replica's rollouts did, as counters for {@code /q/metrics} (sum them over replicas):
 * transitions by from, to and strategy, outcomes by strategy, and the abort reaction (from the
 * decision to abort to the gateway confirming everything is back on stable). Labels are states and
 * strategies only, so their count stays bounded however many rollouts run.
 */
@ApplicationScoped
class RolloutMeters {

    private final MeterRegistry registry;
    private final EntityManager entityManager;

    RolloutMeters(MeterRegistry registry, EntityManager entityManager) {
        this.registry = registry;
        this.entityManager = entityManager;
    }

    void transition(Rollout rollout, String strategy, Transition change, Instant now) {
        if (change.from() == change.to()) {
            return;
        }
        registry.counter(
                        "glide.rollout.transitions",
                        "from",
                        change.from().name(),
                        "to",
                        change.to().name(),
                        "strategy",
                        strategy)
                .increment();
        if (change.to().isFinal()) {
            registry.counter(
                            "glide.rollout.outcomes",
                            "outcome",
                            change.to().name(),
                            "strategy",
                            strategy)
                    .increment();
        }
        if (change.from() == RolloutState.ABORTING && change.to() == RolloutState.ABORTED) {
            abortingSince(rollout.id)
                    .ifPresent(
                            since ->
                                    Timer.builder("glide.rollout.abort.reaction")
                                            .description(
                                                    "From the decision to abort to the gateway serving only stable")
                                            .publishPercentileHistogram()
                                            .minimumExpectedValue(Duration.ofMillis(10))
                                            .maximumExpectedValue(Duration.ofSeconds(60))
                                            .register(registry)
                                            .record(Duration.between(since, now)));
        }
    }

    /** When the rollout's newest transition to ABORTING was logged. */
    private Optional<Instant> abortingSince(String rolloutId) {
        return Optional.ofNullable(
                (Instant)
                        entityManager
                                .createNativeQuery(
                                        "select max(occurred_at) from aggregate_log where kind = 'rollout' and aggregate_id = ?1"
                                                + " and type = 'TRANSITION' and cast(payload as jsonb) ->> 'to' = 'ABORTING'",
                                        Instant.class)
                                .setParameter(1, rolloutId)
                                .getSingleResult());
    }
}
