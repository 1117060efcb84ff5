package dev.glide.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker in KRaft mode (one node, broker and controller), run in a child JVM on
 * the classpath Maven resolved for the {@code kafka-broker} module. It is the same broker whether a
 * test or the local launcher starts it; only the folder and ports differ.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLASSPATH_RESOURCE = "glide/kafka-broker.classpath";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Node node;
    private final Process process;
    private final Duration startedIn;

    private KafkaBroker(Node node, Process process, Duration startedIn) {
        this.node = node;
        this.process = process;
        this.startedIn = startedIn;
    }

    /**
     * Where and how one broker runs: its node id, ports and folder, the quorum it votes in, and the
     * replication its cluster gives new topics.
     */
    record Node(
            Path workDir,
            int nodeId,
            int port,
            int controllerPort,
            String voters,
            int replication,
            int partitions,
            String clusterId) {

        static Node alone(Path workDir, int port, int controllerPort, int partitions) {
            return new Node(
                    workDir,
                    1,
                    port,
                    controllerPort,
                    "1@127.0.0.1:" + controllerPort,
                    1,
                    partitions,
                    KafkaBroker.clusterId());
        }
    }

    /**
     * Starts a broker keeping its data in {@code workDir} (formatted on first use, reused after),
     * listening on {@code port} (0 picks a free one) with {@code partitions} partitions for
     * auto-created topics.
     */
    public static KafkaBroker start(Path workDir, int port, int partitions) {
        return start(
                Node.alone(
                        workDir,
                        port == 0 ? FreePorts.pick() : port,
                        FreePorts.pick(),
                        partitions));
    }

    /**
     * Stops this broker cleanly and starts it again on the same ports and data: a broker restart,
     * as in a rolling upgrade.
     */
    public KafkaBroker restart() {
        close();
        return start(node);
    }

    /** Kills the broker with SIGKILL, as a crash or a lost machine would; its data stays. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Starts a killed or stopped broker again on its ports and data, and waits until it answers.
     */
    public KafkaBroker startAgain() {
        return start(node);
    }

    static KafkaBroker start(Node node) {
        long begin = System.nanoTime();
        Process process = launch(node);
        try {
            awaitReady(process, node.port(), node.workDir().resolve("kafka.log"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka broker", e);
        }
        return new KafkaBroker(node, process, Duration.ofNanos(System.nanoTime() - begin));
    }

    /**
     * Starts every node of a cluster at once (none answers before a quorum of controllers is up),
     * then waits for each.
     */
    static List<KafkaBroker> startAll(List<Node> nodes) {
        long begin = System.nanoTime();
        List<Process> processes = nodes.stream().map(KafkaBroker::launch).toList();
        List<KafkaBroker> started = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                Node node = nodes.get(i);
                awaitReady(processes.get(i), node.port(), node.workDir().resolve("kafka.log"));
                started.add(
                        new KafkaBroker(
                                node,
                                processes.get(i),
                                Duration.ofNanos(System.nanoTime() - begin)));
            }
            return started;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.forEach(Process::destroyForcibly);
            throw new IllegalStateException("interrupted while starting the Kafka cluster", e);
        } catch (RuntimeException e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    private static Process launch(Node node) {
        Path workDir = node.workDir();
        try {
            Files.createDirectories(workDir);
            Path dataDir = workDir.resolve("data");
            Path properties = workDir.resolve("server.properties");
            Files.writeString(properties, serverProperties(node, dataDir));
            Path log4j = workDir.resolve("log4j2.properties");
            Files.writeString(log4j, LOG4J_PROPERTIES);
            Path log = workDir.resolve("kafka.log");

            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                Process format =
                        brokerJvm(
                                        log4j,
                                        "storage",
                                        "format",
                                        "--cluster-id=" + node.clusterId(),
                                        "--config=" + properties.toString())
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                                .start();
                if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    format.destroyForcibly();
                    throw new IllegalStateException(
                            "formatting the Kafka data folder failed; see "
                                    + log
                                    + "\n"
                                    + tail(log));
                }
            }
            return brokerJvm(log4j, "serve", properties.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker in " + workDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + node.port();
    }

    /** This broker's node id in its cluster (1 for a broker alone). */
    public int nodeId() {
        return node.nodeId();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Duration startedIn() {
        return startedIn;
    }

    public Path logFile() {
        return node.workDir().resolve("kafka.log");
    }

    /** Stops the broker: a clean shutdown first (it flushes its logs), then a kill if it hangs. */
    @Override
    public void close() {
        Processes.stopGracefully(process, Duration.ofSeconds(20));
    }

    private static void awaitReady(Process process, int port, Path log)
            throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        // First the port, quietly; only then the admin client, which logs every failed attempt.
        while (!isListening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the Kafka broker exited with "
                                + process.exitValue()
                                + " while starting; see "
                                + log
                                + "\n"
                                + tail(log));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "the Kafka broker did not listen within " + READY_TIMEOUT + "; see " + log);
            }
            Thread.sleep(100);
        }
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the Kafka broker exited with "
                                    + process.exitValue()
                                    + " while starting; see "
                                    + log
                                    + "\n"
                                    + tail(log));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(200);
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(
                "the Kafka broker did not answer within "
                        + READY_TIMEOUT
                        + "; see "
                        + log
                        + "\n"
                        + tail(log));
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static ProcessBuilder brokerJvm(Path log4j, String mode, String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xms128m",
                                "-Xmx512m",
                                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                                "-cp",
                                brokerClasspath(),
                                "dev.glide.kafkabroker.BrokerMain",
                                Long.toString(ProcessHandle.current().pid()),
                                mode));
        command.addAll(List.of(args));
        return new ProcessBuilder(Processes.inOwnSession(command));
    }

    /**
     * The broker's own jars as Maven resolved them, plus the kafka-broker module that carries
     * BrokerMain.
     */
    static String brokerClasspath() {
        URL resource = KafkaBroker.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(
                    CLASSPATH_RESOURCE
                            + " is not on the classpath: build the"
                            + " dev.glide:kafka-broker module (mvn install -pl deploy/kafka-broker) first");
        }
        try (InputStream in = resource.openStream()) {
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return moduleRoot(resource) + File.pathSeparator + dependencies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String moduleRoot(URL resource) {
        String url = resource.toString();
        try {
            if (url.startsWith("jar:")) {
                return Paths.get(new URL(url.substring(4, url.indexOf("!/"))).toURI()).toString();
            }
            Path file = Paths.get(resource.toURI());
            return file.getParent().getParent().toString();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kafka-broker module from " + url, e);
        }
    }

    static String clusterId() {
        // KRaft wants a base64 (URL-safe, unpadded) 16-byte id, as StorageTool random-uuid prints.
        // One in 64 of
        // them starts with '-', which the tool's parser takes for an option after "-t": hence
        // --cluster-id=<id>.
        UUID uuid = UUID.randomUUID();
        var buffer =
                ByteBuffer.allocate(16)
                        .putLong(uuid.getMostSignificantBits())
                        .putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    private static String serverProperties(Node node, Path dataDir) {
        int replication = node.replication();
        int minInSync = Math.max(1, replication - 1);
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=" + node.nodeId(),
                "controller.quorum.voters=" + node.voters(),
                "listeners=PLAINTEXT://127.0.0.1:"
                        + node.port()
                        + ",CONTROLLER://127.0.0.1:"
                        + node.controllerPort(),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + node.port(),
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dataDir,
                "num.partitions=" + node.partitions(),
                "auto.create.topics.enable=true",
                // alone: one copy of everything; in a cluster: three, and a write needs two of them
                "default.replication.factor=" + replication,
                "min.insync.replicas=" + minInSync,
                "offsets.topic.replication.factor=" + replication,
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=" + replication,
                "transaction.state.log.min.isr=" + minInSync,
                "share.coordinator.state.topic.replication.factor=" + replication,
                "share.coordinator.state.topic.min.isr=" + minInSync,
                // a replica that was down is not elected leader before it caught up
                "unclean.leader.election.enable=false",
                // One node: a consumer group need not wait for others to join before it starts
                // reading.
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static final String LOG4J_PROPERTIES =
            String.join(
                    "\n",
                    "status = warn",
                    "appender.file.type = Console",
                    "appender.file.name = OUT",
                    "appender.file.layout.type = PatternLayout",
                    "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.out.ref = OUT",
                    "logger.kafka.name = kafka",
                    "logger.kafka.level = INFO",
                    "logger.apache.name = org.apache.kafka",
                    "logger.apache.level = WARN",
                    "");
}
