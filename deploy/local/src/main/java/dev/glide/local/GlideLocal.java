package dev.glide.local;

import dev.glide.testsupport.EmbeddedDatabase;
import dev.glide.testsupport.KafkaBroker;
import dev.glide.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Glide on one machine: a real Kafka broker and a real PostgreSQL, data kept under one folder so a
 * restart keeps every rollout, then the four services. Ctrl-C stops everything, services first.
 */
@Command(name = "glide-local", mixinStandardHelpOptions = true,
        description = "Starts Kafka, PostgreSQL and the four Glide services locally; Ctrl-C stops them.")
public final class GlideLocal implements Callable<Integer> {

    /** The services in start order, with their ports. */
    static final Map<String, Integer> SERVICES = servicesInOrder();

    @Option(names = "--root", description = "The Glide checkout (default: ${DEFAULT-VALUE}).", defaultValue = ".")
    Path root;

    @Option(names = "--data-dir", description = "Where Kafka, PostgreSQL and the logs keep their files (default: ${DEFAULT-VALUE}).",
            defaultValue = ".local")
    Path dataDir;

    @Option(names = "--kafka-port", description = "The broker's port (default: ${DEFAULT-VALUE}).", defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--postgres-port", description = "PostgreSQL's port (default: ${DEFAULT-VALUE}; not 5432, to keep clear of a system PostgreSQL).",
            defaultValue = "15432")
    int postgresPort;

    @Option(names = "--partitions", description = "Partitions of each topic the services create (default: ${DEFAULT-VALUE}).",
            defaultValue = "6")
    int partitions;

    @Option(names = "--exit-when-healthy", description = "Stop everything once all services are healthy (a smoke test).")
    boolean exitWhenHealthy;

    private final List<ServiceProcess> running = new ArrayList<>();
    private KafkaBroker broker;
    private EmbeddedDatabase database;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GlideLocal()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path data = dataDir.toAbsolutePath().normalize();
        Path logs = Files.createDirectories(data.resolve("logs"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll();
            stopped.countDown();
        }, "glide-local-stop"));

        say("Starting Kafka (KRaft) on port %d and PostgreSQL on port %d; data in %s", kafkaPort, postgresPort, data);
        broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort, partitions);
        say("  Kafka      %-28s up in %d ms (log %s)", broker.bootstrapServers(), broker.startedIn().toMillis(), broker.logFile());
        database = EmbeddedDatabase.start(data.resolve("postgres"), postgresPort);
        say("  PostgreSQL %-28s up in %d ms", "localhost:" + database.port(), database.startedIn().toMillis());

        Map<String, String> environment = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + database.port() + "/" + EmbeddedDatabase.DATABASE,
                "QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER,
                "QUARKUS_DATASOURCE_PASSWORD", "");
        for (var service : SERVICES.entrySet()) {
            running.add(ServiceProcess.start(root.toAbsolutePath(), service.getKey(), service.getValue(), environment, logs));
        }
        for (ServiceProcess service : running) {
            service.awaitHealthy(Duration.ofSeconds(120));
            say("  %-16s %-22s healthy  (health %s/q/health, API %s/q/swagger-ui, log %s)", service.name(), service.url(),
                    service.url(), service.url(), service.log());
        }
        say("Glide is running. Press Ctrl-C to stop everything.");
        if (exitWhenHealthy) {
            return 0; // the shutdown hook stops everything
        }
        stopped.await();
        return 0;
    }

    private synchronized void stopAll() {
        if (!running.isEmpty()) {
            say("Stopping the services...");
            running.parallelStream().forEach(ServiceProcess::stop);
            running.clear();
        }
        if (broker != null) {
            say("Stopping Kafka...");
            broker.close();
            broker = null;
        }
        if (database != null) {
            say("Stopping PostgreSQL...");
            database.close();
            database = null;
        }
        say("Stopped.");
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }

    private static Map<String, Integer> servicesInOrder() {
        Map<String, Integer> services = new LinkedHashMap<>();
        services.put("planner-service", 8081);
        services.put("traffic-service", 8082);
        services.put("analysis-service", 8083);
        services.put("notifier-service", 8084);
        return services;
    }
}
