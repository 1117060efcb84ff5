package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Sends requests whose header or cookie {@code name} equals {@code value} to one side, whatever the
 * weights (beta testers, a region, blue-green preview traffic).
 */
public record MatchRule(
        @NotNull Kind kind, @NotBlank String name, @NotBlank String value, @NotNull Role target) {

    public enum Kind {
        HEADER,
        COOKIE
    }
}
