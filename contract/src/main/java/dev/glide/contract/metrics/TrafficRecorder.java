package dev.glide.contract.metrics;

import dev.glide.contract.LatencyHistogram;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutStep;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a gateway serves, per rollout and version: requests, server errors (5xx, including a
 * gateway's own 502/504 when an upstream fails) and a latency histogram, in windows that {@link
 * #close} hands out. The embedded gateway records each request as it answers; the nginx adapter
 * records the lines of its routes' access logs; the analysis service records the answers of its
 * load tests.
 */
public final class TrafficRecorder {

    /** Bucket bounds in milliseconds: fine where services usually answer, coarse in the tail. */
    public static final List<Double> BOUNDS_MS =
            List.of(
                    1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 250.0,
                    300.0, 400.0, 500.0, 750.0, 1000.0, 1500.0, 2500.0, 5000.0, 10000.0);

    private static final double[] BOUNDS =
            BOUNDS_MS.stream().mapToDouble(Double::doubleValue).toArray();

    private final AtomicReference<Map<String, RolloutCounts>> current =
            new AtomicReference<>(new ConcurrentHashMap<>());
    private Instant windowStart = Instant.now();

    /**
     * A gateway's name for its windows from this replica ({@code embedded@host:pid}): where every
     * replica has a gateway of its own, each publishes its windows under its own name and the
     * analysis adds them up (under one name, a window of one replica would be taken for a
     * redelivery of the other's and dropped).
     */
    public static String sourceOf(String gateway) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return gateway + "@" + host + ":" + ProcessHandle.current().pid();
    }

    public void record(RolloutStep step, Role role, int status, long nanos) {
        record(
                step.rolloutId(),
                step.service(),
                step.stable().version(),
                step.canary().version(),
                role,
                status,
                nanos);
    }

    /** One answer of a rollout's version, named without a step (a gate's own test requests). */
    public void record(
            String rolloutId,
            String service,
            String stableVersion,
            String canaryVersion,
            Role role,
            int status,
            long nanos) {
        current.get()
                .computeIfAbsent(
                        rolloutId, id -> new RolloutCounts(service, stableVersion, canaryVersion))
                .side(role)
                .record(status, nanos / 1_000_000.0);
    }

    /** Closes the window: one TrafficMetrics per rollout that saw requests in it. */
    public synchronized List<TrafficMetrics> close(Instant end, String source) {
        Map<String, RolloutCounts> closed = current.getAndSet(new ConcurrentHashMap<>());
        Instant start = windowStart.isBefore(end) ? windowStart : end.minusMillis(1);
        windowStart = end;
        List<TrafficMetrics> windows = new ArrayList<>();
        closed.forEach(
                (rolloutId, counts) -> {
                    List<VersionWindow> versions = new ArrayList<>();
                    counts.stable.window(Role.STABLE, counts.stableVersion, versions);
                    counts.canary.window(Role.CANARY, counts.canaryVersion, versions);
                    if (!versions.isEmpty()) {
                        windows.add(
                                new TrafficMetrics(
                                        TrafficMetrics.SCHEMA_VERSION,
                                        rolloutId,
                                        counts.service,
                                        start,
                                        end,
                                        source,
                                        versions));
                    }
                });
        return windows;
    }

    private static final class RolloutCounts {
        final String service;
        final String stableVersion;
        final String canaryVersion;
        final SideCounts stable = new SideCounts();
        final SideCounts canary = new SideCounts();

        RolloutCounts(String service, String stableVersion, String canaryVersion) {
            this.service = service;
            this.stableVersion = stableVersion;
            this.canaryVersion = canaryVersion;
        }

        SideCounts side(Role role) {
            return role == Role.CANARY ? canary : stable;
        }
    }

    private static final class SideCounts {
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length + 1);

        void record(int status, double millis) {
            requests.increment();
            if (status >= 500) {
                errors.increment();
            }
            int bucket = Arrays.binarySearch(BOUNDS, millis);
            buckets.incrementAndGet(bucket >= 0 ? bucket : -bucket - 1);
        }

        void window(Role role, String version, List<VersionWindow> into) {
            long total = requests.sum();
            if (total == 0) {
                return;
            }
            List<Long> counts = new ArrayList<>();
            for (int i = 0; i < buckets.length(); i++) {
                counts.add(buckets.get(i));
            }
            into.add(
                    new VersionWindow(
                            role,
                            version,
                            total,
                            Math.min(errors.sum(), total),
                            new LatencyHistogram(BOUNDS_MS, counts)));
        }
    }
}
