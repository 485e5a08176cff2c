// Build scaffold until the first panel lands (issue 4).
