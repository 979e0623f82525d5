package io.kiln.backend.common;

import java.util.List;
import java.util.Map;

/** The JSON body of every error reply: a sentence for people and, for forms, the fields at fault. */
public record ErrorBody(int status, String error, List<Map<String, String>> fields) {}
