package io.polystore.demo.web;

import io.polystore.demo.model.Note;
import io.polystore.demo.model.User;

/**
 * A note in a list, with its author.
 *
 * @param note   the note
 * @param author its author (a placeholder when the account is gone)
 */
public record Card(Note note, User author) {
    /** @return the first paragraph, cut at 240 characters */
    public String excerpt() {
        String first = note.body().isEmpty() ? "" : note.paragraphs().get(0);
        return first.codePointCount(0, first.length()) <= 240 ? first : first.substring(0, first.offsetByCodePoints(0, 237)) + "…";
    }
}
