package dev.glide.contract.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Turns many concurrent requests of one kind into few batches: requests made while a batch runs
 * wait and go together in the next one (up to {@code maxBatch}), so a quiet service pays one call
 * per request and a busy one one call per many. For work whose cost is mostly per call rather than
 * per item, like a database transaction: a hundred steps recorded in one transaction instead of a
 * hundred. The batch runs on a thread of its own; answers complete there, so callers continue
 * elsewhere (an {@code *Async} stage) when what follows is more than a little work.
 *
 * <p>A request submitted {@linkplain #submit(Object, boolean) urgent} does not queue behind
 * ordinary ones: the next batch takes the urgent requests waiting first, then fills up with
 * ordinary ones, so it waits at most for the batch running when it came (a rollback's step amid a
 * burst of other routes' steps), and the batches are as few as without it.
 *
 * @param <T> a request
 * @param <R> its answer
 */
public final class Coalescer<T, R> implements AutoCloseable {

    private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Pending<T, R>> urgent = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService thread;
    private final Function<List<T>, List<R>> batch;
    private final int maxBatch;

    /**
     * @param batch answers a batch of requests, one answer per request in their order (or throws,
     *     failing every request of the batch)
     */
    public Coalescer(String name, int maxBatch, Function<List<T>, List<R>> batch) {
        this.thread = Executors.newSingleThreadExecutor(DaemonThreads.named(name));
        this.batch = batch;
        this.maxBatch = maxBatch;
    }

    /** The answer to {@code request}, once the batch it joins has run. */
    public CompletableFuture<R> submit(T request) {
        return submit(request, false);
    }

    /**
     * The answer to {@code request}, once the batch it joins has run; an {@code urgent} one goes
     * ahead of every ordinary request waiting, in the next batch.
     */
    public CompletableFuture<R> submit(T request, boolean urgent) {
        Pending<T, R> pending = new Pending<>(request, new CompletableFuture<>());
        (urgent ? this.urgent : queue).add(pending);
        schedule();
        return pending.answer();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (RuntimeException e) {
                scheduled.set(false);
                failAll(e);
            }
        }
    }

    private void drain() {
        try {
            while (waiting()) {
                List<Pending<T, R>> taken = new ArrayList<>();
                take(urgent, taken);
                take(queue, taken);
                run(taken);
            }
        } finally {
            scheduled.set(false);
            // a request that came after the last poll but before the flag was cleared
            if (waiting()) {
                schedule();
            }
        }
    }

    private boolean waiting() {
        return !urgent.isEmpty() || !queue.isEmpty();
    }

    private void take(ConcurrentLinkedQueue<Pending<T, R>> from, List<Pending<T, R>> taken) {
        Pending<T, R> next;
        while (taken.size() < maxBatch && (next = from.poll()) != null) {
            taken.add(next);
        }
    }

    private void run(List<Pending<T, R>> taken) {
        List<R> answers;
        try {
            answers = batch.apply(taken.stream().map(Pending::request).toList());
            if (answers.size() != taken.size()) {
                throw new IllegalStateException(
                        answers.size() + " answers to a batch of " + taken.size());
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(p -> p.answer().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            taken.get(i).answer().complete(answers.get(i));
        }
    }

    private void failAll(RuntimeException e) {
        Pending<T, R> next;
        while ((next = urgent.poll()) != null || (next = queue.poll()) != null) {
            next.answer().completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private record Pending<T, R>(T request, CompletableFuture<R> answer) {}
}
