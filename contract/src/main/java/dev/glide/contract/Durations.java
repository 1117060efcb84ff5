package dev.glide.contract;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a strategy: {@code 500ms}, {@code 30s}, {@code 10m}, {@code
 * 1h}.
 */
public final class Durations {

    /** What a duration field accepts; used in validation messages too. */
    public static final String PATTERN = "^\\d+(ms|s|m|h)$";

    private static final Pattern SHAPE = Pattern.compile(PATTERN);

    private Durations() {}

    /**
     * {@code 500ms}, {@code 30s}, {@code 10m} or {@code 1h}; also ISO-8601 ({@code PT1M30S}), which
     * people paste from other tools.
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not a duration such as 500ms, 30s, 10m or 1h");
            }
        }
        Matcher matcher = SHAPE.matcher(trimmed);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration such as 500ms, 30s, 10m or 1h");
        }
        long amount =
                Long.parseLong(
                        text.trim().substring(0, text.trim().length() - matcher.group(1).length()));
        return switch (matcher.group(1)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
