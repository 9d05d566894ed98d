/** Implementation of the flags module; not an API. Parameters and return values are non-null unless documented otherwise. */
package io.dualrepo.flags.internal;
