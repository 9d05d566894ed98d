/**
 * What dual-repo's own integration modules (Hibernate, flags, OpenFeature, the console) share with core: public on
 * purpose, so that no module reaches into another's {@code internal} package. Not meant for application code;
 * compatible within a minor version, like {@link io.dualrepo.generated}.
 *
 * <ul>
 *   <li>{@link io.dualrepo.spi.WithheldMessage}: a database exception as logs and reports may show it, without the
 *       message that can quote sensitive values; every module that logs a model's failure uses it.</li>
 *   <li>{@link io.dualrepo.spi.StructuralDiff} and {@link io.dualrepo.spi.CompareOptions}: the comparison shadow
 *       reads make, for the backfill check, the verifier and repair, so that all agree on what "equal" means.</li>
 *   <li>{@link io.dualrepo.spi.flags}: turning feature flags into routes, shared by the flag-service route
 *       sources.</li>
 * </ul>
 */
@NullMarked
package io.dualrepo.spi;

import org.jspecify.annotations.NullMarked;
