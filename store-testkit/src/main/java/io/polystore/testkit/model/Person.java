package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The main entity of the conformance suite: indexed scalars, a nested record, a list, a map,
 * dates, a decimal, a nullable number and a large text.
 *
 * @param id         text id, generated when null
 * @param name       indexed text
 * @param age        indexed int
 * @param email      indexed, nullable text
 * @param status     indexed enum
 * @param address    nested record, nullable
 * @param tags       indexed list, nullable
 * @param attributes map, nullable
 * @param birthday   indexed date, nullable
 * @param createdAt  instant
 * @param balance    indexed decimal, nullable
 * @param score      nullable number, not indexed
 * @param bio        large text, not indexed
 */
public record Person(@Id String id,
                     @Indexed String name,
                     @Indexed int age,
                     @Indexed String email,
                     @Indexed Status status,
                     Address address,
                     @Indexed List<String> tags,
                     Map<String, String> attributes,
                     @Indexed LocalDate birthday,
                     Instant createdAt,
                     @Indexed BigDecimal balance,
                     Long score,
                     String bio) {

    /**
     * @param newId an id
     * @return a copy with that id
     */
    public Person withId(String newId) {
        return new Person(newId, name, age, email, status, address, tags, attributes, birthday, createdAt, balance, score, bio);
    }

    /**
     * @param newName a name
     * @return a copy with that name
     */
    public Person withName(String newName) {
        return new Person(id, newName, age, email, status, address, tags, attributes, birthday, createdAt, balance, score, bio);
    }

    /**
     * @param newAge an age
     * @return a copy with that age
     */
    public Person withAge(int newAge) {
        return new Person(id, name, newAge, email, status, address, tags, attributes, birthday, createdAt, balance, score, bio);
    }

    /**
     * @param newBio a bio
     * @return a copy with that bio
     */
    public Person withBio(String newBio) {
        return new Person(id, name, age, email, status, address, tags, attributes, birthday, createdAt, balance, score, newBio);
    }

    /**
     * @param id   an id
     * @param name a name
     * @param age  an age
     * @return a person with only id, name, age, status ACTIVE and createdAt set
     */
    public static Person simple(String id, String name, int age) {
        return new Person(id, name, age, null, Status.ACTIVE, null, null, null, null,
                Instant.parse("2024-01-01T00:00:00Z"), null, null, null);
    }
}
