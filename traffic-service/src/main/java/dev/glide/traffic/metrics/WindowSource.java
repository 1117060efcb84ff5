package dev.glide.traffic.metrics;

import dev.glide.contract.TrafficMetrics;
import java.time.Instant;
import java.util.List;

/**
 * A gateway that measures what it serves: each call closes the current window and returns it per
 * rollout.
 */
public interface WindowSource {

    /**
     * The windows of rollouts under way that saw traffic since the last call, ending at {@code
     * end}.
     */
    List<TrafficMetrics> closeWindow(Instant end);
}
