package dev.glide.analysis.metrics;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.jpa.DatabaseOutage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores the gateways' metrics windows, each once however often it is delivered, for the analyses
 * to judge; a window that completes an analysis window gets that analysis judged at once instead of
 * after its grace. A record that is not a valid window throws, and the channel's dead-letter
 * strategy moves it aside with the reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    /**
     * Fired in the transaction that stored a window, so whoever judges windows may see that one is
     * complete now.
     */
    public record WindowStored(String rolloutId, Instant windowEnd) {}

    private final EventCodec codec;
    private final Event<WindowStored> stored;

    MetricsConsumer(EventCodec codec, Event<WindowStored> stored) {
        this.codec = codec;
        this.stored = stored;
    }

    @Incoming(Topics.TRAFFIC_METRICS)
    @Blocking
    public void onWindow(String json) {
        storeWindow(codec.decode(json, TrafficMetrics.class));
    }

    /**
     * Stores a window, once, and lets the analyses it completes be judged: a gateway's from the
     * topic, or one the analysis service counted itself (a load test's answers).
     */
    public void storeWindow(TrafficMetrics metrics) {
        DatabaseOutage.retry(
                "metrics window of rollout " + metrics.rolloutId(),
                () ->
                        QuarkusTransaction.requiringNew()
                                .run(
                                        () -> {
                                            store(metrics);
                                            stored.fire(
                                                    new WindowStored(
                                                            metrics.rolloutId(),
                                                            metrics.windowEnd()));
                                        }));
    }

    private static void store(TrafficMetrics metrics) {
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
            window.payload = metrics;
            window.receivedAt = Instant.now();
            window.persist();
        }
    }
}
