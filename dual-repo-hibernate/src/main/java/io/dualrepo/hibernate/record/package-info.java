/**
 * The migration record kept in a database next to the data, shared by every instance of a fleet.
 */
@NullMarked
package io.dualrepo.hibernate.record;

import org.jspecify.annotations.NullMarked;
