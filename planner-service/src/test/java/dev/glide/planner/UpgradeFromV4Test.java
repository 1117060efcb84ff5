package dev.glide.planner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An upgrade: a database that today's planner wrote at schema version 4 (rollouts of every strategy
 * and state, release trains, commands, a timer; see {@link UpgradeFromV4}) is migrated at start-up.
 * Every log entry is still there, in its aggregate, in order, and every rollout's and train's log
 * still folds to its stored state.
 */
@QuarkusTest
@TestProfile(UpgradeFromV4.Profile.class)
class UpgradeFromV4Test {

    @Test
    void everyRolloutKeepsItsWholeHistoryAndFoldsToItsState() {
        assertKeptAndFolding("rollout", "/api/rollouts/");
    }

    @Test
    void everyTrainKeepsItsWholeHistoryAndFoldsToItsState() {
        assertKeptAndFolding("train", "/api/trains/");
    }

    @Test
    void aCommandReceivedBeforeTheUpgradeIsStillReceivedOnce() {
        UpgradeFromV4.SeenCommand seen = UpgradeFromV4.commands().get(0);
        String path = seen.kind().equals("train") ? "/api/trains/" : "/api/rollouts/";
        String message =
                given().when()
                        .post(
                                path
                                        + seen.targetId()
                                        + "/"
                                        + seen.type().toLowerCase()
                                        + "?commandId="
                                        + seen.commandId()
                                        + "&actor=ops")
                        .then()
                        .extract()
                        .path("message");
        assertThat(message).startsWith("command " + seen.commandId() + " was already received");
    }

    private static void assertKeptAndFolding(String kind, String path) {
        Map<String, List<UpgradeFromV4.Entry>> before = UpgradeFromV4.logs(kind);
        assertThat(before).as(kind + "s in the version-4 database").hasSizeGreaterThanOrEqualTo(4);
        before.forEach(
                (id, entries) -> {
                    List<Map<String, Object>> history =
                            given().when()
                                    .get(path + id + "/history")
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .path("");
                    assertThat(history)
                            .as(kind + " " + id + "'s history after the upgrade")
                            .hasSizeGreaterThanOrEqualTo(entries.size());
                    for (int i = 0; i < entries.size(); i++) {
                        UpgradeFromV4.Entry entry = entries.get(i);
                        Map<String, Object> kept = history.get(i);
                        assertThat(((Number) kept.get("sequence")).longValue())
                                .isEqualTo(entry.sequence());
                        assertThat(kept.get("type")).isEqualTo(entry.type());
                        assertThat(kept.get("cause")).isEqualTo(entry.cause());
                        assertThat(kept.get("publishedAt") != null)
                                .as(kind + " " + id + " entry " + entry.sequence() + " published")
                                .isEqualTo(entry.published());
                    }
                    assertThat(
                                    given().when()
                                            .get(path + id + "/fold")
                                            .then()
                                            .statusCode(200)
                                            .extract()
                                            .<Boolean>path("equal"))
                            .as(kind + " " + id + " folds to its stored state")
                            .isTrue();
                });
    }
}
