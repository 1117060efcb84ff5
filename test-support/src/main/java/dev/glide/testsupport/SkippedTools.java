package dev.glide.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Run as the build's last step: names every test class skipped because its Debian tools are missing
 * (as {@link RequiredTools} noted them in each module) and the one command that installs them, or
 * nothing when none was skipped.
 */
public final class SkippedTools {

    private SkippedTools() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<String> skipped = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> notes = Files.find(root, 4, (path, attributes) -> isNote(path))) {
            for (Path note : notes.sorted().toList()) {
                String module =
                        root.relativize(note.getParent().getParent().getParent()).toString();
                for (String line : Files.readAllLines(note)) {
                    String[] parts = line.split("\t");
                    skipped.add(module + ": " + parts[0] + " (needs " + parts[1] + ")");
                    packages.addAll(List.of(parts[1].split(" ")));
                }
            }
        }
        if (skipped.isEmpty()) {
            return;
        }
        System.out.println("[glide] Tests skipped because their real tools are not installed:");
        skipped.forEach(line -> System.out.println("[glide]   " + line));
        System.out.println(
                "[glide] Install them and run again: sudo apt-get install -y "
                        + String.join(" ", packages));
    }

    private static boolean isNote(Path path) {
        Path parent = path.getParent();
        return parent != null
                && parent.getFileName().toString().equals("glide-skipped-tools")
                && path.toString().endsWith(".txt");
    }
}
