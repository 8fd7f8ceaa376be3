package io.polystore.demo.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A note: one nested document (checklist and comments inside). Kept in the document store.
 *
 * @param id        generated
 * @param authorId  the author's {@link User} id
 * @param title     the title
 * @param body      plain text; paragraphs separated by blank lines
 * @param tags      lower-case tags
 * @param checklist items to tick
 * @param comments  comments, oldest first
 * @param shared    whether everyone may read it (otherwise only its author)
 * @param createdAt when it was written
 * @param updatedAt when it last changed
 * @param version   optimistic lock
 */
public record Note(@Id String id, @Indexed String authorId, String title, String body, List<String> tags,
                   List<Item> checklist, List<Comment> comments, @Indexed boolean shared, @Indexed Instant createdAt,
                   Instant updatedAt, @Version long version) {

    public Note {
        tags = tags == null ? List.of() : List.copyOf(tags);
        checklist = checklist == null ? List.of() : List.copyOf(checklist);
        comments = comments == null ? List.of() : List.copyOf(comments);
    }

    /**
     * A checklist item.
     *
     * @param text the item
     * @param done whether it is ticked
     */
    public record Item(String text, boolean done) {
    }

    /**
     * A comment.
     *
     * @param authorId who wrote it
     * @param text     what they wrote
     * @param at       when
     */
    public record Comment(String authorId, String text, Instant at) {
    }

    /**
     * @param comment a new comment
     * @return a copy with it appended
     */
    public Note withComment(Comment comment) {
        List<Comment> more = new ArrayList<>(comments);
        more.add(comment);
        return new Note(id, authorId, title, body, tags, checklist, more, shared, createdAt, updatedAt, version);
    }

    /** @return the body's paragraphs */
    public List<String> paragraphs() {
        return List.of(body.strip().split("\\R\\s*\\R"));
    }
}
