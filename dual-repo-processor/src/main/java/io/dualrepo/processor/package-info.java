/**
 * The annotation processor generating {@code @DualModel} decorators. Only {@link
 * io.dualrepo.processor.DualModelProcessor} is public; the rest may change in any release.
 */
@NullMarked
package io.dualrepo.processor;

import org.jspecify.annotations.NullMarked;
