package dev.glide.traffic.gateway.haproxy;

import dev.glide.contract.GatewayBinding;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Match rules as entries of a backend's HAProxy map, which the Runtime API can replace without a
 * reload. The backend looks its request's headers up in the map ({@code req.hdrs,map_reg(...)}) and
 * sends the request to the server the matching entry names ({@code canary} or {@code stable}). Each
 * entry's key is a regular expression over the raw header block that matches exactly what the
 * embedded gateway matches: a header by its name (any case) with exactly the value, or a cookie (by
 * its exact name) with exactly the value in the {@code Cookie} header. Names and values are written
 * with every character but letters, digits, {@code -}, {@code _} and {@code .} as {@code \xHH}, so
 * no key holds a space, a semicolon or a regex meta character, and the key reads back into the rule
 * it came from.
 */
final class HaproxyRules {

    private static final String HEADER_START = "(^|\\n)(?i:";
    private static final String HEADER_VALUE = "):[\\x20\\t]*";
    private static final String HEADER_END = "[\\x20\\t]*\\r?\\n";
    private static final String COOKIE_START = "(^|\\n)(?i:cookie):([^\\n]*[\\x3b\\x20])?";
    private static final String COOKIE_END = "[\\x20\\t]*(\\x3b|\\r?\\n)";
    private static final Pattern HEADER =
            Pattern.compile(
                    Pattern.quote(HEADER_START)
                            + "(.+)"
                            + Pattern.quote(HEADER_VALUE)
                            + "(.+)"
                            + Pattern.quote(HEADER_END));
    private static final Pattern COOKIE =
            Pattern.compile(Pattern.quote(COOKIE_START) + "(.+?)=(.+)" + Pattern.quote(COOKIE_END));
    private static final Pattern ESCAPED = Pattern.compile("\\\\x([0-9a-f]{2})");

    private HaproxyRules() {}

    /** Why HAProxy cannot serve this rule, if it cannot (the contract's rule, as the planner's). */
    static Optional<String> problem(MatchRule rule) {
        return GatewayBinding.Adapter.HAPROXY.refuses(rule);
    }

    /** The map entry's key for a rule. */
    static String key(MatchRule rule) {
        return switch (rule.kind()) {
            case HEADER ->
                    HEADER_START
                            + escape(rule.name())
                            + HEADER_VALUE
                            + escape(rule.value())
                            + HEADER_END;
            case COOKIE ->
                    COOKIE_START + escape(rule.name()) + "=" + escape(rule.value()) + COOKIE_END;
        };
    }

    /** The map entry's value: the side the rule sends its requests to. */
    static String value(MatchRule rule) {
        return rule.target().name().toLowerCase();
    }

    /** The Runtime API payload adding every rule, in order (the first match wins). */
    static String payload(List<MatchRule> rules) {
        StringBuilder payload = new StringBuilder();
        for (MatchRule rule : rules) {
            payload.append(key(rule)).append(' ').append(value(rule)).append('\n');
        }
        return payload.toString();
    }

    /**
     * The rules an answer to {@code show map} holds ({@code <id> <key> <value>} per line); an entry
     * Glide did not write is reported as such, never ignored.
     */
    static List<MatchRule> parse(String answer) throws IllegalArgumentException {
        List<MatchRule> rules = new ArrayList<>();
        for (String line : answer.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] fields = trimmed.split(" ");
            if (fields.length != 3) {
                throw new IllegalArgumentException("not a map entry: " + trimmed);
            }
            rules.add(rule(fields[1], fields[2]));
        }
        return rules;
    }

    private static MatchRule rule(String key, String value) {
        Role target;
        try {
            target = Role.valueOf(value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "map entry '"
                            + key
                            + "' sends requests to '"
                            + value
                            + "', not canary or stable");
        }
        Matcher header = HEADER.matcher(key);
        if (header.matches()) {
            return new MatchRule(
                    MatchRule.Kind.HEADER,
                    unescape(header.group(1)),
                    unescape(header.group(2)),
                    target);
        }
        Matcher cookie = COOKIE.matcher(key);
        if (cookie.matches()) {
            return new MatchRule(
                    MatchRule.Kind.COOKIE,
                    unescape(cookie.group(1)),
                    unescape(cookie.group(2)),
                    target);
        }
        throw new IllegalArgumentException("map entry '" + key + "' is not one Glide wrote");
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_' || c == '.') {
                escaped.append(c);
            } else {
                escaped.append("\\x").append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        return escaped.toString();
    }

    static String unescape(String text) {
        Matcher m = ESCAPED.matcher(text);
        StringBuilder plain = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    plain,
                    Matcher.quoteReplacement(
                            String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(plain);
        return plain.toString();
    }
}
