package io.dualrepo.flags.internal;

import java.util.List;

/**
 * What the flag service says of one flag, read from its feature payload: whether it exists, and for how many
 * keys it is on.
 *
 * @param percent from 0 (off) to 100 (on for every key)
 * @param variants the names of its variants, for a stage flag
 */
public record FlagState(boolean exists, double percent, List<String> variants) {

    public static final FlagState MISSING = new FlagState(false, 0, List.of());

    public boolean isOn() {
        return exists && percent > 0;
    }
}
