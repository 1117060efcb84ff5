package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.analysis.judge.Finding.Status;
import dev.glide.contract.Gate;

/** One gate's outcome in a window: its check, and what a failure asks for. */
public record GateOutcome(Gate gate, Finding finding) {

    public boolean passed() {
        return finding.status() == Status.PASS;
    }
}
