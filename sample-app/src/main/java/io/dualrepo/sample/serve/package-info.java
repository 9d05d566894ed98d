/**
 * The sample's serve mode: the incidents API and the operator page with its actions, on the JDK's {@code
 * HttpServer}. Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.sample.serve;

import org.jspecify.annotations.NullMarked;
