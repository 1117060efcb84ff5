package dev.glide.contract.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedLanesTest {

    private final KeyedLanes lanes = new KeyedLanes("test", 2, 100);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        release.countDown();
        lanes.close();
    }

    @Test
    void urgentWorkRunsWhileOtherKeysHoldEveryWorkerAndMoreWait() throws Exception {
        lanes.submit("a", () -> blocked("a"));
        lanes.submit("b", () -> blocked("b"));
        List<CompletableFuture<String>> queued =
                List.of("c", "d", "e").stream()
                        .map(key -> lanes.submit(key, () -> done(key)))
                        .toList();

        String urgent = lanes.submit("z", true, () -> done("z")).get(5, TimeUnit.SECONDS);

        assertThat(urgent).isEqualTo("z");
        assertThat(queued).noneMatch(CompletableFuture::isDone);
        release.countDown();
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(ran.indexOf("z")).isLessThan(ran.indexOf("c"));
    }

    @Test
    void urgentWorkWaitsForItsOwnKeysEarlierWork() throws Exception {
        lanes.submit("a", () -> blocked("a-first"));
        CompletableFuture<String> urgentOnA = lanes.submit("a", true, () -> done("a-urgent"));
        // the urgent workers are free: another key's urgent work gets through at once
        lanes.submit("b", true, () -> done("b-urgent")).get(5, TimeUnit.SECONDS);

        assertThat(urgentOnA).isNotDone();
        release.countDown();
        assertThat(urgentOnA.get(5, TimeUnit.SECONDS)).isEqualTo("a-urgent");
        assertThat(ran).containsSubsequence("a-first", "a-urgent");
    }

    private CompletableFuture<String> blocked(String name) {
        ran.add(name);
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(name);
    }

    private CompletableFuture<String> done(String name) {
        ran.add(name);
        return CompletableFuture.completedFuture(name);
    }
}
