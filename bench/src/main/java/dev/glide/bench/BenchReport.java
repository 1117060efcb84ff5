package dev.glide.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's results: printed as a table, written as JSON with the date and the machine they
 * came from.
 */
final class BenchReport {

    private final String name;
    private final Map<String, Object> results = new LinkedHashMap<>();

    BenchReport(String name) {
        this.name = name;
    }

    BenchReport put(String key, Object value) {
        results.put(key, value);
        return this;
    }

    void write(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", name);
        json.put("date", Instant.now().toString());
        json.put("machine", machine());
        json.putAll(results);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), json);
    }

    void print() {
        System.out.println();
        System.out.println("== " + name);
        int width = results.keySet().stream().mapToInt(String::length).max().orElse(10);
        results.forEach(
                (key, value) -> {
                    if (value instanceof Map<?, ?> rows
                            && rows.values().stream().allMatch(Map.class::isInstance)) {
                        System.out.printf("  %s%n", key);
                        int rowWidth =
                                rows.keySet().stream()
                                        .mapToInt(k -> k.toString().length())
                                        .max()
                                        .orElse(10);
                        rows.forEach(
                                (row, cells) ->
                                        System.out.printf(
                                                "    %-" + rowWidth + "s  %s%n", row, cells));
                    } else {
                        System.out.printf("  %-" + width + "s  %s%n", key, value);
                    }
                });
        System.out.println();
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put(
                "memoryGb",
                Math.round(
                        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                                        .getTotalMemorySize()
                                / 1e9));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.version"));
        return machine;
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The resident memory of a process, in MB, from /proc (Linux). */
    static long rssMb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
                    .orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }
}
