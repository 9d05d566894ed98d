/** The console's machinery: request checks, routing, the state document, JSON, the socket server's connections. */
package io.dualrepo.console.internal;
