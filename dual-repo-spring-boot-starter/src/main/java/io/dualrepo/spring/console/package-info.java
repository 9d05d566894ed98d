/**
 * The operator console ({@code dual-repo-console}) on a port of its own, built only when the application has the
 * console on its class path and sets {@code dualrepo.console.enabled=true}: {@link
 * io.dualrepo.spring.console.DualRepoConsoleAutoConfiguration}, its properties ({@link
 * io.dualrepo.spring.console.ConsoleProperties}) and the server started and stopped with the context ({@link
 * io.dualrepo.spring.console.OperatorConsoleServer}). Parameters and return values are non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.spring.console;

import org.jspecify.annotations.NullMarked;
