package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A plain (non-record) entity with private fields, a private constructor and no setters. */
public final class Plain {
    @Id
    private String id;
    @Indexed
    private String title;
    private List<Integer> numbers = new ArrayList<>();
    private transient String notStored;

    private Plain() {
    }

    /**
     * @param id      id
     * @param title   title
     * @param numbers numbers
     */
    public Plain(String id, String title, List<Integer> numbers) {
        this.id = id;
        this.title = title;
        this.numbers = numbers;
        this.notStored = "transient";
    }

    /** @return id */
    public String id() {
        return id;
    }

    /** @return title */
    public String title() {
        return title;
    }

    /** @return numbers */
    public List<Integer> numbers() {
        return numbers;
    }

    /** @return a transient field, null after a round trip */
    public String notStored() {
        return notStored;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Plain p && Objects.equals(id, p.id) && Objects.equals(title, p.title)
                && Objects.equals(numbers, p.numbers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, title, numbers);
    }

    @Override
    public String toString() {
        return "Plain[" + id + ", " + title + ", " + numbers + "]";
    }
}
