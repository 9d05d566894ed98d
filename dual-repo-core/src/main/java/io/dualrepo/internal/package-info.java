/**
 * Implementation: what generated decorators call, and the machinery behind it. Not an API: anything here may
 * change in any release. Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.internal;
