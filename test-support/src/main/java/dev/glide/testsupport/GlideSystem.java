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

/**
 * The whole of Glide on one machine, every part real and separate: a Kafka broker (KRaft, child JVM), a
 * PostgreSQL, and the four services as their packaged JVMs. The local launcher runs one; full-loop tests and
 * benchmarks start their own with free ports and their own settings per service.
 */
public final class GlideSystem implements AutoCloseable {

    /** The services in start order. */
    public static final List<String> SERVICES = List.of("planner-service", "traffic-service", "analysis-service", "notifier-service");

    private final KafkaBroker broker;
    private final EmbeddedDatabase database;
    private final Map<String, ServiceProcess> services;
    private final int gatewayPort;

    private GlideSystem(KafkaBroker broker, EmbeddedDatabase database, Map<String, ServiceProcess> services, int gatewayPort) {
        this.broker = broker;
        this.database = database;
        this.services = services;
        this.gatewayPort = gatewayPort;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public EmbeddedDatabase database() {
        return database;
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    public String plannerUrl() {
        return services.get("planner-service").url();
    }

    public String notifierUrl() {
        return services.get("notifier-service").url();
    }

    /** The embedded gateway in the traffic service. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    /** Stops the services (in parallel, gracefully), then Kafka and PostgreSQL. */
    @Override
    public void close() {
        services.values().parallelStream().forEach(ServiceProcess::stop);
        broker.close();
        database.close();
    }

    /** What to start: ports (0 picks free ones), where data and logs go, and settings per service. */
    public static final class Builder {
        private final Path root;
        private Path dataDir;
        private int kafkaPort;
        private int postgresPort;
        private int partitions = 6;
        private int gatewayPort;
        private final Map<String, Integer> ports = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> properties = new LinkedHashMap<>();
        private Duration healthTimeout = Duration.ofSeconds(120);
        private List<String> only = SERVICES;

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

        public Builder servicePort(String service, int port) {
            ports.put(service, port);
            return this;
        }

        public Builder gatewayPort(int port) {
            this.gatewayPort = port;
            return this;
        }

        /** Starts only these services (beside the broker and the database): a benchmark of one service alone. */
        public Builder only(String... names) {
            List<String> chosen = List.of(names);
            chosen.stream().filter(name -> !SERVICES.contains(name)).findFirst().ifPresent(name -> {
                throw new IllegalArgumentException("no service named " + name + "; the services are " + SERVICES);
            });
            this.only = SERVICES.stream().filter(chosen::contains).toList();
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
                KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort == 0 ? FreePorts.pick() : kafkaPort, partitions);
                EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("postgres"), postgresPort == 0 ? FreePorts.pick() : postgresPort);
                int gateway = gatewayPort == 0 ? FreePorts.pick() : gatewayPort;
                set("traffic-service", "glide.gateway.embedded.port", String.valueOf(gateway));
                Map<String, String> environment = Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                        "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + database.port() + "/" + EmbeddedDatabase.DATABASE,
                        "QUARKUS_DATASOURCE_USERNAME", EmbeddedDatabase.USER,
                        "QUARKUS_DATASOURCE_PASSWORD", "");
                Map<String, ServiceProcess> services = new LinkedHashMap<>();
                for (String name : only) {
                    int port = ports.getOrDefault(name, 0) == 0 ? FreePorts.pick() : ports.get(name);
                    services.put(name, ServiceProcess.start(root, name, port, environment, properties.get(name), logs));
                }
                GlideSystem system = new GlideSystem(broker, database, services, gateway);
                List<Throwable> failures = new ArrayList<>();
                for (ServiceProcess service : services.values()) {
                    try {
                        service.awaitHealthy(healthTimeout);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
                if (!failures.isEmpty()) {
                    system.close();
                    throw new IllegalStateException("Glide did not start: " + failures.get(0).getMessage(), failures.get(0));
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
