package dev.glide.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Real Kafka brokers in one KRaft quorum, each a child JVM with its own ports and data folder,
 * every node both broker and controller. One node is the single broker tests use; three give topics
 * three replicas with {@code min.insync.replicas=2}, so a write acknowledged by all in-sync
 * replicas survives losing any one broker.
 */
public final class KafkaCluster implements AutoCloseable {

    private final List<KafkaBroker> brokers;

    private KafkaCluster(List<KafkaBroker> brokers) {
        this.brokers = new CopyOnWriteArrayList<>(brokers);
    }

    /**
     * Starts {@code nodes} brokers under {@code workDir} ({@code node-1}, ...; the folder itself
     * for one node, as a broker alone keeps it), the first on {@code port} (0 picks a free one).
     */
    public static KafkaCluster start(Path workDir, int nodes, int port, int partitions) {
        if (nodes == 1) {
            return new KafkaCluster(List.of(KafkaBroker.start(workDir, port, partitions)));
        }
        if (nodes < 1) {
            throw new IllegalArgumentException(
                    "a Kafka cluster needs at least one node, not " + nodes);
        }
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(i == 0 && port != 0 ? port : FreePorts.pick());
            controllers.add(FreePorts.pick());
        }
        String voters =
                IntStream.range(0, nodes)
                        .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllers.get(i))
                        .collect(Collectors.joining(","));
        String clusterId = KafkaBroker.clusterId();
        List<KafkaBroker.Node> layout = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            layout.add(
                    new KafkaBroker.Node(
                            workDir.resolve("node-" + (i + 1)),
                            i + 1,
                            ports.get(i),
                            controllers.get(i),
                            voters,
                            Math.min(3, nodes),
                            partitions,
                            clusterId));
        }
        return new KafkaCluster(KafkaBroker.startAll(layout));
    }

    /** Every broker's address, as clients are given them. */
    public String bootstrapServers() {
        return brokers.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    public List<KafkaBroker> brokers() {
        return List.copyOf(brokers);
    }

    /** The broker with node id {@code nodeId}. */
    public KafkaBroker broker(int nodeId) {
        return brokers.stream()
                .filter(b -> b.nodeId() == nodeId)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("no broker with node id " + nodeId));
    }

    /** Restarts every broker in turn, cleanly, on the same ports and data. */
    public void restart() {
        for (int i = 0; i < brokers.size(); i++) {
            brokers.set(i, brokers.get(i).restart());
        }
    }

    /**
     * Kills broker {@code nodeId} with SIGKILL; its replicas elsewhere take over its partitions.
     */
    public void kill(int nodeId) throws InterruptedException {
        broker(nodeId).kill();
    }

    /** Starts broker {@code nodeId} again on its ports and data. */
    public void startAgain(int nodeId) {
        for (int i = 0; i < brokers.size(); i++) {
            if (brokers.get(i).nodeId() == nodeId) {
                brokers.set(i, brokers.get(i).startAgain());
            }
        }
    }

    /**
     * How many partitions of {@code topics} each live broker leads now, by node id; the most busy
     * first.
     */
    public Map<Integer, Integer> leaders(Set<String> topics) throws Exception {
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        5_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        10_000);
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        try (Admin admin = Admin.create(config)) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS);
            for (TopicDescription topic : described.values()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    if (partition.leader() != null) {
                        counts.merge(partition.leader().id(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                .collect(
                        Collectors.toMap(
                                Map.Entry::getKey,
                                Map.Entry::getValue,
                                (a, b) -> a,
                                LinkedHashMap::new));
    }

    @Override
    public void close() {
        brokers.parallelStream().forEach(KafkaBroker::close);
    }
}
