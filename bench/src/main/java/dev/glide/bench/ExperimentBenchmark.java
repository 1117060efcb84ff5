package dev.glide.bench;

import dev.glide.analysis.experiment.GoalComparison;
import dev.glide.analysis.experiment.GoalComparison.Arm;
import dev.glide.analysis.experiment.GoalComparison.Lift;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Experiments with known answers, judged at every window as Glide judges a running experiment: a
 * control and two variants, users arriving at a steady rate per arm, each converting at its arm's
 * rate. Sets: a true lift (control 10 %, variant b 12 %, variant c 10 %: b must win), two variants
 * both better (10 / 12 / 11 %: b must win), and A/A (all three at 10 %: no winner may be declared).
 * Beside Glide's anytime-valid comparison the same experiments are judged by a plain two-proportion
 * z-test at alpha / 2 per variant (Bonferroni), once at the end (what a fixed-horizon test gives)
 * and at every window (what "peeking" at it does to the false-winner rate).
 */
@Command(name = "experiment-benchmark", mixinStandardHelpOptions = true)
public class ExperimentBenchmark implements Callable<Integer> {

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    @Option(names = "--root", description = "the project root", defaultValue = ".")
    Path root;

    @Option(
            names = "--runs",
            description = "experiments per set with a true lift",
            defaultValue = "1000")
    int runs;

    @Option(names = "--aa-runs", description = "A/A experiments", defaultValue = "3000")
    int aaRuns;

    @Option(names = "--windows", description = "looks per experiment", defaultValue = "40")
    int windows;

    @Option(names = "--users", description = "new users per arm and window", defaultValue = "500")
    int usersPerWindow;

    @Option(names = "--alpha", defaultValue = "0.05")
    double alpha;

    @Option(
            names = "--tau",
            description = "the mixture's scale on the log ratio",
            defaultValue = "0.1")
    double tau;

    @Option(
            names = "--min-users",
            description = "users every arm needs before a decision",
            defaultValue = "1000")
    long minUsers;

