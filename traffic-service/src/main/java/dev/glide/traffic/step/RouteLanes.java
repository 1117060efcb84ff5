package dev.glide.traffic.step;

import dev.glide.contract.GatewayBinding;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One lane per gateway route: work on a route (a step, a reconcile, a replica's catch-up) runs
 * strictly after the work submitted to that route before it, and concurrently with every other
 * route's. A route that waits on its gateway (a retry's pause, a call that hangs until its timeout)
 * holds only its own lane: its pauses hold no thread at all, and a call in progress holds a thread
 * of a pool that grows as calls need rather than a worker another route is queued for.
 */
@ApplicationScoped
public class RouteLanes {

    private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(new Named());

    /** The lane a binding's work runs in: its adapter, the gateway's address and the route. */
    public static String laneOf(GatewayBinding binding) {
        return binding.adapter()
                + " "
                + (binding.address() == null ? "" : binding.address())
                + " "
                + binding.route();
    }

    /** The pool lanes run on (also where a gateway call runs, bounded by its timeout). */
    public ExecutorService workers() {
        return workers;
    }

    /**
     * Runs {@code task} on {@code lane} once everything submitted to it before has finished,
     * however that ended; the answer completes when the task's own future does.
     */
    public <T> CompletableFuture<T> submit(String lane, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tails.compute(
                lane,
                (key, tail) -> {
                    CompletableFuture<?> before =
                            tail == null ? CompletableFuture.completedFuture(null) : tail;
                    // always started on a worker: never on the caller's thread (the Kafka
                    // connector's event loop), even when the lane is idle
                    before.handle((ignored, failure) -> null)
                            .thenComposeAsync(ignored -> start(task), workers)
                            .whenComplete(
                                    (value, failure) -> {
                                        if (failure != null) {
                                            result.completeExceptionally(failure);
                                        } else {
                                            result.complete(value);
                                        }
                                    });
                    return result;
                });
        // an idle lane leaves the map: a burst of a thousand routes does not stay in memory
        result.whenComplete((value, failure) -> tails.remove(lane, result));
        return result;
    }

    /** Lanes with work queued or running. */
    public int busy() {
        return tails.size();
    }

    private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> task) {
        try {
            return task.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    private static final class Named implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "glide-route-lane-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
