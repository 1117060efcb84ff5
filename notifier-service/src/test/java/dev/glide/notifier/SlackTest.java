package dev.glide.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.app_backend.SlackSignature;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.RolloutCommand;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.TrainEvent;
import dev.glide.contract.TrainMember;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.SlackApiStandIn;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Slack channel against a stand-in for Slack's Web API, with the real broker and database. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(SlackStandIn.class)
class SlackTest {

    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    private String rollout;
    private String version;

    @BeforeEach
    void newRollout() {
        rollout = "r-" + UUID.randomUUID();
        version = "v2-" + rollout.substring(2, 10);
    }

    @Test
    void aRolloutGetsOneBlockKitMessageWhoseButtonsFollowItsState() {
        publish(1, RolloutState.PROGRESSING, null);
        SlackApiStandIn.Call post = awaitMessagePost();
        assertThat(post.field("channel")).isEqualTo("#payments");
        assertThat(post.blocks().get(0).path("type").asText()).isEqualTo("header");
        assertThat(post.blocks().get(0).path("text").path("text").asText())
                .isEqualTo("checkout " + version);
        assertThat(buttons(post.blocks())).containsExactly("promote", "pause", "abort");
        assertThat(post.blocks().toString()).contains(rollout + "|1");

        publish(2, RolloutState.PAUSED, "paused by alice");
        SlackApiStandIn.Call update =
                await()
                        .atMost(TopicProbe.WAIT)
                        .until(
                                () -> updates(ts(post)),
                                calls ->
                                        calls.stream()
                                                .anyMatch(
                                                        c ->
                                                                c.blocks()
                                                                        .toString()
                                                                        .contains("PAUSED")))
                        .stream()
                        .filter(c -> c.blocks().toString().contains("PAUSED"))
                        .findFirst()
                        .orElseThrow();
        assertThat(buttons(update.blocks())).containsExactly("resume", "promote", "abort");

        publish(3, RolloutState.ABORTED, "aborted");
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                updates(ts(post)).stream()
                                        .anyMatch(c -> c.blocks().toString().contains("ABORTED")));
        JsonNode last = updates(ts(post)).get(updates(ts(post)).size() - 1).blocks();
        assertThat(buttons(last)).isEmpty();
        // every piece of news is also a reply in the message's thread, and the message itself was
        // posted once
        await().atMost(TopicProbe.WAIT).until(() -> replies(ts(post)).size() == 3);
        assertThat(topLevelPosts()).hasSize(1);
    }

    @Test
    void aVerdictsGatesAreShownEachWithItsResultAndWhatItFound() {
        publish(1, RolloutState.PROGRESSING, null);
        SlackApiStandIn.Call post = awaitMessagePost();
        String smoke =
                "smoke test smoke (prePromotion): failed; 5 sent, 5 failed, latency p50 1.0 ms";
        probe.send(
                Topics.ANALYSIS_VERDICTS,
                rollout,
                codec.encode(
                        new AnalysisVerdict(
                                AnalysisVerdict.SCHEMA_VERSION,
                                rollout,
                                1,
                                1,
                                AnalysisVerdict.Verdict.FAIL,
                                0,
                                List.of(
                                        new AnalysisVerdict.Check(
                                                "gate smoke",
                                                "smoke-test",
                                                null,
                                                1.0,
                                                5.0,
                                                null,
                                                null,
                                                false,
                                                smoke),
                                        new AnalysisVerdict.Check(
                                                "gate tests",
                                                "webhook",
                                                null,
                                                null,
                                                204.0,
                                                null,
                                                null,
                                                true,
                                                "webhook gate tests: answered 204")),
                                smoke,
                                Instant.now())));
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                updates(ts(post)).stream()
                                        .anyMatch(
                                                c ->
                                                        c.blocks()
                                                                        .toString()
                                                                        .contains(
                                                                                "gate smoke: failed ✗ — "
                                                                                        + smoke)
                                                                && c.blocks()
                                                                        .toString()
                                                                        .contains(
                                                                                "gate tests: passed — webhook gate tests: answered 204")));
    }

    @Test
    void aSignedClickByAnApproverMakesExactlyOneCommandAndTheMessageShowsWhoClicked() {
        publish(1, RolloutState.PROGRESSING, null);
        SlackApiStandIn.Call post = awaitMessagePost();
        String body =
                clickBody(SlackApiStandIn.APPROVER, "promote", 1, "1700000001.000001", "alice-1");

        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);

        RolloutCommand command =
                codec.decode(
                        probe.awaitRecord(
                                        Topics.ROLLOUT_COMMANDS,
                                        TopicProbe.WAIT,
                                        r -> rollout.equals(r.key()))
                                .value(),
                        RolloutCommand.class);
        assertThat(command.type()).isEqualTo(RolloutCommand.Type.PROMOTE);
        assertThat(command.actor()).isEqualTo("slack:alice (U0ALICE)");
        assertThat(command.source()).isEqualTo("slack");
        assertThat(answer("alice-1")).isEqualTo("Promote sent for checkout " + version + ".");
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                updates(ts(post)).stream()
                                        .anyMatch(
                                                c ->
                                                        c.blocks()
                                                                .toString()
                                                                .contains(
                                                                        "Promote requested by <@U0ALICE>")));

        // the same request again (a replay within the five minutes), then a second click on the
        // same button
        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);
        String again =
                clickBody(
                        SlackApiStandIn.ONCALL_MEMBER, "promote", 1, "1700000002.000002", "bob-1");
        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(again, now()))
                .body(again)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);

        assertThat(answer("alice-1")).startsWith("Promote was already requested by <@U0ALICE>");
        assertThat(answer("bob-1")).startsWith("Promote was already requested by <@U0ALICE>");
        assertThat(commands()).hasSize(1);
    }

    @Test
    void aMemberOfAnApproverUserGroupMayAct() {
        publish(1, RolloutState.PROGRESSING, null);
        awaitMessagePost();
        String body =
                clickBody(SlackApiStandIn.ONCALL_MEMBER, "abort", 1, "1700000003.000003", "bob-2");

        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);

        assertThat(answer("bob-2")).isEqualTo("Abort sent for checkout " + version + ".");
        assertThat(commands())
                .extracting(RolloutCommand::type)
                .containsExactly(RolloutCommand.Type.ABORT);
    }

    @Test
    void aWrongStaleOrMissingSignatureIs401AndMakesNoCommand() {
        publish(1, RolloutState.PROGRESSING, null);
        awaitMessagePost();
        String body =
                clickBody(SlackApiStandIn.APPROVER, "promote", 1, "1700000004.000004", "forged");
        String timestamp = now();
        String forged = new SlackSignature.Generator("not-the-secret").generate(timestamp, body);
        String stale = Long.toString(Instant.now().minusSeconds(6 * 60).getEpochSecond());

        given().contentType("application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", forged)
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(401);
        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, stale))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(401);
        given().contentType("application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp)
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(401);

        assertThat(commands()).isEmpty();
        assertThat(SlackStandIn.slack().answers).noneMatch(a -> a.getKey().equals("forged"));
    }

    @Test
    void someoneNotAllowedIsToldSoAndMakesNoCommand() {
        publish(1, RolloutState.PROGRESSING, null);
        awaitMessagePost();
        String body = clickBody("U0MALLORY", "promote", 1, "1700000005.000005", "mallory");

        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);

        assertThat(answer("mallory"))
                .isEqualTo("You may not act on checkout: ask one of its approvers.");
        assertThat(commands()).isEmpty();
    }

    @Test
    void aClickOnAFinishedRolloutIsExplainedAndMakesNoCommand() {
        publish(1, RolloutState.PROGRESSING, null);
        SlackApiStandIn.Call post = awaitMessagePost();
        publish(2, RolloutState.SUCCEEDED, null);
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                updates(ts(post)).stream()
                                        .anyMatch(
                                                c -> c.blocks().toString().contains("SUCCEEDED")));
        String body = clickBody(SlackApiStandIn.APPROVER, "abort", 1, "1700000006.000006", "late");

        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);

        assertThat(answer("late"))
                .isEqualTo(
                        "Rollout checkout "
                                + version
                                + " has already succeeded; nothing to abort.");
        assertThat(commands()).isEmpty();
    }

    @Test
    void aRateLimitedPostIsRetriedAfterRetryAfterAndPostedOnce() {
        SlackStandIn.slack().rateLimitNextPosts.set(1);
        publish(1, RolloutState.PROGRESSING, null);

        awaitMessagePost();
        assertThat(SlackStandIn.slack().calls).filteredOn(c -> c.status() == 429).isNotEmpty();
        await().atMost(TopicProbe.WAIT).until(() -> replies(ts(awaitMessagePost())).size() == 1);
        assertThat(topLevelPosts()).hasSize(1);
    }

    @Test
    void aReleaseTrainIsOneMessageWithALinePerMemberAndItsMembersNewsGoesToItsThread() {
        rollout = RolloutCommand.TRAIN_PREFIX + UUID.randomUUID();
        String backend = "backend-" + version;
        List<TrainMember> members =
                List.of(
                        new TrainMember(
                                backend, "v2", "m-" + rollout, "READY", 20, List.of(), null),
                        new TrainMember("web", "v2", null, "WAITING", 0, List.of(backend), null));
        probe.send(
                Topics.ROLLOUT_EVENTS,
                rollout,
                codec.encode(
                        new TrainEvent(
                                TrainEvent.SCHEMA_VERSION,
                                rollout,
                                1,
                                "checkout " + version,
                                "prod",
                                null,
                                RolloutState.PROGRESSING,
                                "CANARY",
                                0,
                                5,
                                "released",
                                null,
                                null,
                                Instant.now(),
                                "payments",
                                members)));
        SlackApiStandIn.Call post = awaitMessagePost();
        assertThat(post.blocks().get(0).path("text").path("text").asText())
                .isEqualTo("Release train checkout " + version);
        assertThat(post.blocks().toString())
                .contains("*" + backend + "* v2 — READY · 20.0 %")
                .contains("*web* v2 — WAITING · 0.0 % (after " + backend + ")");
        assertThat(buttons(post.blocks())).containsExactly("promote", "pause", "abort");

        // the member's own news: a reply in the train's thread, not a message of its own
        probe.send(
                Topics.ROLLOUT_EVENTS,
                "m-" + rollout,
                codec.encode(
                        new RolloutEvent(
                                RolloutEvent.SCHEMA_VERSION,
                                "m-" + rollout,
                                7,
                                backend,
                                "prod",
                                "canary",
                                "v1",
                                "v2",
                                RolloutState.PROGRESSING,
                                RolloutState.PROGRESSING,
                                3,
                                6,
                                Weights.canaryPercent(100),
                                "cut over",
                                null,
                                null,
                                null,
                                Instant.now(),
                                "payments",
                                rollout)));
        await().atMost(TopicProbe.WAIT)
                .until(
                        () ->
                                replies(ts(post)).stream()
                                        .anyMatch(
                                                c ->
                                                        String.valueOf(c.field("text"))
                                                                .startsWith(backend + ": ")));
        assertThat(SlackStandIn.slack().calls)
                .filteredOn(
                        c ->
                                c.method().equals("chat.postMessage")
                                        && c.field("thread_ts") == null
                                        && String.valueOf(c.field("text")).startsWith(backend))
                .isEmpty();

        String body =
                clickBody(SlackApiStandIn.APPROVER, "abort", 1, "1700000009.000009", "alice-train");
        given().contentType("application/x-www-form-urlencoded")
                .headers(signed(body, now()))
                .body(body)
                .when()
                .post("/slack/interactions")
                .then()
                .statusCode(200);
        assertThat(commands())
                .extracting(RolloutCommand::type)
                .containsExactly(RolloutCommand.Type.ABORT);
        assertThat(commands().get(0).forTrain()).isTrue();
    }

    @Test
    void aTrainEventOfSchemaVersionOneIsStillOneTrainMessage() {
        rollout = RolloutCommand.TRAIN_PREFIX + UUID.randomUUID();
        // exactly as the planner of schema version 1 wrote a train's event: a rollout event with
        // members, marked "train"
        String v1 =
                """
                {"to": "PROGRESSING", "from": "PENDING", "team": "payments", "actor": null,
                 "cause": "train of 2 services released", "train": true, "reason": null,
                 "members": [
                  {"state": "CANARY", "reason": null, "service": "api-%1$s", "version": "v2",
                   "dependsOn": [], "rolloutId": "m-%2$s", "canaryPercent": 0.0},
                  {"state": "WAITING", "reason": null, "service": "web-%1$s", "version": "v2",
                   "dependsOn": ["api-%1$s"], "rolloutId": null, "canaryPercent": 0.0}],
                 "service": "checkout %1$s", "trainId": null, "weights": null, "analysis": null,
                 "sequence": 3, "strategy": "train", "rolloutId": "%2$s", "stepCount": 5,
                 "stepIndex": 0, "occurredAt": "2026-12-01T07:18:46.952927761Z",
                 "environment": "prod", "canaryVersion": null, "schemaVersion": 1,
                 "stableVersion": null}
                """
                        .formatted(version, rollout);

        probe.send(Topics.ROLLOUT_EVENTS, rollout, v1);

        SlackApiStandIn.Call post = awaitMessagePost();
        assertThat(post.blocks().get(0).path("text").path("text").asText())
                .isEqualTo("Release train checkout " + version);
        assertThat(post.blocks().toString())
                .contains("*api-" + version + "* v2 — CANARY · 0.0 %")
                .contains("*web-" + version + "* v2 — WAITING · 0.0 % (after api-" + version + ")");
    }

    private void publish(long sequence, RolloutState to, String reason) {
        RolloutEvent event =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout,
                        sequence,
                        "checkout",
                        "prod",
                        "canary",
                        "v1",
                        version,
                        null,
                        to,
                        1,
                        5,
                        Weights.canaryPercent(25),
                        "test",
                        null,
                        reason,
                        null,
                        Instant.now(),
                        "payments");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(event));
    }

    private SlackApiStandIn.Call awaitMessagePost() {
        return await().atMost(TopicProbe.WAIT)
                .until(this::topLevelPosts, posts -> !posts.isEmpty())
                .get(0);
    }

    private List<SlackApiStandIn.Call> topLevelPosts() {
        return SlackStandIn.slack().calls.stream()
                .filter(
                        c ->
                                c.status() == 200
                                        && c.method().equals("chat.postMessage")
                                        && c.field("thread_ts") == null
                                        && String.valueOf(c.field("text")).contains(version))
                .toList();
    }

    private List<SlackApiStandIn.Call> updates(String ts) {
        return SlackStandIn.slack().calls.stream()
                .filter(c -> c.method().equals("chat.update") && ts.equals(c.field("ts")))
                .toList();
    }

    private List<SlackApiStandIn.Call> replies(String ts) {
        return SlackStandIn.slack().calls.stream()
                .filter(
                        c ->
                                c.status() == 200
                                        && c.method().equals("chat.postMessage")
                                        && ts.equals(c.field("thread_ts")))
                .toList();
    }

    private static String ts(SlackApiStandIn.Call post) {
        return post.ts();
    }

    private List<RolloutCommand> commands() {
        return probe.readAll(Topics.ROLLOUT_COMMANDS, r -> rollout.equals(r.key())).stream()
                .map(r -> codec.decode(r.value(), RolloutCommand.class))
                .toList();
    }

    private String answer(String id) {
        return await().atMost(TopicProbe.WAIT)
                .until(
                        () -> {
                            List<String> texts = new ArrayList<>();
                            SlackStandIn.slack().answers.stream()
                                    .filter(a -> a.getKey().equals(id))
                                    .forEach(a -> texts.add(a.getValue().path("text").asText()));
                            return texts;
                        },
                        texts -> !texts.isEmpty())
                .get(
                        SlackStandIn.slack().answers.stream()
                                        .filter(a -> a.getKey().equals(id))
                                        .toList()
                                        .size()
                                - 1);
    }

    private String clickBody(
            String user, String action, long renderedAt, String actionTs, String answerId) {
        String name =
                user.equals(SlackApiStandIn.APPROVER)
                        ? "alice"
                        : user.equals(SlackApiStandIn.ONCALL_MEMBER) ? "bob" : "mallory";
        return SlackStandIn.slack()
                .clickBody(user, name, action, rollout + "|" + renderedAt, actionTs, answerId);
    }

    private static Map<String, String> signed(String body, String timestamp) {
        return SlackApiStandIn.signed(body, timestamp);
    }

    private static String now() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    private static List<String> buttons(JsonNode blocks) {
        List<String> ids = new ArrayList<>();
        for (JsonNode block : blocks) {
            if ("actions".equals(block.path("type").asText())) {
                block.path("elements").forEach(e -> ids.add(e.path("action_id").asText()));
            }
        }
        return ids;
    }
}
