package dev.glide.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.GlideSystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CLI against the packaged planner and traffic service on a real Kafka and PostgreSQL, with
 * team tokens on. The service's gateway is the no-op adapter and its strategy stops at an
 * indefinite pause at 10 %, so each test decides how the rollout ends.
 */
class GlideCliIT {

    private static final String TOKEN = "payments-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static GlideSystem glide;
    private String service;

    @BeforeAll
    static void startPlanner() {
        glide =
                GlideSystem.builder(Path.of(".."))
                        .only("planner-service", "traffic-service")
                        .partitions(3)
                        .set("planner-service", "glide.auth.tokens.payments", TOKEN)
                        .start();
    }

    @AfterAll
    static void stopPlanner() {
        if (glide != null) {
            glide.close();
        }
    }

    @BeforeEach
    void registerService() throws Exception {
        service = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        register(service);
    }

    private static void register(String service) throws Exception {
        String body =
                JSON.writeValueAsString(
                        Map.of(
                                "team", "payments",
                                "gateway", Map.of("adapter", "noop", "route", service),
                                "stable",
                                        Map.of(
                                                "version",
                                                "v1",
                                                "endpoints",
                                                List.of("http://127.0.0.1:1")),
                                "environment", "prod",
                                "strategy",
                                        Map.of(
                                                "type",
                                                "canary",
                                                "steps",
                                                List.of(
                                                        Map.of("setWeight", 10),
                                                        Map.of("pause", Map.of()),
                                                        Map.of("setWeight", 100)))));
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(glide.plannerUrl() + "/api/services/" + service))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + TOKEN)
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void releaseWaitExitsNonZeroWhenTheRolloutIsAborted() throws Exception {
        CompletableFuture<Run> release =
                CompletableFuture.supplyAsync(
                        () ->
                                glide(
                                        "release",
                                        service,
                                        "v2",
                                        "-e",
                                        "http://127.0.0.1:2",
                                        "--wait"));
        String rollout = awaitWaitingForPromotion();

        Run abort = glide("abort", rollout, "--reason", "errors in eu-west");
        assertThat(abort.exitCode()).as(abort.err()).isZero();
        assertThat(abort.out()).startsWith("abort: ");

        Run waited = release.get(60, TimeUnit.SECONDS);
        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(1);
        assertThat(waited.out())
                .contains("released " + service + " v2: rollout " + rollout)
                .contains("command   abort: errors in eu-west")
                .contains("rollout " + rollout + " ABORTED");
    }

    @Test
    void releaseWaitExitsZeroWhenTheRolloutSucceeds() throws Exception {
        CompletableFuture<Run> release =
                CompletableFuture.supplyAsync(
                        () ->
                                glide(
                                        "release",
                                        service,
                                        "v2",
                                        "-e",
                                        "http://127.0.0.1:2",
                                        "--wait"));
        String rollout = awaitWaitingForPromotion();

        assertThat(glide("promote", rollout).exitCode()).isZero();

        Run waited = release.get(60, TimeUnit.SECONDS);
        assertThat(waited.exitCode()).as(waited.err()).isZero();
        assertThat(waited.out())
                .contains("[##..................] canary  10.00 %")
                .contains("rollout " + rollout + " SUCCEEDED");
    }

    @Test
    void statusHistoryPauseResumeAndPromoteShowAndSteerARollout() throws Exception {
        assertThat(glide("release", service, "v2", "-e", "http://127.0.0.1:2").exitCode()).isZero();
        String rollout = awaitWaitingForPromotion();

        assertThat(glide("status", rollout).out())
                .contains(service + " v1 -> v2  PROGRESSING  step 2/4  canary 10.00 %");
        assertThat(glide("pause", rollout, "--reason", "lunch").out())
                .startsWith("pause: ")
                .endsWith("(now PAUSED)" + System.lineSeparator());
        assertThat(glide("status", "--service", service).out())
                .contains(rollout)
                .contains("PAUSED");
        assertThat(glide("resume", rollout).out())
                .startsWith("resume: ")
                .endsWith("(now PROGRESSING)" + System.lineSeparator());
        assertThat(glide("promote", rollout).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> state(rollout).equals("SUCCEEDED"));
        assertThat(glide("history", rollout).out())
                .contains("command   pause: lunch")
                .contains("command   resume")
                .contains("command   promote")
                .contains("state     PROGRESSING -> PAUSED");
    }

    @Test
    void aCommandTheRolloutCannotTakeNowIsRefusedWithThePlannersReason() throws Exception {
        glide("release", service, "v2", "-e", "http://127.0.0.1:2");
        String rollout = awaitWaitingForPromotion();

        Run resume = glide("resume", rollout);
        assertThat(resume.exitCode()).isEqualTo(CliException.REFUSED);
        assertThat(resume.err())
                .isEqualTo(
                        "glide: the planner refused (409): the rollout is not paused"
                                + System.lineSeparator());
    }

    @Test
    void withoutATokenTheCliSaysWhereToPutIt() {
        Run run =
                GlideCliIT.run(
                        Map.of("GLIDE_PLANNER", glide.plannerUrl()),
                        "release",
                        service,
                        "v2",
                        "-e",
                        "http://127.0.0.1:2");
        assertThat(run.exitCode()).isEqualTo(CliException.REFUSED);
        assertThat(run.err()).contains("(401)").contains("set GLIDE_TOKEN or --token");
    }

    @Test
    void theConfigFileGivesThePlannerAndTheToken(@TempDir Path home) throws Exception {
        Path config =
                Files.writeString(
                        home.resolve("cli.properties"),
                        "planner=" + glide.plannerUrl() + "\ntoken=" + TOKEN + "\n");
        Run run =
                GlideCliIT.run(
                        Map.of("GLIDE_CONFIG", config.toString()),
                        "release",
                        service,
                        "v2",
                        "-e",
                        "http://127.0.0.1:2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("released " + service + " v2: rollout ");
    }

    @Test
    void anUnknownServiceIsRefusedByName() {
        Run run = glide("release", "no-such-service", "v2", "-e", "http://127.0.0.1:2");
        assertThat(run.exitCode()).isEqualTo(CliException.REFUSED);
        assertThat(run.err()).contains("(404)").contains("no-such-service");
    }

    @Test
    void aTrainReleasedFromAFileIsFollowedByWaitAndAbortedWholeByItsId(@TempDir Path dir)
            throws Exception {
        String web = service + "-web";
        register(web);
        Path file =
                Files.writeString(
                        dir.resolve("train.json"),
                        JSON.writeValueAsString(
                                Map.of(
                                        "name",
                                        "cli train " + service,
                                        "environment",
                                        "prod",
                                        "members",
                                        List.of(
                                                Map.of(
                                                        "service",
                                                        service,
                                                        "version",
                                                        "v2",
                                                        "endpoints",
                                                        List.of("http://127.0.0.1:2")),
                                                Map.of(
                                                        "service",
                                                        web,
                                                        "version",
                                                        "v2",
                                                        "endpoints",
                                                        List.of("http://127.0.0.1:3"),
                                                        "dependsOn",
                                                        List.of(service))),
                                        "cutover",
                                        Map.of("rollbackWindow", "10m"))));
        CompletableFuture<Run> release =
                CompletableFuture.supplyAsync(() -> glide("train", file.toString(), "--wait"));
        String train =
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    JsonNode list = get("/api/trains");
                                    for (JsonNode t : list) {
                                        if (t.path("name").asText().equals("cli train " + service)
                                                && t.path("phase")
                                                        .asText()
                                                        .equals("ROLLBACK_WINDOW")) {
                                            return t.path("id").asText();
                                        }
                                    }
                                    return null;
                                },
                                id -> id != null);

        assertThat(glide("status", train).out())
                .contains("PROGRESSING (ROLLBACK_WINDOW)")
                .contains(
                        web
                                + " CUT_OVER     [####################] 100.00 %  PROGRESSING  (after "
                                + service
                                + ")");
        Run abort = glide("abort", train, "--reason", "checkout broken");
        assertThat(abort.exitCode()).as(abort.err()).isZero();

        Run waited = release.get(60, TimeUnit.SECONDS);
        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(1);
        assertThat(waited.out())
                .startsWith("released train cli train " + service + ": " + train)
                .contains("train " + train + " ABORTED: aborted by cli:");
        assertThat(glide("history", train).out()).contains("action    abort " + web);
    }

    /**
     * The CI recipes' release line, run as they run it: {@code java -jar glide-cli.jar ...} in a
     * folder holding that one jar and nothing else, configured by the environment, its exit code
     * the pipeline's verdict (0 when promoted, 1 when aborted).
     */
    @ParameterizedTest
    @CsvSource({"github-actions.yml, promote, 0", "gitlab-ci.yml, abort, 1"})
    void theCiRecipesReleaseLineRunsTheOneJarAndItsExitCodeIsThePipelinesVerdict(
            String recipe, String action, int exitCode, @TempDir Path workspace) throws Exception {
        String line =
                Files.readAllLines(Path.of("../deploy/ci", recipe)).stream()
                        .map(String::strip)
                        .map(l -> l.replaceFirst("^(- |run: )", ""))
                        .filter(l -> l.startsWith("java -jar glide-cli.jar release "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(recipe + " has no release line"));
        Files.copy(Path.of("target/glide-cli.jar"), workspace.resolve("glide-cli.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder =
                new ProcessBuilder("bash", "-c", line)
                        .directory(workspace.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(workspace.resolve("out.txt").toFile());
        builder.environment().clear();
        builder.environment()
                .putAll(
                        Map.of(
                                "PATH",
                                Path.of(java).getParent() + ":/usr/bin:/bin",
                                "GLIDE_PLANNER",
                                glide.plannerUrl(),
                                "GLIDE_TOKEN",
                                TOKEN,
                                "SERVICE",
                                service,
                                "VERSION",
                                "v2",
                                "ENDPOINT",
                                "http://127.0.0.1:2"));
        Process pipeline = builder.start();
        String rollout = awaitWaitingForPromotion();

        assertThat(glide(action, rollout).exitCode()).isZero();

        assertThat(pipeline.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(workspace.resolve("out.txt"));
        assertThat(pipeline.exitValue()).as(out).isEqualTo(exitCode);
        assertThat(out)
                .startsWith("released " + service + " v2: rollout " + rollout)
                .contains("rollout " + rollout + (exitCode == 0 ? " SUCCEEDED" : " ABORTED"));
    }

    /** The rollout once it reached its indefinite pause at 10 %, where it waits for a promotion. */
    private String awaitWaitingForPromotion() {
        return await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            JsonNode list = get("/api/rollouts?service=" + service);
                            return list.isEmpty() || list.get(0).path("step").asInt() != 2
                                    ? null
                                    : list.get(0).path("id").asText();
                        },
                        id -> id != null);
    }

    private String state(String rollout) throws Exception {
        return get("/api/rollouts/" + rollout).path("state").asText();
    }

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(
                HTTP.send(
                                HttpRequest.newBuilder(URI.create(glide.plannerUrl() + path))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    private static Run glide(String... args) {
        return run(Map.of("GLIDE_PLANNER", glide.plannerUrl(), "GLIDE_TOKEN", TOKEN), args);
    }

    static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                GlideCli.commandLine(environment)
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    record Run(int exitCode, String out, String err) {}
}
