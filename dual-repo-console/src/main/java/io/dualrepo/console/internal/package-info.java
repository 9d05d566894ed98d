/** The console's machinery: request checks, routing, the state document, JSON, the socket server's connections. */
@NullMarked
package io.dualrepo.console.internal;

import org.jspecify.annotations.NullMarked;
