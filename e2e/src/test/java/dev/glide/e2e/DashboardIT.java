package dev.glide.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.DebianTool;
import dev.glide.testsupport.GlideSystem;
import dev.glide.testsupport.JwtIssuer;
import dev.glide.testsupport.RequiresTools;
import dev.glide.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The planner's dashboard in a real browser (Debian's headless Chromium, driven by Selenium): a
 * rollout in the list, its page updating live as the rollout moves on without a reload, and the
 * Promote button under the API's authorisation. The screenshot is kept as {@code
 * target/dashboard.png}.
 */
@RequiresTools({DebianTool.Tool.CHROMIUM, DebianTool.Tool.CHROMEDRIVER})
class DashboardIT {

    private static final String TOKEN = "payments-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static GlideSystem glide;
    private static ChromeDriver browser;
    private static JwtIssuer idp;

    @BeforeAll
    static void start() {
        Path chromium = DebianTool.Tool.CHROMIUM.require();
        Path driver = DebianTool.Tool.CHROMEDRIVER.require();
        idp = JwtIssuer.start();
        glide =
                GlideSystem.builder(Path.of(".."))
                        .only("planner-service", "traffic-service")
                        .partitions(3)
                        .set("planner-service", "glide.auth.tokens.payments", TOKEN)
                        .set("planner-service", "glide.auth.jwt.issuer", JwtIssuer.ISSUER)
                        .set("planner-service", "glide.auth.jwt.jwks-url", idp.jwksUrl())
                        .set("planner-service", "glide.auth.jwt.audience", JwtIssuer.AUDIENCE)
                        .set(
                                "planner-service",
                                "glide.auth.jwt.team-groups.payments",
                                "payments-devs")
                        .set("planner-service", "glide.streams.tick", "200ms")
                        .start();
        ChromeOptions options =
                new ChromeOptions()
                        .setBinary(chromium.toFile())
                        .addArguments(
                                "--headless=new",
                                "--no-sandbox",
                                "--disable-dev-shm-usage",
                                "--window-size=1280,1100");
        browser =
                new ChromeDriver(
                        new ChromeDriverService.Builder()
                                .usingDriverExecutable(driver.toFile())
                                .build(),
                        options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (glide != null) {
            glide.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void aRolloutsPageFollowsItLiveAndItsPromoteButtonActsWithTheTeamsToken() throws Exception {
        String service = "web-" + UUID.randomUUID().toString().substring(0, 8);
        register(service);
        String rollout = release(service);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);

        browser.get(glide.plannerUrl() + "/#/?team=payments");
        By row = By.cssSelector("tr[data-id='" + rollout + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(textOf(wait, row)).contains(service).contains("payments").contains("v1 → v2");
        click(wait, row);

        wait.until(
                driver ->
                        browser.findElement(By.id("summary")).getText().startsWith("step 2 of 6"));
        assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("PROGRESSING");
        assertThat(weights()).containsExactly("10");
        assertThat(timeline())
                .anySatisfy(line -> assertThat(line).contains("waiting for promotion"));

        // someone else promotes it to the next step (from the CLI, say): the open page follows
        // without a reload
        post("/api/rollouts/" + rollout + "/promote?actor=bob", TOKEN);
        wait.until(driver -> weights().contains("50"));
        wait.until(
                driver ->
                        browser.findElement(By.id("summary")).getText().startsWith("step 4 of 6"));
        assertThat(timeline())
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .contains("command promote")
                                        .contains("by bob (payments)"));

        // Promote without the team's token is refused by the API, and the page says why
        click(wait, By.cssSelector("button[data-action=promote]"));
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("answer"), Pattern.compile("refused \\(401\\)")));
        assertThat(browser.findElement(By.id("summary")).getText()).startsWith("step 4 of 6");

        type("actor", "alice");
        type("token", TOKEN);
        click(wait, By.cssSelector("button[data-action=promote]"));
        wait.until(ExpectedConditions.textToBe(By.id("state"), "SUCCEEDED"));
        assertThat(weights()).endsWith("100");
        assertThat(timeline())
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .contains("command promote")
                                        .contains("by dashboard:alice (payments)"));
        assertThat(browser.findElements(By.cssSelector("#actions button"))).isEmpty();

