package io.polystore.demo.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

/**
 * The public profile of a {@link User}, one per user (same id). Kept in the relational store.
 *
 * @param userId  the user's id
 * @param bio     a sentence or two
 * @param city    where they are
 * @param website a link, or null
 * @param version optimistic lock
 */
public record Profile(@Id String userId, String bio, @Indexed String city, String website, @Version long version) {
}
