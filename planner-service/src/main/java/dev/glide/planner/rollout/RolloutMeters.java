package dev.glide.planner.rollout;

import dev.glide.contract.RolloutState;
import dev.glide.planner.rollout.MachineOutput.Transition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
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

    /** A transition to count, with its abort reaction when it ended an abort. */
    record Counted(String strategy, Transition change, Optional<Duration> abortReaction) {}

    private final MeterRegistry registry;
    private final EntityManager entityManager;
    private final Event<Counted> counted;

    RolloutMeters(MeterRegistry registry, EntityManager entityManager, Event<Counted> counted) {
        this.registry = registry;
        this.entityManager = entityManager;
        this.counted = counted;
    }

    void transition(Rollout rollout, String strategy, Transition change, Instant now) {
        if (change.from() == change.to()) {
            return;
        }
        Optional<Duration> abortReaction =
                change.from() == RolloutState.ABORTING && change.to() == RolloutState.ABORTED
                        ? abortingSince(rollout.id).map(since -> Duration.between(since, now))
                        : Optional.empty();
        counted.fire(new Counted(strategy, change, abortReaction));
    }

    /** Counts a transition once its transaction committed (at once outside of one). */
    void count(@Observes(during = TransactionPhase.AFTER_SUCCESS) Counted counted) {
        Transition change = counted.change();
        String strategy = counted.strategy();
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
        counted.abortReaction()
                .ifPresent(
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
