package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.routing.Stage;

/**
 * One step of a generated sequence ({@link StageSequencesTest}). Each prints as what an operator, a caller or the
 * machine did, so that a shrunk failing sequence reads as a script.
 */
sealed interface Step {

    /** Which model's write throws during a save or delete: none, or one of the two. */
    enum Fault { NONE, OLD, NEW }

    /** The flag service offers a stage; the runtime takes it or refuses it (keeping the last valid route). */
    record Offer(Stage stage) implements Step {
        @Override
        public String toString() {
            return "offer " + stage;
        }
    }

    /**
     * The flag service offers read-through (lazy migration: reads from NEW, falling back to OLD where NEW has nothing,
     * copying what OLD answered into NEW; writes to both, NEW first).
     */
    record OfferReadThrough() implements Step {
        @Override
        public String toString() {
            return "offer read-through";
        }
    }

    /**
     * The flag service offers the stage after ({@code by} 1) or before ({@code by} -1) the one in force, so that
     * sequences get through the playbook and back more often than uniform offers would take them.
     */
    record Move(int by) implements Step {
        @Override
        public String toString() {
            return by > 0 ? "offer the next stage" : "offer the previous stage";
        }
    }

    /** An acknowledged-or-not save of a fresh value; {@code fault} names a model whose write throws. */
    record Save(String key, Fault fault) implements Step {
        @Override
        public String toString() {
            return "save " + key + (fault == Fault.NONE ? "" : " (" + fault + " write fails)");
        }
    }

    record Delete(String key, Fault fault) implements Step {
        @Override
        public String toString() {
            return "delete " + key + (fault == Fault.NONE ? "" : " (" + fault + " write fails)");
        }
    }

    /** A caller reads a key through the decorator, migrating it on read under read-through. */
    record Read(String key) implements Step {
        @Override
        public String toString() {
            return "read " + key;
        }
    }

    /** A backfill OLD -> NEW from the first key, reporting to the record. */
    record Backfill() implements Step {
        @Override
        public String toString() {
            return "backfill";
        }
    }

    /** A verification (no repair), reporting to the record. */
    record Verify() implements Step {
        @Override
        public String toString() {
            return "verify";
        }
    }

    /** An operator forces a model complete, on record. */
    record Force(Side side) implements Step {
        @Override
        public String toString() {
            return "force " + side;
        }
    }

    /** One pass of the pending-sync repair. */
    record Repair() implements Step {
        @Override
        public String toString() {
            return "repair";
        }
    }

    /**
     * The process dies and a new one starts over the same databases and record; with the flag service down, its
     * route source has no route at all.
     */
    record Restart(boolean flagsDown) implements Step {
        @Override
        public String toString() {
            return flagsDown ? "restart (flag service down)" : "restart";
        }
    }

    /** Where a second caller's write is held: before its primary's write, or between its two writes. */
    enum HoldPoint { BEFORE_PRIMARY, BEFORE_SECONDARY }

    /** What the second caller does: save a fresh value, delete, or read (held before its read-through copy). */
    enum Call { SAVE, DELETE, READ }

    /**
     * A second caller starts a call of the key on a thread of its own, and stops until a {@link Release} while other
     * steps run (route changes included). A save or a delete stops at {@code point}; a read stops where a
     * read-through read copies what OLD answered into NEW (a read that copies nothing is not held). At most one held
     * call at a time; a second hold while one is held does nothing.
     */
    record Hold(String key, Call call, HoldPoint point) implements Step {
        @Override
        public String toString() {
            return switch (call) {
                case READ -> "a second caller starts read " + key + ", held before its read-through copy into NEW";
                case SAVE, DELETE -> "a second caller starts " + (call == Call.DELETE ? "delete " : "save ") + key
                        + ", held " + (point == HoldPoint.BEFORE_PRIMARY ? "before the primary's write"
                                : "between the primary's and the secondary's write");
            };
        }
    }

    /** The held call goes on, and the step waits (bounded) for it to return. */
    record Release() implements Step {
        @Override
        public String toString() {
            return "the held call goes on";
        }
    }
}
