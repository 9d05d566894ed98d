package io.dualrepo.console;

/**
 * A request the client got wrong, or an action that cannot be taken now: answered with its status and message as
 * {@code {"error": message}}, and not logged as a failure. Thrown by {@link ConsoleAction}s; the message is shown to
 * the operator, so it must say what to do and never hold a value from the data.
 */
public class ConsoleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ConsoleException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a console error's status is 4xx or 5xx, was " + status);
        }
        this.status = status;
    }

    /** 400: the request itself is wrong. */
    public static ConsoleException badRequest(String message) {
        return new ConsoleException(400, message);
    }

    /** 409: the request is fine but cannot be taken in the state things are in. */
    public static ConsoleException conflict(String message) {
        return new ConsoleException(409, message);
    }

    public int status() {
        return status;
    }
}
