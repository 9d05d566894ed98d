/** Implementation of the OpenFeature module; not an API. */
@NullMarked
package io.dualrepo.openfeature.internal;

import org.jspecify.annotations.NullMarked;
