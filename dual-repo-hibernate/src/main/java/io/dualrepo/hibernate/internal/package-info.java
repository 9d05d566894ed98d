/**
 * Implementation of the Hibernate module; not an API.
 */
@NullMarked
package io.dualrepo.hibernate.internal;

import org.jspecify.annotations.NullMarked;
