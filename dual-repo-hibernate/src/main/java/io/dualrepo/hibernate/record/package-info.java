/**
 * The migration record kept in a database next to the data, shared by every instance of a fleet. Parameters and
 * return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate.record;
