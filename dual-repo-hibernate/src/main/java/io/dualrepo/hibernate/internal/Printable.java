package io.dualrepo.hibernate.internal;

import org.jspecify.annotations.Nullable;

/** Keys as logs and messages show them: they come from the data, and a line break in one must not forge a line. */
public final class Printable {

    private static final int MAX_LENGTH = 200;

    private Printable() {}

    public static String of(@Nullable Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        int i = 0;
        for (; i < text.length() && out.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < text.length() ? out + "…" : out.toString();
    }
}
