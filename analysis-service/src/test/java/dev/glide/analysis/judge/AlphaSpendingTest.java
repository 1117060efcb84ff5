package dev.glide.analysis.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlphaSpendingTest {

    @Test
    void theLevelsOfAllLooksAddUpToTheBudgetSoTheUnionBoundKeepsIt() {
        for (int planned : new int[] {1, 2, 3, 10, 30}) {
            double total = 0;
            for (int k = 1; k <= planned + 2; k++) {
                total += AlphaSpending.level(0.01, k, planned, true);
            }
            assertThat(total).as("%d looks", planned).isCloseTo(0.01, within(1e-12));
        }
    }

    @Test
    void theFirstLookAlreadyGetsEnoughToStopAClearRegressionAndTheLastGetsMost() {
        double first = AlphaSpending.level(0.01, 1, 10, true);
        double last = AlphaSpending.level(0.01, 10, 10, true);
        assertThat(first).isGreaterThan(0.0004);
        assertThat(last).isCloseTo(0.007, within(1e-12));
    }

    @Test
    void aFixedHorizonTestsOnceAtTheEndWithTheWholeBudget() {
        assertThat(AlphaSpending.level(0.01, 9, 10, false)).isZero();
        assertThat(AlphaSpending.level(0.01, 10, 10, false)).isEqualTo(0.01);
    }
}
