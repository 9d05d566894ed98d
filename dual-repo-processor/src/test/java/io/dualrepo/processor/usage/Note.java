package io.dualrepo.processor.usage;

public record Note(String id, String author, String text) {}