        Files.copy(
                browser.getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/dashboard.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aTrainsPageDrawsItsMembersGraphLiveAndItsAbortActsWithAPastedSsoToken() throws Exception {
        String api = "api-" + UUID.randomUUID().toString().substring(0, 8);
        String web = api.replace("api-", "web-");
        register(api);
        register(web);
        String train =
                JSON.readTree(
                                post(
                                        "/api/trains",
                                        TOKEN,
                                        Map.of(
                                                "name",
                                                "shop " + api,
                                                "environment",
                                                "prod",
                                                "members",
                                                List.of(
                                                        Map.of(
                                                                "service",
                                                                api,
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
                                                                List.of(api))))))
                        .path("trainId")
                        .asText();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);

        // the list groups the train's members under a row of the train's own
        browser.get(glide.plannerUrl() + "/#/?team=payments");
        By trainRow = By.cssSelector("tr.train-row[data-train='" + train + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(trainRow));
        assertThat(textOf(wait, trainRow)).contains("release train " + train);
        wait.until(
                driver ->
                        driver.findElements(By.cssSelector("tr.train-row + tr.member")).stream()
                                .map(WebElement::getText)
                                .anyMatch(text -> text.contains(api)));
        click(wait, trainRow);

        // the graph: the first member canaries (waiting at its pause), the one depending on it
        // waits
        wait.until(driver -> "PROGRESSING".equals(node(api).getAttribute("data-state")));
        assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("PROGRESSING");
        assertThat(browser.findElement(By.id("phase")).getText()).isEqualTo("CANARY");
        assertThat(node(api).getAttribute("data-weight")).isEqualTo("10");
        assertThat(node(web).getAttribute("data-standing")).isEqualTo("WAITING");
        assertThat(
                        browser.findElements(
                                By.cssSelector(
                                        "#train-graph line.edge[data-from='"
                                                + api
                                                + "'][data-to='"
                                                + web
                                                + "']")))
                .hasSize(1);

        // a valid SSO token of a group that is not the team's: refused, and the page says why
        type("token", idp.token("mallory", "search-devs"));
        acceptNextPrompt("release looks wrong");
        click(wait, By.cssSelector("button[data-action=abort]"));
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("answer"), Pattern.compile("refused \\(403\\)")));
        assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("PROGRESSING");

        // a token of the team's group, pasted as a team token would be, aborts the whole train
        type("actor", "alice");
        type("token", idp.token("alice", "payments-devs"));
        acceptNextPrompt("release looks wrong");
        click(wait, By.cssSelector("button[data-action=abort]"));
        wait.until(ExpectedConditions.textToBe(By.id("state"), "ABORTED"));
        wait.until(driver -> "ABORTED".equals(node(api).getAttribute("data-state")));
        assertThat(timeline())
                .anySatisfy(line -> assertThat(line).contains("by dashboard:alice (alice)"));
        assertThat(browser.findElements(By.cssSelector("#actions button"))).isEmpty();

        Files.copy(
                browser.getScreenshotAs(OutputType.FILE).toPath(),
                Path.of("target/dashboard-train.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anErrorRateChartOfZeroesIsScaledToTheDataNotToAHundredPercent() throws Exception {
        String service = "err-" + UUID.randomUUID().toString().substring(0, 8);
        register(
                service,
                List.of(
                        Map.of("setWeight", 10),
                        Map.of(
                                "analysis",
                                Map.of(
                                        "metrics",
                                        List.of("error-rate"),
                                        "interval",
                                        "1m",
                                        "count",
                                        5,
                                        "failureLimit",
                                        0)),
                        Map.of("setWeight", 100)));
        String rollout = release(service);
        long analysis =
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> analysisSequence(rollout), sequence -> sequence > 0);
        try (TopicProbe probe = new TopicProbe(glide.bootstrapServers())) {
            for (int window = 1; window <= 2; window++) {
                probe.send(
                        "analysis-verdicts",
                        rollout,
                        JSON.writeValueAsString(
                                Map.of(
                                        "schemaVersion",
                                        1,
                                        "rolloutId",
                                        rollout,
                                        "stepSequence",
                                        analysis,
                                        "window",
                                        window,
                                        "verdict",
                                        "PASS",
                                        "score",
                                        100,
                                        "summary",
                                        "no errors on either side",
                                        "checks",
                                        List.of(
                                                Map.of(
                                                        "metric",
                                                        "error-rate",
                                                        "test",
                                                        "fisher-exact",
                                                        "baseline",
                                                        0.0,
                                                        "canary",
                                                        0.0,
                                                        "passed",
                                                        true),
                                                Map.of(
                                                        "metric",
                                                        "gate smoke",
                                                        "test",
                                                        "smoke-test",
                                                        "passed",
                                                        window == 1,
                                                        "detail",
                                                        "smoke test smoke (rollout): "
                                                                + (window == 1
                                                                        ? "passed; 5 sent, 0 failed"
                                                                        : "failed; 5 sent, 2 failed"))))));
            }
        }

        browser.get(glide.plannerUrl() + "/#/rollouts/" + rollout);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(
                driver ->
                        browser.findElements(By.cssSelector("#error-chart circle.canary-dot"))
                                        .size()
                                == 2);
        List<String> labels =
                browser.findElements(By.cssSelector("#error-chart text.label")).stream()
                        .map(e -> e.getAttribute("textContent"))
                        .toList();
        assertThat(labels).containsExactly("0.10 %", "0.00 %");
        // each verdict's gates are listed under it in the timeline, with their result
        List<String> gates =
                browser
                        .findElements(By.cssSelector("#timeline li.gate[data-gate='smoke']"))
                        .stream()
                        .map(
                                e ->
                                        e.getAttribute("data-passed")
                                                + " "
                                                + e.getAttribute("textContent"))
                        .toList();
        assertThat(gates)
                .containsExactlyInAnyOrder(
                        "true ✔ smoke test smoke (rollout): passed; 5 sent, 0 failed",
                        "false ✘ smoke test smoke (rollout): failed; 5 sent, 2 failed");
    }

    @Test
    void anExperimentsPageShowsTheDecisionEveryArmAndTheirRatesPerWindow() throws Exception {
        String service = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        registerService(
                service,
                Map.of(
                        "type",
                        "experiment",
                        "experiment",
                        Map.of(
                                "goal", "checkout",
                                "stickyKey", "X-User",
                                "interval", "1m",
                                "maxWindows", 5,
                                "winner", "none")));
        String rollout =
                JSON.readTree(
                                post(
                                        "/api/releases",
                                        TOKEN,
                                        Map.of(
                                                "service",
                                                service,
                                                "version",
                                                "v2a",
                                                "environment",
                                                "prod",
                                                "endpoints",
                                                List.of("http://127.0.0.1:2"),
                                                "variants",
                                                List.of(
                                                        Map.of(
                                                                "version",
                                                                "v2b",
                                                                "endpoints",
                                                                List.of("http://127.0.0.1:3"))))))
                        .path("rolloutId")
                        .asText();
        long analysis =
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> analysisSequence(rollout), sequence -> sequence > 0);
        // the page is open before the verdicts come: each one reaches it live
        browser.get(glide.plannerUrl() + "/#/rollouts/" + rollout);
        WebDriverWait slow = new WebDriverWait(browser, Duration.ofSeconds(60));
        slow.withMessage(
                () -> "the rollout's page never showed it progressing; " + bothViews(rollout));
        slow.until(
                driver ->
                        "PROGRESSING"
                                .equals(
                                        browser.executeScript(
                                                "return document.getElementById('state')?.textContent")));
        try (TopicProbe probe = new TopicProbe(glide.bootstrapServers())) {
            probe.send(
                    "analysis-verdicts",
                    rollout,
                    experimentVerdict(rollout, analysis, 1, List.of("v2b"), null, 0.100, 0.104));
            slow.withMessage(() -> "the stopped variant never showed; " + bothViews(rollout));
            slow.until(
                    driver ->
                            "v2b"
                                    .equals(
                                            browser.executeScript(
                                                    "return document.querySelector("
                                                            + "'#experiment-arms tr.stopped')?.dataset.version")));
            probe.send(
                    "analysis-verdicts",
                    rollout,
                    experimentVerdict(rollout, analysis, 2, List.of(), "v2a", 0.101, 0.140));
        }
        // the page re-renders on every change: read it in one script, until the winner's verdict
        // shows
        slow.withMessage(
                () -> "the experiment section never showed the winner; " + bothViews(rollout));
        @SuppressWarnings("unchecked")
        Map<String, Object> page =
                slow.until(
                        driver -> {
                            Object read =
                                    browser.executeScript(
                                            "const q = s => document.querySelector(s);"
                                                    + " const winner = q('#experiment-arms tr.winner');"
                                                    + " if (!winner || document.querySelectorAll("
                                                    + "'#experiment-chart path.arm-line').length !== 3)"
                                                    + " return null;"
                                                    + " return {decision: q('#experiment-decision').textContent,"
                                                    + " winner: winner.dataset.version,"
                                                    + " winnerRow: winner.textContent,"
                                                    + " stopped: q('#experiment-arms tr.stopped')?.dataset.version,"
                                                    + " errorChartHidden: q('#error-chart').parentElement.hidden};");
                            return (Map<String, Object>) read;
                        });
        assertThat(page.get("decision"))
                .isEqualTo("winner: v2a · stopped for failing a guardrail: v2b");
        assertThat(page.get("winner")).isEqualTo("v2a");
        assertThat(page.get("stopped")).isEqualTo("v2b");
        assertThat((String) page.get("winnerRow"))
                .contains("14.00 % (13.00 % – 15.00 %)", "+38.6 %", "PASS");
        // no single canary against a baseline to chart: those charts give way to the table
        assertThat(page.get("errorChartHidden")).isEqualTo(true);
        Files.write(
                Path.of("target", "dashboard-experiment.png"),
                browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /**
     * What the page shows beside what the planner holds (state and history), so a failure tells a
     * page that missed a change from a planner that never made it.
     */
    private static String bothViews(String rollout) {
        StringBuilder views = new StringBuilder("the page said: ");
        views.append(browser.executeScript("return document.body.innerText"));
        try {
            views.append("\nthe planner's history of it: ");
            for (var entry : history(rollout)) {
                views.append("\n  ")
                        .append(entry.path("occurredAt").asText())
                        .append(' ')
                        .append(entry.path("type").asText())
                        .append(' ')
                        .append(entry.path("cause").asText());
            }
        } catch (Exception e) {
            views.append("\nthe planner's history could not be read: ").append(e);
        }
        return views.toString();
    }

    /** An experiment's verdict with the three arms' standing, as the analysis service sends it. */
    private static String experimentVerdict(
            String rollout,
            long analysis,
            int window,
            List<String> failed,
            String winner,
            double control,
            double better)
            throws Exception {
        List<Map<String, Object>> arms = new ArrayList<>();
        arms.add(arm("v1", false, control, null, null, null));
        arms.add(
                arm(
                        "v2a",
                        false,
                        better,
                        better / control - 1,
                        winner == null ? "UNDECIDED" : "BETTER",
                        "PASS"));
        arms.add(
                arm(
                        "v2b",
                        true,
                        0.09,
                        0.09 / control - 1,
                        "UNDECIDED",
                        window == 1 ? "FAIL" : null));
        Map<String, Object> verdict = new java.util.HashMap<>();
        verdict.put("schemaVersion", 1);
        verdict.put("rolloutId", rollout);
        verdict.put("stepSequence", analysis);
        verdict.put("window", window);
        verdict.put("verdict", "PASS");
        verdict.put("score", 75);
        verdict.put("summary", winner == null ? "v2b failed its guardrail" : winner + " wins");
        Map<String, Object> experiment = new java.util.HashMap<>();
        experiment.put("goal", "checkout");
        experiment.put("per", "USER");
        experiment.put("arms", arms);
        experiment.put("guardrailFailed", failed);
        experiment.put("winner", winner);
        verdict.put("experiment", experiment);
        return JSON.writeValueAsString(verdict);
    }

    private static Map<String, Object> arm(
            String version,
            boolean stopped,
            double rate,
            Double lift,
            String outcome,
            String guardrail) {
        Map<String, Object> arm = new java.util.HashMap<>();
        arm.put("version", version);
        arm.put("stopped", stopped);
        arm.put("units", 2000);
        arm.put("conversions", Math.round(2000 * rate));
        arm.put("rate", rate);
        arm.put("rateLow", rate - 0.01);
        arm.put("rateHigh", rate + 0.01);
        arm.put("lift", lift);
        arm.put("liftLow", lift == null ? null : lift - 0.2);
        arm.put("liftHigh", lift == null ? null : lift + 0.2);
        arm.put("pValue", lift == null ? null : 0.01);
        arm.put("outcome", outcome);
        arm.put("guardrail", guardrail);
        return arm;
    }

    private static void registerService(String service, Map<String, Object> strategy)
            throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(glide.plannerUrl() + "/api/services/" + service))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + TOKEN)
                                .PUT(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(
                                                        Map.of(
                                                                "team",
                                                                "payments",
                                                                "gateway",
                                                                Map.of(
                                                                        "adapter", "noop", "route",
                                                                        service),
                                                                "stable",
                                                                Map.of(
                                                                        "version",
                                                                        "v1",
                                                                        "endpoints",
                                                                        List.of(
                                                                                "http://127.0.0.1:1")),
                                                                "environment",
                                                                "prod",
                                                                "strategy",
                                                                strategy))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static long analysisSequence(String rollout) throws Exception {
        for (var entry : history(rollout)) {
            if ("ANALYSIS".equals(entry.path("type").asText())
                    || "analysis started".equals(entry.path("cause").asText())) {
                return entry.path("sequence").asLong();
            }
        }
        return 0;
    }

    /** The rollout's history as the planner's API gives it. */
    private static JsonNode history(String rollout) throws Exception {
        return JSON.readTree(
                HTTP.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        glide.plannerUrl()
                                                                + "/api/rollouts/"
                                                                + rollout
                                                                + "/history"))
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    private static WebElement node(String service) {
        return browser.findElement(
                By.cssSelector("#train-graph g.node[data-service='" + service + "']"));
    }

    /**
     * Clicks what {@code by} finds, finding it again if a live re-render replaced it between the
     * finding and the click.
     */
    private static void click(WebDriverWait wait, By by) {
        wait.until(
                driver -> {
                    driver.findElement(by).click();
                    return true;
                });
    }

    /** The text of what {@code by} finds, found again if a live re-render replaced it. */
    private static String textOf(WebDriverWait wait, By by) {
        return wait.until(driver -> driver.findElement(by).getText());
    }

    /** The page asks why for an abort: answer the next prompt with {@code reason}. */
    private static void acceptNextPrompt(String reason) {
        browser.executeScript("window.prompt = () => arguments[0];", reason);
    }

    /**
     * The chart's points, read in one script so a live re-render between finding and reading them
     * cannot leave a stale element.
     */
    @SuppressWarnings("unchecked")
    private static List<String> weights() {
        return (List<String>)
                browser.executeScript(
                        "return Array.from(document.querySelectorAll('#weight-chart circle.point'))"
                                + ".map(c => c.getAttribute('data-weight'));");
    }

    /** The timeline's lines as shown, read in one script (see {@link #weights()}). */
    @SuppressWarnings("unchecked")
    private static List<String> timeline() {
        return (List<String>)
                browser.executeScript(
                        "return Array.from(document.querySelectorAll('#timeline li'))"
                                + ".map(li => li.innerText.trim());");
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text, Keys.TAB);
    }

    private static void register(String service) throws Exception {
        register(
                service,
                List.of(
                        Map.of("setWeight", 10),
                        Map.of("pause", Map.of()),
                        Map.of("setWeight", 50),
                        Map.of("pause", Map.of()),
                        Map.of("setWeight", 100)));
    }

    private static void register(String service, List<Map<String, Object>> steps) throws Exception {
        registerService(service, Map.of("type", "canary", "steps", steps));
    }

    private static String release(String service) throws Exception {
        return JSON.readTree(
                        post(
                                "/api/releases",
                                TOKEN,
                                Map.of(
                                        "service",
                                        service,
                                        "version",
                                        "v2",
                                        "environment",
                                        "prod",
                                        "endpoints",
                                        List.of("http://127.0.0.1:2"))))
                .path("rolloutId")
                .asText();
    }

    private static String post(String path, String token) throws Exception {
        return post(path, token, null);
    }

    private static String post(String path, String token, Object body) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(glide.plannerUrl() + path))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + token)
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                body == null ? "" : JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
        return response.body();
    }
}
