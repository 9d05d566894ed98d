package com.example.incidents;

import java.time.Instant;

public record Incident(String id, String organisationId, String title, String status, Instant updatedAt) {}
