package dev.glide.contract.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstRunning = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * A coalescer that answers each request with itself, holds the batch with request 0 until
     * {@link #release}, and refuses any batch with request 7.
     */
    private Coalescer<Integer, Integer> coalescer(int maxBatch) {
        return new Coalescer<>(
                "test",
                maxBatch,
                requests -> {
                    batches.add(requests);
                    if (requests.contains(0)) {
                        firstRunning.countDown();
                        await(release);
                    } else if (requests.contains(7)) {
                        throw new IllegalStateException("batch with 7 refused");
                    }
                    return requests;
                });
    }

    /** Request 0, running; then requests 1 .. n, made while it runs; then 0's batch let go. */
    private List<CompletableFuture<Integer>> submitWhileTheFirstRuns(
            Coalescer<Integer, Integer> coalescer, int n) throws Exception {
        CompletableFuture<Integer> first = coalescer.submit(0);
        assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Integer>> rest =
                IntStream.rangeClosed(1, n).mapToObj(coalescer::submit).toList();
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
        CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new))
                .handle((v, e) -> null)
                .get(5, TimeUnit.SECONDS);
        return rest;
    }

    @Test
    void requestsMadeWhileABatchRunsGoTogetherInTheNextAndEachGetsItsOwnAnswer() throws Exception {
        try (Coalescer<Integer, Integer> coalescer = coalescer(100)) {
            List<CompletableFuture<Integer>> rest = submitWhileTheFirstRuns(coalescer, 6);

            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i).get()).isEqualTo(i + 1);
            }
            assertThat(batches).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5, 6));
        }
    }

    @Test
    void aBatchNeverExceedsItsLimitAndAFailingBatchFailsOnlyItsOwnRequests() throws Exception {
        try (Coalescer<Integer, Integer> coalescer = coalescer(10)) {
            List<CompletableFuture<Integer>> rest = submitWhileTheFirstRuns(coalescer, 25);

            assertThat(batches)
                    .allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(10))
                    .hasSize(4);
            assertThatThrownBy(() -> rest.get(6).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("batch with 7 refused");
            for (int i = 11; i <= 25; i++) {
                assertThat(rest.get(i - 1).get()).isEqualTo(i);
            }
        }
    }

    @Test
    void urgentRequestsGoFirstInTheNextBatchAheadOfOrdinaryOnesMadeBeforeThem() throws Exception {
        try (Coalescer<Integer, Integer> coalescer = coalescer(4)) {
            CompletableFuture<Integer> first = coalescer.submit(0);
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Integer>> ordinary =
                    IntStream.rangeClosed(1, 5).mapToObj(coalescer::submit).toList();
            CompletableFuture<Integer> urgent = coalescer.submit(10, true);
            CompletableFuture<Integer> urgentToo = coalescer.submit(11, true);
            release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(urgent.get(5, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(urgentToo.get(5, TimeUnit.SECONDS)).isEqualTo(11);
            for (int i = 0; i < ordinary.size(); i++) {
                assertThat(ordinary.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1);
            }
            assertThat(batches)
                    .containsExactly(List.of(0), List.of(10, 11, 1, 2), List.of(3, 4, 5));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
