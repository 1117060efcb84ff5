package dev.glide.traffic.metrics;

import dev.glide.contract.EventCodec;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.kafka.EventPublisher;
import dev.glide.traffic.config.TrafficConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Closes the window of every measuring gateway on a clock-aligned grid (every whole second by
 * default: windows end at :00.000, :01.000, ...) and publishes it on traffic-metrics. Aligned
 * windows end exactly where analysis windows end, so an analysis can judge a window the moment its
 * last metrics arrive.
 */
@ApplicationScoped
public class MetricsPublisher {

    private static final Logger LOG = Logger.getLogger(MetricsPublisher.class);

    private final Instance<WindowSource> sources;
    private final EventPublisher publisher;
    private final long intervalMillis;
    private ScheduledExecutorService clock;

    MetricsPublisher(
            Instance<WindowSource> sources,
            EventCodec codec,
            TrafficConfig config,
            @Channel(Topics.TRAFFIC_METRICS) Emitter<String> emitter) {
        this.sources = sources;
        this.publisher = new EventPublisher(emitter, codec);
        this.intervalMillis = Math.max(1, config.metricsInterval().toMillis());
    }

    void start(@Observes StartupEvent event) {
        clock =
                Executors.newSingleThreadScheduledExecutor(
                        r -> new Thread(r, "glide-metrics-windows"));
        scheduleNext();
    }

    void stop(@Observes ShutdownEvent event) {
        if (clock != null) {
            clock.shutdownNow();
        }
    }

    private void scheduleNext() {
        long now = System.currentTimeMillis();
        long boundary = (now / intervalMillis + 1) * intervalMillis;
        clock.schedule(
                () -> {
                    try {
                        publishWindows(Instant.ofEpochMilli(boundary));
                    } finally {
                        if (!clock.isShutdown()) {
                            scheduleNext();
                        }
                    }
                },
                boundary - now,
                TimeUnit.MILLISECONDS);
    }

    void publishWindows(Instant end) {
        List<TrafficMetrics> windows = new ArrayList<>();
        for (WindowSource source : sources) {
            try {
                windows.addAll(source.closeWindow(end));
            } catch (RuntimeException e) {
                LOG.warnf(
                        e,
                        "could not close the metrics window of %s",
                        source.getClass().getSimpleName());
            }
        }
        if (!windows.isEmpty()) {
            // not waited for: a partition without a leader (a broker died) delays its own
            // windows, not every route's, and not the next second's
            try {
                publisher
                        .sendEvents(windows)
                        .whenComplete(
                                (sent, failure) -> {
                                    if (failure != null) {
                                        LOG.warnf(
                                                "could not publish metrics windows ending %s: %s",
                                                end, failure.getMessage());
                                    }
                                });
            } catch (RuntimeException e) {
                LOG.warnf(
                        "could not publish %d metrics windows: %s", windows.size(), e.getMessage());
            }
        }
    }
}
