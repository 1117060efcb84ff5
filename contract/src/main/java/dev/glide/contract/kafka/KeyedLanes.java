package dev.glide.contract.kafka;

import dev.glide.contract.concurrent.DaemonThreads;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One lane per key: work on a key runs strictly after the work submitted for that key before it,
 * and concurrently with every other key's, on a fixed pool of workers. For a Kafka consumer whose
 * records must keep their order per key (a route, a rollout) but not across keys: {@link #consume}
 * hands a record to its lane and asks for the next one at once, acknowledges it when its work is
 * done (the commit strategy keeps track of records acknowledged out of order, so an offset is
 * committed only once everything before it is done), and stops taking records while {@code
 * maxInFlight} are unfinished, so a burst waits in Kafka rather than in memory.
 *
 * <p>Urgent work (a step taking users back to safety) runs on workers of its own once its lane's
 * earlier work is done: it waits for its own key's earlier work, never behind other keys' queued
 * work.
 */
public final class KeyedLanes implements AutoCloseable {

    private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ExecutorService urgentWorkers;
    private final Semaphore room;

    public KeyedLanes(String name, int workers, int maxInFlight) {
        this.workers = Executors.newFixedThreadPool(workers, DaemonThreads.named(name + "-lane"));
        this.urgentWorkers =
                Executors.newFixedThreadPool(
                        Math.max(2, workers / 4), DaemonThreads.named(name + "-urgent-lane"));
        this.room = new Semaphore(maxInFlight);
    }

    /**
     * Runs {@code task} in {@code key}'s lane once everything submitted to it before has finished,
     * however that ended; the answer completes when the task's own future does. The task starts on
     * a worker, never on the caller's thread (a connector's event loop).
     */
    public <T> CompletableFuture<T> submit(String key, Supplier<CompletableFuture<T>> task) {
        return submit(key, false, task);
    }

    /**
     * As {@link #submit(String, Supplier)}; {@code urgent} work starts on the urgent workers, ahead
     * of every other key's queued work.
     */
    public <T> CompletableFuture<T> submit(
            String key, boolean urgent, Supplier<CompletableFuture<T>> task) {
        ExecutorService pool = urgent ? urgentWorkers : workers;
        CompletableFuture<T> result = new CompletableFuture<>();
        tails.compute(
                key,
                (k, tail) -> {
                    CompletableFuture<?> before =
                            tail == null ? CompletableFuture.completedFuture(null) : tail;
                    before.handle((ignored, failure) -> null)
                            .thenComposeAsync(ignored -> start(task), pool)
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
        // an idle lane leaves the map: a burst over a thousand keys does not stay in memory
        result.whenComplete((value, failure) -> tails.remove(key, result));
        return result;
    }

    /**
     * Takes one record: its {@code work} runs in {@code key}'s lane, and the record is acknowledged
     * when the work completes, or nacked (to its channel's failure strategy) when it fails. The
     * answer tells the connector when to hand over the next record: at once, unless {@code
     * maxInFlight} records are unfinished.
     */
    public CompletionStage<Void> consume(
            Message<?> message, String key, boolean urgent, Supplier<CompletableFuture<?>> work) {
        if (room.tryAcquire()) {
            dispatch(message, key, urgent, work);
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(
                () -> {
                    room.acquireUninterruptibly();
                    dispatch(message, key, urgent, work);
                },
                workers);
    }

    private void dispatch(
            Message<?> message, String key, boolean urgent, Supplier<CompletableFuture<?>> work) {
        submit(key, urgent, work::get)
                .whenComplete(
                        (ignored, failure) -> {
                            room.release();
                            if (failure == null) {
                                message.ack();
                            } else {
                                message.nack(failure);
                            }
                        });
    }

    /** Keys with work queued or running. */
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

    @Override
    public void close() {
        workers.shutdownNow();
        urgentWorkers.shutdownNow();
    }
}
