package dev.glide.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A Quarkus test resource that gives the service under test a real Kafka broker and a real
 * PostgreSQL.
 *
 * <p>Both start once per test JVM, however many test classes use them, and stop when the JVM exits.
 * Where the environment already names a broker ({@code KAFKA_BOOTSTRAP_SERVERS}) or a database
 * ({@code QUARKUS_DATASOURCE_JDBC_URL}, with {@code QUARKUS_DATASOURCE_USERNAME} and {@code
 * QUARKUS_DATASOURCE_PASSWORD}), those are used and nothing is started.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(RealInfrastructure.class.getName());

    private static String bootstrapServers;
    private static String jdbcUrl;
    private static String username;
    private static String password;

    @Override
    public synchronized Map<String, String> start() {
        startOncePerJvm();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", username);
        config.put("quarkus.datasource.password", password);
        return config;
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM: stopped by the shutdown hook, not per class.
    }

    /** The broker the tests of this JVM use, for test code that reads or writes topics itself. */
    public static synchronized String bootstrapServers() {
        startOncePerJvm();
        return bootstrapServers;
    }

    /** The database the tests of this JVM use. */
    public static synchronized String jdbcUrl() {
        startOncePerJvm();
        return jdbcUrl;
    }

    /**
     * Runs {@code work} with this class's loader as the thread's context class loader. A pool
     * thread may still carry the loader of a Quarkus application an earlier test class ran (each
     * test profile restarts the application in a new loader), and the Kafka client loads its
     * metrics reporters through the context loader: from another loader they are not the interfaces
     * this loader knows (a ClassCastException of JmxReporter).
     */
    private static <T> Supplier<T> inOurClassLoader(Supplier<T> work) {
        ClassLoader ours = RealInfrastructure.class.getClassLoader();
        return () -> {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(ours);
            try {
                return work.get();
            } finally {
                thread.setContextClassLoader(before);
            }
        };
    }

    private static void startOncePerJvm() {
        if (bootstrapServers != null) {
            return;
        }
        String externalKafka = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String externalJdbc = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        Path workDir = createWorkDir();
        // Broker and database start side by side: each takes a few seconds, mostly waiting.
        CompletableFuture<KafkaBroker> broker =
                isSet(externalKafka)
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(
                                inOurClassLoader(
                                        () -> KafkaBroker.start(workDir.resolve("kafka"), 0, 3)));
        CompletableFuture<EmbeddedDatabase> database =
                isSet(externalJdbc)
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(
                                inOurClassLoader(() -> EmbeddedDatabase.start(null, 0)));
        KafkaBroker startedBroker = broker.join();
        EmbeddedDatabase startedDatabase = database.join();
        if (startedBroker == null) {
            bootstrapServers = externalKafka;
            LOG.info("Using the Kafka broker at " + externalKafka + " (KAFKA_BOOTSTRAP_SERVERS)");
        } else {
            bootstrapServers = startedBroker.bootstrapServers();
            LOG.info(
                    "Started a real Apache Kafka broker (KRaft) at "
                            + bootstrapServers
                            + " in "
                            + startedBroker.startedIn().toMillis()
                            + " ms; log: "
                            + startedBroker.logFile());
        }
        if (startedDatabase == null) {
            jdbcUrl = externalJdbc;
            username = envOr("QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER);
            password = envOr("QUARKUS_DATASOURCE_PASSWORD", "");
            LOG.info("Using the PostgreSQL at " + externalJdbc + " (QUARKUS_DATASOURCE_JDBC_URL)");
        } else {
            jdbcUrl = startedDatabase.jdbcUrl();
            username = EmbeddedDatabase.USER;
            password = "";
            LOG.info(
                    "Started a real PostgreSQL at "
                            + jdbcUrl
                            + " in "
                            + startedDatabase.startedIn().toMillis()
                            + " ms");
        }
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    if (startedBroker != null) {
                                        startedBroker.close();
                                    }
                                    if (startedDatabase != null) {
                                        startedDatabase.close();
                                    }
                                    deleteQuietly(workDir);
                                },
                                "stop-test-infrastructure"));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("glide-test-infra-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it eventually
        }
    }
}
