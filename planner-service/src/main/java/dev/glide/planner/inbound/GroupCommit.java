package dev.glide.planner.inbound;

import dev.glide.contract.concurrent.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Work items that wait while every worker is busy are done together, up to {@code maxBatch} at
 * once, by the next free worker ({@code together}: one transaction for them all); an item that
 * finds a worker free goes at once and alone. Under a burst the cost of a transaction (its commit,
 * its locks' round trips, its inserts) is paid once for many items; when things are quiet nothing
 * waits for company. A batch that fails is done again one item at a time ({@code alone}), so a bad
 * item (or a deadlock, or an outage) costs only itself. Items should never need one another: two
 * items of one key are never submitted before the first is done (the caller's lanes see to that).
 */
final class GroupCommit<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private record Item<T>(T work, CompletableFuture<Void> done) {}

    private final BlockingQueue<Item<T>> waiting = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final int maxBatch;
    private final Consumer<List<T>> together;
    private final Consumer<T> alone;

    GroupCommit(
            String name, int workers, int maxBatch, Consumer<List<T>> together, Consumer<T> alone) {
        if (workers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException(
                    name
                            + ": workers and maxBatch must be at least 1, got "
                            + workers
                            + " and "
                            + maxBatch);
        }
        this.workers = Executors.newFixedThreadPool(workers, DaemonThreads.named(name));
        this.maxBatch = maxBatch;
        this.together = together;
        this.alone = alone;
        for (int i = 0; i < workers; i++) {
            this.workers.execute(this::work);
        }
    }

    /** Completes once {@code work} is committed, or with the reason it failed when done alone. */
    CompletableFuture<Void> submit(T work) {
        Item<T> item = new Item<>(work, new CompletableFuture<>());
        waiting.add(item);
        return item.done();
    }

    private void work() {
        List<Item<T>> batch = new ArrayList<>(maxBatch);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            waiting.drainTo(batch, maxBatch - 1);
            run(batch);
            batch.clear();
        }
    }

    private void run(List<Item<T>> batch) {
        if (batch.size() > 1) {
            try {
                together.accept(batch.stream().map(Item::work).toList());
                batch.forEach(item -> item.done().complete(null));
                return;
            } catch (RuntimeException | Error e) {
                // an Error too: left to end this worker, it would leave the batch's items (and
                // their keys' lanes) unfinished for good
                LOG.infof(
                        "%d inputs done together failed (%s); each is done on its own",
                        batch.size(), e.toString());
            }
        }
        for (Item<T> item : batch) {
            try {
                alone.accept(item.work());
                item.done().complete(null);
            } catch (Throwable e) {
                item.done().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
