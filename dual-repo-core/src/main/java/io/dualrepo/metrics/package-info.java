/** Parameters and return values are non-null unless documented otherwise. */
package io.dualrepo.metrics;
