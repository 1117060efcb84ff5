package dev.glide.analysis.metrics;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import java.time.Instant;

/**
 * Stores the gateways' metrics windows, each once however often it is delivered, for the analyses to judge.
 * A record that is not a valid window throws, and the channel's dead-letter strategy moves it aside with the
 * reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    private final EventCodec codec;

    MetricsConsumer(EventCodec codec) {
        this.codec = codec;
    }

    @Incoming(Topics.TRAFFIC_METRICS)
    @Blocking
    @Transactional
    public void onWindow(String json) {
        TrafficMetrics metrics = codec.decode(json, TrafficMetrics.class);
        String source = metrics.source() == null ? "unknown" : metrics.source();
        var key = new MetricWindow.Key();
        key.rolloutId = metrics.rolloutId();
        key.source = source;
        key.windowStart = metrics.windowStart();
        if (MetricWindow.findById(key) == null) {
            MetricWindow window = new MetricWindow();
            window.rolloutId = metrics.rolloutId();
            window.source = source;
            window.windowStart = metrics.windowStart();
            window.windowEnd = metrics.windowEnd();
            window.payload = json;
            window.receivedAt = Instant.now();
            window.persist();
        }
    }
}
