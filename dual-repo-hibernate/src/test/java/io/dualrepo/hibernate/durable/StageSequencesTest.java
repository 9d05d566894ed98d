package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.dualrepo.Side;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Model-based test of issue 12's invariant: generated sequences of stage changes (all six stages, most refused by
 * the rules), the evidence that makes them legal (backfill, verification), forces, saves and deletes with a failing
 * model, reads, pending-sync repairs, process restarts (with and without the flag service) and a second caller whose
 * write is held part-way while other steps run, then released, run against the real
 * generated decorator, real databases (two with a {@link CrossDatabaseScope}, or one with a {@code
 * SameDatabaseScope}) and a {@link io.dualrepo.hibernate.record.DatabaseMigrationRecord}; one sequence in four under
 * the FAIL_CALL policy, the others under RECORD_AND_CONTINUE. After every step, every key is read through the
 * decorator and compared with the reference model; {@link StageWorld} states the invariant and what a force relaxes,
 * precisely.
 *
 * <p>Each sequence has a seed of its own, derived from the run's seed: {@value #DEFAULT_SEED} unless given, so that
 * the build is reproducible; {@code -Ddualrepo.model.seed=random} explores new sequences (a soak run; each found
 * failure becomes a fixed-seed regression). A failing sequence is
 * shrunk (steps removed, faults dropped, while it still fails) and reported with its layout, policy and seed, the
 * shrunk steps, each with its outcome and the route in force after it, and what the invariant found. To replay
 * exactly that sequence, name the test method of its layout (and add -Ppostgresql if it failed there):
 * <pre>
 * mvn -o -q -pl dual-repo-hibernate -am test -Dtest='StageSequencesTest#acrossTwoDatabases' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Ddualrepo.model.seed=SEED -Ddualrepo.model.sequences=1
 * </pre>
 * {@code -Ddualrepo.model.sequences=N} runs more (or fewer) sequences than the default, {@code
 * -Ddualrepo.model.steps=N} longer ones (at most 30 by default); a replay needs the same steps as the failing run.
 *
 * <p>Not jqwik, though the issue names it: from 1.10 on jqwik prints an instruction aimed at coding agents into every
 * test run's output, and its author asks that agents not use it; this project is worked on by agents. The generator
 * and the shrinker here are small and only this test needs them.
 */
class StageSequencesTest {

    /**
     * Sequences per run and layout. Measured on the 2-core machine: across two H2 databases 16 ms a sequence when
     * the machine is otherwise idle (5,000 in 82 s), up to 100 ms while other builds run; in one database 9 ms (up
     * to 45 ms). So 2,000 each take about 50 s idle, 3 min at worst. On PostgreSQL (-Ppostgresql) every commit is a
     * round trip to the server: 240 ms across two schemas, 125 ms in one, idle (200 each in 74 s), up to three
     * times that under load.
     */
    static final int SEQUENCES_H2 = 2000;
    static final int SEQUENCES_POSTGRESQL = 200;
    static final int MAX_STEPS = Integer.getInteger("dualrepo.model.steps", 30);

    private static Level dualRepoLevel;

    @BeforeAll
    static void quiet() {
        // Every refused route logs an ERROR and every failed write a WARN: by design, and thousands of times here.
        Logger dualRepoLog = (Logger) LoggerFactory.getLogger("io.dualrepo");
        dualRepoLevel = dualRepoLog.getLevel();
        dualRepoLog.setLevel(Level.OFF);
    }

