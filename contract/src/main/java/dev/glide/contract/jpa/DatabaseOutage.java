package dev.glide.contract.jpa;

import dev.glide.contract.retry.Backoff;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What a consumer does while PostgreSQL is unreachable: it keeps its record and tries it again
 * until the database is back, instead of failing it (which would move a good record to a
 * dead-letter topic). The record's partition waits behind it, so nothing after it is taken either,
 * and its offset is committed only once it is stored. Only an outage is retried: a record the
 * database refuses for what it says is still refused at once.
 */
public final class DatabaseOutage {

    private static final Logger LOG = Logger.getLogger(DatabaseOutage.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private DatabaseOutage() {}

    /** Runs {@code work}, again and again while it fails because the database is unreachable. */
    public static void retry(String what, Runnable work) {
        retry(
                what,
                () -> {
                    work.run();
                    return null;
                });
    }

    /** Runs {@code work}, again and again while it fails because the database is unreachable. */
    public static <T> T retry(String what, Supplier<T> work) {
        long began = 0;
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        while (true) {
            try {
                T result = work.get();
                if (began != 0) {
                    LOG.infof(
                            "the database is back after %d ms: %s done",
                            (System.nanoTime() - began) / 1_000_000, what);
                }
                return result;
            } catch (RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                if (began == 0) {
                    began = System.nanoTime();
                    LOG.warnf(
                            "the database is unreachable (%s): %s waits and is tried again until it is back",
                            rootMessage(e), what);
                }
            }
            Backoff.sleep(backoff.next(), what + " (waiting for the database)");
        }
    }

    /**
     * Runs one tick of a periodic job; while the database is unreachable the tick is skipped with
     * one line of warning instead of a stack trace each time, and the next tick tries again.
     */
    public static void tick(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            if (!isOutage(e)) {
                throw e;
            }
            LOG.warnf(
                    "the database is unreachable (%s): %s waits for the next tick",
                    rootMessage(e), what);
        }
    }

    /**
     * Whether {@code failure} says the database could not be reached or went away (connection
     * refused or lost, the server shutting down or starting, no pooled connection to be had, a
     * deadlock or serialization failure to try again), as opposed to refusing the statement.
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause.getClass().getName().endsWith("JDBCConnectionException")) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null
                        && (state.startsWith("08")
                                || state.startsWith("57P")
                                || state.equals("40001")
                                || state.equals("40P01")
                                || state.equals("53300"))) {
                    return true;
                }
                String message = sql.getMessage();
                // Agroal's "Sorry, acquisition timeout!": every pooled connection busy
                if (message != null
                        && message.toLowerCase(Locale.ROOT).contains("acquisition timeout")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
