package io.kiln.core.preset;

/**
 * A change Kiln made to a preset for a particular dataset and batch size, with its reason.
 *
 * @param field the recipe field changed
 * @param trickId the documented trick that asks for it
 * @param why one plain sentence
 */
public record Adjustment(String field, Object from, Object to, String trickId, String why) {}
