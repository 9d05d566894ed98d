package io.dualrepo.internal.compare;

import io.dualrepo.spi.CompareOptions;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Renders a compared value for a log line or a listener: short, single-line, with sensitive fields masked.
 *
 * <p>Strings are quoted, and control characters, line and paragraph separators and bidirectional overrides
 * are escaped ({@code \n}, {@code \u001b}), so that a stored value cannot forge or reorder a log line. Records
 * and beans render as {@code Incident{id="1", status=OPEN, email=***}} from their fields, never through their
 * own toString(), which may print what {@link io.dualrepo.Sensitive} hides. Collections and maps show their
 * first {@value #MAX_ELEMENTS} elements, nesting stops after {@value #MAX_DEPTH} levels, a value containing
 * itself shows {@code <cycle>}, and the whole is cut to {@link CompareOptions#maxRenderedLength()} characters
 * ending in {@code …}. The work done is bounded by that length too, whatever the size of the value.
 *
 * <p>Thread-safe.
 */
public final class ValueRenderer {

    /** What a sensitive value renders as. */
    public static final String MASK = "***";

    /** The missing side of an element or map entry present on one side only. */
    public static final String ABSENT = "<absent>";

    private static final int MAX_DEPTH = 3;
    private static final int MAX_ELEMENTS = 10;

    private final int maxLength;
    private final Set<String> sensitiveNames;

    public ValueRenderer(CompareOptions options) {
        this.maxLength = options.maxRenderedLength();
        this.sensitiveNames = options.sensitiveFieldNames();
    }

    public String render(@Nullable Object value) {
        Out out = new Out(maxLength);
        write(value, 0, out);
        return out.finish();
    }

    private void write(@Nullable Object value, int depth, Out out) {
        // Optional is transparent, as in the comparison: a present value renders as its content.
        while (value instanceof Optional<?> optional) {
            if (optional.isEmpty()) {
                out.append("Optional.empty");
                return;
            }
            value = optional.get();
        }
        if (out.full()) {
            return;
        }
        if (value == null) {
            out.append("null");
            return;
        }
        TypeInfo type = TypeInfo.of(value.getClass());
        switch (type.kind) {
            case LEAF, BIG_DECIMAL, URL -> leaf(value, out);
            case ENUM -> out.append(((Enum<?>) value).name());
            // Its fields cannot be read and its toString() is not to be trusted: the class is all there is.
            case OPAQUE -> out.escaped(type.displayName, '"').append("{…}");
            default -> container(value, type, depth, out);
        }
    }

    private void container(Object value, TypeInfo type, int depth, Out out) {
        for (int i = 0; i < depth; i++) {
            if (out.ancestors[i] == value) {
                out.append("<cycle>");
                return;
            }
        }
        if (depth >= MAX_DEPTH) {
            out.append("…");
            return;
        }
        out.ancestors[depth] = value;
        switch (type.kind) {
            case RECORD, BEAN -> properties(value, type, depth, out);
            case COLLECTION, SET -> {
                Collection<?> collection = (Collection<?>) value;
                out.append('[');
                elements(collection.iterator(), collection.size(), depth, out);
                out.append(']');
            }
            case OBJECT_ARRAY, PRIMITIVE_ARRAY -> {
                out.append('[');
                arrayElements(value, depth, out);
                out.append(']');
            }
            case MAP -> map((Map<?, ?>) value, depth, out);
            default -> throw new IllegalStateException("not a container: " + type.kind);
        }
        out.ancestors[depth] = null;
    }

    private void properties(Object value, TypeInfo type, int depth, Out out) {
        out.escaped(type.displayName, '"').append('{');
        Property[] properties = type.properties;
        for (int i = 0; i < properties.length && !out.full(); i++) {
            Property property = properties[i];
            if (i > 0) {
                out.append(", ");
            }
            out.escaped(property.name, '"').append('=');
            if (property.sensitive || sensitiveNames.contains(property.name)) {
                out.append(MASK);
                continue;
            }
            Object field;
            try {
                field = property.read(value);
            } catch (RuntimeException e) {
                out.append("<threw ").append(e.getClass().getSimpleName()).append('>');
                continue;
            }
            write(field, depth + 1, out);
        }
        out.append('}');
    }

    private void elements(Iterator<?> iterator, int size, int depth, Out out) {
        int shown = 0;
        while (shown < MAX_ELEMENTS && iterator.hasNext() && !out.full()) {
            if (shown > 0) {
                out.append(", ");
            }
            write(iterator.next(), depth + 1, out);
            shown++;
        }
        more(size - shown, shown, out);
    }

    private void arrayElements(Object array, int depth, Out out) {
        int length = Array.getLength(array);
        int shown = 0;
        while (shown < MAX_ELEMENTS && shown < length && !out.full()) {
            if (shown > 0) {
                out.append(", ");
            }
            write(Array.get(array, shown), depth + 1, out);
            shown++;
        }
        more(length - shown, shown, out);
    }

    private void map(Map<?, ?> map, int depth, Out out) {
        out.append('{');
        int shown = 0;
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (shown < MAX_ELEMENTS && entries.hasNext() && !out.full()) {
            Map.Entry<?, ?> entry = entries.next();
            if (shown > 0) {
                out.append(", ");
            }
            write(entry.getKey(), depth + 1, out);
            out.append('=');
            write(entry.getValue(), depth + 1, out);
            shown++;
        }
        more(map.size() - shown, shown, out);
        out.append('}');
    }

    private static void more(int hidden, int shown, Out out) {
        if (hidden > 0) {
            out.append(shown > 0 ? ", …(+" : "…(+").append(Integer.toString(hidden)).append(")");
        }
    }

    private static void leaf(Object value, Out out) {
        if (value instanceof String s) {
            out.append('"').escaped(s, '"').append('"');
        } else if (value instanceof Character c) {
            out.append('\'').escaped(c.toString(), '\'').append('\'');
        } else if (value instanceof Class<?> c) {
            out.escaped(c.getName(), '"');
        } else {
            String text;
            try {
                text = String.valueOf(value);
            } catch (RuntimeException e) {
                out.append("<toString() threw ").append(e.getClass().getSimpleName()).append('>');
                return;
            }
            out.escaped(text, '"');
        }
    }

    /** A builder that stops taking input once past the limit, so a huge value costs no more than a small one. */
    private static final class Out {
        private static final char[] HEX = "0123456789abcdef".toCharArray();

        private final StringBuilder text = new StringBuilder();
        private final int max;

        // The containers being rendered, outermost first: enough to spot a cycle, as nesting stops at MAX_DEPTH.
        final @Nullable Object[] ancestors = new Object[MAX_DEPTH];

        Out(int max) {
            this.max = max;
        }

        boolean full() {
            return text.length() > max;
        }

        Out append(String s) {
            if (!full()) {
                text.append(s);
            }
            return this;
        }

        Out append(char c) {
            if (!full()) {
                text.append(c);
            }
            return this;
        }

        Out escaped(String s, char quote) {
            for (int i = 0; i < s.length() && !full(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    case '\t' -> text.append("\\t");
                    case '\\' -> text.append("\\\\");
                    default -> {
                        if (c == quote) {
                            text.append('\\').append(c);
                        } else if (isUnsafe(c)) {
                            text.append("\\u")
                                    .append(HEX[(c >> 12) & 0xf])
                                    .append(HEX[(c >> 8) & 0xf])
                                    .append(HEX[(c >> 4) & 0xf])
                                    .append(HEX[c & 0xf]);
                        } else {
                            text.append(c);
                        }
                    }
                }
            }
            return this;
        }

        // Control characters end or rewrite a log line (ANSI escapes, carriage returns); the Unicode line
        // separators do the same in many viewers; bidirectional controls make a line read differently from
        // what it contains.
        private static boolean isUnsafe(char c) {
            return c < 0x20
                    || (c >= 0x7f && c <= 0x9f)
                    || c == '\u061c'
                    || c == '\u200e'
                    || c == '\u200f'
                    || (c >= '\u2028' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069')
                    || c == '\ufeff';
        }

        String finish() {
            if (text.length() <= max) {
                return text.toString();
            }
            int cut = max - 1;
            // Never leave half of a surrogate pair before the ellipsis.
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
            return text.substring(0, cut) + "…";
        }
    }
}
