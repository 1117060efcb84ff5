package dev.glide.bench;

import dev.glide.contract.TrafficApplied;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one definition of a lost and a duplicated step that every benchmark reports. A step is
 * expected once the bench knows it was planned (from a rollout's log or from rollout-steps); the
 * traffic service's reports on traffic-applied confirm it. Lost: expected, never confirmed as
 * applied. Duplicated: applied more than once, not counting the reports that say why they apply
 * again (a read-back of a step already applied, a correction after drift): those are on purpose.
 */
final class StepLedger {

    private final Map<String, Boolean> expected = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final Map<String, Boolean> confirmed = new ConcurrentHashMap<>();

    /** The step {@code sequence} of {@code rolloutId} was planned; true the first time. */
    boolean expect(String rolloutId, long sequence) {
        return expected.putIfAbsent(key(rolloutId, sequence), true) == null;
    }

    /** A report on traffic-applied; true when it is the step's first confirmation. */
    boolean report(TrafficApplied report) {
        if (report.outcome() != TrafficApplied.Outcome.APPLIED) {
            return false;
        }
        String key = key(report.rolloutId(), report.sequence());
        if (report.reason() == null) {
            applied.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        return confirmed.putIfAbsent(key, true) == null;
    }

    long lost() {
        return expected.keySet().stream().filter(k -> !confirmed.containsKey(k)).count();
    }

    long duplicated() {
        return applied.entrySet().stream()
                .filter(e -> expected.containsKey(e.getKey()) && e.getValue().get() > 1)
                .count();
    }

    static String key(String rolloutId, long sequence) {
        return rolloutId + "/" + sequence;
    }

    static final String LOST =
            "steps planned (in a rollout's log or on rollout-steps) that traffic-applied never confirmed as applied";
    static final String DUPLICATED =
            "steps traffic-applied reports applied more than once, not counting reports that say why (a read-back of a step already applied, a correction after drift)";
}
