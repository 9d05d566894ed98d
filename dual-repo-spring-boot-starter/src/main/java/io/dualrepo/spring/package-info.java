/**
 * Spring Boot integration: {@link io.dualrepo.spring.DualRepoAutoConfiguration} builds one {@link
 * io.dualrepo.DualRepo} from {@code dualrepo.*} properties ({@link io.dualrepo.spring.DualRepoProperties}) and
 * registers every {@code @DualModel} decorator as the primary bean of its interface, over the beans marked {@link
 * io.dualrepo.spring.OldModel} and {@link io.dualrepo.spring.NewModel}.
 */
@NullMarked
package io.dualrepo.spring;

import org.jspecify.annotations.NullMarked;
