package io.dualrepo.hibernate.verify;

import io.dualrepo.compare.Difference;
import java.util.List;

/** A key that still disagreed when read again. */
record Finding<K>(K key, Kind kind, List<Difference> differences) {

    enum Kind { MISSING_IN_NEW, MISSING_IN_OLD, DIFFERING }
}
