package io.dualrepo.hibernate.backfill;

/**
 * Receives a backfill's progress after each batch and once at the end, on the worker's thread; keep it quick (a
 * console progress bar, a status page). An exception it throws is logged and does not stop the backfill.
 */
@FunctionalInterface
public interface ProgressListener {

    void onProgress(BackfillProgress progress);
}
