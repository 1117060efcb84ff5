package dev.glide.analysis.judge;

import dev.glide.contract.AnalysisVerdict.Check;

/** One check's evidence and whether it passed, failed, or had too little to go on. */
public record Finding(Check check, Status status) {

    public enum Status {
        PASS,
        FAIL,
        INCONCLUSIVE
    }

    public int score() {
        return status == Status.PASS ? 100 : status == Status.INCONCLUSIVE ? 50 : 0;
    }
}
