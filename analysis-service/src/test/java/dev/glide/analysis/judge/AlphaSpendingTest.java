package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class AlphaSpendingTest {

    @Test
    void earlyLooksTestAtATenthOfTheBudgetTheThirdAtAFifthLaterOnesAtASixtiethTheLastAtFarMore() {
        double[] levels = AlphaSpending.levels(0.00995, 10);
        for (int k = 0; k < 2; k++) {
            assertThat(levels[k]).isCloseTo(0.00995 / 10, within(1e-12));
        }
        assertThat(levels[2]).isCloseTo(0.00995 / 5, within(1e-12));
        for (int k = 3; k < 9; k++) {
            assertThat(levels[k]).isCloseTo(0.00995 / 60, within(1e-12));
        }
        // Computed for the looks' correlation; the union bound would leave 0.00995 - 0.00498.
        assertThat(levels[9]).isCloseTo(0.0070, within(0.0002));
    }

    @Test
    void whatLooksMaySpendGrowsLookByLookToTheWholeBudget() {
        double budget = 0.00995;
        double before = 0;
        for (int k = 1; k <= 10; k++) {
            double spent = AlphaSpending.spentBy(budget, k, 10, true);
            assertThat(spent).as("look %d", k).isGreaterThan(before);
            before = spent;
        }
        assertThat(AlphaSpending.spentBy(budget, 1, 10, true))
                .isCloseTo(budget / 10, within(1e-12));
        // Correlated looks: the third adds less than its own level, since it repeats the first two.
        assertThat(AlphaSpending.spentBy(budget, 3, 10, true)).isLessThan(4 * budget / 10);
        assertThat(AlphaSpending.spentBy(budget, 10, 10, true)).isEqualTo(budget);
        assertThat(AlphaSpending.spentBy(budget, 9, 10, false)).isZero();
        assertThat(AlphaSpending.spentBy(budget, 10, 10, false)).isEqualTo(budget);
    }

    @Test
    void theChanceOfAnyFalseRejectionOverAllLooksIsTheBudget() {
        // A random walk of standard normal steps (the score of a test under no difference),
        // checked against each look's level: the share of walks that ever cross is the budget.
        for (int planned : new int[] {2, 5, 10, 20, 60}) {
            double budget = 0.05;
            double[] levels = AlphaSpending.levels(budget, planned);
            org.apache.commons.math3.distribution.NormalDistribution normal =
                    new org.apache.commons.math3.distribution.NormalDistribution();
            double[] bounds = new double[planned];
            for (int k = 0; k < planned; k++) {
                bounds[k] = normal.inverseCumulativeProbability(1 - levels[k]);
            }
            RandomGenerator random = new Well19937c(planned);
            int walks = 200_000;
            int crossed = 0;
            for (int w = 0; w < walks; w++) {
                double s = 0;
                for (int k = 1; k <= planned; k++) {
                    s += random.nextGaussian();
                    if (s / Math.sqrt(k) > bounds[k - 1]) {
                        crossed++;
                        break;
                    }
                }
            }
            assertThat((double) crossed / walks)
                    .as("%d looks", planned)
                    .isCloseTo(budget, within(0.0025));
        }
    }

    @Test
    void aLongAnalysisDividesTheBudgetByItsLooksAndLeavesTheRestForTheLast() {
        double[] levels = AlphaSpending.levels(0.0098, 500);
        assertThat(levels[0]).isCloseTo(0.0098 / 500, within(1e-15));
        assertThat(levels[400]).isCloseTo(0.0098 / 3000, within(1e-15));
        assertThat(levels[499]).isGreaterThan(0.0098 / 500).isLessThan(0.0098);
    }

    @Test
    void oneLookGetsTheWholeBudgetAndLooksPastThePlanSpendNothing() {
        assertThat(AlphaSpending.level(0.01, 1, 1, true)).isEqualTo(0.01);
        assertThat(AlphaSpending.level(0.01, 11, 10, true)).isZero();
    }

    @Test
    void aFixedHorizonTestsOnceAtTheEndWithTheWholeBudget() {
        assertThat(AlphaSpending.level(0.01, 9, 10, false)).isZero();
        assertThat(AlphaSpending.level(0.01, 10, 10, false)).isEqualTo(0.01);
    }
}
