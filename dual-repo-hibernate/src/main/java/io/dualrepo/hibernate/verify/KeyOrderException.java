package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;

/**
 * A model's {@code page} returned keys out of ascending order. The verifier merges the two models by key, which
 * is only right when both sort as Java does; a database collation that sorts text otherwise (case-insensitive,
 * locale-aware) would make it report keys as missing that are not, so it stops instead.
 */
public final class KeyOrderException extends IllegalStateException {

    private final Side side;

    KeyOrderException(String repository, Side side, Object previous, Object offending) {
        super(repository + ": the " + side + " model's page returned key " + quote(offending) + " after "
                + quote(previous) + ", but keys must come strictly ascending in the key type's natural (Java) order."
                + " A database collation that sorts differently (case-insensitive or locale-aware) would make the"
                + " merge report false differences: order by the key in a binary collation (on PostgreSQL:"
                + " order by key collate \"C\", and compare with \"C\" in the keyset condition too).");
        this.side = side;
    }

    /** The model whose page was out of order. */
    public Side side() {
        return side;
    }

    private static String quote(Object key) {
        String text = String.valueOf(key);
        return "'" + (text.length() > 100 ? text.substring(0, 99) + "…" : text) + "'";
    }
}
