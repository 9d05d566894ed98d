package io.dualrepo.hibernate;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * How keys are written in the tables dual-repo keeps for itself (backfill checkpoints, pending dual writes), which
 * hold them as text.
 */
public final class KeyType<K extends Comparable<? super K>> {

    public static final KeyType<String> STRING = new KeyType<>("string", Function.identity(), Function.identity());
    public static final KeyType<Long> LONG = new KeyType<>("long", String::valueOf, Long::valueOf);
    public static final KeyType<UUID> UUID_KEY = new KeyType<>("uuid", UUID::toString, UUID::fromString);

    private final String name;
    private final Function<K, String> encoder;
    private final Function<String, K> decoder;

    private KeyType(String name, Function<K, String> encoder, Function<String, K> decoder) {
        this.name = name;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** A key type of your own; {@code decode(encode(k))} must equal {@code k}. */
    public static <K extends Comparable<? super K>> KeyType<K> of(
            String name, Function<K, String> encode, Function<String, K> decode) {
        return new KeyType<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(encode, "encode"),
                Objects.requireNonNull(decode, "decode"));
    }

    public String encode(K key) {
        return encoder.apply(key);
    }

    public K decode(String text) {
        return decoder.apply(text);
    }

    @Override
    public String toString() {
        return name;
    }
}
