package dev.glide.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glide.analysis.judge.AnalysisEngine;
import dev.glide.analysis.judge.Criteria;
import dev.glide.analysis.judge.Sample;
import dev.glide.analysis.judge.WindowPair;
import dev.glide.contract.AnalysisVerdict.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The analysis judges on scenarios with known answers: the shared samples, then sets generated here
 * like them (ten windows of about 4 000 requests, the canary's share 5, 10 or 25 %, baseline error
 * rates 0.2-1 %, log-normal latency with sigma 0.35 and medians 40-120 ms, up to 200 latency
 * samples per side and window): A/A pairs, error-rate regressions (x1.5, x2, x3) and median-latency
 * regressions (+10, +30, +50 %). Each set is judged sequentially and at a fixed horizon; the report
 * gives regressions caught, false aborts on A/A, the windows to a decision, and how fast the engine
 * judges.
 */
@Command(name = "judge-benchmark", mixinStandardHelpOptions = true)
public class JudgeBenchmark implements Callable<Integer> {

    private static final int WINDOWS = 10;
    private static final int WINDOW_REQUESTS = 4000;
    private static final int MAX_SAMPLES = 200;
    private static final double SIGMA = 0.35;
    private static final double[] SHARES = {0.05, 0.10, 0.25};
    private static final double[] BASE_ERROR_RATES = {0.002, 0.005, 0.01};
    private static final double[] MEDIANS = {40, 80, 120};

    @Option(names = "--root", description = "the project root", defaultValue = ".")
    Path root;

    @Option(
            names = "--per-cell",
            description = "scenarios per regression kind, size and share",
            defaultValue = "200")
    int perCell;

    @Option(names = "--aa", description = "A/A scenarios per share", defaultValue = "1000")
    int aaPerShare;

    @Option(names = "--alpha", defaultValue = "0.01")
    double alpha;

    @Option(names = "--seed", defaultValue = "20261124")
    long seed;

    private final AnalysisEngine engine = new AnalysisEngine();
    private final Median median = new Median();
    private long windowsJudged;
    private long judgingNanos;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JudgeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        RandomGenerator random = new Well19937c(seed);
        Criteria criteria =
                new Criteria(0.05, 5000.0, alpha, true, true, 200L, 20L, 2, null, null, null);
        BenchReport report = new BenchReport("analysis-judges");
        report.put("alpha", alpha);
        report.put("windowsPerScenario", WINDOWS);
        report.put("requestsPerWindow", WINDOW_REQUESTS);
        report.put("sharedSamples", sharedSamples(criteria));

        Map<String, Object> regressions = new LinkedHashMap<>();
        Map<String, List<Double>> decisionWindows = new LinkedHashMap<>();
        for (String kind : List.of("errors", "latency")) {
            double[] sizes =
                    kind.equals("errors") ? new double[] {1.5, 2, 3} : new double[] {1.1, 1.3, 1.5};
            for (double size : sizes) {
                for (double share : SHARES) {
                    Tally tally = new Tally();
                    for (int i = 0; i < perCell; i++) {
                        List<WindowPair> windows =
                                scenario(
                                        random,
                                        share,
                                        kind.equals("errors") ? size : 1,
                                        kind.equals("latency") ? size : 1);
                        tally.add(
                                judge(windows, criteria),
                                judge(windows, criteria.fixedHorizon()),
                                Verdict.FAIL);
                        tally.bestPossible +=
                                kind.equals("errors") && bestPossibleErrorTest(windows) ? 1 : 0;
                    }
                    String name =
                            (kind.equals("errors")
                                                    ? "errorRate x"
                                                    : "medianLatency +"
                                                            + Math.round((size - 1) * 100)
                                                            + "% x")
                                            .replace(
                                                    " x",
                                                    kind.equals("errors") ? " x" + trim(size) : "")
                                    + " @"
                                    + Math.round(share * 100)
                                    + "% canary";
                    regressions.put(
                            name.replace(
                                    "+" + Math.round((size - 1) * 100) + "% x",
                                    "+" + Math.round((size - 1) * 100) + "%"),
                            tally.summary());
                    if ((kind.equals("errors") && size == 2)
                            || (kind.equals("latency") && size == 1.3)) {
                        decisionWindows
                                .computeIfAbsent(
                                        kind.equals("errors")
                                                ? "errorRate x2"
                                                : "medianLatency +30%",
                                        k -> new ArrayList<>())
                                .addAll(tally.sequentialWindows);
                    }
                }
            }
        }
        report.put("regressionsCaught", regressions);

