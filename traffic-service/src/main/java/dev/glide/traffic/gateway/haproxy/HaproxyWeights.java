package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.Weights;

/**
 * Percentages onto HAProxy's integer server weights (0-256) and back. Both weights are chosen
 * together, as the fraction with the smallest error among all pairs whose sum is at most 256: 5 %
 * is 95/5 rather than 13/256, 1 % is 99/1, and 0.5 % is 199/1. A canary that is to get any traffic
 * gets at least weight 1, and a stable that is to keep any gets at least 1, so 0.1 % and 99.9 % are
 * never rounded away.
 */
final class HaproxyWeights {

    static final int MAX_WEIGHT = 256;

    private HaproxyWeights() {}

    /** The integer weights {stable, canary} closest to the requested split. */
    static int[] split(Weights weights) {
        double canary = weights.canary();
        if (canary <= 0) {
            return new int[] {100, 0};
        }
        if (canary >= 100) {
            return new int[] {0, 100};
        }
        int bestTotal = 100;
        int bestCanary = clamp((int) Math.round(canary), 100);
        double bestError = Math.abs(bestCanary - canary);
        for (int total = MAX_WEIGHT; total >= 2 && bestError > 0; total--) {
            int share = clamp((int) Math.round(canary * total / 100), total);
            double error = Math.abs(100.0 * share / total - canary);
            if (error < bestError - 1e-12) {
                bestTotal = total;
                bestCanary = share;
                bestError = error;
            }
        }
        return new int[] {bestTotal - bestCanary, bestCanary};
    }

    /**
     * Whether the canary's weight ({@code wanted[1]}) is to be set before the stable's: the side
     * that is to serve the larger share goes first. Its new weight is never 0, so whatever weights
     * the backend had, some server takes traffic at every moment of the change (make before break)
     * without asking HAProxy for them first.
     */
    static boolean canaryFirst(int[] wanted) {
        return wanted[1] > wanted[0];
    }

    private static int clamp(int share, int total) {
        return Math.max(1, Math.min(total - 1, share));
    }

    /**
     * The split the gateway really serves for the two weights, or null when neither server takes
     * traffic.
     */
    static Weights served(int stable, int canary) {
        int total = stable + canary;
        if (total == 0) {
            return null;
        }
        double canaryPercent = 100.0 * canary / total;
        return new Weights(100 - canaryPercent, canaryPercent);
    }
}
