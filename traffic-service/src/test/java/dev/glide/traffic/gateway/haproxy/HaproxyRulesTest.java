package dev.glide.traffic.gateway.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Match rules as HAProxy map entries: each key reads back into its rule, holds nothing the Runtime
 * API or a map file would split, and (as a regular expression over a request's header block, which
 * PCRE and Java read alike for these constructs) matches what the embedded gateway matches.
 */
class HaproxyRulesTest {

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(s -> !s.contains("=") && !s.contains(":") && !s.contains(";"));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(s -> !s.contains(";"));
    }

    @Property
    void everyRuleReadsBackFromItsMapEntry(
            @ForAll("tokens") String name,
            @ForAll("values") String value,
            @ForAll boolean cookie,
            @ForAll Role target) {
        MatchRule rule =
                new MatchRule(
                        cookie ? MatchRule.Kind.COOKIE : MatchRule.Kind.HEADER,
                        name,
                        value,
                        target);
        String key = HaproxyRules.key(rule);

        assertThat(key).doesNotContain(" ").doesNotContain(";").doesNotContain("#");
        assertThat(HaproxyRules.parse("0x55d1 " + key + " " + HaproxyRules.value(rule) + "\n"))
                .containsExactly(rule);
    }

    @Property
    void aHeaderRuleMatchesItsHeaderInAnyCaseWithExactlyItsValue(
            @ForAll("tokens") String name, @ForAll("values") String value) {
        Pattern key =
                Pattern.compile(
                        HaproxyRules.key(
                                new MatchRule(MatchRule.Kind.HEADER, name, value, Role.CANARY)));

        assertThat(key.matcher(headers("Host: shop", name.toUpperCase() + ": " + value)).find())
                .isTrue();
        assertThat(
                        key.matcher(headers(name.toLowerCase() + ":" + value + " ", "Host: shop"))
                                .find())
                .isTrue();
        assertThat(key.matcher(headers("Host: shop", name + ": " + value + "x")).find()).isFalse();
        assertThat(key.matcher(headers("Host: shop", "x" + name + ": " + value)).find()).isFalse();
    }

    @Property
    void aCookieRuleMatchesOnlyThatCookieWithExactlyItsValue(
            @ForAll("tokens") String name, @ForAll("values") String value) {
        Pattern key =
                Pattern.compile(
                        HaproxyRules.key(
                                new MatchRule(MatchRule.Kind.COOKIE, name, value, Role.CANARY)));

        assertThat(key.matcher(headers("Cookie: " + name + "=" + value)).find()).isTrue();
        assertThat(key.matcher(headers("cookie: a=b; " + name + "=" + value + "; c=d")).find())
                .isTrue();
        assertThat(key.matcher(headers("Cookie: x" + name + "=" + value)).find()).isFalse();
        assertThat(key.matcher(headers("Cookie: " + name + "=" + value + "x")).find()).isFalse();
        assertThat(key.matcher(headers("X-Other: " + name + "=" + value)).find()).isFalse();
    }

    @Test
    void anEntryGlideDidNotWriteIsReportedNotIgnored() {
        assertThatThrownBy(() -> HaproxyRules.parse("0x1 ^/admin canary\n"))
                .hasMessage("map entry '^/admin' is not one Glide wrote");
        assertThatThrownBy(
                        () ->
                                HaproxyRules.parse(
                                        "0x1 "
                                                + HaproxyRules.key(
                                                        new MatchRule(
                                                                MatchRule.Kind.HEADER,
                                                                "x-beta",
                                                                "1",
                                                                Role.CANARY))
                                                + " be_other\n"))
                .hasMessageContaining("sends requests to 'be_other', not canary or stable");
    }

    @Test
    void namesAndValuesHAProxyCannotMatchAreRefusedWithTheReason() {
        assertThat(
                        HaproxyRules.problem(
                                new MatchRule(
                                        MatchRule.Kind.HEADER, "x-land", "Köln", Role.CANARY)))
                .contains(
                        "the haproxy adapter matches printable ASCII names and values only; header 'x-land' has other characters");
        assertThat(
                        HaproxyRules.problem(
                                new MatchRule(MatchRule.Kind.HEADER, "x-beta", "1", Role.CANARY)))
                .isEmpty();
    }

    /** A header block as HAProxy's {@code req.hdrs} gives it. */
    private static String headers(String... lines) {
        return String.join("\r\n", List.of(lines)) + "\r\n\r\n";
    }
}
