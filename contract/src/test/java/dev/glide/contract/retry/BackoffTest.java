package dev.glide.contract.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pauses.add(backoff.next().toMillis());
        }
        assertThat(pauses).containsExactly(200L, 400L, 800L, 1600L, 2000L, 2000L, 2000L);
    }

    @Test
    void aLongerRetryAfterWinsAndTheDoublingGoesOn() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        assertThat(backoff.next(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.next(Duration.ofMillis(100))).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next(null)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesAPauseThatIsNotPositiveOrAboveTheMaximum() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("first pause PT0S must be positive");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("at most max PT1S");
    }
}
