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
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The analysis judges on scenarios with known answers: the shared samples, then sets generated here
 * like them (ten windows of 4 000 requests, the canary's share 5, 10 or 25 %, baseline error rates
 * drawn uniformly from 0.2-2 %, log-normal latency with sigma 0.35 and medians 40-120 ms, up to 200
 * latency samples per side and window): A/A pairs, error-rate regressions (x1.5, x2, x3) and
 * median-latency regressions (+10, +30, +50 %). Every scenario is judged by Glide's engine (looking
 * at every window) and, on the same windows, by the plain fixed-horizon judge Glide is measured
 * against ({@link FixedHorizonReference}); the report gives regressions caught by each, false
 * aborts on A/A by each, the window at which Glide decided, and how fast the engine judges.
 */
@Command(name = "judge-benchmark", mixinStandardHelpOptions = true)
public class JudgeBenchmark implements Callable<Integer> {

    private static final int WINDOWS = 10;
    private static final int WINDOW_REQUESTS = 4000;
    private static final int MAX_SAMPLES = 200;
    private static final double SIGMA = 0.35;
    private static final double[] SHARES = {0.05, 0.10, 0.25};
    private static final double MIN_ERROR_RATE = 0.002;
    private static final double MAX_ERROR_RATE = 0.02;
    private static final double[] MEDIANS = {40, 80, 120};

    @Option(names = "--root", description = "the project root", defaultValue = ".")
    Path root;

    @Option(
            names = "--per-cell",
            description = "scenarios per latency regression size and share, per seed",
            defaultValue = "300")
    int perCell;

    @Option(
            names = "--per-error-cell",
            description =
                    "scenarios per error regression size and share, per seed (the sets where the"
                            + " two judges are close: more scenarios, less noise in the difference)",
            defaultValue = "1000")
    int perErrorCell;

    @Option(
            names = "--aa",
            description = "A/A scenarios per share, per seed",
            defaultValue = "1000")
    int aaPerShare;

    @Option(names = "--alpha", defaultValue = "0.01")
    double alpha;

    @Option(names = "--seed", description = "the first seed", defaultValue = "20261202")
    long seed;

    @Option(
            names = "--seeds",
            description = "how many seeds (each a fresh draw of every set)",
            defaultValue = "5")
    int seeds;

    private final AnalysisEngine engine = new AnalysisEngine();
    private final Median median = new Median();
    private long windowsJudged;
    private long judgingNanos;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JudgeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Criteria criteria =
                new Criteria(0.05, 5000.0, alpha, true, true, 200L, 20L, 2, null, null, null);
        FixedHorizonReference reference = new FixedHorizonReference(alpha);
        BenchReport report = new BenchReport("analysis-judges");
        report.put("alpha", alpha);
        report.put("windowsPerScenario", WINDOWS);
        report.put("requestsPerWindow", WINDOW_REQUESTS);
        report.put("seeds", seeds);
        report.put(
                "glide",
                "fisher-sequential on errors (share 0.995) and one-sided Mann-Whitney U on latency (0.005),"
                        + " at every window. Errors: an exact conditional group-sequential test;"
                        + " outcomes ordered by the canary's errors so far, then its newest"
                        + " window's; looks 1-2 may spend a tenth of the budget each, look 3 a"
                        + " fifth, later ones a sixtieth, each scaled by the canary's expected"
                        + " errors so far over 20 (at most 1); what a look could not spend carries"
                        + " on; the last spends the exact remainder");
        report.put("fixedHorizon", FixedHorizonReference.DESCRIPTION);
        report.put("sharedSamples", sharedSamples(criteria));

