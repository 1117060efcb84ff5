package dev.glide.contract.retry;

import java.time.Duration;

/**
 * The pauses between tries of one thing that fails for a while: the first pause, then each twice
 * the last, never more than the maximum. One per retry loop (it is not thread-safe).
 */
public final class Backoff {

    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException(
                    "backoff: first pause " + first + " must be positive and at most max " + max);
        }
        this.next = first;
        this.max = max;
    }

    /** The pause before the next try; the one after it is twice as long (up to the maximum). */
    public Duration next() {
        Duration pause = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return pause;
    }

    /**
     * The pause before the next try, but never shorter than {@code atLeast} when that is given (a
     * server's Retry-After).
     */
    public Duration next(Duration atLeast) {
        Duration pause = next();
        return atLeast != null && atLeast.compareTo(pause) > 0 ? atLeast : pause;
    }

    /**
     * Sleeps for {@code pause}; when the thread is interrupted, keeps the flag and throws, naming
     * what was waiting.
     */
    public static void sleep(Duration pause, String what) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry " + what, e);
        }
    }
}
