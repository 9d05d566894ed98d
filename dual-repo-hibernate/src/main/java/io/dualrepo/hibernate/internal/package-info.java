/**
 * Implementation of the Hibernate module; not an API. Parameters and return values are non-null unless documented
 * otherwise.
 */
package io.dualrepo.hibernate.internal;
