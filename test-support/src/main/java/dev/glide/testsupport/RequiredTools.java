package dev.glide.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a {@link RequiresTools} class whose tools are missing, and notes it in {@code
 * target/glide-skipped-tools/} for {@link SkippedTools}, which names every skipped class at the end
 * of the build. A class that runs clears its note, so the notes say what the last run skipped.
 */
public class RequiredTools implements ExecutionCondition {

    static final Path NOTES = Path.of("target", "glide-skipped-tools");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        Class<?> test = context.getRequiredTestClass();
        RequiresTools required = test.getAnnotation(RequiresTools.class);
        List<DebianTool.Tool> missing =
                required == null
                        ? List.of()
                        : Arrays.stream(required.value()).filter(t -> !t.installed()).toList();
        Path note = NOTES.resolve(test.getName() + ".txt");
        try {
            if (missing.isEmpty() || DebianTool.required()) {
                Files.deleteIfExists(note);
                return ConditionEvaluationResult.enabled(
                        missing.isEmpty() ? "its tools are installed" : "GLIDE_REQUIRE_TOOLS=true");
            }
            String packages =
                    missing.stream()
                            .map(DebianTool.Tool::debianPackage)
                            .distinct() // prometheus and promtool come in one package
                            .collect(Collectors.joining(" "));
            Files.createDirectories(NOTES);
            Files.writeString(note, test.getSimpleName() + "\t" + packages + "\n");
            return ConditionEvaluationResult.disabled(
                    missing.stream().map(DebianTool.Tool::binary).collect(Collectors.joining(", "))
                            + " not installed (apt-get install "
                            + packages
                            + "); skipped");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