        Map<String, Object> aa = new LinkedHashMap<>();
        long falseSequential = 0;
        long falseFixed = 0;
        long aaTotal = 0;
        for (double share : SHARES) {
            Tally tally = new Tally();
            for (int i = 0; i < aaPerShare; i++) {
                List<WindowPair> windows = scenario(random, share, 1, 1);
                tally.add(
                        judge(windows, criteria),
                        judge(windows, criteria.fixedHorizon()),
                        Verdict.FAIL);
            }
            aa.put("A/A @" + Math.round(share * 100) + "% canary", tally.summary());
            falseSequential += tally.sequentialCaught;
            falseFixed += tally.fixedCaught;
            aaTotal += tally.total;
        }
        report.put("falseAborts", aa);
        report.put(
                "falseAbortRateSequential",
                round(100.0 * falseSequential / aaTotal, 2) + " % of " + aaTotal);
        report.put(
                "falseAbortRateFixedHorizon",
                round(100.0 * falseFixed / aaTotal, 2) + " % of " + aaTotal);
        Map<String, Object> toDecision = new LinkedHashMap<>();
        decisionWindows.forEach(
                (kind, windows) ->
                        toDecision.put(
                                kind,
                                Map.of(
                                        "sequential",
                                        median.evaluate(
                                                windows.stream()
                                                        .mapToDouble(Double::doubleValue)
                                                        .toArray()),
                                        "fixedHorizon",
                                        WINDOWS)));
        report.put("medianWindowsToDecision", toDecision);
        report.put(
                "judgeThroughputWindowsPerSecond",
                Math.round(windowsJudged / (judgingNanos / 1e9)));
        report.print();
        report.write(root.resolve("bench/results/analysis-judges.json"));
        return 0;
    }

    private AnalysisEngine.Result judge(List<WindowPair> windows, Criteria criteria) {
        long start = System.nanoTime();
        AnalysisEngine.Result result = engine.judge(windows, criteria);
        judgingNanos += System.nanoTime() - start;
        windowsJudged += result.decidedAtWindow();
        return result;
    }

    /**
     * Ten windows of one scenario: the canary's error rate times {@code errorFactor}, its latency
     * times {@code latencyFactor}.
     */
    /**
     * Whether the most powerful exact test there is for this scenario — Fisher's on all ten windows
     * at once, with the whole of alpha for itself — would reject: the ceiling for any judge that
     * keeps alpha.
     */
    private boolean bestPossibleErrorTest(List<WindowPair> windows) {
        Sample baseline =
                windows.stream()
                        .map(WindowPair::baseline)
                        .reduce(Sample.counts(0, 0), Sample::plus);
        Sample canary =
                windows.stream().map(WindowPair::canary).reduce(Sample.counts(0, 0), Sample::plus);
        long population = baseline.requests() + canary.requests();
        int errors = (int) (baseline.errors() + canary.errors());
        if (errors == 0) {
            return false;
        }
        return new HypergeometricDistribution(
                                null, (int) population, errors, (int) canary.requests())
                        .upperCumulativeProbability((int) canary.errors())
                <= alpha;
    }

    private static List<WindowPair> scenario(
            RandomGenerator random, double share, double errorFactor, double latencyFactor) {
        double errorRate = BASE_ERROR_RATES[random.nextInt(BASE_ERROR_RATES.length)];
        double medianMs = MEDIANS[random.nextInt(MEDIANS.length)];
        int canaryRequests = (int) Math.round(WINDOW_REQUESTS * share);
        int baselineRequests = WINDOW_REQUESTS - canaryRequests;
        List<WindowPair> windows = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            windows.add(
                    new WindowPair(
                            side(random, baselineRequests, errorRate, medianMs),
                            side(
                                    random,
                                    canaryRequests,
                                    errorRate * errorFactor,
                                    medianMs * latencyFactor)));
        }
        return windows;
    }

    private static Sample side(
            RandomGenerator random, int requests, double errorRate, double medianMs) {
        int errors = new BinomialDistribution(random, requests, errorRate).sample();
        LogNormalDistribution latency =
                new LogNormalDistribution(random, Math.log(medianMs), SIGMA);
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(requests, MAX_SAMPLES); i++) {
            samples.add(latency.sample());
        }
        return new Sample(requests, errors, samples, null, Map.of());
    }

    private Map<String, Object> sharedSamples(Criteria defaults) throws IOException {
        Path dir = root.resolve("../shared/analysis-scenarios");
        if (!Files.isDirectory(dir)) {
            dir = root.resolve("analysis-service/src/test/resources/scenarios");
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> byTruth = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode scenario = json.readTree(file.toFile());
                String truth = scenario.get("truth").asText();
                Criteria criteria = json.treeToValue(scenario.get("criteria"), Criteria.class);
                List<WindowPair> windows = new ArrayList<>();
                for (JsonNode window : scenario.get("windows")) {
                    windows.add(json.treeToValue(window, WindowPair.class));
                }
                AnalysisEngine.Result result = judge(windows, criteria);
                String kind = file.getFileName().toString().replaceAll("-.*", "");
                @SuppressWarnings("unchecked")
                Map<String, Object> entry =
                        (Map<String, Object>)
                                byTruth.computeIfAbsent(
                                        kind + " (" + truth + ")",
                                        k ->
                                                new LinkedHashMap<>(
                                                        Map.of(
                                                                "scenarios",
                                                                0,
                                                                "right",
                                                                0,
                                                                "decidedAtWindows",
                                                                new ArrayList<Integer>())));
                entry.put("scenarios", (int) entry.get("scenarios") + 1);
                entry.put(
                        "right",
                        (int) entry.get("right") + (result.verdict().name().equals(truth) ? 1 : 0));
                @SuppressWarnings("unchecked")
                List<Integer> at = (List<Integer>) entry.get("decidedAtWindows");
                at.add(result.decidedAtWindow());
            }
        }
        return byTruth;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }

    /**
     * How many of a set were judged {@code FAIL}, sequentially and at a fixed horizon, and when.
     */
    private final class Tally {
        long total;
        long sequentialCaught;
        long fixedCaught;
        long bestPossible;
        final List<Double> sequentialWindows = new ArrayList<>();

        void add(AnalysisEngine.Result sequential, AnalysisEngine.Result fixed, Verdict caught) {
            total++;
            if (sequential.verdict() == caught) {
                sequentialCaught++;
                sequentialWindows.add((double) sequential.decidedAtWindow());
            }
            if (fixed.verdict() == caught) {
                fixedCaught++;
            }
        }

        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("scenarios", total);
            summary.put("sequentialPct", round(100.0 * sequentialCaught / total, 1));
            summary.put("fixedHorizonPct", round(100.0 * fixedCaught / total, 1));
            if (bestPossible > 0) {
                summary.put("bestPossiblePct", round(100.0 * bestPossible / total, 1));
            }
            summary.put(
                    "sequentialMedianWindow",
                    sequentialWindows.isEmpty()
                            ? null
                            : median.evaluate(
                                    sequentialWindows.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .toArray()));
            return summary;
        }
    }
}
