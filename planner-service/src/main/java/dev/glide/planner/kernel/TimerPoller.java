package dev.glide.planner.kernel;

import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Fires stored timers that are due, for every kind of aggregate. Each fires in its own transaction
 * that locks its aggregate and deletes it first, so a timer fires once even with several planners.
 */
@ApplicationScoped
public class TimerPoller {

    private static final Logger LOG = Logger.getLogger(TimerPoller.class);

    private final Kernel kernel;
    private final Map<String, Aggregate<?, ?, ?, ?>> kinds = new HashMap<>();

    TimerPoller(Kernel kernel, Instance<Aggregate<?, ?, ?, ?>> aggregates) {
        this.kernel = kernel;
        aggregates.forEach(aggregate -> kinds.put(aggregate.kind(), aggregate));
    }

    @Scheduled(
            every = "${glide.timers.poll-interval}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void fireDue() {
        DatabaseOutage.tick("firing due timers", this::fireAllDue);
    }

    private void fireAllDue() {
        List<Timer> due =
                QuarkusTransaction.requiringNew()
                        .call(() -> Timer.<Timer>list("dueAt <= ?1 order by dueAt", Instant.now()));
        for (Timer timer : due) {
            try {
                QuarkusTransaction.requiringNew().run(() -> fire(kinds.get(timer.kind), timer));
            } catch (RuntimeException e) {
                LOG.warnf(
                        "[%s %s] timer %s could not fire now (%s); retried next time",
                        timer.kind, timer.aggregateId, timer.name, e.getMessage());
            }
        }
    }

    private <R extends AggregateRow, S, I, O> void fire(
            Aggregate<R, S, I, O> aggregate, Timer timer) {
        R row = aggregate.lock(timer.aggregateId);
        long deleted =
                Timer.delete(
                        "kind = ?1 and aggregateId = ?2 and name = ?3 and epoch = ?4",
                        timer.kind,
                        timer.aggregateId,
                        timer.name,
                        timer.epoch);
        if (deleted == 1) {
            kernel.apply(
                    aggregate, row, aggregate.timerFired(timer.name, timer.epoch), "timer", null);
        }
    }
}
