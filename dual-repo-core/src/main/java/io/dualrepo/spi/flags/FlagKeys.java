package io.dualrepo.spi.flags;

import java.util.Objects;

/** The names of the five flags that route one repository, whatever service holds them. */
public record FlagKeys(String readNew, String writeOld, String writeNew, String compare, String stage) {

    public FlagKeys {
        Objects.requireNonNull(readNew, "readNew");
        Objects.requireNonNull(writeOld, "writeOld");
        Objects.requireNonNull(writeNew, "writeNew");
        Objects.requireNonNull(compare, "compare");
        Objects.requireNonNull(stage, "stage");
    }

    /** {@code prefix + repository + ".read-new"} and so on: the one naming scheme of every flag source. */
    public static FlagKeys of(String prefix, String repository) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(repository, "repository");
        String base = prefix + repository + ".";
        return new FlagKeys(base + "read-new", base + "write-old", base + "write-new", base + "compare",
                base + "stage");
    }
}
