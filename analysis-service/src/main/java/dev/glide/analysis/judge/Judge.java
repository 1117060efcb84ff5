package dev.glide.analysis.judge;

import dev.glide.contract.AnalysisVerdict;
import dev.glide.contract.TrafficMetrics;
import java.util.List;

/** Judges a canary against its baseline from the windows seen so far. One implementation per method. */
public interface Judge {

    /** The method's name, as it appears in a verdict's evidence. */
    String name();

    /** The judgement after the newest of {@code windows} (oldest first, at least one). */
    Judgement judge(List<TrafficMetrics> windows);

    /** A verdict with its score and evidence, before it is addressed to a rollout. */
    record Judgement(AnalysisVerdict.Verdict verdict, int score, List<AnalysisVerdict.Check> checks, String summary) {
    }
}
