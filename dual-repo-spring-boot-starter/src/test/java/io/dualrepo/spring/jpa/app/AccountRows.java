package io.dualrepo.spring.jpa.app;

import org.springframework.data.jpa.repository.JpaRepository;

/** The new model's Spring Data repository: transactional on its own, as Spring Data's are. */
interface AccountRows extends JpaRepository<AccountRow, String> {}
