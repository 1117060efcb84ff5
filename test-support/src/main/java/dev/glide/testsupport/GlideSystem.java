package dev.glide.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The whole of Glide on one machine, every part real and separate: a Kafka broker (KRaft, child
 * JVM), a PostgreSQL, and the four services as their packaged JVMs. The local launcher runs one;
 * full-loop tests and benchmarks start their own with free ports and their own settings per
 * service.
 */
public final class GlideSystem implements AutoCloseable {

    /** The services in start order. */
    public static final List<String> SERVICES =
            List.of("planner-service", "traffic-service", "analysis-service", "notifier-service");

    private final KafkaCluster kafka;
    private final EmbeddedDatabase database;
    private final Map<String, List<ServiceProcess>> services;
    private final int gatewayPort;
    private boolean closed;

    private GlideSystem(
            KafkaCluster kafka,
            EmbeddedDatabase database,
            Map<String, List<ServiceProcess>> services,
            int gatewayPort) {
        this.kafka = kafka;
        this.database = database;
        this.services = services;
        this.gatewayPort = gatewayPort;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The first (or only) broker. */
    public KafkaBroker broker() {
        return kafka.brokers().get(0);
    }

    /** Every broker: one, or a cluster of three. */
    public KafkaCluster kafka() {
        return kafka;
    }

    public EmbeddedDatabase database() {
        return database;
    }

    /** The first replica of a service. */
    public ServiceProcess service(String name) {
        return services.get(name).get(0);
    }

    /** Every replica of a service, in start order. */
    public List<ServiceProcess> replicas(String name) {
        return List.copyOf(services.get(name));
    }

    /** Every replica of every service. */
    public List<ServiceProcess> services() {
        return services.values().stream().flatMap(List::stream).toList();
    }

    public String plannerUrl() {
        return service("planner-service").url();
    }

    public String notifierUrl() {
        return service("notifier-service").url();
    }

    /** The embedded gateway in the traffic service. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    /** Kills replica {@code index} (0-based) of a service with SIGKILL, as a crash would. */
    public void kill(String service, int index) throws InterruptedException {
        services.get(service).get(index).kill();
    }

    /** Starts a killed replica again, as its supervisor would, and waits until it is healthy. */
    public ServiceProcess restart(String service, int index)
            throws IOException, InterruptedException {
        ServiceProcess restarted = services.get(service).get(index).restart();
        services.get(service).set(index, restarted);
        restarted.awaitHealthy(Duration.ofSeconds(120));
        return restarted;
    }

    /**
     * Restarts the brokers (in turn) on the same ports and data; the services reconnect by
     * themselves.
     */
    public void restartBroker() {
        kafka.restart();
    }

    /**
     * Stops the services (in parallel, gracefully), then Kafka and PostgreSQL; once, however often
     * it is called.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        services().parallelStream().forEach(ServiceProcess::stop);
        kafka.close();
        database.close();
    }

    /**
     * What to start: ports (0 picks free ones), where data and logs go, and settings per service.
     */
    public static final class Builder {
        private final Path root;
        private Path dataDir;
        private int kafkaPort;
        private int postgresPort;
        private int partitions = 6;
        private int brokers = 1;
        private int gatewayPort;
        private final Map<String, Integer> ports = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> properties = new LinkedHashMap<>();
        private Duration healthTimeout = Duration.ofSeconds(120);
        private List<String> only = SERVICES;
        private final Map<String, Integer> replicas = new LinkedHashMap<>();

        private Builder(Path root) {
            this.root = root.toAbsolutePath().normalize();
            SERVICES.forEach(name -> properties.put(name, new LinkedHashMap<>()));
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder postgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Runs {@code count} Kafka brokers in one quorum (default one); with three, every topic has
         * three replicas and a write needs two.
         */
        public Builder brokers(int count) {
            this.brokers = count;
            return this;
        }

        public Builder servicePort(String service, int port) {
            ports.put(service, port);
            return this;
        }

        public Builder gatewayPort(int port) {
            this.gatewayPort = port;
            return this;
        }

        /**
         * Starts only these services (beside the broker and the database): a benchmark of one
         * service alone.
         */
        public Builder only(String... names) {
            List<String> chosen = List.of(names);
            chosen.stream()
                    .filter(name -> !SERVICES.contains(name))
                    .findFirst()
                    .ifPresent(
                            name -> {
                                throw new IllegalArgumentException(
                                        "no service named "
                                                + name
                                                + "; the services are "
                                                + SERVICES);
                            });
            this.only = SERVICES.stream().filter(chosen::contains).toList();
            return this;
        }

        /**
         * Runs {@code count} replicas of a service, in one consumer group: the second and later on
         * free ports, each traffic-service replica with an embedded gateway of its own, logs under
         * {@code logs/replica-N/}.
         */
        public Builder replicas(String service, int count) {
            if (!SERVICES.contains(service) || count < 1) {
                throw new IllegalArgumentException(
                        count + " replicas of " + service + ": the services are " + SERVICES);
            }
            replicas.put(service, count);
            return this;
        }

        /** A setting of one service, as a system property of its JVM. */
        public Builder set(String service, String key, String value) {
            properties.get(service).put(key, value);
            return this;
        }

        /** A setting of every service. */
        public Builder setAll(String key, String value) {
            SERVICES.forEach(service -> set(service, key, value));
            return this;
        }

        public GlideSystem start() {
            try {
                Path data = dataDir != null ? dataDir : Files.createTempDirectory("glide-system");
                Path logs = Files.createDirectories(data.resolve("logs"));
                KafkaCluster broker =
                        KafkaCluster.start(
                                data.resolve("kafka"),
                                brokers,
                                kafkaPort == 0 ? FreePorts.pick() : kafkaPort,
                                partitions);
                EmbeddedDatabase database =
                        EmbeddedDatabase.start(
                                data.resolve("postgres"),
                                postgresPort == 0 ? FreePorts.pick() : postgresPort);
                int gateway = gatewayPort == 0 ? FreePorts.pick() : gatewayPort;
                set("traffic-service", "glide.gateway.embedded.port", String.valueOf(gateway));
                Map<String, String> environment =
                        Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                broker.bootstrapServers(),
                                "QUARKUS_DATASOURCE_JDBC_URL",
                                "jdbc:postgresql://localhost:"
                                        + database.port()
                                        + "/"
                                        + EmbeddedDatabase.DATABASE,
                                "QUARKUS_DATASOURCE_USERNAME",
                                EmbeddedDatabase.USER,
                                "QUARKUS_DATASOURCE_PASSWORD",
                                "");
                Map<String, List<ServiceProcess>> services = new LinkedHashMap<>();
                for (String name : only) {
                    List<ServiceProcess> started = new ArrayList<>();
                    for (int replica = 1; replica <= replicas.getOrDefault(name, 1); replica++) {
                        Map<String, String> settings = new LinkedHashMap<>(properties.get(name));
                        int port =
                                replica == 1 && ports.getOrDefault(name, 0) != 0
                                        ? ports.get(name)
                                        : FreePorts.pick();
                        Path logDir = logs;
                        if (replica > 1) {
                            logDir = Files.createDirectories(logs.resolve("replica-" + replica));
                            settings.computeIfPresent(
                                    "glide.gateway.embedded.port",
                                    (key, value) -> String.valueOf(FreePorts.pick()));
                        }
                        started.add(
                                ServiceProcess.start(
                                        root, name, port, environment, settings, logDir));
                    }
                    services.put(name, new CopyOnWriteArrayList<>(started));
                }
                GlideSystem system = new GlideSystem(broker, database, services, gateway);
                // the services run in sessions of their own: whoever started them stops them, also
                // when told to stop
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(system::close, "glide-system-stop"));
                List<Throwable> failures = new ArrayList<>();
                for (ServiceProcess service : system.services()) {
                    try {
                        service.awaitHealthy(healthTimeout);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
                if (!failures.isEmpty()) {
                    system.close();
                    throw new IllegalStateException(
                            "Glide did not start: " + failures.get(0).getMessage(),
                            failures.get(0));
                }
                return system;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Glide", e);
            }
        }
    }
}
