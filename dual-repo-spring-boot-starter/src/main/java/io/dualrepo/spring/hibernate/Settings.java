package io.dualrepo.spring.hibernate;

/** Applies one property to a library builder, so that a value the builder refuses is named by its property. */
final class Settings {

    private Settings() {
    }

    static void apply(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("Invalid " + property + ": " + e.getMessage(), e);
        }
    }
}
