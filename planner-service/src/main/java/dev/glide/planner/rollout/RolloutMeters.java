package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import dev.glide.planner.rollout.MachineOutput.Transition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What this replica's rollouts did, as counters for {@code /q/metrics} (sum them over replicas):
 * transitions by from, to and strategy, outcomes by strategy, and the abort reaction (from the
 * decision to abort to the gateway confirming everything is back on stable). Labels are states and
 * strategies only, so their count stays bounded however many rollouts run. A transition counts once
 * its transaction commits: a batch of inputs that fails and is done again one by one, or a decision
 * rolled back, counts nothing.
 */
@ApplicationScoped
class RolloutMeters {

    private final MeterRegistry registry;
    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;

    RolloutMeters(
            MeterRegistry registry,
            EntityManager entityManager,
            TransactionSynchronizationRegistry transactions) {
        this.registry = registry;
        this.entityManager = entityManager;
        this.transactions = transactions;
    }

    void transition(Rollout rollout, String strategy, Transition change, Instant now) {
        if (change.from() == change.to()) {
            return;
        }
        Optional<Duration> abortReaction =
                change.from() == RolloutState.ABORTING && change.to() == RolloutState.ABORTED
                        ? abortingSince(rollout.id).map(since -> Duration.between(since, now))
                        : Optional.empty();
        onCommit(() -> count(strategy, change, abortReaction));
    }

    private void count(String strategy, Transition change, Optional<Duration> abortReaction) {
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
        abortReaction.ifPresent(
                reaction ->
                        Timer.builder("glide.rollout.abort.reaction")
                                .description(
                                        "From the decision to abort to the gateway serving only stable")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(10))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry)
                                .record(reaction));
    }

    /** Runs {@code count} once the current transaction commits (at once outside of one). */
    private void onCommit(Runnable count) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            count.run();
            return;
        }
        transactions.registerInterposedSynchronization(
                new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                        // counted only once committed
                    }

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            count.run();
                        }
                    }
                });
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
