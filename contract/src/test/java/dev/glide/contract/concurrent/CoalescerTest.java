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

    @Test
    void requestsMadeWhileABatchRunsGoTogetherInTheNextAndEachGetsItsOwnAnswer() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Coalescer<Integer, String> coalescer =
                new Coalescer<>(
                        "test",
                        100,
                        requests -> {
                            batches.add(requests);
                            if (requests.contains(0)) {
                                firstRunning.countDown();
                                await(release);
                            }
                            return requests.stream().map(r -> "answer " + r).toList();
                        })) {
            CompletableFuture<String> first = coalescer.submit(0);
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<String>> waiting =
                    IntStream.rangeClosed(1, 50).mapToObj(coalescer::submit).toList();
            release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("answer 0");
            for (int i = 0; i < waiting.size(); i++) {
                assertThat(waiting.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("answer " + (i + 1));
            }
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1)).hasSize(50);
        }
    }

    @Test
    void aBatchNeverExceedsItsLimitAndAFailingBatchFailsOnlyItsOwnRequests() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Coalescer<Integer, Integer> coalescer =
                new Coalescer<>(
                        "test",
                        10,
                        requests -> {
                            batches.add(requests);
                            if (requests.contains(0)) {
                                firstRunning.countDown();
                                await(release);
                                return requests;
                            }
                            if (requests.contains(7)) {
                                throw new IllegalStateException("batch with 7 refused");
                            }
                            return requests;
                        })) {
            CompletableFuture<Integer> first = coalescer.submit(0);
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Integer>> rest =
                    IntStream.rangeClosed(1, 25).mapToObj(coalescer::submit).toList();
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new))
                    .handle((v, e) -> null)
                    .get(5, TimeUnit.SECONDS);

            assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(10));
            assertThatThrownBy(() -> rest.get(6).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("batch with 7 refused");
            List<Integer> failedBatch =
                    batches.stream().filter(b -> b.contains(7)).findFirst().orElseThrow();
            for (int i = 1; i <= 25; i++) {
                if (!failedBatch.contains(i)) {
                    assertThat(rest.get(i - 1).get()).isEqualTo(i);
                }
            }
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
