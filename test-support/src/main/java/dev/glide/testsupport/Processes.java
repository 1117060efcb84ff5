package dev.glide.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping child JVMs the way an operator would: ask first, then insist. */
public final class Processes {

    private Processes() {
    }

    /**
     * Sends SIGTERM so the process runs its shutdown hooks (a broker flushes its logs, a service closes its Kafka
     * clients), and kills it if it has not exited within {@code grace}.
     */
    public static void stopGracefully(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
