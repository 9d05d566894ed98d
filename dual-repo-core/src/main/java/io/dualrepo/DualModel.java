package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a repository interface whose implementations exist twice, once over the old data model and once over
 * the new one. The {@code dual-repo-processor} generates {@code Dual<InterfaceName>} in the same package: an
 * implementation of the interface that wraps both models and routes each call by the current {@link
 * io.dualrepo.routing.Route}.
 *
 * <p>Every abstract method must be a read or a write, either by its name (see {@link Read} and {@link Write}
 * for the prefixes) or by an explicit {@code @Read} / {@code @Write}. A method that fits neither is a compile
 * error: the processor never guesses.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DualModel {

    /**
     * The migration's name, such as {@code "incidents"}: it names the route (and its flags), and tags every
     * metric and log line. Lower case letters, digits, {@code -} and {@code _}; starts with a letter.
     */
    String value();
}
