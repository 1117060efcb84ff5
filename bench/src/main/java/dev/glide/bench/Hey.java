package dev.glide.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from {@code hey} (the Debian package) on loopback, always bounded in time: a run of a fixed
 * duration, or a run in the background that {@link #stop()} interrupts (hey prints its report on
 * SIGINT) and that ends by itself at its limit anyway. The report is parsed into what a user would
 * count: answers, failures, latency percentiles.
 */
final class Hey implements AutoCloseable {

    static final String BINARY = "/usr/bin/hey";
    private static final Pattern STATUS =
            Pattern.compile("^\\s*\\[(\\d{3})]\\s+(\\d+) responses", Pattern.MULTILINE);
    private static final Pattern ERROR =
            Pattern.compile("^\\s*\\[(\\d+)]\\s+(.+)$", Pattern.MULTILINE);
    private static final Pattern PERCENTILE =
            Pattern.compile("^\\s*(\\d+)% in ([0-9.]+) secs", Pattern.MULTILINE);

    private final Process process;
    private final Path output;

    private Hey(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * What one run of hey saw. Failures are error statuses (>= 400) and requests with no answer at
     * all.
     */
    record Result(long requests, long failed, double p50Ms, double p99Ms, List<String> failures) {}

    /**
     * Starts hey in the background against {@code target} with {@code clients} connections, for at
     * most {@code limit}.
     */
    static Hey start(URI target, int clients, Duration limit) {
        try {
            Path output = Files.createTempFile("hey", ".txt");
            Process process =
                    new ProcessBuilder(
                                    BINARY,
                                    "-z",
                                    limit.toSeconds() + "s",
                                    "-c",
                                    String.valueOf(clients),
                                    "-disable-compression",
                                    target.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
            return new Hey(process, output);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not start " + BINARY + " (apt-get install hey)", e);
        }
    }

    /** One run of hey for {@code duration}. */
    static Result run(URI target, int clients, Duration duration) {
        try (Hey hey = start(target, clients, duration)) {
            return hey.await(duration.plusSeconds(30));
        }
    }

    /** Ends the run now (SIGINT: hey stops its clients and reports) and returns what it saw. */
    Result stop() {
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return await(Duration.ofSeconds(30));
    }

    private Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("hey did not finish within " + timeout);
            }
            return parse(Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for hey", e);
        }
    }

    static Result parse(String report) {
        long ok = 0;
        long failed = 0;
        List<String> failures = new ArrayList<>();
        Matcher status = STATUS.matcher(report);
        while (status.find()) {
            long count = Long.parseLong(status.group(2));
            if (Integer.parseInt(status.group(1)) >= 400) {
                failed += count;
                failures.add(count + " x HTTP " + status.group(1));
            } else {
                ok += count;
            }
        }
        int errors = report.indexOf("Error distribution:");
        if (errors >= 0) {
            Matcher error = ERROR.matcher(report.substring(errors));
            while (error.find()) {
                long count = Long.parseLong(error.group(1));
                failed += count;
                failures.add(count + " x " + error.group(2).trim());
            }
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(report);
        while (percentile.find()) {
            double ms = Double.parseDouble(percentile.group(2)) * 1000;
            switch (percentile.group(1)) {
                case "50" -> p50 = ms;
                case "99" -> p99 = ms;
                default -> {}
            }
        }
        if (ok + failed == 0) {
            throw new IllegalStateException("hey sent nothing; its report:\n" + report);
        }
        return new Result(
                ok + failed, failed, p50, p99, failures.subList(0, Math.min(5, failures.size())));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }
}
