package io.dualrepo.hibernate.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a verification's workers: the first in the calling thread, so that interrupting it stops the run, the others
 * in threads of their own. A worker that stops early (interrupted, or failed) stops the others after their segment.
 */
final class Workers {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private Workers() {}

    static <K extends Comparable<? super K>, V> void run(Verifier<K, V> verifier, VerifierRun<K, V> run) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> others = new ArrayList<>();
        for (int i = 1; i < verifier.threads; i++) {
            SegmentWorker<K, V> worker = new SegmentWorker<>(verifier, run, verifier.owner(i));
            Thread thread = new Thread(() -> work(worker, run, failure), "dualrepo-verify-" + run.job + "-" + i);
            thread.setDaemon(true);
            others.add(thread);
            thread.start();
        }
        work(new SegmentWorker<>(verifier, run, verifier.owner(0)), run, failure);
        boolean interrupted = Thread.interrupted();
        for (Thread thread : others) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    run.stop();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
    }

    private static void work(SegmentWorker<?, ?> worker, VerifierRun<?, ?> run, AtomicReference<Throwable> failure) {
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            if (!failure.compareAndSet(null, e)) {
                LOG.warn("verify {}: another worker failed as well", run.job, e);
            }
        } finally {
            if (Thread.currentThread().isInterrupted() || failure.get() != null) {
                run.stop();
            }
        }
    }
}
