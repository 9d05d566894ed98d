package io.dualrepo.sample;

/** Set-up the user can fix (a database left by an earlier run, say): reported as a message, not a stack trace. */
public final class CannotStartException extends RuntimeException {

    public CannotStartException(String message) {
        super(message);
    }
}
