package dev.glide.analysis.experiment;

/**
 * The normal-mixture sequential probability ratio test (Robbins; Johari, Pekelis and Walsh, "Always
 * valid inference", 2017, the method behind Optimizely's Stats Engine) for an estimate that is
 * approximately normal with a known variance: the likelihood ratio of "the true value is drawn from
 * N(0, tau^2)" against "it is 0", {@code sqrt(V / (V + tau^2)) exp(tau^2 x^2 / (2 V (V + tau^2)))}
 * for an estimate x of variance V. Under "it is 0" that ratio is a martingale, so the chance that
 * it ever reaches {@code 1 / alpha} — however often and whenever one looks — is at most alpha
 * (Ville's inequality). Its reciprocal, kept at its lowest so far, is an always-valid p-value, and
 * the values it would not reject form a confidence sequence: intervals that hold all at once, at
 * every look.
 *
 * <p>{@code tau} says which effects the test is tuned to find fastest (about tau over the
 * estimate's standard deviation at the decision); any effect is found eventually.
 */
final class MixtureTest {

    private MixtureTest() {}

    /** The log of the mixture likelihood ratio for estimate {@code x} of variance {@code v}. */
    static double logRatio(double x, double v, double tau) {
        double t2 = tau * tau;
        return 0.5 * Math.log(v / (v + t2)) + t2 * x * x / (2 * v * (v + t2));
    }

    /** The p-value at this look alone: {@code min(1, 1 / ratio)}. */
    static double pValue(double x, double v, double tau) {
        return Math.min(1, Math.exp(-logRatio(x, v, tau)));
    }

    /**
     * Half the width of the confidence sequence's interval at this look, at level {@code alpha}:
     * the values {@code m} whose ratio for {@code x - m} stays under {@code 1 / alpha}.
     */
    static double halfWidth(double v, double tau, double alpha) {
        double t2 = tau * tau;
        return Math.sqrt(v * (v + t2) / t2 * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
    }
}
