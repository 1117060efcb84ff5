package dev.glide.planner.kernel;

import dev.glide.contract.jpa.DatabaseOutage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One background thread that runs a job when woken: after a commit that left it work, and by a
 * timer for what a crash left behind. Wakes that come while a run is still queued fold into that
 * run; a wake during a run queues one more, so nothing written meanwhile waits for the timer.
 */
public final class SerialWorker {

    private final ExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Runnable job;
    private final String name;

    public SerialWorker(String name, Runnable job) {
        this.executor = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        this.job = job;
        this.name = name;
    }

    public void wake() {
        if (queued.compareAndSet(false, true) && !executor.isShutdown()) {
            executor.execute(
                    () -> {
                        queued.set(false);
                        DatabaseOutage.tick(name, job);
                    });
        }
    }

    public void stop() {
        executor.shutdown();
    }
}
