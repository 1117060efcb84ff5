package dev.glide.contract.retention;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionJobTest {

    @Test
    void aServiceWithAnAgeThatIsNotPositiveDoesNotStart() {
        assertThatThrownBy(() -> new RetentionJob(null, Optional.of(Duration.ZERO)))
                .hasMessage(
                        "glide.retention.ended-after: 'PT0S' must be a positive duration, e.g. 30d, 12h or P30D");
        assertThatThrownBy(() -> new RetentionJob(null, Optional.of(Duration.ofHours(-1))))
                .hasMessageContaining("'PT-1H' must be a positive duration");
    }
}
