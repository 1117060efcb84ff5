package dev.glide.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.glide.contract.AnalysisRequest;
import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.AnalysisVerdict.Verdict;
import dev.glide.contract.EventCodec;
import dev.glide.contract.ExperimentDesign;
import dev.glide.contract.ExperimentDesign.GoalUnit;
import dev.glide.contract.ExperimentFindings.ArmFinding;
import dev.glide.contract.LatencyHistogram;
import dev.glide.contract.Role;
import dev.glide.contract.RolloutEvent;
import dev.glide.contract.RolloutState;
import dev.glide.contract.Topics;
import dev.glide.contract.TrafficMetrics;
import dev.glide.contract.TrafficMetrics.VersionWindow;
import dev.glide.contract.Weights;
import dev.glide.testsupport.RealInfrastructure;
import dev.glide.testsupport.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An experiment's analysis through the real broker and database: the planner's request on
 * rollout-events, the embedded gateway's per-version windows (goals per user) on traffic-metrics, a
 * verdict per window with every arm's standing on analysis-verdicts.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ExperimentAnalysisTest {

    private static final List<Double> BOUNDS = List.of(25.0, 50.0, 100.0, 200.0, 400.0);
    private final TopicProbe probe = TopicProbe.shared();

    @Inject EventCodec codec;

    @Test
    void aVariantFailingItsGuardrailIsStoppedAloneAndABetterOneThenWins() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startExperiment(rollout, 5);
        // window 1: v2b fails half its requests; v2a converts as the control does (10 %)
        send(rollout, start, 1, 0.10, 0.10, 500, 2000);
        // window 2: v2a's users convert far better (30 % of them so far); stopped, v2b gets no new
        // users, and stays under the minimum of 3000, which no longer matters
        send(rollout, start.plusSeconds(1), 2, 0.10, 0.30, 500, 2000);

        List<AnalysisVerdict> verdicts = awaitVerdicts(rollout, 2);

        AnalysisVerdict first = verdicts.get(0);
        assertThat(first.verdict()).isEqualTo(Verdict.PASS);
        assertThat(first.experiment().guardrailFailed()).containsExactly("v2b");
        assertThat(first.experiment().winner()).isNull();
        assertThat(first.summary())
                .startsWith("v2b failed its guardrail (canary 500 errors in 1000")
                .contains("stopped, the other variants go on");
        assertThat(arm(first, "v2b").stopped()).isTrue();
        assertThat(arm(first, "v2b").guardrail()).isEqualTo("FAIL");
        assertThat(arm(first, "v2a").guardrail()).isEqualTo("PASS");

        AnalysisVerdict second = verdicts.get(1);
        assertThat(second.verdict()).isEqualTo(Verdict.PASS);
        assertThat(second.experiment().winner()).isEqualTo("v2a");
        assertThat(second.experiment().guardrailFailed()).isEmpty();
        assertThat(second.summary()).startsWith("v2a wins: checkout per user, control v1 10.00 %");
        ArmFinding control = arm(second, "v1");
        assertThat(control.units()).isEqualTo(8000);
        assertThat(control.conversions()).isEqualTo(800);
        assertThat(control.lift()).isNull();
        ArmFinding winner = arm(second, "v2a");
        assertThat(winner.units()).isEqualTo(4000);
        assertThat(winner.conversions()).isEqualTo(1200);
        assertThat(winner.lift()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.01));
        assertThat(winner.liftLow()).isPositive();
        assertThat(winner.outcome()).isEqualTo("BETTER");
        assertThat(winner.pValue()).isLessThanOrEqualTo(0.05);
        assertThat(arm(second, "v2b").stopped()).isTrue();
        assertThat(arm(second, "v2b").guardrail()).isNull();
    }

    @Test
    void noWinnerByTheLastWindowLeavesItToAPerson() {
        String rollout = "r-" + UUID.randomUUID();
        Instant start = startExperiment(rollout, 2);
        send(rollout, start, 1, 0.10, 0.10, 0, 2000);
        send(rollout, start.plusSeconds(1), 2, 0.10, 0.10, 0, 4000);

        List<AnalysisVerdict> verdicts = awaitVerdicts(rollout, 2);

        assertThat(verdicts.get(0).verdict()).isEqualTo(Verdict.PASS);
        assertThat(verdicts.get(0).summary()).startsWith("no winner yet after window 1");
        assertThat(verdicts.get(1).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verdicts.get(1).summary()).startsWith("no winner after 2 windows");
        assertThat(arm(verdicts.get(1), "v2a").outcome()).isEqualTo("UNDECIDED");
    }

    private Instant startExperiment(String rollout, int count) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ExperimentDesign design =
                new ExperimentDesign(
                        List.of("v2a", "v2b"),
                        List.of(),
                        "checkout",
                        GoalUnit.USER,
                        0.05,
                        3000L,
                        start);
        RolloutEvent event =
                new RolloutEvent(
                        RolloutEvent.SCHEMA_VERSION,
                        rollout,
                        3,
                        "shop",
                        "prod",
                        "experiment",
                        "v1",
                        "v2a",
                        RolloutState.PROGRESSING,
                        RolloutState.PROGRESSING,
                        1,
                        3,
                        Weights.canaryPercent(50),
                        "experiment started",
                        null,
                        null,
                        new AnalysisRequest(
                                3, List.of("error-rate"), 1, count, 0, null, null, design),
                        start,
                        "web");
        probe.send(Topics.ROLLOUT_EVENTS, rollout, codec.encode(event));
        return start;
    }

    /**
     * Window {@code k} of second {@code second}: 2000 control and 1000 requests of each variant;
     * the users seen so far (cumulative: 4000 per window for the control, 2000 for each variant)
     * and the shares of them that converted so far; v2b failing {@code v2bErrors} of its requests.
     */
    private void send(
            String rollout,
            Instant second,
            int k,
            double controlConverted,
            double v2aConverted,
            long v2bErrors,
            long v2bUsers) {
        long controlUsers = 4000L * k;
        long variantUsers = 2000L * k;
        TrafficMetrics window =
                new TrafficMetrics(
                        TrafficMetrics.SCHEMA_VERSION,
                        rollout,
                        "shop",
                        second.plusMillis(100),
                        second.plusMillis(900),
                        "embedded@test",
                        List.of(
                                version(
                                        Role.STABLE,
                                        "v1",
                                        2000,
                                        0,
                                        controlUsers,
                                        Math.round(controlUsers * controlConverted)),
                                version(
                                        Role.CANARY,
                                        "v2a",
                                        1000,
                                        0,
                                        variantUsers,
                                        Math.round(variantUsers * v2aConverted)),
                                version(
                                        Role.CANARY,
                                        "v2b",
                                        1000,
                                        v2bErrors,
                                        v2bUsers,
                                        Math.round(v2bUsers * controlConverted))));
        probe.send(Topics.TRAFFIC_METRICS, rollout, codec.encode(window));
    }

    private static VersionWindow version(
            Role role, String version, long requests, long errors, long users, long converted) {
        long fast = requests * 6 / 10;
        long medium = requests * 3 / 10;
        return new VersionWindow(
                role,
                version,
                requests,
                errors,
                new LatencyHistogram(
                        BOUNDS, List.of(fast, medium, requests - fast - medium, 0L, 0L, 0L)),
                Map.of("checkout", converted / 4),
                users,
                Map.of("checkout", converted));
    }

    private List<AnalysisVerdict> awaitVerdicts(String rollout, int count) {
        return probe
                .awaitRecords(
                        Topics.ANALYSIS_VERDICTS,
                        TopicProbe.WAIT,
                        count,
                        r -> rollout.equals(r.key()))
                .stream()
                .map(r -> codec.decode(r.value(), AnalysisVerdict.class))
                .toList();
    }

    private static ArmFinding arm(AnalysisVerdict verdict, String version) {
        return verdict.experiment().arms().stream()
                .filter(a -> a.version().equals(version))
                .findFirst()
                .orElseThrow();
    }
}
