package io.dualrepo.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a database-bound benchmark's time went, from Flight Recorder files recorded with {@code
 * benchmarks/jfr/waits.jfc}: the time its threads waited on socket reads (the database working, or the round trip),
 * and its Java CPU samples, each attributed to the dual-repo or benchmark method that caused it and summed per part:
 * {@code backfill} (dual-repo's backfill protocol: leases, checkpoint, transactions and their commits), {@code model}
 * (the benchmark's {@code KeyedModel}s), {@code harness} (the benchmark's set-up and checks between iterations) and
 * {@code reference}.
 *
 * <pre>{@code java -cp benchmarks/target/benchmarks.jar io.dualrepo.benchmarks.JfrBreakdown FILE.jfr...}</pre>
 */
public final class JfrBreakdown {

    /** Frames of plain-JDBC helpers count for the method that called them. */
    private static final List<String> PASS_THROUGH = List.of("io.dualrepo.benchmarks.backfill.Jdbc");

    private final Map<String, double[]> waits = new LinkedHashMap<>();
    private final Map<String, double[]> samples = new LinkedHashMap<>();
    /** The sampling period waits.jfc sets. */
    private final double samplePeriodSeconds = 0.005;
    private double gcSeconds;
    private int collections;

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrBreakdown FILE.jfr...");
            System.exit(2);
        }
        JfrBreakdown breakdown = new JfrBreakdown();
        for (String file : args) {
            for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(file))) {
                breakdown.add(event);
            }
        }
        System.out.print(breakdown.render());
    }

    private void add(RecordedEvent event) {
        switch (event.getEventType().getName()) {
            case "jdk.SocketRead" -> count(waits, caller(event.getStackTrace()), event.getDuration().toNanos() / 1e9);
            case "jdk.ExecutionSample" -> count(samples, caller(event.getStackTrace()), samplePeriodSeconds);
            case "jdk.GarbageCollection" -> {
                gcSeconds += event.getDuration().toNanos() / 1e9;
                collections++;
            }
            default -> {
                // Other events the settings leave on by default: not part of the breakdown.
            }
        }
    }

    private static void count(Map<String, double[]> totals, String caller, double seconds) {
        double[] total = totals.computeIfAbsent(caller, key -> new double[2]);
        total[0]++;
        total[1] += seconds;
    }

    /** "part Class.method" of the innermost dual-repo frame, or "other" and the innermost frame. */
    static String caller(RecordedStackTrace stack) {
        if (stack == null) {
            return "other (no stack)";
        }
        String innermost = null;
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            int lambda = type.indexOf("$$Lambda");
            if (lambda >= 0) {
                // A lambda's own class (Jdbc$$Lambda$123/0x...): its code is the enclosing class's.
                type = type.substring(0, lambda);
            }
            String method = simpleName(type) + "." + methodName(frame.getMethod().getName());
            if (innermost == null) {
                innermost = method;
            }
            if (type.startsWith("io.dualrepo.") && !PASS_THROUGH.contains(type)) {
                return part(type) + " " + method;
            }
        }
        return "other " + innermost;
    }

    private static String part(String type) {
        if (type.startsWith("io.dualrepo.hibernate.")) {
            return "backfill";
        }
        if (type.equals("io.dualrepo.benchmarks.backfill.IncidentTables")) {
            return "harness";
        }
        if (type.startsWith("io.dualrepo.benchmarks.backfill.")) {
            return "model";
        }
        return "reference";
    }

    private static String simpleName(String type) {
        String name = type.substring(type.lastIndexOf('.') + 1);
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    /** {@code lambda$claim$10} is code of {@code claim}. */
    private static String methodName(String name) {
        if (name.startsWith("lambda$")) {
            String rest = name.substring("lambda$".length());
            int end = rest.indexOf('$');
            return end < 0 ? rest : rest.substring(0, end);
        }
        return name;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        section(out, "Waiting on socket reads (the database's work and the round trips), by caller", waits, "reads");
        section(out,
                String.format(Locale.ROOT, "Java CPU samples (%.0f ms each), by caller", samplePeriodSeconds * 1000),
                samples, "samples");
        out.append(String.format(Locale.ROOT, "%nGarbage collection: %d collections, %.3f s%n", collections,
                gcSeconds));
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, double[]> totals, String unit) {
        out.append(title).append("\n");
        Map<String, Double> parts = new LinkedHashMap<>();
        List<Map.Entry<String, double[]>> rows = new ArrayList<>(totals.entrySet());
        rows.sort((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]));
        for (Map.Entry<String, double[]> row : rows) {
            out.append(String.format(Locale.ROOT, "  %-64s %9.3f s %9.0f %s%n", row.getKey(), row.getValue()[1],
                    row.getValue()[0], unit));
            parts.merge(row.getKey().substring(0, row.getKey().indexOf(' ')), row.getValue()[1], Double::sum);
        }
        out.append("  by part:");
        parts.forEach((part, seconds) -> out.append(String.format(Locale.ROOT, " %s %.3f s;", part, seconds)));
        out.append("\n\n");
    }
}
