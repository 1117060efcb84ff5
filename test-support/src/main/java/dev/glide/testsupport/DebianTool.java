package dev.glide.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test runs from a Debian package (haproxy, nginx, prometheus). On a machine without it
 * the test is skipped with the package to install; with {@code GLIDE_REQUIRE_TOOLS=true} (CI
 * installs them and sets it) a missing tool fails the test instead, so CI never passes by skipping.
 */
public final class DebianTool {

    /** The tools tests run, where Debian installs them, and the package that does. */
    public enum Tool {
        HAPROXY("/usr/sbin/haproxy", "haproxy"),
        NGINX("/usr/sbin/nginx", "nginx"),
        PROMETHEUS("/usr/bin/prometheus", "prometheus"),
        PROMTOOL("/usr/bin/promtool", "prometheus"),
        CHROMIUM("/usr/bin/chromium", "chromium"),
        CHROMEDRIVER("/usr/bin/chromedriver", "chromium-driver");

        private final String binary;
        private final String debianPackage;

        Tool(String binary, String debianPackage) {
            this.binary = binary;
            this.debianPackage = debianPackage;
        }

        public String binary() {
            return binary;
        }

        public String debianPackage() {
            return debianPackage;
        }

        public boolean installed() {
            return Files.isExecutable(Path.of(binary));
        }

        /** The tool's path; a missing one skips the test, or fails it where tools are required. */
        public Path require() {
            return DebianTool.require(binary, debianPackage);
        }
    }

    private DebianTool() {}

    /** True where every tool must be there ({@code GLIDE_REQUIRE_TOOLS=true}: CI installs them). */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("GLIDE_REQUIRE_TOOLS"));
    }

    public static Path require(String binary, String debianPackage) {
        Path path = Path.of(binary);
        if (Files.isExecutable(path)) {
            return path;
        }
        String missing = binary + " is not installed (apt-get install " + debianPackage + ")";
        if (required()) {
            throw new IllegalStateException(missing + " and GLIDE_REQUIRE_TOOLS=true");
        }
        Assumptions.abort(missing + "; skipping");
        return path;
    }
}
