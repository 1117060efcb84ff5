package dev.glide.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time consumed by processes, from /proc: a process's user and system time (all its threads),
 * and PostgreSQL's, summed over every process named postgres (the postmaster, its backends and
 * workers, and the children it has reaped).
 */
final class Cpu {

    /** Linux's clock ticks per second for /proc's times ({@code getconf CLK_TCK}). */
    private static final double TICKS = 100.0;

    private Cpu() {}

    /** Seconds of CPU the process has used so far; 0 once it is gone. */
    static double seconds(long pid) {
        String[] fields = stat(pid);
        return fields == null ? 0 : ticks(fields, 13) + ticks(fields, 14);
    }

    /** Seconds of CPU used by the processes in {@code pids}. */
    static double seconds(List<Long> pids) {
        return pids.stream().mapToDouble(Cpu::seconds).sum();
    }

    /** Seconds of CPU used by every PostgreSQL process on the machine (there is one here). */
    static double postgresSeconds() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .mapToDouble(
                            name -> {
                                String[] fields = stat(Long.parseLong(name));
                                if (fields == null || !fields[1].equals("(postgres)")) {
                                    return 0;
                                }
                                return ticks(fields, 13)
                                        + ticks(fields, 14)
                                        + ticks(fields, 15)
                                        + ticks(fields, 16);
                            })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static double ticks(String[] fields, int index) {
        return Long.parseLong(fields[index]) / TICKS;
    }

    /** /proc/PID/stat split on spaces (the command name has none for the processes read here). */
    private static String[] stat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat")).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }
}
