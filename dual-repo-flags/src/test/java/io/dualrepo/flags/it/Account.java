package io.dualrepo.flags.it;

record Account(String id, String owner) {}
