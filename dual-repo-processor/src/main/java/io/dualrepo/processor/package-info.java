/**
 * The annotation processor generating {@code @DualModel} decorators. Only {@link
 * io.dualrepo.processor.DualModelProcessor} is public; the rest may change in any release.
 */
package io.dualrepo.processor;
