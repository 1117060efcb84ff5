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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a gateway serves, per rollout and version: requests, server errors (5xx, including a
 * gateway's own 502/504 when an upstream fails), a latency histogram and the goals the application
 * marked, in windows that {@link #close} hands out; and, where users are known by a sticky key, the
 * distinct users of each version and how many of them reached each goal, over the rollout's whole
 * life (an experiment's conversion per user), until {@link #forget}. The embedded gateway records
 * each request as it answers; the nginx adapter records the lines of its routes' access logs; the
 * analysis service records the answers of its load tests.
 */
public final class TrafficRecorder {

    /** Bucket bounds in milliseconds: fine where services usually answer, coarse in the tail. */
    public static final List<Double> BOUNDS_MS =
            List.of(
                    1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 250.0,
                    300.0, 400.0, 500.0, 750.0, 1000.0, 1500.0, 2500.0, 5000.0, 10000.0);

    private static final double[] BOUNDS =
            BOUNDS_MS.stream().mapToDouble(Double::doubleValue).toArray();

    /** Goals a rollout may name: an application marking endless names costs no more than these. */
    public static final int MAX_GOALS = 20;

    private final AtomicReference<Map<String, RolloutCounts>> current =
            new AtomicReference<>(new ConcurrentHashMap<>());
    private final Map<String, Map<String, VersionUsers>> users = new ConcurrentHashMap<>();
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

    /**
     * One answer of {@code version} (on {@code role}'s side: an experiment's control is STABLE, its
     * variants CANARY), with the goals its application marked and the user it served (null when the
     * route knows no users).
     */
    public void record(
            RolloutStep step,
            Role role,
            String version,
            int status,
            long nanos,
            List<String> goals,
            String user) {
        SideCounts counts =
                current.get()
                        .computeIfAbsent(step.rolloutId(), id -> new RolloutCounts(step.service()))
                        .version(role, version);
        counts.record(status, nanos / 1_000_000.0);
        for (String goal : goals) {
            if (counts.goals.size() < MAX_GOALS || counts.goals.containsKey(goal)) {
                counts.goals.computeIfAbsent(goal, g -> new LongAdder()).increment();
            }
        }
        if (user != null) {
            users.computeIfAbsent(step.rolloutId(), id -> new ConcurrentHashMap<>())
                    .computeIfAbsent(version, v -> new VersionUsers())
                    .record(hash(user), goals);
        }
    }

    /** Drops what was kept of a rollout's users (its route now serves another rollout). */
    public void forget(String rolloutId) {
        users.remove(rolloutId);
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
                .computeIfAbsent(rolloutId, id -> new RolloutCounts(service))
                .version(role, role == Role.CANARY ? canaryVersion : stableVersion)
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
                    Map<String, VersionUsers> known = users.getOrDefault(rolloutId, Map.of());
                    counts.versions.values().stream()
                            .sorted(
                                    Comparator.comparing((SideCounts c) -> c.role)
                                            .thenComparing(c -> c.version))
                            .forEach(c -> c.window(known.get(c.version), versions));
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

    /** A 64-bit FNV-1a hash of a user's key: distinct users are counted by it. */
    private static long hash(String user) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < user.length(); i++) {
            h ^= user.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static final class RolloutCounts {
        final String service;
        final Map<String, SideCounts> versions = new ConcurrentHashMap<>();

        RolloutCounts(String service) {
            this.service = service;
        }

        SideCounts version(Role role, String version) {
            return versions.computeIfAbsent(version, v -> new SideCounts(role, v));
        }
    }

    /** One version's users so far, and those who reached each goal. */
    private static final class VersionUsers {
        final Set<Long> seen = ConcurrentHashMap.newKeySet();
        final Map<String, Set<Long>> reached = new ConcurrentHashMap<>();

        void record(long user, List<String> goals) {
            seen.add(user);
            for (String goal : goals) {
                if (reached.size() < MAX_GOALS || reached.containsKey(goal)) {
                    reached.computeIfAbsent(goal, g -> ConcurrentHashMap.newKeySet()).add(user);
                }
            }
        }
    }

    private static final class SideCounts {
        final Role role;
        final String version;
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length + 1);
        final Map<String, LongAdder> goals = new ConcurrentHashMap<>();

        SideCounts(Role role, String version) {
            this.role = role;
            this.version = version;
        }

        void record(int status, double millis) {
            requests.increment();
            if (status >= 500) {
                errors.increment();
            }
            int bucket = Arrays.binarySearch(BOUNDS, millis);
            buckets.incrementAndGet(bucket >= 0 ? bucket : -bucket - 1);
        }

        void window(VersionUsers known, List<VersionWindow> into) {
            long total = requests.sum();
            if (total == 0) {
                return;
            }
            List<Long> counts = new ArrayList<>();
            for (int i = 0; i < buckets.length(); i++) {
                counts.add(buckets.get(i));
            }
            Map<String, Long> marked = new HashMap<>();
            goals.forEach((goal, count) -> marked.put(goal, count.sum()));
            Map<String, Long> reached = new HashMap<>();
            if (known != null) {
                known.reached.forEach((goal, who) -> reached.put(goal, (long) who.size()));
            }
            into.add(
                    new VersionWindow(
                            role,
                            version,
                            total,
                            Math.min(errors.sum(), total),
                            new LatencyHistogram(BOUNDS_MS, counts),
                            marked,
                            known == null ? null : (long) known.seen.size(),
                            reached));
        }
    }
}