    @AfterAll
    static void loud() {
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).setLevel(dualRepoLevel);
    }

    @Test
    void acrossTwoDatabases() throws Exception {
        try (StageWorld world = new StageWorld(StageLayout.twoDatabases())) {
            check(world);
        }
    }

    /** The same runtime, with the scope that writes both models in one transaction (the secondary in a savepoint). */
    @Test
    void inOneDatabase() throws Exception {
        try (StageWorld world = new StageWorld(StageLayout.oneDatabase())) {
            check(world);
        }
    }

    /** The build's run seed; its 2,000 sequences per layout passed, and so did thousands of random ones. */
    static final long DEFAULT_SEED = 20261206L;

    private static void check(StageWorld world) {
        String given = System.getProperty("dualrepo.model.seed", String.valueOf(DEFAULT_SEED));
        long runSeed = "random".equals(given) ? new Random().nextLong() : Long.parseLong(given);
        int sequences = Integer.getInteger("dualrepo.model.sequences",
                StageWorld.postgresql() ? SEQUENCES_POSTGRESQL : SEQUENCES_H2);
        Map<Stage, Integer> furthest = new EnumMap<>(Stage.class);
        Map<String, Integer> outcomes = new TreeMap<>();
        long started = System.nanoTime();
        for (int i = 0; i < sequences; i++) {
            // The first sequence's seed is the run's, so that a reported seed replays with sequences=1.
            long seed = i == 0 ? runSeed : new Random(runSeed + i).nextLong();
            Random random = new Random(seed);
            // One sequence in four fails the caller when the secondary's write fails (the primary's stands).
            SecondaryWriteFailurePolicy policy = random.nextInt(4) == 0
                    ? SecondaryWriteFailurePolicy.FAIL_CALL : SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE;
            List<Step> steps = generate(random);
            Failure failure = run(world, policy, steps);
            if (failure != null) {
                Failure shrunk = shrink(world, policy, steps, failure);
                throw new AssertionError("invariant broken (" + world + ", " + policy + "); seed " + seed + " (replay:"
                        + " -Ddualrepo.model.seed=" + seed + " -Ddualrepo.model.sequences=1"
                        + " -Ddualrepo.model.steps=" + MAX_STEPS + "), " + steps.size()
                        + " steps shrunk to " + shrunk.steps.size() + ":\n  " + String.join("\n  ", shrunk.trace)
                        + "\nfound:\n  " + String.join("\n  ", shrunk.problems), shrunk.error);
            }
            furthest.merge(furthest(world.trace()), 1, Integer::sum);
            for (String line : world.trace()) {
                if (line.contains("[refused")) {
                    outcomes.merge("refused", 1, Integer::sum);
                } else if (line.contains("[clean]")) {
                    outcomes.merge("clean verification", 1, Integer::sum);
                }
                if (line.startsWith("a second caller") && !line.contains("not held") && !line.contains("already")) {
                    outcomes.merge("held", 1, Integer::sum);
                }
                if (line.contains("raced:")) {
                    outcomes.merge("raced", 1, Integer::sum);
                }
                if (line.endsWith("-> READ_THROUGH")) {
                    outcomes.merge("steps under read-through", 1, Integer::sum);
                }
                if (line.contains("answered") && !line.contains("not held")) {
                    outcomes.merge("held read-through copies", 1, Integer::sum);
                }
                if (line.contains("(on an earlier route)")) {
                    outcomes.merge("calls held across a route change", 1, Integer::sum);
                }
            }
        }
        // For whoever tunes the generator: how far sequences get through the playbook, and how long the run took.
        // Not under io.dualrepo, which is silenced above.
        LoggerFactory.getLogger("model-based test").warn("{}: {} sequences (seed {}) in {} ms; furthest stage {}; {}",
                world, sequences, runSeed, (System.nanoTime() - started) / 1_000_000, furthest, outcomes);
        assertThat(furthest.keySet()).as("sequences that got past the rules to every stage")
                .hasSizeGreaterThan(sequences >= 500 ? 5 : 0);
    }

    private record Failure(List<Step> steps, List<String> trace, List<String> problems, Throwable error) {}

    /** Runs one sequence on emptied databases; null when the invariant held after every step. */
    private static Failure run(StageWorld world, SecondaryWriteFailurePolicy policy, List<Step> steps) {
        world.reset(policy);
        for (Step step : steps) {
            List<String> problems;
            try {
                problems = world.run(step);
            } catch (RuntimeException | AssertionError e) {
                List<String> trace = new ArrayList<>(world.trace());
                trace.add(step + " [threw " + e + "]");
                return new Failure(steps, trace, List.of("a step threw " + e), e);
            }
            if (!problems.isEmpty()) {
                return new Failure(steps, List.copyOf(world.trace()), problems, null);
            }
        }
        return null;
    }

    /**
     * A smaller sequence that still fails: drops runs of steps, halving the run length down to single steps, then
     * makes faulty writes plain, while the invariant still breaks. Any failure counts, not only the first one's.
     */
    private static Failure shrink(StageWorld world, SecondaryWriteFailurePolicy policy, List<Step> steps,
            Failure failure) {
        Failure smallest = failure;
        List<Step> current = steps;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int length = Math.max(1, current.size() / 2); length >= 1; length /= 2) {
                for (int from = 0; from + length <= current.size(); ) {
                    List<Step> candidate = new ArrayList<>(current.subList(0, from));
                    candidate.addAll(current.subList(from + length, current.size()));
                    Failure again = candidate.isEmpty() ? null : run(world, policy, candidate);
                    if (again != null) {
                        current = candidate;
                        smallest = again;
                        progress = true;
                    } else {
                        from++;
                    }
                }
            }
            for (int i = 0; i < current.size(); i++) {
                Step plain = plain(current.get(i));
                if (plain != null) {
                    List<Step> candidate = new ArrayList<>(current);
                    candidate.set(i, plain);
                    Failure again = run(world, policy, candidate);
                    if (again != null) {
                        current = candidate;
                        smallest = again;
                        progress = true;
                    }
                }
            }
        }
        return smallest;
    }

    /** The step without its fault, or null when it has none. */
    private static Step plain(Step step) {
        if (step instanceof Step.Save save && save.fault() != Step.Fault.NONE) {
            return new Step.Save(save.key(), Step.Fault.NONE);
        }
        if (step instanceof Step.Delete delete && delete.fault() != Step.Fault.NONE) {
            return new Step.Delete(delete.key(), Step.Fault.NONE);
        }
        return null;
    }

    /**
     * A sequence of 1 to {@link #MAX_STEPS} steps. Weights: offers of a stage and moves to the next or previous one
     * dominate (most are refused until the evidence is there), then saves and deletes, one in three with a failing
     * model, then reads, the evidence, repairs, forces, a second caller's held calls (writes, and reads held at
     * their read-through copy) and their releases, offers of read-through, and restarts.
     */
    static List<Step> generate(Random random) {
        int length = 1 + random.nextInt(MAX_STEPS);
        // One sequence in three is a lazy migration: read-through offered and its copies held far more often, since
        // a read copies only where NEW lacks a key OLD holds, which the other steps rarely leave under read-through.
        boolean lazy = random.nextInt(3) == 0;
        List<Step> steps = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            steps.add(lazy && random.nextInt(4) == 0 ? lazyStep(random) : step(random));
        }
        return steps;
    }

    private static Step lazyStep(Random random) {
        String key = StageWorld.KEYS.get(random.nextInt(StageWorld.KEYS.size()));
        return switch (random.nextInt(4)) {
            case 0 -> new Step.OfferReadThrough();
            case 1 -> new Step.Read(key);
            default -> new Step.Hold(key, Step.Call.READ, Step.HoldPoint.BEFORE_SECONDARY);
        };
    }

    private static Step step(Random random) {
        String key = StageWorld.KEYS.get(random.nextInt(StageWorld.KEYS.size()));
        int fault = random.nextInt(6);
        Step.Fault faulty = fault < 4 ? Step.Fault.NONE : fault == 4 ? Step.Fault.OLD : Step.Fault.NEW;
        int pick = random.nextInt(46);
        if (pick < 4) {
            return new Step.Offer(Stage.values()[random.nextInt(Stage.values().length)]);
        } else if (pick < 10) {
            return new Step.Move(1);
        } else if (pick < 12) {
            return new Step.Move(-1);
        } else if (pick < 19) {
            return new Step.Save(key, faulty);
        } else if (pick < 22) {
            return new Step.Delete(key, faulty);
        } else if (pick < 25) {
            return new Step.Read(key);
        } else if (pick < 28) {
            return new Step.Backfill();
        } else if (pick < 31) {
            return new Step.Verify();
        } else if (pick < 33) {
            return new Step.Force(random.nextBoolean() ? Side.OLD : Side.NEW);
        } else if (pick < 36) {
            return new Step.Repair();
        } else if (pick < 39) {
            int call = random.nextInt(3);
            return new Step.Hold(key, call == 0 ? Step.Call.SAVE : call == 1 ? Step.Call.DELETE : Step.Call.READ,
                    random.nextInt(3) == 0 ? Step.HoldPoint.BEFORE_PRIMARY : Step.HoldPoint.BEFORE_SECONDARY);
        } else if (pick < 41) {
            return new Step.Release();
        } else if (pick < 44) {
            return new Step.OfferReadThrough();
        } else {
            return new Step.Restart(random.nextBoolean());
        }
    }

    /** The furthest stage a sequence reached, so that the log shows the rules were got past, not only hit. */
    private static Stage furthest(List<String> trace) {
        Stage furthest = Stage.OLD_ONLY;
        for (String line : trace) {
            for (Stage stage : Stage.values()) {
                if (line.endsWith("-> " + stage.name()) && stage.ordinal() > furthest.ordinal()) {
                    furthest = stage;
                }
            }
        }
        return furthest;
    }
}