        Map<String, Tally> sets = new LinkedHashMap<>();
        Map<String, Tally> aa = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>();
        for (String kind : List.of("errors", "latency")) {
            boolean errors = kind.equals("errors");
            double[] sizes = errors ? new double[] {1.5, 2, 3} : new double[] {1.1, 1.3, 1.5};
            for (double size : sizes) {
                for (double share : SHARES) {
                    String name =
                            (errors
                                            ? "errorRate x" + trim(size)
                                            : "medianLatency +"
                                                    + Math.round((size - 1) * 100)
                                                    + "%")
                                    + " @"
                                    + Math.round(share * 100)
                                    + "% canary";
                    Tally tally = new Tally();
                    sets.put(name, tally);
                    cells.add(
                            new Cell(
                                    share,
                                    errors ? size : 1,
                                    errors ? 1 : size,
                                    errors ? perErrorCell : perCell,
                                    tally));
                }
            }
        }
        for (double share : SHARES) {
            Tally tally = new Tally();
            aa.put("A/A @" + Math.round(share * 100) + "% canary", tally);
            cells.add(new Cell(share, 1, 1, aaPerShare, tally));
        }
        for (int s = 0; s < seeds; s++) {
            RandomGenerator random = new Well19937c(seed + s);
            for (Cell cell : cells) {
                for (int i = 0; i < cell.scenarios(); i++) {
                    List<WindowPair> windows =
                            scenario(
                                    random, cell.share(), cell.errorFactor(), cell.latencyFactor());
                    cell.tally()
                            .add(
                                    judge(windows, criteria),
                                    reference.fails(windows),
                                    () -> reference.errorsLevelAtTotals(windows));
                }
            }
        }
        Map<String, Object> regressions = new LinkedHashMap<>();
        sets.forEach((name, tally) -> regressions.put(name, tally.summary()));
        report.put("regressionsCaught", regressions);
        Map<String, Object> falseAborts = new LinkedHashMap<>();
        aa.forEach((name, tally) -> falseAborts.put(name, tally.summary()));
        report.put("falseAborts", falseAborts);
        long aaTotal = aa.values().stream().mapToLong(t -> t.total).sum();
        long falseGlide = aa.values().stream().mapToLong(t -> t.glideCaught).sum();
        long falseFixed = aa.values().stream().mapToLong(t -> t.fixedCaught).sum();
        report.put("aaScenarios", aaTotal);
        report.put("falseAbortPctGlide", round(100.0 * falseGlide / aaTotal, 2));
        report.put("falseAbortPctFixedHorizon", round(100.0 * falseFixed / aaTotal, 2));
        List<String> behind = new ArrayList<>();
        sets.forEach(
                (name, tally) -> {
                    if (name.startsWith("errorRate") && tally.glideCaught < tally.fixedCaught) {
                        behind.add(name);
                    }
                });
        report.put("errorSetsWhereFixedHorizonCatchesMore", behind);
        Map<String, Object> toDecision = new LinkedHashMap<>();
        for (String kind : List.of("errorRate x2 @10% canary", "medianLatency +30% @5% canary")) {
            Tally tally = sets.get(kind);
            toDecision.put(
                    kind,
                    Map.of(
                            "glideMedianWindow",
                            tally.medianWindow(),
                            "decidedByWindow3Pct",
                            tally.decidedByPct(3),
                            "fixedHorizonWindow",
                            WINDOWS));
        }
        report.put("windowsToDecision", toDecision);
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
    private static List<WindowPair> scenario(
            RandomGenerator random, double share, double errorFactor, double latencyFactor) {
        double errorRate = MIN_ERROR_RATE + (MAX_ERROR_RATE - MIN_ERROR_RATE) * random.nextDouble();
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

    /** One generated set: its scenarios' shape, how many per seed, and its tally. */
    private record Cell(
            double share, double errorFactor, double latencyFactor, int scenarios, Tally tally) {}

    /** How many of a set each judge failed, and when Glide did. */
    private final class Tally {
        long total;
        long glideCaught;
        long fixedCaught;
        long onlyGlide;
        long onlyFixed;
        final List<Double> glideWindows = new ArrayList<>();

        /**
         * Where only the fixed horizon rejected on errors: its z-test's real level at those tables'
         * totals ({@link FixedHorizonReference#errorsLevelAtTotals}).
         */
        final List<Double> fixedOnlyLevels = new ArrayList<>();

        /**
         * One scenario's verdicts; {@code fixedLevel} is asked only where the fixed horizon alone
         * failed it.
         */
        void add(
                AnalysisEngine.Result glide,
                boolean fixedFails,
                Supplier<OptionalDouble> fixedLevel) {
            total++;
            boolean glideFails = glide.verdict() == Verdict.FAIL;
            if (glideFails) {
                glideCaught++;
                glideWindows.add((double) glide.decidedAtWindow());
            }
            if (fixedFails) {
                fixedCaught++;
            }
            if (glideFails && !fixedFails) {
                onlyGlide++;
            }
            if (fixedFails && !glideFails) {
                onlyFixed++;
                fixedLevel.get().ifPresent(fixedOnlyLevels::add);
            }
        }

        Double medianWindow() {
            return glideWindows.isEmpty() ? null : median(glideWindows);
        }

        private double median(List<Double> values) {
            return median.evaluate(values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        double decidedByPct(int window) {
            return glideWindows.isEmpty()
                    ? 0
                    : round(
                            100.0
                                    * glideWindows.stream().filter(w -> w <= window).count()
                                    / glideWindows.size(),
                            1);
        }

        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("scenarios", total);
            summary.put("glidePct", round(100.0 * glideCaught / total, 2));
            summary.put("fixedHorizonPct", round(100.0 * fixedCaught / total, 2));
            summary.put("glideMedianWindow", medianWindow());
            summary.put("onlyGlideCaught", onlyGlide);
            summary.put("onlyFixedHorizonCaught", onlyFixed);
            if (!fixedOnlyLevels.isEmpty()) {
                summary.put(
                        "fixedHorizonErrorsLevelWhereOnlyItCaughtPct",
                        round(100 * median(fixedOnlyLevels), 2));
            }
            return summary;
        }
    }
}
