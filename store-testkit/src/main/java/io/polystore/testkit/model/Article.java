package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

import java.util.List;

/**
 * A document-shaped entity: a nested author and a list of nested comments.
 *
 * @param id       text id
 * @param title    indexed text
 * @param author   nested record
 * @param comments list of nested records
 */
public record Article(@Id String id, @Indexed String title, Author author, List<Comment> comments) {
    /**
     * @param name  name
     * @param email email
     */
    public record Author(String name, String email) {
    }

    /**
     * @param author who wrote it
     * @param text   what they wrote
     * @param likes  how many liked it
     */
    public record Comment(String author, String text, int likes) {
    }
}
