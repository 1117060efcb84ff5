package dev.glide.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.glide.testsupport.EmbeddedDatabase;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.LoadLoop;
import dev.glide.testsupport.PlannerApi;
import dev.glide.testsupport.ServiceProcess;
import dev.glide.testsupport.UpstreamServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gates survive the replica running them: two analysis services as their packaged JVMs, one of them
 * killed (SIGKILL) while it runs a rollout's load test; the other takes the gate over once its
 * lease ran out, the rollout reaches its verdict, and no gate that had ended runs again. And a
 * webhook that never answers fails its gate after its timeout, the rollout following the gate's
 * {@code onFailure}.
 */
class GateHandoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ROLLOUT_TIME = Duration.ofSeconds(180);

    private static GlideSystem glide;
    private static PlannerApi planner;
    private static HttpServer receiver;
    private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext(
                "/gate",
                exchange -> {
                    JsonNode payload = JSON.readTree(exchange.getRequestBody());
                    calls.computeIfAbsent(
                                    payload.path("rolloutId").asText()
                                            + "/"
                                            + payload.path("analysisSequence").asLong()
                                            + "/"
                                            + payload.path("window").asInt(),
                                    k -> new AtomicInteger())
                            .incrementAndGet();
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        // the team's runner that never answers: the exchange is left open, with no response
        receiver.createContext("/hang", exchange -> {});
        receiver.start();
        glide =
                GlideSystem.builder(Path.of(".."))
                        .partitions(3)
                        .replicas("analysis-service", 2)
                        .set("analysis-service", "glide.analysis.gates.lease", "3s")
                        .set("analysis-service", "glide.analysis.min-requests", "20")
                        .set("analysis-service", "glide.analysis.min-window-requests", "10")
                        .start();
        planner = new PlannerApi(glide.plannerUrl());
    }

    @AfterAll
    static void stop() {
        if (glide != null) {
            glide.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aReplicaKilledMidLoadTestHandsTheGateOverAndNothingThatEndedRunsTwice() throws Exception {
        String service = "handover-" + UUID.randomUUID().toString().substring(0, 8);
        try (UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2")) {
            planner.register(service, "payments", embedded(service), v1, strategy());
            String rollout = planner.release(service, v2);
            await().atMost(ROLLOUT_TIME).until(() -> planner.trafficConfirmed(rollout));
            try (LoadLoop users =
                    LoadLoop.atRate(URI.create(glide.gatewayUrl() + "/" + service + "/"), 1, 4)) {
                // the replica running the load test dies while it runs
                long pid =
                        await().atMost(ROLLOUT_TIME)
                                .until(() -> loadTestOwnerPid(rollout), p -> p > 0);
                int victim = replicaWithPid(pid);
                glide.kill("analysis-service", victim);

                JsonNode done = planner.awaitEnd(rollout, ROLLOUT_TIME);
                users.close();
                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
                assertThat(users.gatewayFailed()).isZero();
            }
            List<Map<String, Object>> rows = gateRuns(rollout);
            assertThat(rows)
                    .filteredOn(r -> r.get("gate_name").equals("load"))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.get("state")).isEqualTo("PASSED");
                                assertThat(r.get("attempts"))
                                        .as("taken over once, from the killed replica")
                                        .isEqualTo(2);
                            });
            List<Map<String, Object>> hooks =
                    rows.stream().filter(r -> r.get("gate_name").equals("tests")).toList();
            assertThat(hooks)
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.get("state")).isEqualTo("PASSED"));
            for (Map<String, Object> hook : hooks) {
                String key =
                        rollout
                                + "/"
                                + hook.get("analysis_sequence")
                                + "/"
                                + hook.get("window_number");
                assertThat(calls.get(key))
                        .as("webhook of window %s called once, whichever replica ran it", key)
                        .hasValue(1);
            }
        }
    }

    @Test
    void aHangingWebhookFailsItsGateAfterItsTimeoutAndTheRolloutFollowsOnFailure()
            throws Exception {
        try (UpstreamServer v1 = UpstreamServer.start("v1");
                UpstreamServer v2 = UpstreamServer.start("v2")) {
            String paused = releaseWithHangingGate(v1, v2, "pause");
            String aborted = releaseWithHangingGate(v1, v2, "abort");

            JsonNode waiting = planner.awaitState(paused, ROLLOUT_TIME, "PAUSED");
            JsonNode ended = planner.awaitState(aborted, ROLLOUT_TIME, "ABORTED");

            for (JsonNode rollout : List.of(waiting, ended)) {
                assertThat(rollout.path("reason").asText())
                        .as(rollout.toString())
                        .contains("slow-tests")
                        .contains("gave no whole answer within 1s");
            }
            assertThat(v2.served()).as("no request reached the canary").isZero();
        }
    }

    private static String releaseWithHangingGate(
            UpstreamServer v1, UpstreamServer v2, String onFailure) throws Exception {
        String service = "hang-" + UUID.randomUUID().toString().substring(0, 8);
        planner.register(
                service,
                "payments",
                embedded(service),
                v1,
                Map.of(
                        "type",
                        "canary",
                        "steps",
                        List.of(Map.of("setWeight", 25)),
                        "gates",
                        List.of(
                                Map.of(
                                        "name",
                                        "slow-tests",
                                        "phase",
                                        "preRollout",
                                        "url",
                                        "http://127.0.0.1:"
                                                + receiver.getAddress().getPort()
                                                + "/hang",
                                        "timeout",
                                        "1s",
                                        "retries",
                                        0,
                                        "onFailure",
                                        onFailure))));
        return planner.release(service, v2);
    }

    private static Map<String, Object> embedded(String service) {
        return Map.of("adapter", "embedded", "route", "/" + service);
    }

    /**
     * 10 % for three windows of 6 s judged on a load test's requests (20 a second, straight to the
     * canary) beside a webhook at every window; then everyone on v2.
     */
    private static Map<String, Object> strategy() {
        return Map.of(
                "type",
                "canary",
                "steps",
                List.of(
                        Map.of("setWeight", 10),
                        Map.of(
                                "analysis",
                                Map.of(
                                        "metrics",
                                        List.of("error-rate"),
                                        "interval",
                                        "6s",
                                        "count",
                                        3,
                                        "failureLimit",
                                        0)),
                        Map.of("setWeight", 100)),
                "gates",
                List.of(
                        Map.of(
                                "name",
                                "load",
                                "phase",
                                "rollout",
                                "test",
                                Map.of("kind", "load", "rate", 20, "path", "/")),
                        Map.of(
                                "name",
                                "tests",
                                "phase",
                                "rollout",
                                "url",
                                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/gate",
                                "retries",
                                0)));
    }

    /** The pid of the analysis replica running the rollout's load test, or 0 while none does. */
    private static long loadTestOwnerPid(String rollout) throws SQLException {
        for (Map<String, Object> row : gateRuns(rollout)) {
            Object owner = row.get("owner");
            if (row.get("gate_name").equals("load")
                    && "RUNNING".equals(row.get("state"))
                    && !"null".equals(owner)) {
                // analysis@host:pid/instance
                String text = owner.toString();
                return Long.parseLong(text.substring(text.lastIndexOf(':') + 1, text.indexOf('/')));
            }
        }
        return 0;
    }

    private static int replicaWithPid(long pid) {
        List<ServiceProcess> replicas = glide.replicas("analysis-service");
        for (int i = 0; i < replicas.size(); i++) {
            long own = replicas.get(i).pid();
            // the JVM, or its child when started through setsid
            if (own == pid
                    || ProcessHandle.of(own).stream()
                            .flatMap(ProcessHandle::descendants)
                            .anyMatch(child -> child.pid() == pid)) {
                return i;
            }
        }
        throw new AssertionError("no analysis replica has pid " + pid);
    }

    private static List<Map<String, Object>> gateRuns(String rollout) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection =
                        DriverManager.getConnection(
                                glide.database().jdbcUrl(), EmbeddedDatabase.USER, "");
                var statement =
                        connection.prepareStatement(
                                "select gate_name, analysis_sequence, window_number, state, owner,"
                                        + " attempts from analysis.gate_run where rollout_id = ?")) {
            statement.setString(1, rollout);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(
                            Map.of(
                                    "gate_name", result.getString(1),
                                    "analysis_sequence", result.getLong(2),
                                    "window_number", result.getInt(3),
                                    "state", result.getString(4),
                                    "owner", String.valueOf(result.getString(5)),
                                    "attempts", result.getInt(6)));
                }
            }
        }
        return rows;
    }
}
