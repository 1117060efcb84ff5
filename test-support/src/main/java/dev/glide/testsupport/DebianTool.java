package dev.glide.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test runs from a Debian package (haproxy, prometheus). On a machine without it the test
 * is skipped with the package to install; with {@code GLIDE_REQUIRE_TOOLS=true} (CI installs them
 * and sets it) a missing tool fails the test instead, so CI never passes by skipping.
 */
public final class DebianTool {

    private DebianTool() {}

    public static Path require(String binary, String debianPackage) {
        Path path = Path.of(binary);
        if (Files.isExecutable(path)) {
            return path;
        }
        String missing = binary + " is not installed (apt-get install " + debianPackage + ")";
        if ("true".equalsIgnoreCase(System.getenv("GLIDE_REQUIRE_TOOLS"))) {
            throw new IllegalStateException(missing + " and GLIDE_REQUIRE_TOOLS=true");
        }
        Assumptions.abort(missing + "; skipping");
        return path;
    }
}
