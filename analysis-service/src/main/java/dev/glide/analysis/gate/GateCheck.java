package dev.glide.analysis.gate;

import dev.glide.analysis.judge.Finding;
import dev.glide.contract.seam.Typed;

/**
 * One kind of gate ({@code webhook}, {@code smoke}, {@code load}): runs a gate once for the window
 * its row names and says what it found. It runs on a replica holding the row's {@link Lease} and
 * gives up, returning null, once the lease is lost (another replica took the gate over, or the
 * analysis ended).
 */
public interface GateCheck extends Typed {

    Finding run(GateRun run, Lease lease) throws InterruptedException;

    /** A replica's hold on a gate it runs. */
    interface Lease {

        /**
         * Whether this replica still runs the gate (the analysis is on and nobody took it over).
         */
        boolean held();

        /** What the gate found so far (a load test's running totals), kept in its row. */
        void report(Finding progress);
    }
}
