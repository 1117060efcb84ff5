package dev.glide.planner.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final List<List<Integer>> together = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> alone = Collections.synchronizedList(new ArrayList<>());

    @Test
    void anItemThatFindsAWorkerFreeGoesAtOnceAndAlone() throws Exception {
        try (GroupCommit<Integer> commits =
                new GroupCommit<>("test", 2, 10, together::add, alone::add)) {
            commits.submit(1).get(5, TimeUnit.SECONDS);
            commits.submit(2).get(5, TimeUnit.SECONDS);
        }
        assertThat(alone).containsExactly(1, 2);
        assertThat(together).isEmpty();
    }

    @Test
    void itemsThatWaitWhileTheWorkerIsBusyAreDoneTogetherUpToTheMost() {
        List<CompletableFuture<Void>> waiting =
                whileTheWorkerIsBusy(4, together::add, item -> {}, 6);
        waiting.forEach(done -> assertThat(done).succeedsWithin(Duration.ofSeconds(5)));
        // the six that waited: four together (the most), then the two left, together
        assertThat(together).containsExactly(List.of(1, 2, 3, 4), List.of(5, 6));
        assertThat(alone).containsExactly(0);
    }

    @Test
    void aBatchThatFailsIsDoneAgainOneByOneAndOnlyTheBadItemFails() {
        List<CompletableFuture<Void>> waiting =
                whileTheWorkerIsBusy(
                        10,
                        batch -> {
                            throw new IllegalStateException("deadlock");
                        },
                        item -> {
                            if (item == 2) {
                                throw new IllegalArgumentException("item 2 is bad");
                            }
                        },
                        3);
        assertThat(waiting.get(0)).succeedsWithin(Duration.ofSeconds(5));
        assertThat(waiting.get(2)).succeedsWithin(Duration.ofSeconds(5));
        assertThat(waiting.get(1))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("item 2 is bad");
        assertThat(alone).containsExactly(0, 1, 3);
    }

    @Test
    void aBatchThatThrowsAnErrorIsDoneAgainOneByOneAndItsWorkerGoesOn() throws Exception {
        List<CompletableFuture<Void>> waiting =
                whileTheWorkerIsBusy(
                        10,
                        batch -> {
                            throw new StackOverflowError("too deep");
                        },
                        item -> {},
                        3);
        waiting.forEach(done -> assertThat(done).succeedsWithin(Duration.ofSeconds(5)));
        assertThat(alone).containsExactly(0, 1, 2, 3);
    }

    /**
     * Items 1 to {@code count}, submitted while the one worker is busy with item 0 (done alone),
     * then let go; each item done alone without a failure is noted in {@link #alone}.
     */
    private List<CompletableFuture<Void>> whileTheWorkerIsBusy(
            int maxBatch, Consumer<List<Integer>> batches, Consumer<Integer> each, int count) {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (GroupCommit<Integer> commits =
                new GroupCommit<>(
                        "test",
                        1,
                        maxBatch,
                        batches,
                        item -> {
                            if (item == 0) {
                                busy.countDown();
                                hold(release);
                            }
                            each.accept(item);
                            alone.add(item);
                        })) {
            CompletableFuture<Void> first = commits.submit(0);
            hold(busy);
            List<CompletableFuture<Void>> waiting =
                    IntStream.rangeClosed(1, count).mapToObj(commits::submit).toList();
            release.countDown();
            assertThat(first).succeedsWithin(Duration.ofSeconds(5));
            // bounded: items left unfinished fail the caller's assertions rather than hang it
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
                    .exceptionally(failure -> null)
                    .completeOnTimeout(null, 10, TimeUnit.SECONDS)
                    .join();
            return waiting;
        }
    }

    @Test
    void aWorkerOutlivesAnItemThatFailsAlone() throws Exception {
        try (GroupCommit<Integer> commits =
                new GroupCommit<>(
                        "test",
                        1,
                        10,
                        together::add,
                        item -> {
                            if (item == 1) {
                                throw new IllegalArgumentException("bad");
                            }
                            alone.add(item);
                        })) {
            CompletableFuture<Void> bad = commits.submit(1);
            await().atMost(Duration.ofSeconds(5)).until(bad::isDone);
            assertThat(bad).isCompletedExceptionally();
            commits.submit(2).get(5, TimeUnit.SECONDS);
        }
        assertThat(alone).containsExactly(2);
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
