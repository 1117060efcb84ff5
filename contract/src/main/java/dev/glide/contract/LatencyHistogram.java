package dev.glide.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/**
 * Request latencies of one window in buckets: {@code counts[i]} requests took at most {@code
 * upperBoundsMs[i]} (and more than the bound before it); the last count, one past the bounds, holds
 * everything slower.
 */
public record LatencyHistogram(
        @NotNull List<@NotNull Double> upperBoundsMs,
        @NotNull List<@NotNull @PositiveOrZero Long> counts) {

    public LatencyHistogram {
        upperBoundsMs = upperBoundsMs == null ? null : List.copyOf(upperBoundsMs);
        counts = counts == null ? null : List.copyOf(counts);
    }

    @JsonIgnore
    @AssertTrue(
            message =
                    "counts must hold one entry per bound plus one for slower requests, bounds ascending")
    public boolean isConsistent() {
        if (upperBoundsMs == null || counts == null || counts.size() != upperBoundsMs.size() + 1) {
            return false;
        }
        for (int i = 1; i < upperBoundsMs.size(); i++) {
            if (upperBoundsMs.get(i) <= upperBoundsMs.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    @JsonIgnore
    public long total() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
