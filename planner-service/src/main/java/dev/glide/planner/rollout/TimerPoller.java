package dev.glide.planner.rollout;

import dev.glide.planner.rollout.MachineInput.TimerFired;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fires stored timers that are due. Each fires in its own transaction that deletes it first, so a
 * timer fires once even with several planners; a timer made stale by a pause or an abort is ignored
 * by the machine.
 */
@ApplicationScoped
public class TimerPoller {

    private static final Logger LOG = Logger.getLogger(TimerPoller.class);

    private final RolloutDriver driver;

    TimerPoller(RolloutDriver driver) {
        this.driver = driver;
    }

    @Scheduled(
            every = "${glide.timers.poll-interval}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void fireDue() {
        List<RolloutTimer> due =
                QuarkusTransaction.requiringNew()
                        .call(
                                () ->
                                        RolloutTimer.<RolloutTimer>list(
                                                "dueAt <= ?1 order by dueAt", Instant.now()));
        for (RolloutTimer timer : due) {
            try {
                QuarkusTransaction.requiringNew()
                        .run(
                                () -> {
                                    Rollout rollout = driver.lock(timer.rolloutId);
                                    long deleted =
                                            RolloutTimer.delete(
                                                    "rolloutId = ?1 and stepIndex = ?2 and epoch = ?3",
                                                    timer.rolloutId,
                                                    timer.stepIndex,
                                                    timer.epoch);
                                    if (deleted == 1) {
                                        driver.apply(
                                                rollout,
                                                new TimerFired(timer.stepIndex, timer.epoch),
                                                "timer",
                                                null);
                                    }
                                });
            } catch (RuntimeException e) {
                LOG.warnf(
                        "[rollout %s] timer for step %d could not fire now (%s); retried next time",
                        timer.rolloutId, timer.stepIndex, e.getMessage());
            }
        }
    }
}
