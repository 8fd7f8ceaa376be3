package io.polystore.demo.web;

import io.polystore.demo.model.Note;

import java.util.stream.Collectors;

/**
 * A note form's fields as typed.
 *
 * @param id        the note's id, or null for a new one
 * @param version   the version the author edits
 * @param title     the title
 * @param body      the text
 * @param checklist one item per line
 * @param tags      tags separated by spaces
 * @param shared    whether everyone may read it
 */
public record NoteForm(String id, long version, String title, String body, String checklist, String tags, boolean shared) {
    /** @return an empty form for a new note */
    public static NoteForm blank() {
        return new NoteForm(null, 0, "", "", "", "", true);
    }

    /**
     * @param note a note
     * @return a form holding it
     */
    public static NoteForm of(Note note) {
        return new NoteForm(note.id(), note.version(), note.title(), note.body(),
                note.checklist().stream().map(i -> (i.done() ? "[x] " : "") + i.text()).collect(Collectors.joining("\n")),
                String.join(" ", note.tags()), note.shared());
    }

    /**
     * @param v another version
     * @return a copy with it
     */
    public NoteForm withVersion(long v) {
        return new NoteForm(id, v, title, body, checklist, tags, shared);
    }
}
