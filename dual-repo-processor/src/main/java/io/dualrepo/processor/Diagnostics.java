package io.dualrepo.processor;

import javax.annotation.processing.Messager;
import javax.tools.Diagnostic;

/** The messages reported for one annotated type, remembering whether any was an error. */
final class Diagnostics {

    private final Messager messager;
    private int errors;

    Diagnostics(Messager messager) {
        this.messager = messager;
    }

    void report(Message message, Position position, Object... arguments) {
        String text = message.format(arguments);
        if (message.kind() == Diagnostic.Kind.ERROR) {
            errors++;
        }
        if (position.value() != null) {
            messager.printMessage(message.kind(), text, position.element(), position.annotation(), position.value());
        } else if (position.annotation() != null) {
            messager.printMessage(message.kind(), text, position.element(), position.annotation());
        } else {
            messager.printMessage(message.kind(), text, position.element());
        }
    }

    boolean hasErrors() {
        return errors > 0;
    }
}
