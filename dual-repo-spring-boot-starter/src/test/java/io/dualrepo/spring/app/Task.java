package io.dualrepo.spring.app;

public record Task(String id, String title) {}
