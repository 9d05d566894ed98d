/**
 * The operator console: {@link io.dualrepo.console.OperatorConsole} (the page and its JSON API, mounted on a JDK
 * {@code HttpServer}) and {@link io.dualrepo.console.ConsoleServer} (a small server of its own). Everything under
 * {@code internal} may change in any release.
 */
@NullMarked
package io.dualrepo.console;

import org.jspecify.annotations.NullMarked;
