package io.dualrepo.benchmarks.backfill;

import java.util.Locale;

/** How {@link StatusTableIncidents#insertAbsent} writes a batch; the benchmark's {@code writer} parameter. */
public enum Writer {

    /**
     * One statement per batch, {@code insert ... select * from unnest(?, ?, ?, ?)}, the batch's columns bound as
     * four arrays. A key a dual write inserted since the batch read the new model fails the statement with a unique
     * violation, and the backfill retries the batch.
     */
    UNNEST,

    /**
     * As {@link #UNNEST}, with {@code on conflict (id) do nothing}: a key a dual write inserted meanwhile is skipped,
     * not an error, at the price of PostgreSQL's speculative insertion for every row.
     */
    UNNEST_ON_CONFLICT,

    /**
     * PostgreSQL's {@code COPY incidents_v2 FROM STDIN} with the batch in text format, through pgjdbc's {@code
     * CopyManager} on the session's connection: the bulk-load path, no statement per row. Conflicts as for {@link
     * #UNNEST} ({@code COPY} has no {@code on conflict}).
     */
    COPY,

    /**
     * A JDBC batch of {@code insert ... values (?, ?, ?, ?)}, one row each; with {@code reWriteBatchedInserts=true}
     * on the URL the driver sends them as multi-row inserts. A key a dual write inserted meanwhile fails the batch
     * with a unique violation, and the backfill retries it.
     */
    JDBC_BATCH,

    /**
     * Hibernate: {@code StatelessSession.insertMultiple} of {@link IncidentV2Row} entities on the session's
     * connection, JDBC batches of the backfill's batch size. Conflicts as for {@link #JDBC_BATCH}.
     */
    STATELESS;

    /** The writer a parameter names: its name in lower case, with '-' for '_' ({@code unnest-on-conflict}). */
    public static Writer named(String name) {
        for (Writer writer : values()) {
            if (writer.parameter().equals(name)) {
                return writer;
            }
        }
        throw new IllegalArgumentException("writer '" + name + "' is not known: use unnest, unnest-on-conflict,"
                + " copy, jdbc-batch or stateless");
    }

    public String parameter() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
