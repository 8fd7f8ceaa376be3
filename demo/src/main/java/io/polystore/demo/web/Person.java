package io.polystore.demo.web;

import io.polystore.demo.model.Profile;
import io.polystore.demo.model.User;

/**
 * A user with their profile, for lists of people.
 *
 * @param user    the user
 * @param profile the profile, or null
 */
public record Person(User user, Profile profile) {
    /** @return the city, or an empty string */
    public String city() {
        return profile == null || profile.city() == null ? "" : profile.city();
    }
}
