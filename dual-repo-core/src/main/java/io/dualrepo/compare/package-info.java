/** Shadow-read comparison as users see it: results, differences, skip reasons, equivalences and listeners. */
@NullMarked
package io.dualrepo.compare;

import org.jspecify.annotations.NullMarked;
