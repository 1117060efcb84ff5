package dev.glide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.testsupport.FreePorts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the CLI answers before any planner is involved: usage errors and an unreachable planner. */
class GlideCliTest {

    @Test
    void aMissingArgumentIsBadUsageWithExitCode2() {
        GlideCliIT.Run run = GlideCliIT.run(Map.of(), "release", "checkout");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter: 'VERSION'");
    }

    @Test
    void anUnreachablePlannerIsExitCode4AndNamesWhereItLooked() {
        String planner = "http://127.0.0.1:" + FreePorts.pick();
        GlideCliIT.Run run = GlideCliIT.run(Map.of("GLIDE_PLANNER", planner), "status");
        assertThat(run.exitCode()).isEqualTo(CliException.UNREACHABLE);
        assertThat(run.err())
                .startsWith("glide: the planner at " + planner + "/ is unreachable")
                .contains("GLIDE_PLANNER");
    }

    @Test
    void aPlannerAddressThatIsNoUrlIsBadUsage() {
        GlideCliIT.Run run = GlideCliIT.run(Map.of(), "--planner", "planner:8081", "status");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'planner:8081' is not a URL");
    }

    @Test
    void aTimeoutIsWrittenAsPeopleWriteIt() {
        GlideCli.Durations durations = new GlideCli.Durations();
        assertThat(durations.convert("90s")).hasSeconds(90);
        assertThat(durations.convert("30m")).hasMinutes(30);
        assertThat(durations.convert("PT2H")).hasHours(2);
        GlideCliIT.Run run = GlideCliIT.run(Map.of(), "watch", "r-1", "--timeout", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'soon' is not a duration like 90s, 30m or 2h");
    }

    @Test
    void theProgressBarFillsOneMarkPerFivePercent() {
        assertThat(Watcher.bar(0)).isEqualTo("[....................]");
        assertThat(Watcher.bar(10)).isEqualTo("[##..................]");
        assertThat(Watcher.bar(100)).isEqualTo("[####################]");
    }

    @Test
    void aVerdictInTheHistoryListsEachGateWithItsResult() throws Exception {
        JsonNode entry =
                new ObjectMapper()
                        .readTree(
                                "{\"type\":\"INPUT\",\"sequence\":7,\"occurredAt\":\"2026-12-02T08:00:00Z\","
                                        + "\"payload\":{\"input\":\"VerdictReceived\",\"verdict\":\"FAIL\",\"window\":1,"
                                        + "\"summary\":\"smoke failed\",\"checks\":["
                                        + "{\"metric\":\"error-rate\",\"passed\":true,\"detail\":\"fine\"},"
                                        + "{\"metric\":\"gate smoke\",\"passed\":false,"
                                        + "\"detail\":\"smoke test smoke (prePromotion): failed; 5 sent, 5 failed\"},"
                                        + "{\"metric\":\"gate tests\",\"passed\":true,\"detail\":\"answered 204\"}]}}");

        List<String> lines = Watcher.line(entry).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith(" #7   verdict   FAIL (window 1): smoke failed");
        assertThat(lines.subList(1, 3))
                .containsExactly(
                        " ".repeat(24)
                                + "gate smoke FAILED: smoke test smoke (prePromotion): failed; 5 sent, 5 failed",
                        " ".repeat(24) + "gate tests passed: answered 204");
    }
}
