/**
 * Spring Data repositories as the models of a {@code @DualModel} interface: {@link
 * io.dualrepo.spring.data.SpringDataModel} implements the interface over one Spring Data repository and the mapping
 * between its entity and the interface's type, so that the application writes no adapter class per model.
 */
@NullMarked
package io.dualrepo.spring.data;

import org.jspecify.annotations.NullMarked;
