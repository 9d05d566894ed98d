package io.dualrepo.sample.model;

/** Where the new model lives. */
public enum Layout {
    /** A new column ({@code incidents.incident_status_id}) of the old table, and a new table beside it. */
    SAME_TABLE,
    /** Tables of its own in a second database: the cross-database path. */
    SECOND_DATABASE
}
