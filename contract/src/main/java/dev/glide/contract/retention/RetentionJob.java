package dev.glide.contract.retention;

import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Bounds what grows by design. With {@code glide.retention.ended-after} set (e.g. {@code 30d},
 * {@code 12h}, or ISO-8601 {@code P30D}), every {@code glide.retention.interval} (1 minute) each
 * {@link RetentionTask} of the service removes what ended longer ago than that; without it (the
 * default) everything is kept. The same setting in every service, checked the same way: a service
 * with an age that is not positive does not start.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final Instance<RetentionTask> tasks;
    private final Optional<Duration> endedAfter;

    RetentionJob(
            Instance<RetentionTask> tasks,
            @ConfigProperty(name = "glide.retention.ended-after") Optional<Duration> endedAfter) {
        this.tasks = tasks;
        this.endedAfter = endedAfter;
        endedAfter.ifPresent(
                age -> {
                    if (age.isNegative() || age.isZero()) {
                        throw new IllegalArgumentException(
                                "glide.retention.ended-after: '"
                                        + age
                                        + "' must be a positive duration, e.g. 30d, 12h or P30D");
                    }
                });
    }

    @Scheduled(
            every = "${glide.retention.interval:1m}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        if (endedAfter.isPresent()) {
            runNow();
        }
    }

    /**
     * Runs every task once with the cutoff of now; returns how much they removed. While the
     * database is unreachable a task waits for the next run.
     */
    public int runNow() {
        Instant cutoff = Instant.now().minus(endedAfter.orElseThrow());
        int removed = 0;
        for (RetentionTask task : tasks) {
            int[] count = {0};
            DatabaseOutage.tick(
                    "removing " + task.what(), () -> count[0] = task.removeEndedBefore(cutoff));
            if (count[0] > 0) {
                LOG.infof(
                        "retention: removed %d (%s) that ended before %s",
                        count[0], task.what(), cutoff);
            }
            removed += count[0];
        }
        return removed;
    }
}