    @Option(names = "--seed", defaultValue = "20261207")
    long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExperimentBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        GoalComparison comparison = new GoalComparison(alpha, tau, minUsers);
        RandomGenerator random = new Well19937c(seed);
        BenchReport report = new BenchReport("experiments");
        report.put("alpha", alpha);
        report.put("tau", tau);
        report.put("windows", windows);
        report.put("usersPerArmAndWindow", usersPerWindow);
        report.put("usersPerArmAtTheEnd", (long) windows * usersPerWindow);
        report.put("minUsersPerArm", minUsers);
        report.put(
                "glide",
                "normal-mixture SPRT on the log of each variant's rate over control's, Bonferroni"
                        + " over the variants, judged at every window; a winner once every arm has"
                        + " min users and the variant's lift interval lies above 0");
        report.put(
                "reference",
                "two-proportion z-test per variant at alpha / 2, one-sided for the better; fixed"
                        + " horizon: once at the end; peeking: at every window, the first"
                        + " significant variant wins");
        long start = System.nanoTime();
        Map<String, Object> sets = new LinkedHashMap<>();
        int few = usersPerWindow * 2 / 5;
        sets.put(
                "lift 10 % -> 12 % (b), c = control",
                set(comparison, random, runs, usersPerWindow, 0.10, 0.12, 0.10, "b"));
        sets.put(
                "the same, " + few * windows + " users per arm",
                set(comparison, random, runs, few, 0.10, 0.12, 0.10, "b"));
        sets.put(
                "both better: b 12 %, c 11 %",
                set(comparison, random, runs, usersPerWindow, 0.10, 0.12, 0.11, "b"));
        sets.put(
                "A/A: all at 10 %",
                set(comparison, random, aaRuns, usersPerWindow, 0.10, 0.10, 0.10, null));
        report.put("sets", sets);
        report.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        report.print();
        report.write(root.resolve("bench/results/experiments.json"));
        return 0;
    }

    private Map<String, Object> set(
            GoalComparison comparison,
            RandomGenerator random,
            int count,
            int users,
            double control,
            double b,
            double c,
            String truth) {
        double[] rates = {control, b, c};
        String[] versions = {"a", "b", "c"};
        int right = 0;
        int wrong = 0;
        int fixedRight = 0;
        int fixedWrong = 0;
        int peekRight = 0;
        int peekWrong = 0;
        List<Double> decidedAt = new ArrayList<>();
        List<Double> liftCovered = new ArrayList<>();
        for (int run = 0; run < count; run++) {
            long[] units = new long[3];
            long[] conversions = new long[3];
            List<List<Arm>> looks = new ArrayList<>();
            String winner = null;
            String peeked = null;
            for (int w = 1; w <= windows; w++) {
                List<Arm> look = new ArrayList<>();
                for (int a = 0; a < 3; a++) {
                    units[a] += users;
                    conversions[a] += new BinomialDistribution(random, users, rates[a]).sample();
                    look.add(new Arm(versions[a], units[a], conversions[a]));
                }
                looks.add(look);
                if (winner == null) {
                    Lift best = comparison.judge(looks).winner();
                    if (best != null) {
                        winner = best.version();
                        decidedAt.add((double) w);
                        if (truth != null) {
                            double trueLift = rates[indexOf(versions, winner)] / control - 1;
                            liftCovered.add(
                                    best.low() <= trueLift && trueLift <= best.high() ? 1.0 : 0.0);
                        }
                    }
                }
                if (peeked == null) {
                    peeked = zWinner(look, versions);
                }
            }
            String fixed = zWinner(looks.get(looks.size() - 1), versions);
            right += truth != null && truth.equals(winner) ? 1 : 0;
            wrong += winner != null && !winner.equals(truth) ? 1 : 0;
            fixedRight += truth != null && truth.equals(fixed) ? 1 : 0;
            fixedWrong += fixed != null && !fixed.equals(truth) ? 1 : 0;
            peekRight += truth != null && truth.equals(peeked) ? 1 : 0;
            peekWrong += peeked != null && !peeked.equals(truth) ? 1 : 0;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("experiments", count);
        row.put("usersPerArmAtTheEnd", (long) users * windows);
        if (truth != null) {
            row.put("rightWinnerPct", pct(right, count));
        }
        row.put(truth == null ? "falseWinnerPct" : "wrongWinnerPct", pct(wrong, count));
        row.put(
                "medianWindowOfDecision",
                decidedAt.isEmpty()
                        ? null
                        : new Median()
                                .evaluate(
                                        decidedAt.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .toArray()));
        if (!liftCovered.isEmpty()) {
            row.put(
                    "winnersLiftIntervalCoversTruthPct",
                    pct(
                            liftCovered.stream().mapToDouble(Double::doubleValue).sum(),
                            liftCovered.size()));
        }
        if (truth != null) {
            row.put("fixedHorizonRightPct", pct(fixedRight, count));
        }
        row.put(
                truth == null ? "fixedHorizonFalsePct" : "fixedHorizonWrongPct",
                pct(fixedWrong, count));
        if (truth != null) {
            row.put("peekingRightPct", pct(peekRight, count));
        }
        row.put(truth == null ? "peekingFalsePct" : "peekingWrongPct", pct(peekWrong, count));
        return row;
    }

    /** The variant a z-test at alpha / 2 finds better than control (the larger z), or null. */
    private String zWinner(List<Arm> look, String[] versions) {
        Arm control = look.get(0);
        String best = null;
        double bestZ = NORMAL.inverseCumulativeProbability(1 - alpha / (look.size() - 1));
        for (int i = 1; i < look.size(); i++) {
            Arm variant = look.get(i);
            double pooled =
                    (double) (control.conversions() + variant.conversions())
                            / (control.units() + variant.units());
            double se =
                    Math.sqrt(
                            pooled
                                    * (1 - pooled)
                                    * (1.0 / control.units() + 1.0 / variant.units()));
            double z = se == 0 ? 0 : (variant.rate() - control.rate()) / se;
            if (z > bestZ) {
                bestZ = z;
                best = versions[i];
            }
        }
        return best;
    }

    private static int indexOf(String[] versions, String version) {
        for (int i = 0; i < versions.length; i++) {
            if (versions[i].equals(version)) {
                return i;
            }
        }
        throw new IllegalArgumentException(version);
    }

    private static double pct(double part, long whole) {
        return Math.round(10000.0 * part / whole) / 100.0;
    }
}
