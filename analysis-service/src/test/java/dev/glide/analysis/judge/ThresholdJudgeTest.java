package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.Role;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdJudgeTest {

    private final ThresholdJudge judge = new ThresholdJudge(0.01, 50);

    static TrafficMetrics window(long canaryRequests, long canaryErrors) {
        return new TrafficMetrics(0, "r", "s", Instant.EPOCH, Instant.EPOCH.plusSeconds(10), "test", List.of(
                new VersionWindow(Role.STABLE, "v1", 1000, 2, null),
                new VersionWindow(Role.CANARY, "v2", canaryRequests, canaryErrors, null)));
    }

    @Test
    void aCanaryWithinTheCeilingPassesWithFullScore() {
        var judgement = judge.judge(List.of(window(200, 1)));

        assertThat(judgement.verdict()).isEqualTo(Verdict.PASS);
        assertThat(judgement.score()).isEqualTo(100);
        assertThat(judgement.checks().get(0).canary()).isEqualTo(0.005);
        assertThat(judgement.checks().get(0).baseline()).isEqualTo(0.002);
    }

    @Test
    void aCanaryOverTheCeilingFailsAndScoresLowerTheWorseItIs() {
        var twice = judge.judge(List.of(window(200, 4)));
        var tenTimes = judge.judge(List.of(window(200, 20)));

        assertThat(twice.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(twice.score()).isLessThan(50).isGreaterThan(tenTimes.score());
        assertThat(twice.summary()).isEqualTo("canary error rate 2.00 % exceeds the ceiling of 1.00 %");
    }

    @Test
    void tooLittleCanaryTrafficIsInconclusiveEvenWithoutErrors() {
        var judgement = judge.judge(List.of(window(49, 0)));

        assertThat(judgement.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(judgement.summary()).isEqualTo("only 49 canary requests; at least 50 are needed");
    }
}
