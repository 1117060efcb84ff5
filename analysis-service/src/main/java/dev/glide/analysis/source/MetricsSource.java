package dev.glide.analysis.source;

import dev.glide.analysis.judge.WindowPair;
import java.time.Instant;

/** Where analysis windows come from: one implementation per kind of source, chosen by name. */
public interface MetricsSource {

    /** The name configuration uses to choose this source. */
    String type();

    /** What the baseline and the canary served in {@code (from, to]}. */
    WindowPair collect(AnalysedRollout rollout, Instant from, Instant to) throws SourceException;
}
