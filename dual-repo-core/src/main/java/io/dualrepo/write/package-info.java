/** Dual writes: the scope that carries one, and what happens when the secondary write fails. */
@NullMarked
package io.dualrepo.write;

import org.jspecify.annotations.NullMarked;
