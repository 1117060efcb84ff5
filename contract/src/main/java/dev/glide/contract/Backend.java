package dev.glide.contract;

import jakarta.validation.constraints.NotBlank;
import java.util.List;

/** One version of a service and where it runs (URLs or host:port, one per instance). */
public record Backend(@NotBlank String version, List<@NotBlank String> endpoints) {

    public Backend {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
