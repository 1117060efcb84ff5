package dev.glide.planner;

import dev.glide.testsupport.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A database of its own, brought to schema version 4 by the planner's own migrations and filled
 * with what today's planner wrote there ({@code migration/v4-rollouts-and-trains.sql}: dumped from
 * a real run of the rollout and train lifecycle tests at that version). What its old tables held is
 * read before the planner starts and migrates it, so a test can compare.
 */
public class UpgradeFromV4 implements QuarkusTestResourceLifecycleManager {

    /** One log entry as version 4 kept it. */
    public record Entry(long sequence, String type, String cause, boolean published) {}

    /** A command version 4 had received. */
    public record SeenCommand(String commandId, String kind, String targetId, String type) {}

    private static final String DATABASE = "glide_upgrade_v4";
    private static final Map<String, Map<String, List<Entry>>> LOGS = new HashMap<>();
    private static final List<SeenCommand> COMMANDS = new ArrayList<>();

    /** Runs the planner on the upgraded database (and the shared broker). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UpgradeFromV4.class));
        }
    }

    public static Map<String, List<Entry>> logs(String kind) {
        return LOGS.getOrDefault(kind, Map.of());
    }

    public static List<SeenCommand> commands() {
        return COMMANDS;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new RealInfrastructure().start());
        String server = config.get("quarkus.datasource.jdbc.url");
        String user = config.get("quarkus.datasource.username");
        String password = config.get("quarkus.datasource.password");
        String url = server.replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
        try (Connection admin = DriverManager.getConnection(server, user, password);
                Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + DATABASE);
            statement.execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the upgrade test's database", e);
        }
        Flyway.configure()
                .dataSource(url, user, password)
                .schemas("planner")
                .locations("classpath:db/migration")
                .target("4")
                .load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(fixture());
            readLog(
                    statement,
                    "rollout",
                    "select rollout_id, sequence, type, cause, published_at"
                            + " from planner.rollout_log order by rollout_id, sequence");
            readLog(
                    statement,
                    "train",
                    "select train_id, sequence, type, cause, published_at"
                            + " from planner.train_log order by train_id, sequence");
            try (ResultSet rows =
                    statement.executeQuery(
                            "select command_id, rollout_id, type from planner.rollout_command order by received_at")) {
                while (rows.next()) {
                    String target = rows.getString(2);
                    COMMANDS.add(
                            new SeenCommand(
                                    rows.getString(1),
                                    target.startsWith("train-") ? "train" : "rollout",
                                    target,
                                    rows.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the version-4 database", e);
        }
        config.put("quarkus.datasource.jdbc.url", url);
        return config;
    }

    private static void readLog(Statement statement, String kind, String query)
            throws SQLException {
        Map<String, List<Entry>> logs = LOGS.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        try (ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                logs.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                        .add(
                                new Entry(
                                        rows.getLong(2),
                                        rows.getString(3),
                                        rows.getString(4),
                                        rows.getTimestamp(5) != null));
            }
        }
    }

    private static String fixture() {
        try (InputStream in =
                UpgradeFromV4.class.getResourceAsStream("/migration/v4-rollouts-and-trains.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the shared broker and database server stop with the JVM
    }
}
