/**
 * The contract generated decorators call: called by generated decorators; compatible within a minor version; not
 * for application code.
 *
 * <p>A decorator compiled against one release runs against any later release of the same minor version, so what
 * is here changes only with the minor version, unlike {@code io.dualrepo.internal}, which may change in any release.
 * That is the reason these types are public; applications build decorators through the generated constructors and
 * never call these directly. The classes are thin: the work is done in {@code io.dualrepo.internal}.
 */
@NullMarked
package io.dualrepo.generated;

import org.jspecify.annotations.NullMarked;
