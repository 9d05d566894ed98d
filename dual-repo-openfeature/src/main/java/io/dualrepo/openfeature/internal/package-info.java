/** Implementation of the OpenFeature module; not an API. Parameters and return values are non-null unless documented otherwise. */
package io.dualrepo.openfeature.internal;
