package dev.glide.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that drives real Debian tools: on a machine without them it is skipped before
 * anything starts (a Quarkus test's application included), and the build's last lines name it and
 * the command that installs its tools; with {@code GLIDE_REQUIRE_TOOLS=true} (CI) it runs, and
 * fails on the missing tool.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiredTools.class)
public @interface RequiresTools {

    DebianTool.Tool[] value();
}
