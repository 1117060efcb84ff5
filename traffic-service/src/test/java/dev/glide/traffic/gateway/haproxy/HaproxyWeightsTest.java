package dev.glide.traffic.gateway.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.glide.contract.Weights;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HaproxyWeightsTest {

    @Test
    void wholePercentagesAreServedExactly() {
        assertThat(HaproxyWeights.split(Weights.canaryPercent(5))).containsExactly(95, 5);
        assertThat(HaproxyWeights.split(Weights.canaryPercent(1))).containsExactly(99, 1);
        assertThat(HaproxyWeights.split(Weights.canaryPercent(99))).containsExactly(1, 99);
        assertThat(HaproxyWeights.split(Weights.canaryPercent(50))).containsExactly(50, 50);
    }

    @Test
    void theEndsSendEverythingToOneServer() {
        assertThat(HaproxyWeights.split(Weights.allStable())).containsExactly(100, 0);
        assertThat(HaproxyWeights.split(Weights.canaryPercent(100))).containsExactly(0, 100);
    }

    @Test
    void aTinyCanaryStillGetsTrafficAndATinyStableKeepsSome() {
        int[] tiny = HaproxyWeights.split(Weights.canaryPercent(0.1));
        assertThat(tiny[1]).isEqualTo(1);
        assertThat(tiny[0]).isEqualTo(255);
        int[] almostAll = HaproxyWeights.split(Weights.canaryPercent(99.9));
        assertThat(almostAll[0]).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 2.5, 7.3, 12.5, 33.3, 66.7, 87.5})
    void fractionsAreHonouredWithinAFifthOfAPercent(double canary) {
        int[] weights = HaproxyWeights.split(Weights.canaryPercent(canary));
        assertThat(weights[0] + weights[1]).isLessThanOrEqualTo(HaproxyWeights.MAX_WEIGHT);
        assertThat(HaproxyWeights.served(weights[0], weights[1]).canary())
                .isCloseTo(canary, within(0.2));
    }

    @Test
    void servedWeightsAreWhatTheIntegersGive() {
        assertThat(HaproxyWeights.served(243, 13).canary()).isCloseTo(5.078, within(0.001));
        assertThat(HaproxyWeights.served(0, 0)).isNull();
    }

    /**
     * The weights are set one after the other: whatever the backend had (a server moved by hand,
     * another replica's step), some server has weight at every moment.
     */
    @Property
    void fromAnyWeightsSomeServerTakesTrafficThroughTheChange(
            @ForAll @DoubleRange(min = 0, max = 100) double canary,
            @ForAll @IntRange(min = 0, max = HaproxyWeights.MAX_WEIGHT) int stableBefore,
            @ForAll @IntRange(min = 0, max = HaproxyWeights.MAX_WEIGHT) int canaryBefore) {
        Assume.that(stableBefore + canaryBefore > 0);
        int[] wanted = HaproxyWeights.split(Weights.canaryPercent(canary));
        int[] between =
                HaproxyWeights.canaryFirst(wanted)
                        ? new int[] {stableBefore, wanted[1]}
                        : new int[] {wanted[0], canaryBefore};
        assertThat(between[0] + between[1]).isPositive();
        assertThat(wanted[0] + wanted[1]).isPositive();
    }
}
