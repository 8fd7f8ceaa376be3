package io.polystore.demo.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

import java.time.Instant;

/**
 * An account. Kept in the relational store ({@code polystore.yaml} routes it).
 *
 * @param id           generated
 * @param handle       the unique public name, lower case ({@code /u/ada})
 * @param displayName  shown on pages
 * @param passwordHash a bcrypt hash with its own salt; null for accounts that sign in only with OpenID Connect
 *                     (and for the seeded accounts)
 * @param oidcSubject  {@code issuer + " " + subject} of the linked OpenID Connect identity, or null
 * @param email        the address, lower case, or null
 * @param createdAt    when the account was made
 * @param version      optimistic lock
 */
public record User(@Id String id, @Indexed String handle, String displayName, String passwordHash,
                   @Indexed String oidcSubject, @Indexed String email, @Indexed Instant createdAt, @Version long version) {

    /**
     * @param handle  the new handle
     * @param display the new display name
     * @return a copy with another handle and display name
     */
    public User named(String handle, String display) {
        return new User(id, handle, display, passwordHash, oidcSubject, email, createdAt, version);
    }

    /**
     * @param subject the OpenID Connect identity
     * @return a copy linked to it
     */
    public User linkedTo(String subject) {
        return new User(id, handle, displayName, passwordHash, subject, email, createdAt, version);
    }
}
